"""The evidence and showcase pages follow their plan live: when the mentor approves a piece, an
open family page shows it without a reload.

They join the plan's own channel (``plan:<learner>``), announced after every committed change to
the plan. A push carries no content: each tab reads its page again through the services, as the
person signed in there, so a family's tab never receives a piece the mentor has not approved.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError
from ilp_app.services.evidence import evidence_read as reader
from ilp_app.services.live import live_feed
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.guard import session_checks


class PlanPartFollow(rx.State, mixin=True):
    """Live following for a page showing part of one plan (mixed into its state).

    The page's state provides ``_show(me)`` (read the page as ``me`` may see it; returns refusal
    events, or None) and ``loaded``.
    """

    _channel: str = ""
    _version: int = 0

    def _owner_of_shown(self, me) -> int:
        """The plan's owner, asked of the services as ``me`` (blocking); 0 if not allowed."""
        try:
            with unit_of_work() as s:
                return reader.plan_owner_id(
                    session=s, actor=me.actor if me else None, plan_id=self.plan_id
                )
        except DomainError:
            return 0

    def _load_and_owner(self) -> tuple[list | None, int]:
        me = self._current()
        events = self._show(me)
        return events, (self._owner_of_shown(me) if events is None and self.loaded else 0)

    async def _open_and_follow(self):
        """Load the page (off the event loop), then follow its plan if it was shown."""
        events, owner = await asyncio.to_thread(self._load_and_owner)
        watching = live_feed.channel(live_feed.PLAN, owner) if owner else ""
        if watching != self._channel:
            await live.leave(self, self._channel)
            self._channel = watching
        if watching:
            self._version = await live.join(self, watching)
        return events

    async def _receive(self, name: str, item: object, version: int) -> bool:
        """The plan changed elsewhere: read this tab's page again, as whoever is signed in here.

        Returns False to stop watching (signed out, or no longer allowed to see it).
        """
        if name != self._channel or not self.loaded:
            return False
        me = await session_checks(self._digest)  # a stalled database holds the page up 1 s at most
        if not live_feed.channel_allowed(me.actor if me else None, name):
            self.reset()
            return False
        self._version = version
        refused = await asyncio.to_thread(self._show, me)
        return refused is None and self.loaded

    @rx.event
    async def heartbeat(self, _tick: str = ""):
        """Every few seconds: stay registered, and read the page again if a push was missed."""
        if not self._channel:
            return None
        version = await live.join(self, self._channel)
        if version < 0 or version == self._version:
            return None
        self._version = version
        me = await session_checks(self._digest)
        return await asyncio.to_thread(self._show, me)
