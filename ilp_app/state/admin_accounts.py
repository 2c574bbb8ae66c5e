"""The accounts table's filters, sorting, paging and bulk actions (mixed into ``AdminState``).

Each control sends one value; the service checks it against what the table offers. Bulk
actions act on the ticked rows, and a row can only be ticked while the table shows it.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import ROLE_LABELS, Role
from ilp_app.services.school import account_table, relationships
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop

_FILTERS = ("role", "group", "status")
MSG_CHOOSE_MENTOR = "Choose a mentor."


class AccountTable(rx.State, mixin=True):
    """Filters, sort and page of the accounts table, and its bulk actions."""

    role_filter: str = ""
    group_filter: str = ""
    status_filter: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1
    pages: int = 1
    total: int = 0
    filter_roles: list[dict[str, str]] = [{"value": r.value, "label": ROLE_LABELS[r]} for r in Role]
    filter_statuses: list[dict[str, str]] = [
        {"value": k, "label": v} for k, v in account_table.STATUSES.items()
    ]
    filter_groups: list[dict[str, str]] = []
    mentors: list[dict[str, str]] = []

    @rx.var
    def ticked_count(self) -> int:
        return len(self.ticked)

    @rx.var
    def page_all_ticked(self) -> bool:
        return bool(self.rows) and all(r.id in self.ticked for r in self.rows)

    def _table_query(self) -> account_table.AccountQuery:
        return account_table.account_query(
            text=self.query,
            role=self.role_filter,
            group_id=self.group_filter,
            status=self.status_filter,
            sort=self.sort,
            descending=self.descending,
            page=self.page,
        )

    def _load_choices(self, s, actor) -> None:
        ip = self._client_ip()
        self.filter_groups = [
            {"value": str(g.id), "label": g.name}
            for g in relationships.group_options(session=s, actor=actor, client_ip=ip)
        ]
        self.mentors = [
            {"value": str(p.id), "label": p.name}
            for p in relationships.people_with_role(
                session=s, actor=actor, role=Role.MENTOR, client_ip=ip
            )
        ]

    @rx.event
    @off_loop
    def set_filter(self, which: str, value: str):
        """Filter by role, group or status ("" for all), back on the first page."""
        if which not in _FILTERS:
            return rx.toast.error(account_table.MSG_FILTER)
        wanted = {
            "role": self.role_filter,
            "group": self.group_filter,
            "status": self.status_filter,
        } | {which: value}
        try:  # a value the table does not offer changes nothing
            account_table.account_query(
                role=wanted["role"], group_id=wanted["group"], status=wanted["status"]
            )
        except ValidationFailed as error:
            return rx.toast.error(error.message)
        self.role_filter, self.group_filter, self.status_filter = (
            wanted["role"],
            wanted["group"],
            wanted["status"],
        )
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def sort_by(self, column: str):
        """Sort by a column; choosing the sorted column again turns the order round."""
        if not isinstance(column, str) or column not in account_table.SORTS:
            return rx.toast.error(account_table.MSG_SORT)
        self.descending = (not self.descending) if column == self.sort else False
        self.sort, self.page = column, 1
        return self._refresh()

    @rx.event
    @off_loop
    def go_to_page(self, number: int):
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= self.pages:
            return rx.toast.error(account_table.MSG_PAGE)
        self.page = number
        return self._refresh()

    @rx.event
    def tick_page(self, on: bool):
        """Tick (or untick) every row on this page."""
        shown = [r.id for r in self.rows]
        if on is True:
            self.ticked = list(dict.fromkeys([*self.ticked, *shown]))
        else:
            self.ticked = [i for i in self.ticked if i not in shown]

    def _bulk(self, service, success, **kwargs):
        me = self._current()
        try:
            with unit_of_work() as s:
                done = service(
                    session=s,
                    actor=me.actor if me else None,
                    client_ip=self._client_ip(),
                    **kwargs,
                )
        except PermissionDenied as error:
            self.reset()
            return self._refusal(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self.ticked = []
        return [rx.toast.success(success(done)), *(self._refresh() or [])]

    @rx.event
    @off_loop
    def disable_ticked(self):
        """Disable every ticked account (their sessions end)."""
        return self._bulk(
            account_table.accounts_disable,
            lambda n: f"Disabled {n} account{'s' if n != 1 else ''}.",
            user_ids=list(self.ticked),
        )

    @rx.event
    @off_loop
    def connect_ticked(self, form_data: dict):
        """Connect every ticked learner to the chosen mentor."""
        mentor = form_data.get("mentor_id") if isinstance(form_data, dict) else None
        if not mentor:
            return rx.toast.error(MSG_CHOOSE_MENTOR)
        return self._bulk(
            relationships.mentor_connect,
            lambda n: f"Connected {n} new learner{'s' if n != 1 else ''} to the mentor.",
            mentor_id=mentor,
            learner_ids=list(self.ticked),
        )
