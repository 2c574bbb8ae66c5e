"""Signing in and changing one's password."""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError
from ilp_app.domain.passwords import MAX_LENGTH, MIN_LENGTH
from ilp_app.services import auth
from ilp_app.services.uow import unit_of_work
from ilp_app.state.live import unlink_all
from ilp_app.state.session import SessionState


def _sign_in(email: object, password: object, client_ip: str) -> auth.SignInResult:
    with unit_of_work() as s:
        return auth.sign_in(session=s, email=email, password=password, client_ip=client_ip)


def _password_change(token: str, form: dict, client_ip: str) -> str:
    with unit_of_work() as s:
        return auth.password_change(
            session=s,
            token=token,
            current_password=form.get("current_password"),
            new_password=form.get("new_password"),
            confirm_password=form.get("confirm_password"),
            client_ip=client_ip,
        )


class LoginState(SessionState):
    """The sign-in form. Passwords arrive in the submitted form and are never stored in state."""

    error: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        self.error = ""
        self.busy = False
        me = self._current()
        if me is not None:
            target = (
                routes.PASSWORD
                if me.actor.must_change_password
                else routes.home_url(me.actor.active_role)
            )
            return rx.redirect(target)
        # Signed out or expired: this browser stops following whatever the last person watched, and
        # forgets what their pages held (a reload would otherwise send it all to this browser again).
        events = await unlink_all(self)
        await (await self.get_state(SessionState))._reset_page_states()
        return events or None

    @rx.event
    def route_home(self):
        """The root URL: the home of the active role, or the sign-in page."""
        me = self._current()
        if me is None:
            return rx.redirect(routes.LOGIN)
        return rx.redirect(
            routes.PASSWORD
            if me.actor.must_change_password
            else routes.home_url(me.actor.active_role)
        )

    @rx.event
    async def submit(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.error = auth.MSG_SIGN_IN_FAILED
            return
        self.busy = True
        self.error = ""
        yield
        try:
            # Hashing is deliberately slow: run it off the event loop so other clients are not held up.
            result = await asyncio.to_thread(
                _sign_in, form_data.get("email"), form_data.get("password"), self._client_ip()
            )
        except DomainError as error:
            self.busy = False
            self.error = error.message
            return
        self.busy = False
        for event in await unlink_all(self):
            yield event
        # Whatever an earlier person left in this tab's page states goes before the new one signs in.
        await (await self.get_state(SessionState))._reset_session_tree()
        self.session_token = result.token
        self._current()
        yield rx.redirect(
            routes.PASSWORD if result.must_change_password else routes.home_url(result.home_role)
        )


class PasswordState(SessionState):
    """Change one's own password (required after an administrator issued a temporary one)."""

    error: str = ""
    busy: bool = False
    required: bool = False
    min_length: int = MIN_LENGTH
    max_length: int = MAX_LENGTH

    @rx.event
    def load(self):
        self.error = ""
        self.busy = False
        me = self._current()
        if me is None:
            return rx.redirect(routes.LOGIN)
        self.required = me.actor.must_change_password

    @rx.event
    async def submit(self, form_data: dict):
        if not isinstance(form_data, dict):
            self.error = auth.MSG_CURRENT_PASSWORD_WRONG
            return
        self.busy = True
        self.error = ""
        yield
        try:
            token = await asyncio.to_thread(
                _password_change, self.session_token, form_data, self._client_ip()
            )
        except DomainError as error:
            self.busy = False
            self.error = error.message
            if self._current() is None:
                yield rx.redirect(routes.LOGIN)
            return
        self.busy = False
        self.session_token = token
        me = self._current()
        self.required = False
        yield rx.toast.success(
            "Your password has been changed. Other devices have been signed out."
        )
        yield rx.redirect(routes.home_url(me.actor.active_role if me else None))
