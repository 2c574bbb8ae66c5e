"""The home page of each role. Each load asks the services, which authorise on the server."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.services import directory, plan_edit
from ilp_app.services.directory import GroupRow, LearnerRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.session import SessionState


class StaffHomeState(SessionState):
    """Shared shape of the mentor and teacher homes: groups and the learners in them."""

    loaded: bool = False
    groups: list[GroupRow] = []
    learners: list[LearnerRow] = []
    query: str = ""
    _viewer_id: int = 0

    @rx.var
    def visible_learners(self) -> list[LearnerRow]:
        needle = self.query.strip().casefold()
        if not needle:
            return self.learners
        return [
            r for r in self.learners if needle in f"{r.name} {r.full_name} {r.groups}".casefold()
        ]

    @rx.event
    def set_query(self, value: str):
        self.query = value[:100] if isinstance(value, str) else ""

    def _fill(self, fetch):
        me = self._current()
        try:
            with unit_of_work() as s:
                home = fetch(session=s, actor=me.actor if me else None, client_ip=self._client_ip())
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        self.groups = home.groups
        self.learners = home.learners
        self._viewer_id = me.actor.user_id
        self.loaded = True

    async def _fill_and_follow(self):
        """Load the home, then follow this person's connections: an administrator's change reloads it."""
        events = self._fill(self._home)
        if events is None and self._viewer_id:
            await live.link(self, live.RosterPulse, live.roster_token(self._viewer_id))
        return events

    def _follow_roster(self, user_id: int) -> bool:
        """Called after an administrator changed ``user_id``'s learners: reload if this home shows theirs.

        Returns False when this browser should stop following (nobody, or someone else, is signed in).
        """
        if not self.loaded or self._viewer_id != user_id:
            return True
        me = self._current()
        if me is None or me.actor.user_id != user_id:
            self.reset()
            return False
        try:
            with unit_of_work() as s:
                home = self._home(session=s, actor=me.actor, client_ip=self._client_ip())
        except DomainError:
            self.reset()  # no longer allowed: show nothing rather than stale names
            return True
        self.groups = home.groups
        self.learners = home.learners
        return True


class MentorHomeState(StaffHomeState):
    def _home(self, **kwargs):
        return directory.mentor_home(**kwargs)

    @rx.event
    async def load(self):
        return await self._fill_and_follow()

    @rx.event
    def create_plan(self, learner_id: int):
        """Start a draft plan for a mentee in the current period, then open it."""
        me = self._current()
        try:
            with unit_of_work() as s:
                plan_id = plan_edit.plan_create(
                    session=s,
                    actor=me.actor if me else None,
                    learner_id=learner_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None:
                return self._refusal(me, error)
            return rx.toast.error(error.message)
        return rx.redirect(routes.plan_url(plan_id))


class TeacherHomeState(StaffHomeState):
    def _home(self, **kwargs):
        return directory.teacher_home(**kwargs)

    @rx.event
    async def load(self):
        return await self._fill_and_follow()


live.follow_rosters_with(MentorHomeState)
live.follow_rosters_with(TeacherHomeState)
