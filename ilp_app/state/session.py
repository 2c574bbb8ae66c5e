"""The signed-in session, shared by every page state.

The browser holds a random session token in an ``HttpOnly`` cookie that only HTTP responses
set (``ilp_app.web.auth_routes``); the server stores only its keyed digest. The event socket
carries that digest in, never the token (``ilp_app.web.socket_gate``), and the event guard
(``ilp_app.state.guard``) looks the person up before every event: the Reflex client token is
not a credential, and a revoked or expired session stops working at the next event.
"""

from __future__ import annotations

import contextvars
import logging

import reflex as rx

from ilp_app import routes
from ilp_app.db.engine import read_scope
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.roles import ROLE_LABELS, Role, parse_role
from ilp_app.i18n import N_, gettext
from ilp_app.services.access import auth
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.school import directory
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop

log = logging.getLogger("ilp.state")

MSG_SIGNED_OUT = N_("You have been signed out.")
REFUSAL_TOAST_ID = "ilp-refusal"
MSG_NO_ACCESS_PAGE = N_("You do not have access to that page.")
MSG_UNEXPECTED = N_("Something went wrong on our side. Nothing was changed; please try again.")

#: The person the guard found for the event being handled: (session digest, person or None).
current_event_user: contextvars.ContextVar[tuple[str, CurrentUser | None] | None] = (
    contextvars.ContextVar("current_event_user", default=None)
)


def session_lookup(digest: str) -> CurrentUser | None:
    """The valid session behind ``digest`` (blocking: call it off the event loop).

    It runs before every event, so it only reads (no write lock on SQLite); activity is
    recorded in a short write of its own, at most once a minute per session.
    """
    if not digest:
        return None
    with read_scope() as s:
        me = auth.current_user(session=s, digest=digest, touch=False)
    if me is not None and me.touch_due:
        with unit_of_work() as s:
            auth.session_touch(session=s, session_id=me.session_id)
    return me


class SessionState(rx.State):
    """Identity shown in the header. Holds nothing private, and no bearer token."""

    user_name: str = ""
    active_role: str = ""
    role_options: list[dict[str, str]] = []
    # Set when a page was refused because the person's school has switched ILPs off (shown by app_shell).
    ilp_notice: str = ""
    # Whose page data this tree holds: the session's row id ("" for nobody). The guard empties the
    # tree before anything is sent when the connection's session is not this one.
    _owner: str = ""
    # The keyed digest of that session (not a bearer token: only the socket gate makes it, from
    # the cookie), so a push outside an event can check the session is still valid.
    _digest: str = ""

    # --- helpers for subclasses (backend only: names start with "_") ---

    def _client_ip(self) -> str:
        try:
            return self.router.session.client_ip or ""
        except AttributeError:
            return ""

    def _session_digest(self) -> str:
        found = current_event_user.get()
        return found[0] if found is not None else self._digest

    def _event_user(self) -> CurrentUser | None:
        """The person the guard found for this event, without touching any var.

        For a background event, which may read its state but changes it only under
        ``async with self``.
        """
        found = current_event_user.get()
        return found[1] if found is not None else None

    def _current(self) -> CurrentUser | None:
        """The signed-in person for this event, checked against the database.

        Inside an event the guard has looked it up already; a push from another person's change
        (outside any event) looks it up again.
        """
        found = current_event_user.get()
        me = found[1] if found is not None else session_lookup(self._digest)
        if me is None:
            self._forget_identity()
        else:
            self._show_identity(me)
        return me

    def _show_identity(self, me: CurrentUser) -> None:
        self.user_name = me.display_name
        self.active_role = me.actor.active_role.value if me.actor.active_role else ""
        self.role_options = [
            {"value": r.value, "label": gettext(ROLE_LABELS[r])}
            for r in Role
            if r in me.actor.roles
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
        message = error.message if error else gettext(MSG_NO_ACCESS_PAGE)
        # One id for every refusal: a page asked twice (a reconnect runs its on_load again)
        # shows the message once, not stacked.
        return [
            rx.toast.error(message, id=REFUSAL_TOAST_ID),
            rx.redirect(routes.home_url(me.actor.active_role)),
        ]

    def _unexpected(self, exc: Exception) -> list:
        log.exception("unexpected error in %s", type(self).__name__, exc_info=exc)
        return [rx.toast.error(gettext(MSG_UNEXPECTED))]

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
    @off_loop
    def switch_role(self, role: str):
        """Show the home and navigation of another role this person holds."""
        wanted = parse_role(role)
        try:
            with unit_of_work() as s:
                auth.role_switch(session=s, digest=self._session_digest(), role=wanted)
        except DomainError as error:
            return self._refusal(self._current(), error)
        me = self._current()
        return rx.redirect(routes.home_url(wanted)) if me else rx.redirect(routes.LOGIN)
