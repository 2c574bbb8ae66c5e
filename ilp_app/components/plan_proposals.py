"""The learner's proposals on their plan: the forms to propose, and each proposal's outcome.

The learner proposes a goal or a task and may change or withdraw it while it waits; the mentor
accepts it (changing the wording first accepts it with changes) or declines it with a reason.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import labelled
from ilp_app.components.i18n import local_day, t, tf
from ilp_app.components.plan_parts import CAN, P, area_field, text_field
from ilp_app.domain.plans import MAX_GOAL_STATEMENT, MAX_SUCCESS_CRITERIA, MAX_TASK_TITLE
from ilp_app.domain.proposals import MAX_DECLINE_REASON
from ilp_app.state.plan import PlanState


def _date_field(label: str, name: str, field_id, default=None) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id,
            name=name,
            type="date",
            min=P.period_starts,
            max=P.period_ends,
            default_value=default,
            width="100%",
        ),
    )


def _select(label: str, name: str, field_id: str, *options) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.el.select(*options, id=field_id, name=name, required=True, class_name="role-select"),
    )


def propose_goal_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _select(
                t("Focus area"),
                "focus_area_id",
                "propose-goal-area",
                rx.foreach(P.focus_areas, lambda a: rx.el.option(a.name, value=a.id)),
            ),
            text_field(
                t("My goal"), "statement", max_length=MAX_GOAL_STATEMENT, prefix="propose-goal-"
            ),
            area_field(
                t("What success looks like"),
                "success_criteria",
                max_length=MAX_SUCCESS_CRITERIA,
                required=False,
                prefix="propose-goal-",
                rows="2",
            ),
            _date_field(t("Target date"), "target_date", "propose-goal-target"),
            rx.button(t("Send my goal to my mentor"), type="submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=PlanState.propose_goal,
        aria_label=t("Propose a goal"),
        width="100%",
    )


def propose_task_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _select(
                t("Under my goal"),
                "goal_id",
                "propose-task-goal",
                rx.foreach(
                    P.focus_areas,
                    lambda a: rx.el.optgroup(
                        rx.foreach(a.goals, lambda g: rx.el.option(g.statement, value=g.id)),
                        label=a.name,
                    ),
                ),
            ),
            text_field(t("My task"), "title", max_length=MAX_TASK_TITLE, prefix="propose-task-"),
            _date_field(t("Due date"), "due_date", "propose-task-due"),
            rx.button(
                rx.cond(P.own_tasks_wait, t("Send my task to my mentor"), t("Add my task")),
                type="submit",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=PlanState.propose_task,
        aria_label=t("Propose a task"),
        width="100%",
    )


def _toggle(label: str, which: str) -> rx.Component:
    return rx.button(
        rx.icon("plus", size=16),
        label,
        variant=rx.cond(PlanState.proposing == which, "solid", "soft"),
        on_click=PlanState.open_proposal_form(which),
        aria_expanded=rx.cond(PlanState.proposing == which, "true", "false"),
        type="button",
    )


def propose_tools() -> rx.Component:
    return rx.cond(
        CAN.propose,
        rx.vstack(
            rx.hstack(
                _toggle(t("Propose a goal"), "goal"),
                _toggle(t("Propose a task"), "task"),
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(PlanState.proposing == "goal", propose_goal_form()),
            rx.cond(PlanState.proposing == "task", propose_task_form()),
            spacing="3",
            width="100%",
        ),
    )


def _hidden_id(p: rx.Var) -> rx.Component:
    return rx.el.input(type="hidden", name="proposal_id", value=p.id)


def _fields(p: rx.Var, prefix: str) -> rx.Component:
    """The proposal's wording, ready to change (for its learner's edit or the mentor's accept)."""
    pid = p.id.to_string()
    return rx.fragment(
        labelled(
            rx.cond(p.kind == "goal", t("Goal"), t("Task")),
            prefix + "text-" + pid,
            rx.input(
                id=prefix + "text-" + pid,
                name="text",
                default_value=p.text,
                required=True,
                max_length=MAX_GOAL_STATEMENT,
                width="100%",
            ),
        ),
        rx.cond(
            p.kind == "goal",
            labelled(
                t("What success looks like"),
                prefix + "success-" + pid,
                rx.text_area(
                    id=prefix + "success-" + pid,
                    name="success_criteria",
                    default_value=p.success_criteria,
                    max_length=MAX_SUCCESS_CRITERIA,
                    rows="2",
                    width="100%",
                ),
            ),
        ),
        _date_field(
            rx.cond(p.kind == "goal", t("Target date"), t("Due date")),
            "target_date",
            prefix + "date-" + pid,
            default=p.target_date,
        ),
    )


