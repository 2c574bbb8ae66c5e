"""The notification centre: one's own notifications and a live unread count in the header."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.services import notifications
from ilp_app.services.notifications import NotificationView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.session import SessionState


class InboxState(SessionState):
    items: list[NotificationView] = []

    @rx.event
    async def watch(self):
        """Follow this person's unread count (every tab of theirs shares it)."""
        me = self._current()
        if me is None:
            return
        with unit_of_work() as s:
            count = notifications.unread_count(session=s, user_id=me.actor.user_id)
        inbox = await live.link(self, live.InboxPulse, live.user_token(me.actor.user_id))
        inbox.unread = count

    @rx.event
    async def open_inbox(self, is_open: bool):
        if not is_open:
            return None
        me = self._current()
        try:
            with unit_of_work() as s:
                self.items = notifications.notification_list(
                    session=s, actor=me.actor if me else None
                )
        except DomainError as error:
            return self._refusal(me, error)
        return None

    async def _change(self, service, **kwargs):
        me = self._current()
        try:
            with unit_of_work() as s:
                service(session=s, actor=me.actor if me else None, **kwargs)
                self.items = notifications.notification_list(session=s, actor=me.actor)
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
