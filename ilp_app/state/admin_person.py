"""One person's page in the administrator's console: details, roles, account, and their links.

Every change acts on the person loaded from the URL (kept server-side in ``_person_id``), and
the services check the administrator again each time. After a mentor gains or loses learners,
the mentor's open homes and the learners' open plans reload by themselves (``state.live``).
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.roles import Role
from ilp_app.i18n import gettext
from ilp_app.services.access import auth, invitations
from ilp_app.services.access.invitations import InvitationStatus
from ilp_app.services.school import people_admin, relationships, users
from ilp_app.services.school.people_admin import PersonDetail
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import public_origin
from ilp_app.state.admin import roles_from_form
from ilp_app.state.admin_person_links import PersonLinks
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState


def _temporary_password(digest: str, user_id: int, password: object, client_ip: str) -> None:
    with unit_of_work() as s:
        me = auth.current_user(session=s, digest=digest)
        users.temporary_password_set(
            session=s,
            actor=me.actor if me else None,
            user_id=user_id,
            password=password,
            client_ip=client_ip,
        )


class AdminPersonState(PersonLinks, SessionState):
    loaded: bool = False
    person: PersonDetail | None = None
    details_error: str = ""
    password_open: bool = False
    invitation: InvitationStatus | None = None
    password_error: str = ""
    busy: bool = False

    _person_id: int = 0

    @rx.var
    def heading(self) -> str:
        return self.person.full_name if self.person else "Person"

    # --- loading ---

    def _fill(self, s, actor) -> None:
        self.person = people_admin.person_detail(
            session=s, actor=actor, user_id=self._person_id, client_ip=self._client_ip()
        )
        self.invitation = invitations.invitation_status(
            session=s, actor=actor, user_id=self._person_id
        )
        self.group_choices = (
            relationships.group_options(session=s, actor=actor) if self.person.is_mentor else []
        )
        self.mentor_choices = (
            [
                m
                for m in relationships.people_with_role(session=s, actor=actor, role=Role.MENTOR)
                if m.id != self.person.id and m.id not in {x.id for x in self.person.mentors}
            ]
            if self.person.is_learner
            else []
        )

    def _refused(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        """/admin/people/[user_id]: the id only selects; the services decide who may see whom."""
        self.reset()
        me = self._current()
        person_id = self.user_id
        try:
            with unit_of_work() as s:
                detail = people_admin.person_detail(
                    session=s,
                    actor=me.actor if me else None,
                    user_id=person_id,
                    client_ip=self._client_ip(),
                )
                self._person_id = detail.id
                self._fill(s, me.actor)
        except DomainError as error:
            return self._refused(me, error)
        self.loaded = True
        return None

    def _fill_person(self, me) -> None:
        with unit_of_work() as s:
            self._fill(s, me.actor if me else None)

    def _change(self, work, done) -> tuple[bool, list]:
        """Run ``work(session, actor)`` for the loaded person, then show them afresh.

        Returns whether it was saved, and the events to send: ``done(result)`` is the confirmation.
        A refusal (the actor is no longer an administrator, or signed out) clears the page; a bad
        value only says what is wrong.
        """
        me = self._current()
        if not self._person_id:
            return False, self._refused(me, PermissionDenied("Open a person first."))
        actor = me.actor if me else None
        try:
            with unit_of_work() as s:
                result = work(s, actor)
            with unit_of_work() as s:
                self._fill(s, actor)
        except PermissionDenied as error:
            return False, self._refused(me, error)
        except DomainError as error:
            return False, [rx.toast.error(error.message)]
        return True, [rx.toast.success(done(result))]

    # --- details and roles ---

    @rx.event
    @off_loop
    def save_details(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.details_error = people_admin.MSG_FORM
            return None
        me = self._current()
        try:
            with unit_of_work() as s:
                changed = people_admin.user_update(
                    session=s,
                    actor=me.actor if me else None,
                    user_id=self._person_id,
                    email=form_data.get("email"),
                    full_name=form_data.get("full_name"),
                    preferred_name=form_data.get("preferred_name", ""),
                    pronouns=form_data.get("pronouns", ""),
                    pronouns_visibility=form_data.get("pronouns_visibility", "family"),
                    roles=roles_from_form(form_data),
                    client_ip=self._client_ip(),
                )
            with unit_of_work() as s:
                self._fill(s, me.actor)
        except PermissionDenied as error:
            return self._refused(me, error)
        except DomainError as error:
            self.details_error = error.message
            return None
        self.details_error = ""
        return rx.toast.success(gettext("Changes saved.") if changed else "Nothing to change.")

    # --- the account: disable, enable, temporary password ---

    @rx.event
    @off_loop
    def set_active(self, active: bool):
        return self._change(
            lambda s, actor: users.user_set_active(
                session=s,
                actor=actor,
                user_id=self._person_id,
                active=active,
                client_ip=self._client_ip(),
            ),
            lambda _: (
                "Account enabled."
                if active is True
                else "Account disabled and signed out everywhere."
            ),
        )[1]

    @rx.event
    @off_loop
    def send_invitation(self):
        """Mail the person a link to choose their password (a new link replaces the old one)."""
        origin = public_origin(self.router.page.host)
        return self._change(
            lambda s, actor: invitations.invite(
                session=s,
                actor=actor,
                user_ids=[self._person_id],
                origin=origin,
                client_ip=self._client_ip(),
            ),
            lambda result: (
                "Invitation sent: the link works once, within 7 days."
                if result.invited
                else "Not invited: " + "; ".join(result.skipped)
            ),
        )[1]

    @rx.event
    def open_password(self):
        self.password_open = bool(self._person_id)
        self.password_error = ""

    @rx.event
    def close_password(self):
        self.password_open = False
        self.password_error = ""

    @rx.event
    async def set_temporary_password(self, form_data: dict):
        if not isinstance(form_data, dict) or not self._person_id:
            self.password_error = people_admin.MSG_FORM
            return
        self.busy = True
        yield
        try:
            await asyncio.to_thread(
                _temporary_password,
                self._session_digest(),
                self._person_id,
                form_data.get("password"),
                self._client_ip(),
            )
        except PermissionDenied as error:
            for event in self._refused(self._current(), error):
                yield event
            return
        except DomainError as error:
            self.busy = False
            self.password_error = error.message
            return
        self.busy = False
        self.password_open = False
        yield rx.toast.success(
            "Temporary password set. Their open sessions ended, and they must choose a new "
            "password when they sign in."
        )
        me = self._current()
        try:
            await asyncio.to_thread(self._fill_person, me)
        except DomainError as error:
            for event in self._refused(me, error):
                yield event