def _decide_forms(p: rx.Var) -> rx.Component:
    pid = p.id.to_string()
    return rx.vstack(
        rx.form(
            _hidden_id(p),
            rx.vstack(
                _fields(p, "accept-"),
                rx.text(
                    t("Change the wording first to accept it with changes."),
                    size="1",
                    color_scheme="gray",
                ),
                rx.button(t("Accept"), type="submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=PlanState.accept_proposal,
            aria_label=tf("Accept: %(text)s", text=p.text),
            width="100%",
        ),
        rx.form(
            _hidden_id(p),
            rx.vstack(
                labelled(
                    t("Reason for declining"),
                    "decline-reason-" + pid,
                    rx.input(
                        id="decline-reason-" + pid,
                        name="reason",
                        required=True,
                        max_length=MAX_DECLINE_REASON,
                        width="100%",
                    ),
                ),
                rx.button(
                    t("Decline"),
                    type="submit",
                    variant="soft",
                    color_scheme="red",
                    high_contrast=True,
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=PlanState.decline_proposal,
            aria_label=tf("Decline: %(text)s", text=p.text),
            width="100%",
        ),
        spacing="3",
        width="100%",
        # Built anew when the learner changes the wording, so the fields show what is stored.
        key=pid + p.text + p.success_criteria + p.target_date,
    )


def _learner_tools(p: rx.Var) -> rx.Component:
    return rx.cond(
        PlanState.editing_proposal == p.id,
        rx.form(
            _hidden_id(p),
            rx.vstack(
                _fields(p, "edit-"),
                rx.hstack(
                    rx.button(t("Save changes"), type="submit"),
                    rx.button(
                        t("Cancel"),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=PlanState.edit_proposal_close,
                    ),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=PlanState.edit_proposal,
            aria_label=tf("Change: %(text)s", text=p.text),
            width="100%",
        ),
        rx.hstack(
            rx.button(
                t("Change"),
                size="2",
                variant="soft",
                on_click=PlanState.edit_proposal_open(p.id),
                aria_label=tf("Change my proposal: %(text)s", text=p.text),
            ),
            rx.button(
                t("Withdraw"),
                size="2",
                variant="soft",
                color_scheme="red",
                high_contrast=True,
                on_click=PlanState.withdraw_proposal(p.id),
                aria_label=tf("Withdraw my proposal: %(text)s", text=p.text),
            ),
            spacing="2",
        ),
    )


def proposal_item(p: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(
                p.status_label,
                variant="soft",
                color_scheme=rx.match(
                    p.status,
                    ("pending", "amber"),
                    ("declined", "red"),
                    ("closed_locked", "gray"),
                    "green",
                ),
            ),
            rx.text(
                tf("%(kind)s under “%(under)s”", kind=p.kind_label, under=p.under),
                size="1",
                color_scheme="gray",
            ),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        rx.text(p.text, weight="medium", margin_top="0.25rem"),
        rx.cond(
            p.success_criteria != "",
            rx.text(rx.text.strong(t("Success looks like: ")), p.success_criteria, size="2"),
        ),
        rx.cond(
            p.target_date != "",
            rx.text(tf("By %(day)s", day=local_day(p.target_date)), size="2", color_scheme="gray"),
        ),
        rx.cond(
            p.accepted_as != "",
            rx.text(rx.text.strong(t("Accepted as: ")), p.accepted_as, size="2"),
        ),
        rx.cond(
            p.decline_reason != "",
            rx.text(
                rx.text.strong(tf("%(name)s’s reason: ", name=p.decided_by)),
                p.decline_reason,
                size="2",
                white_space="pre-wrap",
            ),
        ),
        rx.text(p.author, " · ", p.created_at, size="1", color_scheme="gray"),
        rx.cond(p.can_edit, rx.box(_learner_tools(p), margin_top="0.5rem", width="100%")),
        rx.cond(p.can_decide, rx.box(_decide_forms(p), margin_top="0.5rem", width="100%")),
        class_name="note",
        role="listitem",
        aria_label=tf("Proposal: %(text)s", text=p.text),
    )


def proposals_section() -> rx.Component:
    return rx.cond(
        (P.proposals.length() > 0) | CAN.propose,
        rx.el.section(
            rx.heading(t("Proposals"), as_="h2", size="5", id="proposals-heading"),
            rx.cond(
                CAN.propose,
                rx.text(
                    t(
                        "Your own ideas for this plan. Your mentor accepts them, perhaps with a "
                        "change, or tells you why not."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            propose_tools(),
            rx.box(rx.foreach(P.proposals, proposal_item), role="list", width="100%"),
            class_name="focus-area",
            aria_labelledby="proposals-heading",
        ),
    )
