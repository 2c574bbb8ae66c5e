"""The tap on a task: the hot path of a lesson.

A tap moves the task to its next status. The tapped task shows as "Saving…" at once and shows
its new status only once the database has committed it; a database that does not answer is
tried again for a few seconds, then the task says "Not saved — try again" (nothing is ever
shown as saved before it is). A second tap on the same task while one is saving, or sent
from the same status within :data:`DOUBLE_TAP_S` of it (a double tap), counts once. Moving a task back from Completed asks first. Every
saved tap can be undone for :data:`UNDO_S` seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import reflex as rx
from reflex.experimental import ClientStateVar

from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.plans import TaskStatus
from ilp_app.i18n import gettext
from ilp_app.services.plans import plan_activity, plan_read
from ilp_app.state.blocking import perform
from ilp_app.state.saving import MSG_NOT_SAVED, DatabaseUnavailable, save_with_retries

#: The task the browser has just tapped, set in the browser at the tap (no round trip), so the
#: button shows "saving…" at once even on a slow or dropped connection; the server clears it
#: once it has answered the tap (saved, refused, or not reachable).
TAP_PENDING = ClientStateVar.create("tap_pending", default=0)

#: A second tap on the same task this soon after the first is the same tap.
DOUBLE_TAP_S = 1.0
#: How long "Undo" is offered after a tap was saved.
UNDO_S = 8.0


def _task_advance(me, task_id: object, status: object, client_ip: str):
    """The tap's save, in its own unit of work (tried again by ``save_with_retries``)."""
    return perform(
        me, plan_activity.task_advance, client_ip, task_id=task_id, expected_status=status
    )


def _task_undo(me, task_id: int, tapped: str, restore: str, client_ip: str):
    return perform(
        me,
        plan_activity.task_undo,
        client_ip,
        task_id=task_id,
        tapped_status=tapped,
        restore_status=restore,
    )


