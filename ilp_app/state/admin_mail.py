"""The administrator's "Sent mail" page."""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError
from ilp_app.services.mail.sent_mail import MailRow, sent_mail
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState


class AdminMailState(SessionState):
    loaded: bool = False
    delivering: bool = False
    rows: list[MailRow] = []

    @rx.event
    @off_loop
    def load(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                page = sent_mail(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        self.delivering, self.rows, self.loaded = page.delivering, page.rows, True
        return None
