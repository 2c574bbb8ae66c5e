"""The school view: whole-school figures for administrators, and the list behind a figure.

The figure a list is opened from is sent by the browser only to *select* it: the service
authorises and validates it like any other input.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.services.school import school_view as service
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

_TITLES = {
    "drafts": "Plans still in draft",
    "unacknowledged": "Plan versions not acknowledged by families",
    "quiet": "Learners with no activity for 4 weeks",
}


class SchoolViewState(SessionState):
    loaded: bool = False
    period_name: str = ""
    groups: list[dict[str, str]] = []
    overdue: list[dict[str, str]] = []
    drafts: int = 0
    unacknowledged: int = 0
    quiet: int = 0
    list_title: str = ""
    list_rows: list[dict[str, str]] = []

    def _title(self, kind: str, key: str) -> str:
        if kind == "group":
            name = next((g["group"] for g in self.groups if g["id"] == str(key)), "")
            return f"Learners of {name}" if name else "Learners of the group"
        if kind == "overdue":
            name = next((m["mentor"] for m in self.overdue if m["id"] == str(key)), "")
            return f"Reviews overdue for {name}" if name else "Reviews overdue"
        return _TITLES.get(kind, "")

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        """/admin/school-view: the school's figures, for its administrators only."""
        self.list_title, self.list_rows = "", []
        me = self._current()
        try:
            with unit_of_work() as s:
                f = service.school_figures(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            return self._fail(me, error)
        self.period_name = f.period_name
        self.groups = [
            {
                "id": str(g.group_id),
                "group": g.group,
                "year": g.year,
                "count": f"{g.with_active_plan} of {g.learners}",
                "percent": f"{g.percent}%",
            }
            for g in f.groups
        ]
        self.overdue = [
            {"id": str(m.mentor_id), "mentor": m.mentor, "count": str(m.overdue)} for m in f.overdue
        ]
        self.drafts, self.unacknowledged, self.quiet = f.drafts, f.unacknowledged, f.quiet
        self.loaded = True
        return None

    @rx.event
    @off_loop
    def open_list(self, kind: str, key: str):
        """Show the learners behind one figure (its title is the page's own, never the browser's)."""
        me = self._current()
        try:
            with unit_of_work() as s:
                rows = service.school_list(
                    session=s,
                    actor=me.actor if me else None,
                    kind=kind,
                    key=key or None,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self.list_title = self._title(kind, key)
        self.list_rows = [{"name": r.name, "detail": r.detail} for r in rows]
        return None
