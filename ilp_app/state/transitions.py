"""The school's transition years on the School page, and the group years a template may name.

Thin: each handler calls one service (which authorises) and keeps the small rows it returns.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.parsing import form_mapping
from ilp_app.domain.permissions import Action, can
from ilp_app.services.school import transitions
from ilp_app.services.school.transitions import TransitionRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.service_change import ServiceChange
from ilp_app.state.session import SessionState


class AdminTransitionsState(ServiceChange, SessionState):
    rows: list[TransitionRow] = []
    year_choices: list[str] = []
    defaults: bool = True

    def _read(self, me) -> None:
        with unit_of_work() as s:
            found = transitions.transition_settings(
                session=s, actor=me.actor if me else None, client_ip=self._client_ip()
            )
        self.rows, self.year_choices, self.defaults = found.rows, found.year_choices, found.defaults

    @rx.event
    @off_loop
    def load(self):
        """/admin/school: the school page itself says why, when it is refused."""
        self.reset()
        try:
            self._read(self._current())
        except DomainError:
            self.reset()
        return None

    @rx.event
    @off_loop
    def save(self, form_data: dict):
        try:
            form = form_mapping(form_data)
        except DomainError as error:
            return rx.toast.error(error.message)
        return self._change(
            transitions.transition_year_set,
            "Transition year saved.",
            year_label=form.get("year_label"),
            reason=form.get("reason"),
        )

    @rx.event
    @off_loop
    def remove(self, year_label: str):
        return self._change(
            transitions.transition_year_remove,
            "No longer a transition year.",
            year_label=year_label,
        )


class SchoolYearsState(SessionState):
    """The years the school's groups are in, offered where a template's year is chosen."""

    years: list[str] = []

    @rx.event
    @off_loop
    def load(self):
        me = self._current()
        if me is None or not can(me.actor, Action.TEMPLATE_MANAGE):
            self.years = []  # only those who keep templates choose a year
            return None
        try:
            with unit_of_work() as s:
                self.years = transitions.school_years(session=s, site_id=me.actor.site_id)
        except NotSignedIn:
            self.years = []
        return None
