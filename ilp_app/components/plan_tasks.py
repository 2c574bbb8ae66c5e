"""A goal's tasks on the plan: the one-tap status control, links, carry-over reasons, the add form."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.i18n import local_day, t
from ilp_app.components.plan_parts import CAN, P, move_buttons
from ilp_app.domain.plans import MAX_TASK_TITLE
from ilp_app.state.plan import PlanState
from ilp_app.state.plan_tick import TAP_PENDING


def _status_icon(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        ("completed", rx.icon("circle-check-big", size=20)),
        ("ongoing", rx.icon("circle-dot", size=20)),
        rx.icon("circle", size=20),
    )


def task_status_control(task: rx.Var, *, label_first: bool = False) -> rx.Component:
    """One tap moves the task on; for those who only read, the status as a label.

    While a tap is being saved the button shows the status it is moving to, marked "saving…",
    and takes no second tap; once saved it shows the stored status. A tap the server could not
    save says so beside the button, which goes back to the status the task really has.
    ``label_first``: the accessible name starts with the visible status ("Ongoing: Read …").
    """
    color = rx.match(task.status, ("completed", "green"), ("ongoing", "amber"), "gray")
    saving = (PlanState.saving_task == task.id) | (TAP_PENDING.value == task.id)
    coming = rx.match(
        task.status,
        ("not_started", "Ongoing · saving…"),
        ("ongoing", "Completed · saving…"),
        "Not started · saving…",
    )
    return rx.cond(
        CAN.tick,
        rx.hstack(
            rx.button(
                _status_icon(task.status),
                rx.cond(saving, coming, task.status_label),
                # The browser marks the tap at once; the server saves it and clears the mark.
                on_click=[TAP_PENDING.set_value(task.id), PlanState.tick(task.id, task.status)],
                loading=saving,
                color_scheme=color,
                variant=rx.cond(task.status == "completed", "solid", "soft"),
                high_contrast=True,  # the darkest text of its colour: 4.5:1 on the soft fill
                size="3",
                class_name="tick-button",
                aria_label=(
                    task.status_label + ": " + task.title + t(". Tap to move it on.")
                    if label_first
                    else task.title + ": " + task.status_label + t(". Tap to move it on.")
                ),
                aria_busy=saving,
            ),
            rx.cond(
                PlanState.unsaved_task == task.id,
                rx.text(t("Not saved — try again"), color_scheme="red", size="2", role="alert"),
            ),
            align="center",
            spacing="2",
        ),
        rx.badge(
            _status_icon(task.status),
            task.status_label,
            color_scheme=color,
            size="2",
            variant="soft",
            class_name="tick-badge",
        ),
    )


def carry_reason_form(task: rx.Var) -> rx.Component:
    return rx.form(
        rx.el.input(type="hidden", name="task_id", value=task.id),
        rx.hstack(
            rx.input(
                name="reason",
                default_value=task.carry_reason,
                max_length=500,
                size="1",
                placeholder=t("Why it wasn't done (optional)"),
                aria_label=t("Why it wasn't done: ") + task.title,
                flex="1",
            ),
            rx.button(t("Save"), size="1", variant="soft", type="submit"),
            width="100%",
            spacing="1",
        ),
        on_submit=PlanState.set_carry_reason,
        width="100%",
    )


def task_editor_tools(task: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.hstack(
            move_buttons(
                PlanState.move_task(task.id, "up"), PlanState.move_task(task.id, "down"), task.title
            ),
            rx.icon_button(
                rx.icon("pencil", size=14),
                size="1",
                variant="ghost",
                on_click=PlanState.open_dialog(
                    "task_edit", task.id, {"title": task.title, "due_date": task.due_date}
                ),
                aria_label=t("Edit task: ") + task.title,
            ),
            rx.icon_button(
                rx.icon("link", size=14),
                size="1",
                variant="ghost",
                on_click=PlanState.open_dialog("link_add", task.id, {}),
                aria_label=t("Add a link to: ") + task.title,
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="ghost",
                color_scheme="red",
                on_click=PlanState.delete_task(task.id),
                aria_label=t("Delete task: ") + task.title,
            ),
            spacing="1",
            wrap="wrap",
        ),
    )


def task_row(task: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            task_status_control(task),
            rx.vstack(
                rx.text(task.title, weight="medium"),
                rx.hstack(
                    rx.cond(
                        task.due_date != "",
                        rx.text(t("Due "), local_day(task.due_date), size="1", color_scheme="gray"),
                    ),
                    rx.cond(
                        task.added_by != "",
                        rx.badge("Added by ", task.added_by, variant="soft", color_scheme="teal"),
                    ),
                    rx.cond(
                        task.changed_by != "",
                        rx.text(
                            task.status_label,
                            t(" by "),
                            task.changed_by,
                            ", ",
                            task.changed_at,
                            size="1",
                            color_scheme="gray",
                        ),
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.cond(
                    task.carried,
                    rx.vstack(
                        rx.badge(
                            rx.icon("history", size=12),
                            t("Carried over from the last period"),
                            variant="soft",
                            color_scheme="violet",
                            white_space="normal",  # wraps on a narrow phone
                        ),
                        rx.cond(
                            task.carry_reason != "",
                            rx.text(
                                t("Why it wasn't done: "),
                                task.carry_reason,
                                size="1",
                                color_scheme="gray",
                            ),
                        ),
                        rx.cond(CAN.tick, carry_reason_form(task)),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.foreach(
                    task.links,
                    lambda link: rx.hstack(
                        rx.link(
                            rx.icon("external-link", size=14),
                            link.title,
                            href=link.url,
                            is_external=True,
                            rel="noopener noreferrer",
                            size="2",
                        ),
                        rx.cond(
                            CAN.edit,
                            rx.icon_button(
                                rx.icon("x", size=12),
                                size="1",
                                variant="ghost",
                                color_scheme="red",
                                on_click=PlanState.delete_link(link.id),
                                aria_label=t("Remove link: ") + link.title,
                            ),
                        ),
                        align="center",
                        spacing="1",
                    ),
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            align="start",
            spacing="3",
            width="100%",
        ),
        task_editor_tools(task),
        class_name="task-row",
        role="listitem",
    )


def task_add_form(goal: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.form(
            rx.el.input(type="hidden", name="goal_id", value=goal.id),
            rx.hstack(
                rx.el.label(
                    t("New task for: "),
                    goal.statement,
                    html_for="new-task-" + goal.id.to_string(),
                    class_name="visually-hidden",
                ),
                rx.input(
                    id="new-task-" + goal.id.to_string(),
                    name="title",
                    placeholder=t("Add a task…"),
                    required=True,
                    max_length=MAX_TASK_TITLE,
                    flex="1",
                    min_width="10rem",
                ),
                rx.input(
                    name="due_date",
                    type="date",
                    aria_label=t("Due date (optional)"),
                    width="10rem",
                    min=P.period_starts,
                    max=P.period_ends,
                ),
                rx.button(t("Add task"), type="submit", variant="soft"),
                wrap="wrap",
                width="100%",
                spacing="2",
            ),
            # The goal travels in a hidden field: a form's submit handler cannot see the loop variable.
            on_submit=PlanState.add_task,
            reset_on_submit=True,
        ),
    )


def reopen_confirm() -> rx.Component:
    """Moving a completed task back to Not started asks first."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Start “") + PlanState.confirm_title + t("” again?")),
            rx.alert_dialog.description(
                t("It is marked Completed. Starting again moves it back to Not started."), size="2"
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        t("Keep it completed"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=PlanState.cancel_reopen,
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t("Start again"), color_scheme="amber", on_click=PlanState.confirm_reopen
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
        open=PlanState.confirm_task != 0,
    )


def undo_bar() -> rx.Component:
    """After a saved tap, "Undo" for a few seconds; announced politely to screen readers."""
    return rx.box(
        rx.cond(
            PlanState.undo_task != 0,
            rx.hstack(
                rx.text(PlanState.undo_text, size="2", flex="1"),
                rx.button(t("Undo"), size="2", variant="solid", on_click=PlanState.undo),
                align="center",
                spacing="3",
                padding="0.6rem 0.9rem",
                border_radius="10px",
                background="var(--gray-12)",
                color="var(--gray-1)",
                box_shadow="0 4px 16px rgba(0, 0, 0, 0.25)",
                max_width="min(32rem, calc(100vw - 2rem))",
            ),
        ),
        role="status",
        aria_live="polite",
        position="fixed",
        bottom="1rem",
        left="50%",
        transform="translateX(-50%)",
        z_index="20",
    )
