"""The signed-in session, shared by every page state.

The browser holds a random session token in a cookie; the server stores only its keyed hash.
Every event re-derives the person from that token through ``services.auth`` (the Reflex client
token is not a credential), so a revoked or expired session stops working at the next click.
"""

from __future__ import annotations

import logging

import reflex as rx

from ilp_app import routes
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.roles import ROLE_LABELS, Role, parse_role
from ilp_app.services import auth, directory
from ilp_app.services.auth import CurrentUser
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import get_settings
from ilp_app.state.live import unlink_all

log = logging.getLogger("ilp.state")

_settings = get_settings()

MSG_SIGNED_OUT = "You have been signed out."
MSG_UNEXPECTED = "Something went wrong on our side. Nothing was changed; please try again."


class SessionState(rx.State):
    """Identity shown in the header, and the session cookie. Holds nothing private."""

    session_token: str = rx.Cookie(
        "",
        name="ilp_session",
        path="/",
        same_site="strict",
        secure=_settings.cookie_secure or None,
        max_age=_settings.session_absolute_hours * 3600,
    )
    user_name: str = ""
    active_role: str = ""
    role_options: list[dict[str, str]] = []
    # Set when a page was refused because the person's school has switched ILPs off (shown by app_shell).
    ilp_notice: str = ""

    # --- helpers for subclasses (backend only: names start with "_") ---

    def _client_ip(self) -> str:
        try:
            return self.router.session.client_ip or ""
        except AttributeError:
            return ""

    def _current(self) -> CurrentUser | None:
        """The signed-in person for this event, checked against the database."""
        with unit_of_work() as s:
            me = auth.current_user(session=s, token=self.session_token)
        if me is None:
            self._forget_identity()
        else:
            self._show_identity(me)
        return me

    def _show_identity(self, me: CurrentUser) -> None:
        self.user_name = me.display_name
        self.active_role = me.actor.active_role.value if me.actor.active_role else ""
        self.role_options = [
            {"value": r.value, "label": ROLE_LABELS[r]} for r in Role if r in me.actor.roles
        ]
        if me.actor.ilp_enabled or me.actor.active_role is Role.ADMINISTRATOR:
            self.ilp_notice = ""

    def _forget_identity(self) -> None:
        self.user_name = ""
        self.active_role = ""
        self.role_options = []
        self.ilp_notice = ""

    def _refusal(self, me: CurrentUser | None, error: DomainError | None = None) -> list:
        """Where to send someone whose request was refused, with a message saying why."""
        if me is None or isinstance(error, NotSignedIn):
            return [rx.redirect(routes.LOGIN)]
        if me.actor.must_change_password:
            return [rx.redirect(routes.PASSWORD)]
        if not me.actor.ilp_enabled and me.actor.active_role is not Role.ADMINISTRATOR:
            # Every ILP page refuses while the school has ILPs switched off: say so on this page,
            # since sending them "home" would only be refused again (and again).
            with unit_of_work() as s:
                self.ilp_notice = directory.ilp_switched_off_message(session=s, actor=me.actor)
            return []
        message = error.message if error else "You do not have access to that page."
        return [rx.toast.error(message), rx.redirect(routes.home_url(me.actor.active_role))]

    def _unexpected(self, exc: Exception) -> list:
        log.exception("unexpected error in %s", type(self).__name__, exc_info=exc)
        return [rx.toast.error(MSG_UNEXPECTED)]

    async def _reset_page_states(self) -> None:
        """Empty every page state of this client; the identity and the session cookie are left as they are.

        The Redis state manager loads only the states an event needs: a page state this event
        did not load would keep the previous person's data, and be sent in full at the next
        page load. So every page state is fetched first (from memory, they already are).
        """
        for cls in SessionState.get_substates():
            await self.get_state(cls)
        states, pending = [], list(self.substates.values())
        while pending:
            state = pending.pop()
            pending.extend(state.substates.values())
            states.append(state)
        for state in states:
            if isinstance(state, SessionState):
                state._before_reset()
        for state in states:
            state.reset()

    async def _reset_session_tree(self) -> None:
        """Clear this client's page data in every page state, then the identity."""
        await self._reset_page_states()
        self.reset()

    def _before_reset(self) -> None:
        """Release what this page keeps outside its vars (a private file), before the page is emptied."""

    # --- events ---

    @rx.event
    async def sign_out(self):
        token = self.session_token
        with unit_of_work() as s:
            auth.sign_out(session=s, token=token)
        # Stop following groups, plans and the inbox: the next person at this browser sees nothing.
        restore = await unlink_all(self)
        await self._reset_session_tree()
        self.session_token = ""
        return [*restore, rx.redirect(routes.LOGIN), rx.toast.info(MSG_SIGNED_OUT)]

    @rx.event
    def switch_role(self, role: str):
        """Show the home and navigation of another role this person holds."""
        wanted = parse_role(role)
        try:
            with unit_of_work() as s:
                auth.role_switch(session=s, token=self.session_token, role=wanted)
        except DomainError as error:
            return self._refusal(self._current(), error)
        me = self._current()
        return rx.redirect(routes.home_url(wanted)) if me else rx.redirect(routes.LOGIN)
