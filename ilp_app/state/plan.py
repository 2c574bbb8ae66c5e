"""One plan on screen, for whoever may see it: mentor, teacher, learner, parent, administrator.

What the viewer may do arrives with the view model (``plan.can``) so the page can offer it,
but every handler asks the services again: the buttons are a convenience, not the check.
"""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.domain.permissions import Action
from ilp_app.domain.plans import NOTE_VISIBILITY_LABELS, NoteVisibility
from ilp_app.domain.roles import Role
from ilp_app.services.guard import authorize
from ilp_app.services.live import live_feed
from ilp_app.services.outbox import changed_learners, notified_users
from ilp_app.services.plans import history, lifecycle, plan_activity, plan_edit, plan_read
from ilp_app.services.plans.history import ChangeView
from ilp_app.services.plans.plan_page import PlanPage, plan_page
from ilp_app.services.plans.plan_read import PlanListItem, PlanView
from ilp_app.services.school.directory import LearnerRow, parent_home
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.guard import session_checks
from ilp_app.state.learner_context import LearnerContextState
from ilp_app.state.reviews import ReviewState
from ilp_app.state.saving import MSG_NOT_SAVED, DatabaseUnavailable, save_with_retries
from ilp_app.state.session import SessionState
from ilp_app.state.template_updates import TemplateUpdatesState

OBJECTIVE_FIELD_PREFIX = "objective-"
CARRY_GOAL_PREFIX = "carry-goal-"
REASON_PREFIX = "reason-"


def _objective_ids(form: dict) -> list[str]:
    return [
        key.removeprefix(OBJECTIVE_FIELD_PREFIX)
        for key, on in form.items()
        if isinstance(key, str) and key.startswith(OBJECTIVE_FIELD_PREFIX) and on
    ]


def _task_advance(me, task_id: object, status: object, client_ip: str):
    with unit_of_work() as s:
        result = plan_activity.task_advance(
            session=s,
            actor=me.actor if me else None,
            task_id=task_id,
            expected_status=status,
            client_ip=client_ip,
        )
        return result, (changed_learners(s), notified_users(s))


def _parent_home(me, client_ip: str):
    with unit_of_work() as s:
        return parent_home(session=s, actor=me.actor if me else None, client_ip=client_ip)


