"""Review meetings on the plan page, and the mentor's review dashboard.

Thin: each handler reads its form, calls one service in a unit of work, and stores the view
models the service returns. Ids travel in hidden form fields (a form's submit handler cannot see
a foreach loop variable) and only *select*: the services decide who may do what.

Wiring (for the page modules):

* Plan page, learner home, parent home: ``ReviewState.load_for_learner(learner_id)`` (an
  event), or from another state's handler ``(await self.get_state(ReviewState))._load(learner_id)``;
  ``components.reviews.reviews_section(PlanState.plan.learner_id)`` does the former by itself when
  the section mounts. ``ReviewState.load_for_plan(plan_id)`` loads from a plan id instead.
* Mentor home: ``ReviewState.load_dashboard`` in the page's ``on_load``, and
  ``components.reviews.review_dashboard_section()``.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.parsing import form_mapping
from ilp_app.i18n import N_, gettext
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.reviews import reviews
from ilp_app.services.reviews.review_dashboard import review_dashboard
from ilp_app.services.reviews.review_model import ReviewDashboard, ReviewPanel, ReviewView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.review_prep import ReviewPrepEvents
from ilp_app.state.session import SessionState

ATTENDEE_FIELD_PREFIX = "attendee-"
_CHECKED = frozenset({"on", "true", "1", "yes"})


def _attendee_ids(form: dict) -> list[str]:
    """The ids of the ticked ``attendee-<id>`` checkboxes (unticked ones may arrive as false)."""
    return [
        key.removeprefix(ATTENDEE_FIELD_PREFIX)
        for key, value in form.items()
        if isinstance(key, str)
        and key.startswith(ATTENDEE_FIELD_PREFIX)
        and (value is True or (isinstance(value, str) and value.strip().lower() in _CHECKED))
    ]


class ReviewState(ReviewPrepEvents, SessionState):
    learner_name: str = ""
    reviews: list[ReviewView] = []
    attendee_choices: list[
        dict[str, str]
    ] = []  # {"id", "label", "checked": "1" | ""} for the mentor's form
    can_schedule: bool = False
    can_comment: bool = False
    earliest_start: str = ""
    time_zone: str = "UTC"
    error: str = ""  # the schedule form's problem, shown above it
    form_version: int = 0  # changes after a review is scheduled, so the form starts empty again
    dashboard: ReviewDashboard | None = None

    # Whose reviews are shown: set only after the services authorised this viewer.
    _learner_id: int = 0

    # --- loading ---

    def _show(self, panel: ReviewPanel) -> None:
        self._learner_id = panel.learner_id
        self.learner_name = panel.learner_name
        self.reviews = panel.reviews
        self.can_schedule = panel.can_schedule
        self.can_comment = panel.can_comment
        self.earliest_start = panel.earliest_start
        self.time_zone = panel.time_zone
        defaults = set(panel.default_attendee_ids)
        self.attendee_choices = [
            {
                "id": str(p.id),
                "label": f"{p.name} ({p.role})",
                "checked": "1" if p.id in defaults else "",
            }
            for p in panel.attendee_choices
        ]

    def _clear(self) -> None:
        self._learner_id = 0
        self.learner_name = ""
        self.reviews = []
        self.attendee_choices = []
        self.can_schedule = False
        self.can_comment = False
        self.earliest_start = ""
        self.error = ""

    def _load(self, learner_id: object, me: CurrentUser | None = None) -> None:
        """Show the reviews of ``learner_id`` to the signed-in person.

        A plain method for other states to call. Raises the services' DomainError (nothing is
        shown then); the event handlers below turn it into a message.
        """
        me = me or self._current()
        with unit_of_work() as s:
            panel = reviews.review_panel(
                session=s,
                actor=me.actor if me else None,
                learner_id=learner_id,
                client_ip=self._client_ip(),
            )
        self._show(panel)

    def _failed_load(self, me: CurrentUser | None, error: DomainError) -> list:
        self._clear()
        if me is None or isinstance(error, NotSignedIn):
            return self._refusal(me, error)
        return [rx.toast.error(error.message)]

    @rx.event
    @off_loop
    def load_for_learner(self, learner_id: int):
        if learner_id in (None, "", 0):
            # The section mounted before its page knew the learner: nothing to show yet.
            self._clear()
            return None
        me = self._current()
        try:
            self._load(learner_id, me)
        except DomainError as error:
            return self._failed_load(me, error)
        return None

    @rx.event
    @off_loop
    def load_for_plan(self, plan_id: int):
        me = self._current()
        try:
            with unit_of_work() as s:
                panel = reviews.review_panel_of_plan(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=plan_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            return self._failed_load(me, error)
        self._show(panel)
        return None

    def _follow(self, learner_id: int) -> None:
        """Another browser changed this learner's plan or reviews: reload if they are shown here."""
        if not self._learner_id or self._learner_id != learner_id:
            return
        try:
            self._load(learner_id)
        except DomainError:
            self._clear()  # no longer allowed to see them: show nothing rather than stale data

    # --- doing things ---

    async def _run(
        self,
        service,
        *,
        success: str,
        form_error: bool = False,
        plan_changed: bool = False,
        **kwargs,
    ):
        """Run one service for the signed-in person, show the reviews as they now are, tell other screens.

        ``form_error`` puts a refusal in :attr:`error` (the schedule form) instead of a toast;
        ``plan_changed`` also refreshes this browser's plan (the outcome is written into its log).
        """
        me = self._current()
        try:
            _, (learners, users) = await asyncio.to_thread(
                perform, me, service, self._client_ip(), **kwargs
            )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                self._clear()
                yield self._refusal(me, error)
                return
            if form_error:
                self.error = error.message
                return
            yield rx.toast.error(error.message)
            # Show what is true now (e.g. the meeting was just held).
            await asyncio.to_thread(self._follow, self._learner_id)
            return
        self.error = ""
        await asyncio.to_thread(self._follow, self._learner_id)
        yield rx.toast.success(gettext(success), duration=2000)
        skip = "" if plan_changed else self.router.session.client_token
        live.announce(learner_ids=learners, user_ids=users, skip_client=skip)

    @rx.event
    async def schedule(self, form_data: dict):
        """The mentor's form: starts_at (datetime-local), duration, location, online_url, attendee-<id> boxes."""
        try:
            form = form_mapping(form_data)
        except ValidationFailed as error:
            self.error = error.message
            return
        async for event in self._run(
            reviews.review_schedule,
            success=N_("Review scheduled."),
            form_error=True,
            learner_id=self._learner_id,
            starts_at=form.get("starts_at"),
            duration_minutes=form.get("duration"),
            location=form.get("location", ""),
            online_url=form.get("online_url", ""),
            attendee_ids=_attendee_ids(form),
        ):
            yield event
        if not self.error:
            self.form_version += 1

    @rx.event
    async def comment(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            reviews.review_comment_add,
            success=N_("Comment added."),
            review_id=form.get("review_id"),
            body=form.get("body"),
        ):
            yield event

    @rx.event
    async def record_outcome(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            reviews.review_record_outcome,
            success=N_("Outcome recorded and written into the plan log."),
            plan_changed=True,
            review_id=form.get("review_id"),
            summary=form.get("summary"),
            decisions=form.get("decisions", ""),
            new_targets=form.get("new_targets", ""),
        ):
            yield event

    @rx.event
    async def cancel(self, review_id: int):
        async for event in self._run(
            reviews.review_cancel, success=N_("Review cancelled."), review_id=review_id
        ):
            yield event

    @rx.event
    def clear_error(self):
        self.error = ""

    # --- the mentor's dashboard ---

    @rx.event
    @off_loop
    def load_dashboard(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                self.dashboard = review_dashboard(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            self.dashboard = None
            return self._refusal(me, error)
        return None
