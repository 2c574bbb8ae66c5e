"""The home page of each role. Each load asks the services, which authorise on the server."""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.services.live import live_feed
from ilp_app.services.plans import plan_edit
from ilp_app.services.school import directory
from ilp_app.services.school.directory import GroupRow, LearnerRow
from ilp_app.services.templates import template_apply
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop
from ilp_app.state.guard import session_checks
from ilp_app.state.session import SessionState


class StaffHomeState(SessionState):
    """Shared shape of the mentor and teacher homes: groups and the learners in them."""

    loaded: bool = False
    groups: list[GroupRow] = []
    learners: list[LearnerRow] = []
    query: str = ""
    _viewer_id: int = 0
    _channel: str = ""

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
        """Load the home, then watch this person's roster: an administrator's change reloads it."""
        events = await asyncio.to_thread(self._fill, self._home)
        if events is None and self._viewer_id:
            self._channel = live_feed.channel(live_feed.ROSTER, self._viewer_id)
            await live.join(self, self._channel)
        return events

    async def _receive(self, name: str, item: object, version: int) -> bool:
        """An administrator changed this person's learners: reload if this home shows theirs.

        Returns False when this tab should stop watching (nobody, or someone else, is signed in).
        """
        if name != self._channel or not self.loaded:
            return False
        me = await session_checks(self._digest)  # a stalled database holds the page up 1 s at most
        if not live_feed.channel_allowed(me.actor if me else None, name):
            self.reset()
            return False
        try:
            home = await asyncio.to_thread(self._home_for, me)
        except DomainError:
            self.reset()  # no longer allowed: show nothing rather than stale names
            return False
        self.groups = home.groups
        self.learners = home.learners
        return True

    def _home_for(self, me):
        with unit_of_work() as s:
            return self._home(session=s, actor=me.actor, client_ip=self._client_ip())

    @rx.event
    async def heartbeat(self, _tick: str = ""):
        """Every few seconds: stay registered for roster changes."""
        if self._channel:
            await live.join(self, self._channel)


class MentorHomeState(StaffHomeState):
    def _home(self, **kwargs):
        return directory.mentor_home(**kwargs)

    @rx.event
    async def load(self):
        return await self._fill_and_follow()

    @rx.event
    @off_loop
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

    @rx.event
    @off_loop
    def create_from_template(self, learner_id: int, template_id: int):
        """Start a mentee's plan from the template suggested for their year, then open it."""
        me = self._current()
        try:
            with unit_of_work() as s:
                summary = template_apply.template_apply(
                    session=s,
                    actor=me.actor if me else None,
                    template_id=template_id,
                    learner_ids=[learner_id],
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None:
                return self._refusal(me, error)
            return rx.toast.error(error.message)
        if not summary.created:
            reasons = "; ".join(s.reason for s in summary.skipped) or "no plan was made."
            return rx.toast.error(f"Not made: {reasons}")
        return rx.redirect(routes.plan_url(summary.created[0].plan_id))


class TeacherHomeState(StaffHomeState):
    def _home(self, **kwargs):
        return directory.teacher_home(**kwargs)

    @rx.event
    async def load(self):
        return await self._fill_and_follow()
