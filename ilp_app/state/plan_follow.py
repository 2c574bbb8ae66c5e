"""The plan page follows its learner live: pushes from other screens, and a heartbeat that
catches up on anything missed and reopens a page whose state was lost."""

from __future__ import annotations

import asyncio
from datetime import datetime

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.services.live import live_feed
from ilp_app.services.reviews.review_model import school_tz
from ilp_app.state import live
from ilp_app.state.guard import session_checks
from ilp_app.state.learner_context import LearnerContextState
from ilp_app.state.reviews import ReviewState
from ilp_app.state.template_updates import TemplateUpdatesState


class PlanFollow(rx.State, mixin=True):
    """Live following of the shown learner (mixed into ``PlanState``)."""

    _channel: str = ""
    _version: int = 0
    # Said politely to screen readers when another screen changed the plan shown here.
    live_note: str = ""

    async def _watch(self) -> None:
        """Follow changes to the shown plan (after plan_view authorised this viewer), and show its reviews."""
        learner_id = self.plan.learner_id if self.plan is not None else 0
        # A staff plan has no learner context or reviews: they are never asked for (nor refused).
        learner_only = 0 if self.plan is not None and self.plan.staff else learner_id
        context_state = await self.get_state(LearnerContextState)
        await asyncio.to_thread(context_state._show_learner, learner_only)
        watching = live_feed.channel(live_feed.PLAN, learner_id) if learner_id else ""
        if watching != self._channel:
            await live.leave(self, self._channel)
            self._channel = watching
        if watching:
            self._version = await live.join(self, watching)
        review_state = await self.get_state(ReviewState)
        if not learner_only:  # no learner's plan on screen: nothing shown before stays beside it
            review_state._clear()
            return
        try:
            await asyncio.to_thread(review_state._load, learner_only)
        except DomainError:
            review_state._clear()

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
            summaries = await asyncio.to_thread(self._read_family, me)
        except DomainError:
            self.reset()  # no longer allowed to see it: show nothing rather than stale data
        else:
            if summaries is not None:  # a parent's home: the child's card follows too
                self.summaries = summaries
            self.live_note = f"The plan was updated at {datetime.now(school_tz()):%H:%M}."
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
        summaries = None
        try:
            page = await asyncio.to_thread(self._read_page, plan_id, me)
            summaries = await asyncio.to_thread(self._read_family, me)
        except DomainError as error:
            page = error
        async with self:
            if (self._channel, self._plan_id) != (channel, plan_id):
                return None  # the page shows another plan now
            if isinstance(page, DomainError):
                return self._fail(me, page)
            self._show_page(page)
            if summaries is not None:
                self.summaries = summaries
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