class PlanState(SessionState):
    loaded: bool = False
    plan: PlanView | None = None
    other_plans: list[PlanListItem] = []
    empty_message: str = ""
    # Parent view: which child is shown.
    children: list[LearnerRow] = []
    child_id: int = 0
    # Mentor tools.
    focus_area_choices: list[str] = []
    objective_choices: list[dict[str, str]] = []
    objective_filter: str = ""  # narrows the goal dialog's objectives by code or words
    # One dialog at a time: its kind ("" = closed), the row it edits, and its prefilled values.
    dialog: str = ""
    dialog_target: int = 0
    dialog_values: dict[str, str] = {}
    dialog_objectives: list[str] = []
    dialog_error: str = ""
    history: list[ChangeView] = []
    history_open: bool = False

    # The task whose tap is being saved, and the one whose tap could not be saved.
    saving_task: int = 0
    unsaved_task: int = 0
    _plan_id: int = 0
    _channel: str = ""
    _version: int = 0
    _open_refused: bool = False  # this page's open was refused: the beat must not open it again
    # The open refused last: (plan id as asked, session digest, the message shown).
    _refused_open: tuple[str, str, str] = ("", "", "")
    _outbox: tuple[set[int], set[int]] = (set(), set())

    visibility_options: list[dict[str, str]] = [
        {"value": v.value, "label": NOTE_VISIBILITY_LABELS[v]} for v in NoteVisibility
    ]

    # --- loading ---

    def _read_page(self, plan_id: int, me) -> PlanPage:
        """The page as the services give it to ``me`` (blocking; changes no var)."""
        with unit_of_work() as s:
            return plan_page(
                session=s,
                actor=me.actor if me else None,
                plan_id=plan_id,
                client_ip=self._client_ip(),
            )

    def _show_page(self, page: PlanPage) -> None:
        if page.plan.id != self._plan_id:
            self.history, self.history_open = [], False
        self._plan_id = page.plan.id
        self.plan, self.other_plans = page.plan, page.other_plans
        self.focus_area_choices, self.objective_choices = (
            page.focus_area_choices,
            page.objective_choices,
        )
        self.empty_message = ""
        self.loaded = True

    def _show(self, plan_id: int, me) -> None:
        """Read and show the plan page (blocking: the database is read here)."""
        if plan_id != self._plan_id:
            self.history, self.history_open = [], False
        self._plan_id = plan_id
        self._show_page(self._read_page(plan_id, me))

    async def _watch(self) -> None:
        """Follow changes to the shown plan (after plan_view authorised this viewer), and show its reviews."""
        context_state = await self.get_state(LearnerContextState)
        await asyncio.to_thread(
            context_state._show_learner, self.plan.learner_id if self.plan is not None else 0
        )
        review_state = await self.get_state(ReviewState)
        watching = (
            live_feed.channel(live_feed.PLAN, self.plan.learner_id) if self.plan is not None else ""
        )
        if watching != self._channel:
            await live.leave(self, self._channel)
            self._channel = watching
        if watching:
            self._version = await live.join(self, watching)
        if self.plan is not None:
            try:
                await asyncio.to_thread(review_state._load, self.plan.learner_id)
            except DomainError:
                review_state._clear()
        else:  # no plan on screen: nothing of the learner shown before stays beside it
            review_state._clear()

    async def _refused(self, me, error: DomainError) -> list:
        """Empty the page, the learner's context and reviews included, and say why."""
        events = self._fail(me, error)
        await self._watch()
        return events

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        self._open_refused = True
        return self._refusal(me, error)

    @rx.event
    async def load(self):
        """/plans/[plan_id]: the plan named in the URL (the id only selects; the services decide)."""
        me = self._current()
        asked = str(self.plan_id)
        asked_before, digest, message = self._refused_open
        if self._open_refused and (asked_before, digest) == (asked, self._session_digest()):
            # The same refused open asked again by this tab before it left (a reconnect runs
            # on_load again): it was refused and audited once; send the page home again.
            return self._refusal(me, DomainError(message))
        self._open_refused = False
        try:
            await asyncio.to_thread(self._show, self.plan_id, me)
        except DomainError as error:
            events = await self._refused(me, error)
            self._refused_open = (asked, self._session_digest(), error.message)
            return events
        await self._watch()
        return None

    @rx.event
    async def load_mine(self):
        """/learner: the learner's own current plan."""
        self._open_refused = False
        me = self._current()
        try:
            shown = await asyncio.to_thread(self._show_mine, me)
        except DomainError as error:
            return await self._refused(me, error)
        if shown:
            await self._watch()
        return None

    def _show_mine(self, me) -> bool:
        """Show the learner's current plan (blocking); False when none is shared yet."""
        with unit_of_work() as s:
            authorize(
                me.actor if me else None,
                Action.HOME_VIEW,
                Role.LEARNER,
                client_ip=self._client_ip(),
            )
            plan_id = plan_read.plan_current_id(
                session=s, actor=me.actor, learner_id=me.actor.user_id
            )
        if not plan_id:
            self.reset()
            self.loaded = True
            self.empty_message = "Your mentor has not shared a plan with you yet."
            return False
        self._show(plan_id, me)
        return True

    @rx.event
    async def load_family(self):
        """/parent: the children of this parent, and the first child's current plan."""
        self._open_refused = False
        me = self._current()
        try:
            home = await asyncio.to_thread(_parent_home, me, self._client_ip())
            self.children = home.children
        except DomainError as error:
            return await self._refused(me, error)
        wanted = self.child_id if any(c.id == self.child_id for c in self.children) else 0
        first = self.children[0].id if self.children else 0
        events = await asyncio.to_thread(self._show_child, me, wanted or first)
        await self._watch()
        return events

    @rx.event
    async def select_child(self, learner_id: str | list[str]):
        me = self._current()
        events = await asyncio.to_thread(self._show_child, me, learner_id)
        await self._watch()
        return events

    def _show_child(self, me, learner_id: object):
        """Show a child's current plan (blocking)."""
        try:
            with unit_of_work() as s:
                plan_id = plan_read.plan_current_id(
                    session=s,
                    actor=me.actor if me else None,
                    learner_id=learner_id,
                    client_ip=self._client_ip(),
                )
            self.child_id = parse_id(learner_id, what="learner")
            if not plan_id:
                self.plan = None
                self.other_plans = []
                self.loaded = True
                self.empty_message = "There is no shared plan for this child yet."
                return None
            return self._show(plan_id, me)
        except DomainError as error:
            if isinstance(error, NotSignedIn) or me is None:
                return self._fail(me, error)
            return rx.toast.error(error.message)

    # --- doing things ---

    def _act(self, service, *, success: str = "", **kwargs) -> list:
        """Run one service on this plan for the signed-in person, then show the plan as it now is.

        What the change touched is kept for :meth:`_announce`, which tells the other screens.
        """
        me = self._current()
        try:
            _, self._outbox = perform(me, service, self._client_ip(), **kwargs)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            events = [rx.toast.error(error.message)]
            try:
                self._show(self._plan_id, me)
            except DomainError as reload_error:
                return self._fail(me, reload_error)
            return events
        try:
            self._show(self._plan_id, me)
        except DomainError as error:
            return self._fail(me, error)
        return [rx.toast.success(success, duration=1500)] if success else []

    async def _announce(self) -> None:
        """Push the committed change to every screen watching (once this event has finished)."""
        learners, users = self._outbox
        self._outbox = (set(), set())
        # This browser already shows the result; every other one watching is told.
        live.announce(
            learner_ids=learners, user_ids=users, skip_client=self.router.session.client_token
        )

    async def _run(self, service, *, success: str = "", **kwargs):
        yield await asyncio.to_thread(self._act, service, success=success, **kwargs)
        await self._announce()

    @rx.event
    async def tick(self, task_id: int, status: str):
        """One tap: the task moves to its next status (if it still had the status the learner saw).

        The hot path of a lesson. The tapped task shows as "Saving…" at once; it shows its new
        status only once the database has committed it. A database that does not answer is
        tried again for a few seconds, then the task says "Not saved — try again" (nothing is
        ever shown as saved before it is). A second tap while one is saving counts once. On
        success only the ticked task and the progress figures change in the view model.
        """
        if self.saving_task and self.saving_task == task_id:
            return  # an impatient second tap: the first one is still on its way
        me = self._current()
        self.saving_task, self.unsaved_task = task_id if isinstance(task_id, int) else 0, 0
        yield
        try:
            result, outbox = await save_with_retries(
                _task_advance, me, task_id, status, self._client_ip()
            )
        except DomainError as error:
            self.saving_task = 0
            if me is None or isinstance(error, NotSignedIn):
                yield self._fail(me, error)
                return
            yield rx.toast.error(error.message)
            try:
                await asyncio.to_thread(self._show, self._plan_id or self._plan_id_shown(), me)
            except DomainError as reload_error:
                yield self._fail(me, reload_error)
            return
        except DatabaseUnavailable:
            self.saving_task, self.unsaved_task = 0, task_id if isinstance(task_id, int) else 0
            yield rx.toast.error(MSG_NOT_SAVED)
            return
        self.saving_task = 0
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
        yield
        await self._announce()

    def _plan_id_shown(self) -> int:
        return self.plan.id if self.plan is not None else 0

    @rx.event
    async def rate(self, goal_id: int, score: int):
        async for event in self._run(
            plan_activity.rating_add, goal_id=goal_id, score=score, success="Rating saved."
        ):
            yield event

    @rx.event
    async def add_reflection(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            plan_activity.reflection_add,
            goal_id=form.get("goal_id"),
            body=form.get("body"),
            success="Reflection saved.",
        ):
            yield event

    @rx.event
    async def post_log(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            plan_activity.log_post, plan_id=self._plan_id, body=form.get("body"), success="Posted."
        ):
            yield event

    @rx.event
    async def add_note(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            plan_activity.note_add,
            plan_id=self._plan_id,
            body=form.get("body"),
            visibility=form.get("visibility", ""),
            success="Note saved.",
        ):
            yield event

    @rx.event
    async def set_note_visibility(self, note_id: int, visibility: str):
        async for event in self._run(
            plan_activity.note_set_visibility,
            note_id=note_id,
            visibility=visibility,
            success="Visibility changed.",
        ):
            yield event

    @rx.event
    async def delete_note(self, note_id: int):
        async for event in self._run(
            plan_activity.note_delete, note_id=note_id, success="Note deleted."
        ):
            yield event

    @rx.event
    async def activate(self):
        async for event in self._run(
            plan_edit.plan_activate,
            plan_id=self._plan_id,
            success="The plan is shared with the learner and parents.",
        ):
            yield event

    @rx.event
    async def add_focus_area(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            plan_edit.focus_area_add,
            plan_id=self._plan_id,
            name=form.get("name"),
            success="Focus area added.",
        ):
            yield event

    @rx.event
    async def move_focus_area(self, focus_area_id: int, direction: str):
        async for event in self._run(
            plan_edit.focus_area_move, focus_area_id=focus_area_id, direction=direction
        ):
            yield event

    @rx.event
    async def delete_focus_area(self, focus_area_id: int):
        async for event in self._run(
            plan_edit.focus_area_delete, focus_area_id=focus_area_id, success="Focus area removed."
        ):
            yield event

    @rx.event
    async def move_goal(self, goal_id: int, direction: str):
        async for event in self._run(plan_edit.goal_move, goal_id=goal_id, direction=direction):
            yield event

    @rx.event
    async def delete_goal(self, goal_id: int):
        async for event in self._run(
            plan_edit.goal_delete, goal_id=goal_id, success="Goal removed."
        ):
            yield event

    @rx.event
    async def add_task(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            plan_edit.task_add,
            goal_id=form.get("goal_id"),
            title=form.get("title"),
            due_date=form.get("due_date", ""),
            success="Task added.",
        ):
            yield event

    @rx.event
    async def move_task(self, task_id: int, direction: str):
        async for event in self._run(plan_edit.task_move, task_id=task_id, direction=direction):
            yield event

    @rx.event
    async def delete_task(self, task_id: int):
        async for event in self._run(
            plan_edit.task_delete, task_id=task_id, success="Task removed."
        ):
            yield event

    @rx.event
    async def acknowledge(self):
        async for event in self._run(
            lifecycle.plan_acknowledge,
            plan_id=self._plan_id,
            success="Thank you: your acknowledgement of this version is recorded.",
        ):
            yield event

    @rx.event
    async def set_carry_reason(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            lifecycle.task_reason_set,
            task_id=form.get("task_id"),
            reason=form.get("reason", ""),
            success="Saved.",
        ):
            yield event

    @rx.event
    @off_loop
    def load_history(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                self.history = history.plan_history(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=self._plan_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            return self._fail(me, error)
        self.history_open = True
        return None

    async def _start_next_period(self, form_data: dict):
        """Carry the chosen goals and unfinished tasks into the next period; this plan becomes locked."""
        form = form_data if isinstance(form_data, dict) else {}
        goal_ids = [
            k.removeprefix(CARRY_GOAL_PREFIX)
            for k, v in form.items()
            if isinstance(k, str) and k.startswith(CARRY_GOAL_PREFIX) and v
        ]
        reasons = {
            k.removeprefix(REASON_PREFIX): v
            for k, v in form.items()
            if isinstance(k, str) and k.startswith(REASON_PREFIX)
        }
        me = self._current()
        try:
            result, self._outbox = await asyncio.to_thread(
                perform,
                me,
                lifecycle.plan_next_period,
                self._client_ip(),
                plan_id=self._plan_id,
                goal_ids=goal_ids,
                reasons=reasons,
            )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                yield self._fail(me, error)
                return
            self.dialog_error = error.message
            return
        self.close_dialog()
        yield [
            rx.toast.success(
                f"The next period's plan is ready: {result.goals_carried} goals and "
                f"{result.tasks_carried} unfinished tasks carried over. This plan is now locked."
            ),
            rx.redirect(routes.plan_url(result.plan_id)),
        ]
        await self._announce()

    @rx.event
    async def delete_link(self, link_id: int):
        async for event in self._run(
            plan_edit.link_delete, link_id=link_id, success="Link removed."
        ):
            yield event

    async def _receive(self, name: str, item: object, version: int) -> bool:
        """Another tab changed the learner shown here: reload this tab's own copy of the page.

        Each tab reloads for whoever is signed in there, so a parent never receives what only
        staff may read. Returns False to stop watching (nobody may see it here any more).
        """
        if name != self._channel or self.plan is None:
            return False
        me = await session_checks(self._digest)  # a stalled database holds the page up 1 s at most
        if not live_feed.channel_allowed(me.actor if me else None, name):
            self.reset()
            await self._watch()
            return False
        self._version = version
        try:
            await asyncio.to_thread(self._show, self._plan_id, me)
        except DomainError:
            self.reset()  # no longer allowed to see it: show nothing rather than stale data
        for follower in (LearnerContextState, ReviewState, TemplateUpdatesState):
            await asyncio.to_thread((await self.get_state(follower))._follow, item)
        return True

    @rx.event(background=True)
    async def heartbeat(self, _tick: str = ""):
        """Every few seconds: stay registered for the shown learner, and catch up if behind.

        The plan is read without holding the tab, so a slow database holds up no other event
        of the page (a tap waits only for its own save). A page whose state was lost (a
        restarted store) loads itself again from the URL and the session, as it did when it
        opened, and so follows the learner live again.
        """
        channel, plan_id = self._channel, self._plan_id
        if not channel:
            async with self:
                return await self._reopen()
        version = await live.join(self, channel)
        if version < 0 or version == self._version:
            return None
        me = self._event_user()
        try:
            page = await asyncio.to_thread(self._read_page, plan_id, me)
        except DomainError as error:
            page = error
        async with self:
            if (self._channel, self._plan_id) != (channel, plan_id):
                return None  # the page shows another plan now
            if isinstance(page, DomainError):
                return self._fail(me, page)
            self._show_page(page)
            self._version = version
        return None

    async def _reopen(self) -> list | None:
        """Load the page again from its URL, unless there is nothing to follow."""
        if self._channel or self.loaded or self.plan is not None or self._open_refused:
            # A page that shows no plan (none shared yet) has nothing to follow, and a
            # refused open is not tried again (it was audited once, and is on its way home).
            return None
        path = self.router.page.path
        if path == routes.LEARNER:
            return await self.load_mine()
        if path == routes.PARENT:
            return await self.load_family()
        return await self.load() if path == routes.PLAN else None

    # --- dialogs (goal, task, link, focus area) ---

    @rx.event
    def open_dialog(self, kind: str, target: int, values: dict):
        if kind not in {
            "goal_add",
            "goal_edit",
            "task_edit",
            "link_add",
            "area_rename",
            "next_period",
        }:
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

    @rx.event
    async def submit_dialog(self, form_data: dict):
        if self.dialog == "next_period":
            async for event in self._start_next_period(form_data):
                yield event
            return
        services = {
            "goal_add": lambda f: (
                plan_edit.goal_add,
                {
                    "focus_area_id": self.dialog_target,
                    "statement": f.get("statement"),
                    "success_criteria": f.get("success_criteria", ""),
                    "target_date": f.get("target_date", ""),
                    "objective_ids": _objective_ids(f),
                },
            ),
            "goal_edit": lambda f: (
                plan_edit.goal_edit,
                {
                    "goal_id": self.dialog_target,
                    "statement": f.get("statement"),
                    "success_criteria": f.get("success_criteria", ""),
                    "target_date": f.get("target_date", ""),
                    "objective_ids": _objective_ids(f),
                },
            ),
            "task_edit": lambda f: (
                plan_edit.task_edit,
                {
                    "task_id": self.dialog_target,
                    "title": f.get("title"),
                    "due_date": f.get("due_date", ""),
                },
            ),
            "link_add": lambda f: (
                plan_edit.link_add,
                {"task_id": self.dialog_target, "title": f.get("title"), "url": f.get("url")},
            ),
            "area_rename": lambda f: (
                plan_edit.focus_area_rename,
                {"focus_area_id": self.dialog_target, "name": f.get("name")},
            ),
        }
        if self.dialog not in services:
            return
        me = self._current()
        try:
            service, kwargs = services[self.dialog](form_mapping(form_data))
            _, self._outbox = await asyncio.to_thread(
                perform, me, service, self._client_ip(), **kwargs
            )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                yield self._fail(me, error)
                return
            self.dialog_error = error.message
            return
        self.close_dialog()
        try:
            await asyncio.to_thread(self._show, self._plan_id, me)
        except DomainError as error:
            yield self._fail(me, error)
            return
        yield rx.toast.success("Saved.", duration=1500)
        await self._announce()

    @rx.var
    def has_plan(self) -> bool:
        return self.plan is not None
