"""The administrator's console: accounts, new accounts, temporary passwords, disabling."""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.roles import ROLE_LABELS, Role
from ilp_app.i18n import gettext
from ilp_app.services.access import auth, invitations
from ilp_app.services.school import account_table, people_admin, users
from ilp_app.services.school.account_table import AccountRow
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import public_origin
from ilp_app.state.admin_accounts import AccountTable
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState


def _temporary_password(digest: str, user_id: object, password: object, client_ip: str) -> None:
    with unit_of_work() as s:
        me = auth.current_user(session=s, digest=digest)
        users.temporary_password_set(
            session=s,
            actor=me.actor if me else None,
            user_id=user_id,
            password=password,
            client_ip=client_ip,
        )


ROLE_FIELD_PREFIX = "role-"


def roles_from_form(form: dict) -> list[str]:
    """The roles ticked in a form whose checkboxes are named ``role-<role>``."""
    return [r.value for r in Role if form.get(ROLE_FIELD_PREFIX + r.value)]


def _create(digest: str, form: dict, client_ip: str) -> int:
    with unit_of_work() as s:
        me = auth.current_user(session=s, digest=digest)
        return people_admin.user_create(
            session=s,
            actor=me.actor if me else None,
            email=form.get("email"),
            full_name=form.get("full_name"),
            preferred_name=form.get("preferred_name", ""),
            pronouns=form.get("pronouns", ""),
            pronouns_visibility=form.get("pronouns_visibility", "family"),
            roles=roles_from_form(form),
            password=form.get("new_password") or None,
            client_ip=client_ip,
        )


class AdminState(AccountTable, SessionState):
    loaded: bool = False
    rows: list[AccountRow] = []
    query: str = ""
    dialog_user_id: int = 0
    dialog_user_name: str = ""
    dialog_error: str = ""
    busy: bool = False
    create_open: bool = False
    create_error: str = ""
    ticked: list[int] = []  # accounts ticked for a bulk action (only ones the table showed)
    role_choices: list[dict[str, str]] = [{"value": r.value, "label": ROLE_LABELS[r]} for r in Role]

    def _refresh(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                found = account_table.account_page(
                    session=s,
                    actor=me.actor if me else None,
                    query=self._table_query(),
                    client_ip=self._client_ip(),
                )
                if not self.loaded:
                    self._load_choices(s, me.actor)
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        self.rows, self.total = found.rows, found.total
        self.page, self.pages = found.page, found.pages
        self.loaded = True

    @rx.event
    @off_loop
    def load(self):
        self.query = self.role_filter = self.group_filter = self.status_filter = ""
        self.sort, self.descending, self.page, self.ticked = "name", False, 1, []
        self.loaded = False
        return self._refresh()

    @rx.event
    def toggle_ticked(self, user_id: int):
        if user_id in self.ticked:
            self.ticked = [i for i in self.ticked if i != user_id]
        elif any(r.id == user_id for r in self.rows):
            self.ticked = [*self.ticked, user_id]

    @rx.event
    @off_loop
    def invite_ticked(self):
        """Mail each ticked person a link to choose their password (7 days, once)."""
        me = self._current()
        try:
            with unit_of_work() as s:
                result = invitations.invite(
                    session=s,
                    actor=me.actor if me else None,
                    user_ids=list(self.ticked),
                    origin=public_origin(self.router.page.host),
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            self.reset()
            return self._refusal(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self.ticked = []
        skipped = f" Not invited: {'; '.join(result.skipped)}." if result.skipped else ""
        return rx.toast.success(f"Invited {result.invited}.{skipped}")

    @rx.event
    @off_loop
    def search(self, value: str):
        self.query = value[:100] if isinstance(value, str) else ""
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_active(self, user_id: int, active: bool):
        me = self._current()
        try:
            with unit_of_work() as s:
                users.user_set_active(
                    session=s,
                    actor=me.actor if me else None,
                    user_id=user_id,
                    active=active,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            return [rx.toast.error(error.message), *(self._refresh() or [])]
        message = "Account enabled." if active else "Account disabled and signed out everywhere."
        return [rx.toast.success(message), *(self._refresh() or [])]

    @rx.event
    def open_password_dialog(self, user_id: int, name: str):
        self.dialog_user_id = user_id if isinstance(user_id, int) else 0
        self.dialog_user_name = name if isinstance(name, str) else ""
        self.dialog_error = ""

    @rx.event
    def close_password_dialog(self):
        self.dialog_user_id = 0
        self.dialog_error = ""

    @rx.event
    async def set_temporary_password(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.dialog_error = "Enter a temporary password."
            return
        self.busy = True
        yield
        try:
            await asyncio.to_thread(
                _temporary_password,
                self._session_digest(),
                form_data.get("user_id"),
                form_data.get("password"),
                self._client_ip(),
            )
        except DomainError as error:
            self.busy = False
            self.dialog_error = error.message
            return
        self.busy = False
        name = self.dialog_user_name
        self.dialog_user_id = 0
        self.dialog_error = ""
        yield rx.toast.success(
            f"Temporary password set for {name}. They must choose a new one when they sign in."
        )
        for event in self._refresh() or []:
            yield event

    @rx.event
    def open_create(self):
        self.create_open = True
        self.create_error = ""

    @rx.event
    def close_create(self):
        self.create_open = False
        self.create_error = ""

    @rx.event
    async def create_account(self, form_data: dict):
        """Create an account, then open its page to give roles' links (mentees, children)."""
        if not isinstance(form_data, dict):
            self.create_error = people_admin.MSG_FORM
            return
        self.busy = True
        yield
        try:
            user_id = await asyncio.to_thread(
                _create, self._session_digest(), form_data, self._client_ip()
            )
        except PermissionDenied as error:
            self.busy = False
            self.reset()
            for event in self._refusal(self._current(), error):
                yield event
            return
        except DomainError as error:
            self.busy = False
            self.create_error = error.message
            return
        self.busy = False
        self.create_open = False
        self.create_error = ""
        yield rx.toast.success(gettext("Account created."))
        yield rx.redirect(routes.admin_person_url(user_id))
