"""One plan on screen, for whoever may see it: mentor, teacher, learner, parent, administrator.

What the viewer may do arrives with the view model (``plan.can``) so the page can offer it,
but every handler asks the services again: the buttons are a convenience, not the check.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.domain.permissions import Action
from ilp_app.domain.plans import NOTE_VISIBILITY_LABELS, NoteVisibility
from ilp_app.domain.roles import Role
from ilp_app.i18n import gettext
from ilp_app.services.guard import authorize
from ilp_app.services.plans import plan_read
from ilp_app.services.plans.history import ChangeView
from ilp_app.services.plans.plan_page import PlanPage, plan_page
from ilp_app.services.plans.plan_read import AgendaTask, PlanListItem, PlanView
from ilp_app.services.school.directory import LearnerRow, parent_home
from ilp_app.services.school.family import ChildSummary
from ilp_app.services.templates.template_suggest import PlanSuggestion
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import perform
from ilp_app.state.plan_coaching import PlanCoaching
from ilp_app.state.plan_dialogs import PlanDialogs
from ilp_app.state.plan_edits import PlanEdits
from ilp_app.state.plan_follow import PlanFollow
from ilp_app.state.plan_proposals import PlanProposals
from ilp_app.state.plan_tick import PlanTicking
from ilp_app.state.session import SessionState


def _parent_home(me, client_ip: str):
    with unit_of_work() as s:
        return parent_home(session=s, actor=me.actor if me else None, client_ip=client_ip)


class PlanState(
    PlanTicking, PlanEdits, PlanProposals, PlanCoaching, PlanDialogs, PlanFollow, SessionState
):
    loaded: bool = False
    plan: PlanView | None = None
    other_plans: list[PlanListItem] = []
    empty_message: str = ""
    agenda_by_goal: bool = False  # "My tasks" grouped by goal, when the learner asks
    # Parent view: which child is shown.
    children: list[LearnerRow] = []
    summaries: list[ChildSummary] = []  # first on the parent's home: how each child is doing
    child_id: int = 0
    # Mentor tools.
    focus_area_choices: list[str] = []
    objective_choices: list[dict[str, str]] = []
    history: list[ChangeView] = []
    history_open: bool = False
    suggestion: PlanSuggestion | None = None  # a template for the learner's year, for editors

    _plan_id: int = 0
    _open_refused: bool = False  # this page's open was refused: the beat must not open it again
    # The open refused last: (plan id as asked, session digest, the message shown).
    _refused_open: tuple[str, str, str] = ("", "", "")
    _outbox: tuple[set[int], set[int]] = (set(), set())
    _last_ok: bool = False  # whether the last change through _act was saved

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

    def _read_family(self, me) -> list[ChildSummary] | None:
        """The parent's cards read again (blocking), when this page shows them; else None."""
        if not self.summaries:
            return None
        return _parent_home(me, self._client_ip()).summaries

    def _show_page(self, page: PlanPage) -> None:
        if page.plan.id != self._plan_id:
            self.history, self.history_open = [], False
        self._plan_id = page.plan.id
        self.plan, self.other_plans = page.plan, page.other_plans
        self.focus_area_choices, self.objective_choices = (
            page.focus_area_choices,
            page.objective_choices,
        )
        self.reflection_starters = page.reflection_starters
        self.low_rating_prompts = page.low_rating_prompts
        self.suggestion = page.suggestion
        self.empty_message = ""
        self.loaded = True

    def _show(self, plan_id: int, me) -> None:
        """Read and show the plan page (blocking: the database is read here)."""
        if plan_id != self._plan_id:
            self.history, self.history_open = [], False
        self._plan_id = plan_id
        self._show_page(self._read_page(plan_id, me))

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
            self.empty_message = gettext("Your mentor has not shared a plan with you yet.")
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
            self.children, self.summaries = home.children, home.summaries
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
                self.empty_message = gettext("There is no shared plan for this child yet.")
                return None
            return self._show(plan_id, me)
        except DomainError as error:
            if isinstance(error, NotSignedIn) or me is None:
                return self._fail(me, error)
            return rx.toast.error(error.message)

    # --- doing things ---

    def _act(self, call, *, success: str = "") -> list:
        """Run the service ``call()`` names on this plan for the signed-in person (blocking),
        then show the plan as it now is.

        ``call`` returns (service, arguments); a forged form raises its clear message there.
        What the change touched is kept for :meth:`_announce`, which tells the other screens.
        """
        me = self._current()
        self._last_ok = False
        try:
            service, kwargs = call()
            _, self._outbox = perform(me, service, self._client_ip(), **kwargs)
            self._last_ok = True
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
        return [rx.toast.success(gettext(success), duration=1500)] if success else []

    async def _perform(self, service, *, success: str = "", **kwargs) -> list:
        """One change through ``service``, then the other screens watching are told."""
        events = await asyncio.to_thread(self._act, lambda: (service, kwargs), success=success)
        self._announce()
        return events

    async def _perform_form(self, form_data: object, build, *, success: str = "") -> list:
        """Like :meth:`_perform`, with the service and its arguments built from a form."""
        call = lambda: build(form_mapping(form_data))  # noqa: E731 (evaluated in the thread)
        events = await asyncio.to_thread(self._act, call, success=success)
        self._announce()
        return events

    def _announce(self) -> None:
        """Push the committed change to every screen watching (this one already shows it)."""
        learners, users = self._outbox
        self._outbox = (set(), set())
        live.announce(
            learner_ids=learners, user_ids=users, skip_client=self.router.session.client_token
        )

    @rx.var
    def agenda(self) -> list[AgendaTask]:
        """The learner's unfinished tasks, overdue first, then what is due next."""
        return plan_read.task_agenda(
            self.plan, plan_read.school_today(), by_goal=self.agenda_by_goal
        )

    @rx.event
    def set_agenda_by_goal(self, value: bool):
        self.agenda_by_goal = value is True

    @rx.var
    def has_plan(self) -> bool:
        return self.plan is not None
