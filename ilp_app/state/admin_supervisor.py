"""A staff member's supervisor, on the administrator's person page.

The person is the one the page loaded from its URL (kept server-side); the services check the
administrator, the two people, and that nobody supervises themselves, on every change.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.domain.permissions import Action, can
from ilp_app.services.staff import staff_plans
from ilp_app.services.staff.staff_plans import SupervisionView
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.service_change import ServiceChange
from ilp_app.state.session import SessionState


class AdminSupervisorState(ServiceChange, SessionState):
    view: SupervisionView | None = None
    _staff_id: int = 0

    def _read(self, me) -> None:
        with unit_of_work() as s:
            self.view = staff_plans.supervision_view(
                session=s,
                actor=me.actor if me else None,
                staff_id=self._staff_id,
                client_ip=self._client_ip(),
            )

    @rx.event
    @off_loop
    def load(self):
        """/admin/people/[user_id]: whether they are staff, and who supervises them."""
        self.reset()
        me = self._current()
        try:
            self._staff_id = parse_id(self.user_id, what="person")
            self._read(me)
        except DomainError:
            # The person page itself says why it was refused; nothing of theirs is kept here.
            self.reset()
        return None

    def _service_arguments(self) -> dict:
        return {"staff_id": self._staff_id}

    def _refused(self, me, error: PermissionDenied) -> list:
        if me is None or not can(me.actor, Action.SCHOOL_MANAGE):
            return super()._refused(me, error)
        return [rx.toast.error(error.message)]  # e.g. an administrator's own supervisor

    @rx.event
    @off_loop
    def connect(self, form_data: dict):
        try:
            form = form_mapping(form_data)
        except DomainError as error:
            return rx.toast.error(error.message)
        return self._change(
            staff_plans.supervisor_connect,
            "Supervisor connected.",
            supervisor_id=form.get("supervisor_id"),
        )

    @rx.event
    @off_loop
    def disconnect(self):
        return self._change(staff_plans.supervisor_disconnect, "Supervisor disconnected.")
