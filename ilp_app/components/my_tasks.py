"""The learner's "My tasks": what to do next, first on the phone, one tap per task.

Overdue tasks lead and say so in words (not by colour alone); the whole plan is one tap below.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.i18n import t, tn
from ilp_app.components.plan_parts import CAN
from ilp_app.components.plan_tasks import task_status_control
from ilp_app.state.plan import PlanState

WHOLE_PLAN_ID = "whole-plan"


def _agenda_row(task: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.cond(
            PlanState.agenda_by_goal & task.first_of_goal,
            rx.heading(task.goal, as_="h3", size="3", class_name="agenda-goal"),
        ),
        rx.hstack(
            task_status_control(task, label_first=True),
            rx.vstack(
                rx.text(task.title, weight="medium"),
                rx.hstack(
                    rx.cond(
                        task.overdue,
                        rx.badge(
                            rx.icon("clock-alert", size=12, aria_hidden="true"),
                            task.due_text,
                            color_scheme="red",
                            variant="soft",
                        ),
                        rx.cond(
                            task.due_text != "",
                            rx.text(task.due_text, size="1", color_scheme="gray"),
                        ),
                    ),
                    rx.cond(
                        ~PlanState.agenda_by_goal,
                        rx.text(
                            task.goal, size="1", color_scheme="gray", class_name="agenda-goal-line"
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                    width="100%",  # a long goal line is cut to the row, not the text's width
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            align="start",
            spacing="3",
            width="100%",
        ),
        class_name="agenda-item",
    )


def my_tasks() -> rx.Component:
    """What is due next, with the tap that moves each task on, above the whole plan."""
    return rx.cond(
        PlanState.has_plan & CAN.tick,
        rx.el.section(
            rx.hstack(
                rx.heading(t("My tasks"), as_="h2", size="5", id="my-tasks-heading"),
                rx.badge(
                    tn("%(num)d task", "%(num)d tasks", PlanState.agenda.length()),
                    variant="soft",
                    color_scheme="gray",
                    class_name="task-count",
                ),
                rx.spacer(),
                rx.el.label(
                    rx.switch(
                        checked=PlanState.agenda_by_goal,
                        on_change=PlanState.set_agenda_by_goal,
                        size="2",
                    ),
                    rx.text(t("Group by goal"), size="2"),
                    style={"display": "inline-flex", "gap": "0.5rem", "align_items": "center"},
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                PlanState.agenda.length() > 0,
                rx.el.ul(
                    rx.foreach(PlanState.agenda, _agenda_row),
                    class_name="agenda-list",
                    aria_labelledby="my-tasks-heading",
                ),
                rx.text(t("Every task is done. Well done!"), size="2", color_scheme="gray"),
            ),
            rx.link(
                t("See my whole plan"),
                href=f"#{WHOLE_PLAN_ID}",
                size="2",
                style={"display": "inline-flex", "min_height": "44px", "align_items": "center"},
            ),
            class_name="my-tasks",
            aria_labelledby="my-tasks-heading",
        ),
    )