class PlanTicking(rx.State, mixin=True):
    """Tapping tasks on the plan page (mixed into ``PlanState``)."""

    # The task whose tap is being saved, and the one whose tap could not be saved.
    saving_task: int = 0
    unsaved_task: int = 0
    # A completed task the person tapped: moving it back waits for their "yes".
    confirm_task: int = 0
    confirm_title: str = ""
    # The last saved tap, which "Undo" takes back while it is offered.
    undo_task: int = 0
    undo_text: str = ""
    _undo: tuple[str, str, float] = ("", "", 0.0)  # (status it set, status before, when)
    _last_tap: tuple[int, str, float] = (0, "", 0.0)  # (task, status it was tapped from, when)

    def _plan_id_shown(self) -> int:
        return self.plan.id if self.plan is not None else 0

    def _task_title(self, task_id: object) -> str:
        for area in self.plan.focus_areas if self.plan is not None else []:
            for goal in area.goals:
                for task in goal.tasks:
                    if task.id == task_id:
                        return task.title
        return ""

    @rx.event
    async def tick(self, task_id: int, status: str):
        """One tap (``status`` is what the person saw). A completed task asks first."""
        title = self._task_title(task_id) if self.plan is not None and self.plan.can.tick else ""
        if status == TaskStatus.COMPLETED.value and title:
            # Only for a task on the plan shown, to someone who may tick it; anything else
            # goes to the services, which refuse it (and record the refusal) as for any tap.
            self.confirm_task, self.confirm_title = task_id, title
            yield TAP_PENDING.push(0)
            return
        try:
            async for event in self._save_tap(task_id, status):
                yield event
        finally:
            yield TAP_PENDING.push(0)

    @rx.event
    async def confirm_reopen(self):
        """The person said yes: the completed task starts again."""
        task_id, self.confirm_task, self.confirm_title = self.confirm_task, 0, ""
        if task_id:
            async for event in self._save_tap(task_id, TaskStatus.COMPLETED.value):
                yield event

    @rx.event
    def cancel_reopen(self):
        self.confirm_task, self.confirm_title = 0, ""

    async def _save_tap(self, task_id: object, status: object):
        if self.saving_task and self.saving_task == task_id:
            return  # an impatient second tap: the first one is still on its way
        last_task, last_status, last_at = self._last_tap
        if (last_task, last_status) == (task_id, status) and (
            time.monotonic() - last_at < DOUBLE_TAP_S
        ):
            # The second tap of a double tap: sent from the same status as the one just saved,
            # before the page showed its result. (A tap on the new status is a new tap.)
            return
        me = self._current()
        self.saving_task, self.unsaved_task = task_id if isinstance(task_id, int) else 0, 0
        yield
        try:
            result, outbox = await save_with_retries(
                _task_advance, me, task_id, status, self._client_ip()
            )
        except DomainError as error:
            self.saving_task = 0
            yield await self._tap_refused(me, error)
            return
        except DatabaseUnavailable:
            self.saving_task, self.unsaved_task = 0, task_id if isinstance(task_id, int) else 0
            yield rx.toast.error(gettext(MSG_NOT_SAVED))
            return
        self.saving_task = 0
        self._last_tap = (result.task_id, str(status), time.monotonic())
        await self._show_tap(result, outbox, me)
        self._offer_undo(result, status)
        yield type(self).expire_undo(result.task_id)
        self._announce()

    async def _tap_refused(self, me, error: DomainError) -> list:
        """Say why, and show the plan as it really is (whatever the tap believed)."""
        if me is None or isinstance(error, NotSignedIn):
            return self._fail(me, error)
        try:
            await asyncio.to_thread(self._show, self._plan_id or self._plan_id_shown(), me)
        except DomainError as reload_error:
            return self._fail(me, reload_error)
        return [rx.toast.error(error.message)]

    async def _show_tap(self, result, outbox, me) -> None:
        """Show the saved tap: in place when the page shows its plan, else the plan it was saved in."""
        self._outbox = outbox
        if (
            self.plan is None
            or self.plan.id != result.plan_id
            or not plan_read.apply_tick(self.plan, result)
        ):
            # The page's state was lost (a restarted store) or shows another plan: show the
            # plan the tick was saved in, rather than a plan id left at 0.
            await asyncio.to_thread(self._show, result.plan_id, me)
        else:
            self.plan = dataclasses.replace(self.plan)  # a new object: the change is sent

    def _offer_undo(self, result, before: object) -> None:
        restore = TaskStatus(before) if before in set(TaskStatus) else None
        if restore is None:
            return
        self.undo_task = result.task_id
        self.undo_text = f"“{self._task_title(result.task_id)}” is now {result.status.label}."
        self._undo = (result.status.value, restore.value, time.monotonic())

    @rx.event
    async def undo(self):
        """Take the last tap back while "Undo" is offered (the services check it again)."""
        task_id, (tapped, restore, _) = self.undo_task, self._undo
        self.undo_task, self.undo_text, self._undo = 0, "", ("", "", 0.0)
        if not task_id:
            return None
        me = self._current()
        try:
            result, outbox = await save_with_retries(
                _task_undo, me, task_id, tapped, restore, self._client_ip()
            )
        except DomainError as error:
            return await self._tap_refused(me, error)
        except DatabaseUnavailable:
            return rx.toast.error(MSG_NOT_SAVED)
        self._last_tap = (0, "", 0.0)
        await self._show_tap(result, outbox, me)
        self._announce()
        return rx.toast.success(f"Undone: back to {result.status.label}.", duration=2000)

    @rx.event(background=True)
    async def expire_undo(self, task_id: int):
        """Stop offering "Undo" for a tap after :data:`UNDO_S` seconds (unless taken meanwhile)."""
        await asyncio.sleep(UNDO_S)
        async with self:
            _, _, offered_at = self._undo
            if self.undo_task == task_id and time.monotonic() - offered_at >= UNDO_S - 0.05:
                self.undo_task, self.undo_text, self._undo = 0, "", ("", "", 0.0)
