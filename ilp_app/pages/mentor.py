"""Mentor home: my learners (from mentor assignments) and my tutor groups."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import t, tf
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.people import group_overview_links, learner_list
from ilp_app.components.reviews import review_dashboard_section
from ilp_app.components.staff_plans import staff_sections
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.homes import MentorHomeState
from ilp_app.state.reviews import ReviewState
from ilp_app.state.staff_plans import StaffPlansState

ROUTE = routes.MENTOR
TITLE = "My learners · ILP"
ON_LOAD = [MentorHomeState.load, ReviewState.load_dashboard, StaffPlansState.load]


def create_plan_button(row: rx.Var) -> rx.Component:
    """Create a plan, offering first the template suggested for the learner's year, with why."""
    plain = rx.button(
        rx.icon("plus", size=16),
        t("Create plan"),
        rx.el.span(t(" for "), row.name, class_name="visually-hidden"),
        variant="soft",
        size="2",
        on_click=MentorHomeState.create_plan(row.id),
    )
    return rx.cond(
        row.suggested_template_id > 0,
        rx.vstack(
            rx.text(
                rx.text.strong(t("Suggested: ")),
                row.suggested_template,
                ". ",
                row.suggestion_reason,
                size="2",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("sparkles", size=16),
                    tf("Create plan from %(template)s", template=row.suggested_template),
                    rx.el.span(t(" for "), row.name, class_name="visually-hidden"),
                    size="2",
                    on_click=MentorHomeState.create_from_template(
                        row.id, row.suggested_template_id
                    ),
                ),
                plain,
                wrap="wrap",
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        plain,
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(MentorHomeState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            MentorHomeState.loaded,
            rx.vstack(
                group_overview_links(MentorHomeState.groups),
                rx.hstack(
                    rx.link(
                        rx.icon("library", size=14),
                        t(" Plan templates"),
                        href=routes.TEMPLATES,
                        size="2",
                    ),
                    rx.link(
                        rx.icon("book-open", size=14),
                        t(" Objective library"),
                        href=routes.OBJECTIVES,
                        size="2",
                    ),
                    wrap="wrap",
                    spacing="3",
                    align="center",
                ),
                review_dashboard_section(),
                staff_sections(),
                rx.el.label(
                    rx.text(t("Find a learner"), size="2", weight="medium"),
                    rx.input(
                        placeholder=t("Name or group"),
                        value=MentorHomeState.query,
                        on_change=MentorHomeState.set_query.debounce(200),
                        type="search",
                        width="100%",
                        max_length=100,
                    ),
                    width="100%",
                    max_width="24rem",
                ),
                rx.cond(
                    MentorHomeState.learners.length() == 0,
                    empty_note(
                        t(
                            "No learners are connected to you yet. An administrator connects learners to mentors."
                        )
                    ),
                    learner_list(MentorHomeState.visible_learners, no_plan=create_plan_button),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading=t("My learners"),
    )
