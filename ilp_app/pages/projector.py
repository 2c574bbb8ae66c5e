"""Projector view of a group: readable from the back of a classroom, fit for the whole class to see.

Only first names (or initials), progress and task counts: no notes, ratings, statuses or needs.
"""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import document_language, t
from ilp_app.components.live import freshness, heartbeat
from ilp_app.state.group import ProjectorPageState

ROUTE = routes.PROJECTOR
TITLE = "Projector · ILP"
ON_LOAD = ProjectorPageState.open_projector
LONG_NAME = 11  # characters


def tile(tile_: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.cond(ProjectorPageState.initials_only == "1", tile_.initials, tile_.first_name),
            # A long first name gets a smaller size, so two lines hold it whole.
            class_name=rx.cond(
                (ProjectorPageState.initials_only != "1") & (tile_.first_name.length() > LONG_NAME),
                "tile-name tile-name-long",
                "tile-name",
            ),
        ),
        rx.box(
            rx.box(class_name="tile-bar-fill", width=tile_.percent.to_string() + "%"),
            class_name="tile-bar",
            role="progressbar",
            aria_valuenow=tile_.percent,
            aria_valuemin=0,
            aria_valuemax=100,
            aria_label=rx.cond(
                ProjectorPageState.initials_only == "1", tile_.initials, tile_.first_name
            )
            + " progress",
        ),
        rx.cond(
            tile_.has_plan,
            rx.hstack(
                rx.text(tile_.completed, class_name="count count-done", title=t("completed")),
                rx.text(tile_.ongoing, class_name="count count-ongoing", title=t("ongoing")),
                rx.text(tile_.not_started, class_name="count count-todo", title=t("not started")),
                rx.spacer(),
                rx.text(tile_.percent, "%", class_name="tile-percent"),
                align="center",
                spacing="1",
                width="100%",
                class_name="tile-counts",
            ),
            rx.text(t("No plan yet"), class_name="tile-none"),
        ),
        class_name="tile",
        role="listitem",
    )


def key_chip(css: str, label: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(class_name=f"count key-chip {css}"),
        rx.text(label, class_name="key-label"),
        align="center",
        spacing="2",
    )


def page() -> rx.Component:
    return rx.el.main(
        document_language(ProjectorPageState.group_name),
        rx.hstack(
            rx.heading(ProjectorPageState.group_name, as_="h1", class_name="projector-title"),
            key_chip("count-done", t("completed")),
            key_chip("count-ongoing", t("ongoing")),
            key_chip("count-todo", t("not started")),
            rx.spacer(),
            freshness(ProjectorPageState.last_updated, size="4"),
            heartbeat(ProjectorPageState.heartbeat),
            rx.button(
                rx.cond(
                    ProjectorPageState.initials_only == "1",
                    t("Show first names"),
                    t("Show initials"),
                ),
                on_click=ProjectorPageState.toggle_initials,
                variant="soft",
                size="4",
            ),
            rx.color_mode.button(size="4", aria_label=t("Switch light or dark")),
            rx.link(
                t("Exit"),
                href=routes.group_url(ProjectorPageState.board_group_id),
                size="6",
                weight="bold",
            ),
            align="center",
            spacing="5",
            width="100%",
            class_name="projector-bar",
        ),
        rx.cond(
            ProjectorPageState.loaded,
            rx.box(
                rx.foreach(ProjectorPageState.tiles, tile),
                class_name="projector-grid",
                role="list",
                aria_label=t("Progress of the class"),
                on_unmount=ProjectorPageState.leave_projector,
            ),
        ),
        class_name="projector",
    )
