"""Focus areas and their goals on the plan: progress, ratings, reflections and the editing tools."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import local_day, t, tn
from ilp_app.components.plan_coaching import (
    low_rating_answers,
    low_rating_questions,
    starter_chips,
)
from ilp_app.components.plan_parts import CAN, move_buttons, progress_line
from ilp_app.components.plan_tasks import task_add_form, task_row
from ilp_app.domain.plans import MAX_REFLECTION
from ilp_app.domain.projection import PROJECTION_RULE
from ilp_app.state.plan import PlanState

# --- goals ---


def rating_control(
    label: rx.Var, current: rx.Var, goal: rx.Var, allowed: rx.Var, on_rate=PlanState.rate
) -> rx.Component:
    """A 1–5 scale: buttons for the person who rates, a read-only value for everyone else."""
    return rx.hstack(
        rx.text(label, size="2", weight="medium", min_width="7rem"),
        rx.cond(
            allowed,
            rx.hstack(
                *[
                    rx.button(
                        str(n),
                        size="2",
                        type="button",
                        variant=rx.cond(current >= n, "solid", "outline"),
                        on_click=on_rate(goal.id, n),
                        aria_label=label + " " + tn("%(num)d of 5", "%(num)d of 5", n),
                        aria_pressed=rx.cond(current == n, "true", "false"),
                    )
                    for n in range(1, 6)
                ],
                spacing="1",
                role="group",
                aria_label=label,
            ),
            rx.text(
                rx.cond(current > 0, current.to_string() + " / 5", t("not rated yet")), size="2"
            ),
        ),
        align="center",
        wrap="wrap",
        spacing="2",
    )


def reflections(goal: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            goal.reflections,
            lambda r: rx.box(
                rx.text(r.body, size="2", white_space="pre-wrap"),
                rx.text(r.author, " · ", r.created_at, size="1", color_scheme="gray"),
                class_name="reflection",
            ),
        ),
        rx.cond(
            CAN.reflect,
            rx.form(
                rx.el.input(type="hidden", name="goal_id", value=goal.id),
                rx.vstack(
                    rx.el.label(
                        t("My reflection"),
                        html_for="reflection-" + goal.id.to_string(),
                        class_name="field-label",
                    ),
                    starter_chips(goal),
                    rx.text_area(
                        id="reflection-" + goal.id.to_string(),
                        name="body",
                        required=True,
                        max_length=MAX_REFLECTION,
                        placeholder=t("What went well? What will I try next?"),
                        rows="3",
                        width="100%",
                    ),
                    rx.button(t("Save reflection"), type="submit", variant="soft"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=PlanState.add_reflection,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def goal_editor_tools(goal: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.hstack(
            move_buttons(
                PlanState.move_goal(goal.id, "up"),
                PlanState.move_goal(goal.id, "down"),
                goal.statement,
            ),
            rx.button(
                rx.icon("pencil", size=14),
                t("Edit goal"),
                size="1",
                variant="soft",
                on_click=PlanState.open_dialog(
                    "goal_edit",
                    goal.id,
                    {
                        "statement": goal.statement,
                        "success_criteria": goal.success_criteria,
                        "target_date": goal.target_date,
                        "objectives": goal.objectives.map(lambda o: o.id.to_string()),
                    },
                ),
            ),
            rx.button(
                rx.icon("trash-2", size=14),
                t("Delete"),
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=PlanState.delete_goal(goal.id),
                aria_label=t("Delete goal: ") + goal.statement,
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


def goal_card(goal: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(goal.statement, as_="h3", size="4"),
            rx.cond(
                goal.added_by != "",
                rx.badge("Proposed by ", goal.added_by, variant="soft", color_scheme="teal"),
            ),
            rx.cond(
                goal.success_criteria != "",
                rx.text(rx.text.strong(t("Success looks like: ")), goal.success_criteria, size="2"),
            ),
            rx.cond(
                goal.target_date != "",
                rx.text(
                    t("Target date: "), local_day(goal.target_date), size="2", color_scheme="gray"
                ),
            ),
            rx.cond(
                goal.carried_from_plan_id > 0,
                rx.link(
                    rx.icon("history", size=14),
                    t(" Continues a goal from "),
                    goal.carried_from_period,
                    href=routes.plan_url(goal.carried_from_plan_id),
                    size="2",
                ),
            ),
            rx.cond(
                goal.objectives.length() > 0,
                rx.hstack(
                    rx.foreach(
                        goal.objectives,
                        lambda o: rx.tooltip(
                            rx.badge(o.code, variant="outline"), content=o.statement
                        ),
                    ),
                    wrap="wrap",
                    spacing="1",
                ),
            ),
            rx.foreach(
                goal.objectives,
                lambda o: rx.text(
                    o.code,
                    ": ",
                    o.statement,
                    size="1",
                    color_scheme="gray",
                    class_name="visually-hidden",
                ),
            ),
            progress_line(goal.completed, goal.total, goal.percent, t("Progress of this goal")),
            rx.hstack(
                rx.badge(
                    goal.outlook_label,
                    variant="soft",
                    color_scheme=rx.match(
                        goal.outlook, ("on_track", "green"), ("behind", "orange"), "gray"
                    ),
                ),
                rx.tooltip(
                    rx.icon("info", size=14, aria_label=t("How this is worked out")),
                    content=PROJECTION_RULE,
                ),
                align="center",
                spacing="1",
            ),
            rx.box(
                rx.foreach(goal.tasks, task_row), role="list", class_name="task-list", width="100%"
            ),
            task_add_form(goal),
            rating_control(
                t("Self-assessment"), goal.self_rating, goal, CAN.rate_self, PlanState.rate_self
            ),
            low_rating_questions(goal),
            low_rating_answers(goal),
            rating_control(t("Mentor rating"), goal.mentor_rating, goal, CAN.rate_mentor),
            rx.cond(
                (goal.reflections.length() > 0) | CAN.reflect,
                rx.heading(t("Reflections"), as_="h4", size="3", margin_top="0.5rem"),
            ),
            reflections(goal),
            goal_editor_tools(goal),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


# --- focus areas ---


def focus_area_section(area: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(area.name, as_="h2", size="5", id="area-heading-" + area.id.to_string()),
            rx.spacer(),
            rx.cond(
                CAN.edit,
                rx.hstack(
                    # First in the area, so the keyboard reaches it right after a jump link.
                    rx.button(
                        rx.icon("plus", size=16),
                        t("Add a goal"),
                        variant="soft",
                        size="2",
                        on_click=PlanState.open_dialog("goal_add", area.id, {}),
                        aria_label=t("Add a goal to ") + area.name,
                    ),
                    move_buttons(
                        PlanState.move_focus_area(area.id, "up"),
                        PlanState.move_focus_area(area.id, "down"),
                        area.name,
                    ),
                    rx.icon_button(
                        rx.icon("pencil", size=14),
                        size="1",
                        variant="ghost",
                        on_click=PlanState.open_dialog("area_rename", area.id, {"name": area.name}),
                        aria_label=t("Rename focus area: ") + area.name,
                    ),
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(
                            rx.icon_button(
                                rx.icon("trash-2", size=14),
                                size="1",
                                variant="ghost",
                                color_scheme="red",
                                aria_label=t("Remove focus area: ") + area.name,
                            )
                        ),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title(t("Remove "), area.name, "?"),
                            rx.alert_dialog.description(t("Its goals and tasks are removed too.")),
                            rx.hstack(
                                rx.alert_dialog.cancel(
                                    rx.button(t("Keep it"), variant="soft", color_scheme="gray")
                                ),
                                rx.alert_dialog.action(
                                    rx.button(
                                        t("Remove"),
                                        color_scheme="red",
                                        on_click=PlanState.delete_focus_area(area.id),
                                    )
                                ),
                                justify="end",
                                spacing="2",
                            ),
                        ),
                    ),
                    spacing="1",
                ),
            ),
            align="center",
            width="100%",
        ),
        progress_line(area.completed, area.total, area.percent, t("Progress in ") + area.name),
        rx.vstack(rx.foreach(area.goals, goal_card), spacing="3", width="100%"),
        class_name="focus-area",
        id="area-" + area.id.to_string(),
        tab_index=-1,
        aria_labelledby="area-heading-" + area.id.to_string(),
    )


def add_focus_area_form() -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.form(
            rx.hstack(
                rx.el.label(
                    t("New focus area"), html_for="new-focus-area", class_name="field-label"
                ),
                rx.input(
                    id="new-focus-area",
                    name="name",
                    list="focus-area-choices",
                    required=True,
                    max_length=80,
                    placeholder=t("e.g. Social competence"),
                    flex="1",
                    min_width="12rem",
                ),
                rx.el.datalist(
                    rx.foreach(PlanState.focus_area_choices, lambda c: rx.el.option(value=c)),
                    id="focus-area-choices",
                ),
                rx.button(t("Add focus area"), type="submit", variant="soft"),
                align="center",
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
            on_submit=PlanState.add_focus_area,
            reset_on_submit=True,
        ),
    )
