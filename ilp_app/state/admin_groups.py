"""The groups page: the school's tutor groups and classes, one group's members, adding and removing them.

Handlers only select and forward: :mod:`ilp_app.services.school.school_groups` authorises, validates
and audits every change. Names shown in messages come from what the server loaded.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, NotFound, PermissionDenied
from ilp_app.i18n import N_, gettext
from ilp_app.services.access import invitations
from ilp_app.services.school import school_groups
from ilp_app.services.school.school_groups import Candidate, GroupDetail, GroupRow
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import public_origin
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

_DIALOGS = frozenset({"group_add", "group_edit"})
MSG_FORM = "The form could not be read. Please try again."


class AdminGroupsState(SessionState):
    loaded: bool = False
    groups: list[GroupRow] = []
    selected: GroupDetail | None = None
    # Adding people to the selected group: as what, the search text, and who matches it.
    add_role: str = "learner"
    query: str = ""
    candidates: list[Candidate] = []
    dialog: str = ""
    dialog_values: dict[str, str] = {}
    dialog_error: str = ""

    _selected_id: int = 0

    @rx.var
    def has_selection(self) -> bool:
        return self.selected is not None

    @rx.var
    def group_name(self) -> str:
        return self.selected.group.name if self.selected is not None else ""

    # --- loading ---

    def _refresh(self, me, *, only_candidates: bool = False) -> None:
        actor = me.actor if me else None
        with unit_of_work() as s:
            if not only_candidates:
                self.groups = school_groups.group_list(
                    session=s, actor=actor, client_ip=self._client_ip()
                )
            if self._selected_id and not only_candidates:
                try:
                    self.selected = school_groups.group_view(
                        session=s, actor=actor, group_id=self._selected_id
                    )
                except NotFound:  # gone since (a roster import): back to the list
                    self._select(0)
            if self._selected_id:
                self.candidates = school_groups.group_candidates(
                    session=s,
                    actor=actor,
                    group_id=self._selected_id,
                    role=self.add_role,
                    query=self.query,
                    client_ip=self._client_ip(),
                )
            else:
                self.selected, self.candidates = None, []
        self.loaded = True

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    def _reload(self, *, only_candidates: bool = False) -> list:
        me = self._current()
        try:
            self._refresh(me, only_candidates=only_candidates)
        except DomainError as error:
            return self._fail(me, error)
        return []

    @rx.event
    @off_loop
    def load(self):
        """/admin/groups: every group of the school."""
        self._select(0)
        self.close_dialog()
        return self._reload()

    def _select(self, group_id: int) -> None:
        self._selected_id, self.query, self.add_role = group_id, "", "learner"

    @rx.event
    @off_loop
    def open_group(self, group_id: int):
        """Show one group; the id only selects (a group of another school is "not found")."""
        me = self._current()
        try:
            with unit_of_work() as s:
                detail = school_groups.group_view(
                    session=s,
                    actor=me.actor if me else None,
                    group_id=group_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                return self._fail(me, error)
            return [rx.toast.error(error.message)]
        self._select(detail.group.id)
        return self._reload()

    @rx.event
    def close_group(self):
        self._select(0)
        self.selected, self.candidates = None, []

    @rx.event
    @off_loop
    def set_add_role(self, role: str | list[str]):
        if role not in ("learner", "teacher") or not self._selected_id:
            return None
        self.add_role = role
        return self._reload(only_candidates=True)

    @rx.event
    @off_loop
    def search(self, query: str):
        if not self._selected_id:
            return None
        self.query = query[:100] if isinstance(query, str) else ""
        return self._reload(only_candidates=True)

    # --- changes ---

    def _change(self, service, *, success: str, in_dialog: bool = False, **kwargs) -> list:
        """Run one change for the signed-in person, then show the groups as they now are."""
        me = self._current()
        try:
            with unit_of_work() as s:
                result = service(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip(), **kwargs
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                return self._fail(me, error)
            if in_dialog:
                self.dialog_error = error.message
                return []
            return [rx.toast.error(error.message), *self._reload()]
        if service is school_groups.group_create:
            self._select(result)  # show the new group, ready for its members
        self.close_dialog()
        return [rx.toast.success(gettext(success), duration=2500), *self._reload()]

    @rx.event
    @off_loop
    def invite_not_signed_in(self):
        """Invite the open group's learners and their parents who have never signed in."""
        me = self._current()
        actor, origin = (me.actor if me else None), public_origin(self.router.page.host)
        try:
            with unit_of_work() as s:
                ids = invitations.not_yet_signed_in(
                    session=s, actor=actor, group_id=self._selected_id, client_ip=self._client_ip()
                )
                result = (
                    invitations.invite(
                        session=s,
                        actor=actor,
                        user_ids=ids,
                        origin=origin,
                        client_ip=self._client_ip(),
                    )
                    if ids
                    else None
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                return self._fail(me, error)
            return rx.toast.error(error.message)
        if result is None:
            return rx.toast.info(
                "Everyone in this group, and their parents, has signed in already."
            )
        skipped = f" {len(result.skipped)} could not be invited." if result.skipped else ""
        return rx.toast.success(
            f"Invited {result.invited}: each gets a link that works once, within 7 days.{skipped}"
        )

    def _member(self, user_id: object, role: str) -> str:
        """The member's name as loaded (for the message), or "" when the page does not show them."""
        if self.selected is None:
            return ""
        rows = self.selected.learners if role == "learner" else self.selected.teachers
        rows = rows + self.candidates
        return next((r.name for r in rows if r.user_id == user_id), "")

    @rx.event
    @off_loop
    def add_member(self, user_id: int):
        if self.selected is None:
            return None
        name, group, role = (
            self._member(user_id, self.add_role),
            self.selected.group.name,
            self.add_role,
        )
        return self._change(
            school_groups.group_member_add,
            group_id=self.selected.group.id,
            user_id=user_id,
            role=role,
            success=f"{name or 'Added'} {'added ' if name else ''}to {group} as a {role}.",
        )

    @rx.event
    @off_loop
    def remove_member(self, user_id: int, role: str):
        if self.selected is None:
            return None
        name, group = self._member(user_id, role), self.selected.group.name
        kept = " Their plans are kept." if role == "learner" else ""
        return self._change(
            school_groups.group_member_remove,
            group_id=self.selected.group.id,
            user_id=user_id,
            role=role,
            success=f"{name or 'Removed'} {'removed ' if name else ''}from {group}.{kept}",
        )

    # --- the group form ---

    @rx.event
    def open_dialog(self, kind: str):
        if (
            not isinstance(kind, str)
            or kind not in _DIALOGS
            or (kind == "group_edit" and self.selected is None)
        ):
            return
        values = {"name": "", "kind": "tutor", "year_label": "", "course": ""}
        if kind == "group_edit":
            g = self.selected.group
            values = {
                "name": g.name,
                "kind": g.kind,
                "year_label": g.year_label,
                "course": g.course,
            }
        self.dialog, self.dialog_values, self.dialog_error = kind, values, ""

    @rx.event
    def close_dialog(self):
        self.dialog, self.dialog_values, self.dialog_error = "", {}, ""

    @rx.event
    def on_dialog_open_change(self, is_open: bool):
        if is_open is not True:
            self.close_dialog()

    @rx.event
    @off_loop
    def submit_dialog(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.dialog_error = MSG_FORM
            return None
        fields = {k: form_data.get(k, "") for k in ("name", "kind", "year_label", "course")}
        if self.dialog == "group_add":
            return self._change(
                school_groups.group_create, in_dialog=True, success=N_("Group added."), **fields
            )
        if self.dialog == "group_edit" and self.selected is not None:
            return self._change(
                school_groups.group_edit,
                group_id=self.selected.group.id,
                in_dialog=True,
                success=N_("Group saved."),
                **fields,
            )
        return self.close_dialog()
