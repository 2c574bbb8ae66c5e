"""Staff plans on a staff member's home: "My own plan" and "My staff", on whichever home they are.

Thin: each handler calls one service, which authorises on the server, and keeps the small rows it
returns. The ids a browser sends only select; whether the plan may be started is decided there.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.services.staff import staff_plans
from ilp_app.services.staff.staff_plans import StaffPlanRow, StaffTemplateChoice
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState


class StaffPlansState(SessionState):
    loaded: bool = False
    own: StaffPlanRow | None = None
    supervisor_name: str = ""
    school_year: str = ""
    my_staff: list[StaffPlanRow] = []
    templates: list[StaffTemplateChoice] = []
    # The staff template a new plan starts from (an id as text; the server checks it).
    template_choice: str = ""

    def _failed(self, me, error: DomainError) -> list:
        """Refused with the page it sits on: the same single message (one toast id) and way home."""
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        """The signed-in person's own staff plan and the staff they supervise."""
        me = self._current()
        if me is not None and not me.actor.ilp_enabled:
            # ILPs are switched off at this school (administration stays open): no plans to show.
            self.reset()
            return None
        try:
            with unit_of_work() as s:
                home = staff_plans.staff_home(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            return self._failed(me, error)
        self.own, self.supervisor_name = home.own, home.supervisor_name
        self.school_year, self.my_staff = home.school_year, home.my_staff
        self.templates = home.templates
        if self.template_choice not in {str(t.id) for t in home.templates}:
            self.template_choice = str(home.templates[0].id) if home.templates else ""
        self.loaded = True
        return None

    def _start(self, staff_id: object):
        me = self._current()
        try:
            with unit_of_work() as s:
                plan_id = staff_plans.staff_plan_create(
                    session=s,
                    actor=me.actor if me else None,
                    staff_id=staff_id,
                    template_id=self.template_choice,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._refusal(me, error)
            return rx.toast.error(error.message)
        return rx.redirect(routes.plan_url(plan_id))

    @rx.event
    def choose_template(self, value: str):
        """Only remembers the choice: starting a plan checks it is one of the school's staff
        templates."""
        self.template_choice = value if isinstance(value, str) and len(value) <= 12 else ""

    @rx.event
    @off_loop
    def start_own_plan(self):
        """Start the signed-in person's own staff plan for this school year, then open it."""
        me = self._current()
        return self._start(me.actor.user_id if me else 0)

    @rx.event
    @off_loop
    def start_plan_for(self, staff_id: int):
        """A supervisor starts the staff plan of someone they supervise."""
        return self._start(staff_id)
