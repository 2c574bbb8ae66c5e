"""The plan page's dialogs: add or edit a goal, edit a task, add a link, rename a focus area,
and start the next period.

One dialog is open at a time. A refused save keeps the dialog open with the service's message
in it; a saved one closes it and shows the plan as it now is.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.parsing import form_mapping
from ilp_app.i18n import gettext
from ilp_app.services.plans import lifecycle, plan_edit
from ilp_app.state.blocking import perform

OBJECTIVE_FIELD_PREFIX = "objective-"
CARRY_GOAL_PREFIX = "carry-goal-"
REASON_PREFIX = "reason-"
DIALOG_KINDS = frozenset(
    {"goal_add", "goal_edit", "task_edit", "link_add", "area_rename", "next_period"}
)


def _prefixed(form, prefix: str, *, only_on: bool) -> dict[str, object]:
    """The form's fields named ``prefix…``, by the rest of their name (ticked ones if ``only_on``)."""
    return {
        key.removeprefix(prefix): value
        for key, value in form.items()
        if isinstance(key, str) and key.startswith(prefix) and (value or not only_on)
    }


def _goal_fields(form) -> dict[str, object]:
    return {
        "statement": form.get("statement"),
        "success_criteria": form.get("success_criteria", ""),
        "target_date": form.get("target_date", ""),
        "objective_ids": list(_prefixed(form, OBJECTIVE_FIELD_PREFIX, only_on=True)),
    }


class PlanDialogs(rx.State, mixin=True):
    """The dialog vars and handlers (mixed into ``PlanState``)."""

    # Its kind ("" = closed), the row it edits, and its prefilled values.
    dialog: str = ""
    dialog_target: int = 0
    dialog_values: dict[str, str] = {}
    dialog_objectives: list[str] = []
    dialog_error: str = ""
    objective_filter: str = ""  # narrows the goal dialog's objectives by code or words

    @rx.event
    def open_dialog(self, kind: str, target: int, values: dict):
        if kind not in DIALOG_KINDS:
            return
        self.dialog = kind
        self.dialog_target = target if isinstance(target, int) else 0
        clean = values if isinstance(values, dict) else {}
        self.dialog_values = {
            k: str(v) for k, v in clean.items() if isinstance(k, str) and k != "objectives"
        }
        objectives = clean.get("objectives", [])
        self.dialog_objectives = (
            [str(o) for o in objectives] if isinstance(objectives, list) else []
        )
        self.dialog_error = ""
        self.objective_filter = ""

    @rx.event
    def filter_objectives(self, value: str):
        """Narrow the goal dialog's list of objectives (the list itself is already on the page)."""
        self.objective_filter = value[:100] if isinstance(value, str) else ""

    @rx.event
    def close_dialog(self):
        self.dialog = ""
        self.dialog_target = 0
        self.dialog_values = {}
        self.dialog_objectives = []
        self.dialog_error = ""

    def _dialog_call(self, form) -> tuple:
        """The service the open dialog saves through, and its arguments from ``form``."""
        target = self.dialog_target
        if self.dialog == "goal_add":
            return plan_edit.goal_add, {"focus_area_id": target, **_goal_fields(form)}
        if self.dialog == "goal_edit":
            return plan_edit.goal_edit, {"goal_id": target, **_goal_fields(form)}
        if self.dialog == "task_edit":
            due = form.get("due_date", "")
            return plan_edit.task_edit, {
                "task_id": target,
                "title": form.get("title"),
                "due_date": due,
            }
        if self.dialog == "link_add":
            link = {"title": form.get("title"), "url": form.get("url")}
            return plan_edit.link_add, {"task_id": target, **link}
        if self.dialog == "area_rename":
            return plan_edit.focus_area_rename, {"focus_area_id": target, "name": form.get("name")}
        # next_period: the chosen goals and the reasons given for unfinished tasks.
        return lifecycle.plan_next_period, {
            "plan_id": self._plan_id,
            "goal_ids": list(_prefixed(form, CARRY_GOAL_PREFIX, only_on=True)),
            "reasons": _prefixed(form, REASON_PREFIX, only_on=False),
        }

    @rx.event
    async def submit_dialog(self, form_data: dict):
        if self.dialog not in DIALOG_KINDS:
            return None
        me = self._current()
        kind = self.dialog
        try:
            service, kwargs = self._dialog_call(form_mapping(form_data))
            result, self._outbox = await asyncio.to_thread(
                perform, me, service, self._client_ip(), **kwargs
            )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            self.dialog_error = error.message
            return None
        self.close_dialog()
        if kind == "next_period":
            self._announce()
            return [
                rx.toast.success(
                    f"The next period's plan is ready: {result.goals_carried} goals and "
                    f"{result.tasks_carried} unfinished tasks carried over. "
                    "This plan is now locked."
                ),
                rx.redirect(routes.plan_url(result.plan_id)),
            ]
        try:
            await asyncio.to_thread(self._show, self._plan_id, me)
        except DomainError as error:
            return self._fail(me, error)
        self._announce()
        return rx.toast.success(gettext("Saved."), duration=1500)
