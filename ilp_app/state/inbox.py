"""The notification centre: one's own notifications and a live unread count in the header."""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.services.live import live_feed
from ilp_app.services.plans import notifications
from ilp_app.services.plans.notifications import NotificationView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.guard import session_checks
from ilp_app.state.session import SessionState


def _unread(user_id: int) -> int:
    with unit_of_work() as s:
        return notifications.unread_count(session=s, user_id=user_id)


def _notification_list(me) -> list[NotificationView]:
    with unit_of_work() as s:
        return notifications.notification_list(session=s, actor=me.actor if me else None)


def _change_and_list(me, service, kwargs: dict) -> list[NotificationView]:
    with unit_of_work() as s:
        service(session=s, actor=me.actor if me else None, **kwargs)
        return notifications.notification_list(session=s, actor=me.actor)


class InboxState(SessionState):
    items: list[NotificationView] = []
    unread: int = 0
    _channel: str = ""
    _version: int = 0

    @rx.event(background=True)
    async def watch(self, _tick: str = ""):
        """Show this person's unread count, and keep it live (every tab of theirs watches it).

        Called when the header appears and then as its heartbeat: the count is read again only
        when the channel's version shows a change this tab did not receive. It is read without
        holding the tab, so a slow database holds up no other event of the page.
        """
        me = self._event_user()
        if me is None:
            async with self:
                self._current()  # nobody signed in: the header shows nobody
            return
        channel = live_feed.channel(live_feed.INBOX, me.actor.user_id)
        version = await live.join(self, channel)
        if channel == self._channel and version >= 0 and version == self._version:
            return
        unread = await asyncio.to_thread(_unread, me.actor.user_id)
        async with self:
            self._current()
            self.unread = unread
            self._channel, self._version = channel, version

    async def _receive(self, name: str, item: object, version: int) -> bool:
        if name != self._channel:
            return False
        me = await session_checks(self._digest)  # a stalled database holds the page up 1 s at most
        if not live_feed.channel_allowed(me.actor if me else None, name):
            self.reset()
            return False
        self.unread = int(item)
        self._version = version
        return True

    @rx.event
    async def open_inbox(self, is_open: bool):
        if not is_open:
            return None
        me = self._current()
        try:
            self.items = await asyncio.to_thread(_notification_list, me)
        except DomainError as error:
            return self._refusal(me, error)
        return None

    async def _change(self, service, **kwargs):
        me = self._current()
        try:
            self.items = await asyncio.to_thread(_change_and_list, me, service, kwargs)
        except DomainError as error:
            return [rx.toast.error(error.message)]
        live.announce(learner_ids=set(), user_ids={me.actor.user_id})
        return []

    @rx.event
    async def mark_read(self, notification_id: int, plan_id: int):
        events = await self._change(
            notifications.notification_mark_read, notification_id=notification_id
        )
        if not events and isinstance(plan_id, int) and plan_id > 0:
            return rx.redirect(routes.plan_url(plan_id))
        return events

    @rx.event
    async def mark_all_read(self):
        return await self._change(notifications.notification_mark_all_read)
