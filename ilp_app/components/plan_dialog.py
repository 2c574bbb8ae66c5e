"""The plan's one dialog: adding or editing a goal or task, adding a link, renaming a focus area,
and starting the next period.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.i18n import t
from ilp_app.components.plan_parts import P, area_field, text_field
from ilp_app.domain.plans import (
    MAX_GOAL_STATEMENT,
    MAX_LINK_TITLE,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    MAX_URL,
)
from ilp_app.state.plan import PlanState
from ilp_app.state.plan_dialogs import CARRY_GOAL_PREFIX, OBJECTIVE_FIELD_PREFIX, REASON_PREFIX


def _objective_checkboxes() -> rx.Component:
    """Objectives to link, narrowed by a search on code, words or framework; linked ones always stay in view.

    Every checkbox stays in the form while hidden, so narrowing the list never unlinks anything. The
    search box belongs to no form: Enter in it does not save the goal.
    """
    needle = PlanState.objective_filter.lower()
    return rx.cond(
        PlanState.objective_choices.length() > 0,
        rx.el.fieldset(
            rx.el.legend(t("Learning objectives"), class_name="field-label"),
            labelled(
                t("Find by code or words"),
                "dialog-objective-filter",
                rx.el.input(
                    id="dialog-objective-filter",
                    type="search",
                    form="objective-filter",
                    max_length=100,
                    placeholder=t("e.g. OC.2 or presentation"),
                    class_name="role-select",
                    on_change=PlanState.filter_objectives.debounce(200),
                    style={"width": "100%"},
                ),
            ),
            rx.box(
                rx.foreach(
                    PlanState.objective_choices,
                    lambda o: rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name=OBJECTIVE_FIELD_PREFIX + o["id"],
                            default_checked=PlanState.dialog_objectives.contains(o["id"]),
                        ),
                        " ",
                        rx.el.strong(o["code"]),
                        " — ",
                        o["statement"],
                        rx.el.span(
                            o["path"],
                            style={
                                "display": "block",
                                "font_size": "0.75rem",
                                "color": "var(--gray-11)",
                                "padding_inline_start": "1.4rem",
                            },
                        ),
                        class_name="checkbox-line",
                        style={
                            "display": rx.cond(
                                o["search"].contains(needle)
                                | PlanState.dialog_objectives.contains(o["id"]),
                                "block",
                                "none",
                            )
                        },
                    ),
                ),
                class_name="objective-list",
            ),
            rx.link(
                t("Browse the objective library"),
                href=routes.OBJECTIVES,
                size="1",
                is_external=True,
            ),
            class_name="objective-fieldset",
        ),
    )


def _goal_fields() -> rx.Component:
    values = PlanState.dialog_values
    return rx.fragment(
        area_field(
            t("Goal"),
            "statement",
            default=values["statement"],
            max_length=MAX_GOAL_STATEMENT,
            prefix="dialog-",
            rows="2",
        ),
        area_field(
            t("What success looks like"),
            "success_criteria",
            default=values["success_criteria"],
            max_length=MAX_SUCCESS_CRITERIA,
            required=False,
            prefix="dialog-",
            rows="2",
        ),
        labelled(
            t("Target date"),
            "dialog-target_date",
            rx.input(
                id="dialog-target_date",
                name="target_date",
                type="date",
                default_value=values["target_date"],
                min=P.period_starts,
                max=P.period_ends,
            ),
        ),
        _objective_checkboxes(),
    )


def _dialog_fields() -> rx.Component:
    values = PlanState.dialog_values
    return rx.match(
        PlanState.dialog,
        ("goal_add", _goal_fields()),
        ("goal_edit", _goal_fields()),
        (
            "task_edit",
            rx.fragment(
                text_field(
                    t("Task"),
                    "title",
                    default=values["title"],
                    max_length=MAX_TASK_TITLE,
                    prefix="dialog-",
                ),
                labelled(
                    t("Due date"),
                    "dialog-due_date",
                    rx.input(
                        id="dialog-due_date",
                        name="due_date",
                        type="date",
                        default_value=values["due_date"],
                        min=P.period_starts,
                        max=P.period_ends,
                    ),
                ),
            ),
        ),
        (
            "link_add",
            rx.fragment(
                text_field(
                    t("Link title"), "title", max_length=MAX_LINK_TITLE, prefix="dialog-link-"
                ),
                text_field(
                    t("Address (https://…)"),
                    "url",
                    max_length=MAX_URL,
                    type_="url",
                    prefix="dialog-link-",
                ),
            ),
        ),
        (
            "area_rename",
            text_field(
                t("Focus area"), "name", default=values["name"], max_length=80, prefix="dialog-"
            ),
        ),
        ("next_period", _next_period_fields()),
        rx.fragment(),
    )


def _next_period_fields() -> rx.Component:
    """Choose the goals to carry; unfinished tasks move with them, each with an optional reason."""
    return rx.vstack(
        rx.text(
            t(
                "This plan will be locked. Completed tasks stay here; the unfinished tasks of the goals you "
                "carry move to the new plan."
            ),
            size="2",
        ),
        rx.foreach(
            P.focus_areas,
            lambda area: rx.foreach(
                area.goals,
                lambda goal: rx.box(
                    rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            name=CARRY_GOAL_PREFIX + goal.id.to_string(),
                            default_checked=(goal.completed < goal.total) | (goal.total == 0),
                        ),
                        t(" Carry forward: "),
                        goal.statement,
                        class_name="checkbox-line",
                    ),
                    rx.foreach(
                        goal.tasks,
                        lambda task: rx.cond(
                            task.status != "completed",
                            rx.input(
                                name=REASON_PREFIX + task.id.to_string(),
                                max_length=500,
                                size="1",
                                placeholder=t("Why it wasn't done (optional)"),
                                aria_label=t("Why it wasn't done: ") + task.title,
                                margin_inline_start="1.5rem",
                                margin_top="0.25rem",
                            ),
                        ),
                    ),
                    class_name="carry-goal",
                ),
            ),
        ),
        spacing="2",
        width="100%",
        max_height="55vh",
        overflow_y="auto",
    )


def edit_dialog() -> rx.Component:
    title = rx.match(
        PlanState.dialog,
        ("goal_add", "New goal"),
        ("goal_edit", "Edit goal"),
        ("task_edit", "Edit task"),
        ("link_add", "Add a link"),
        ("area_rename", "Rename focus area"),
        ("next_period", "Start the next period"),
        "",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    form_error(PlanState.dialog_error),
                    _dialog_fields(),
                    rx.hstack(
                        rx.button(
                            t("Cancel"),
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=PlanState.close_dialog,
                        ),
                        rx.button(t("Save"), type="submit"),
                        justify="end",
                        width="100%",
                        spacing="2",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=PlanState.submit_dialog,
                key=PlanState.dialog + "-" + PlanState.dialog_target.to_string(),
            ),
            max_width="36rem",
        ),
        open=PlanState.dialog != "",
        on_open_change=lambda _open: PlanState.close_dialog(),
    )
