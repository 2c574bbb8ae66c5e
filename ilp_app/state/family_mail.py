"""A parent's choice, per child, of how often they hear by mail (on the parent's home)."""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.i18n import gettext
from ilp_app.services.mail.family_mail import CADENCES, family_choice_set, family_choices
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

CADENCE_OPTIONS = [{"value": k, "label": v} for k, v in CADENCES.items()]


class FamilyMailState(SessionState):
    # learner id (as text) -> "instant" | "daily" | "weekly" | "off"
    choices: dict[str, str] = {}

    def _read(self, me) -> None:
        with unit_of_work() as s:
            rows = family_choices(session=s, actor=me.actor if me else None)
        self.choices = {str(r.learner_id): r.cadence for r in rows}

    @rx.event
    @off_loop
    def load(self):
        self._read(self._current())

    @rx.event
    @off_loop
    def set_choice(self, learner_id: str, cadence: str):
        me = self._current()
        try:
            with unit_of_work() as s:
                family_choice_set(
                    session=s,
                    actor=me.actor if me else None,
                    learner_id=learner_id,
                    cadence=cadence,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._refusal(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self._read(me)
        return rx.toast.success(
            gettext("Saved: ") + gettext(CADENCES[cadence]) + ".", duration=2000
        )
