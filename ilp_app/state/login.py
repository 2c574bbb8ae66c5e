"""The sign-in and password pages. Both forms post to HTTP routes (``ilp_app.web.auth_routes``);
these states only say why a post was refused, from the code in the URL."""

from __future__ import annotations

from datetime import timedelta

import reflex as rx

from ilp_app import routes
from ilp_app.domain.passwords import MAX_LENGTH, MIN_LENGTH, MSG_CONTAINS_EMAIL, MSG_TOO_COMMON
from ilp_app.domain.throttling import throttle_message
from ilp_app.i18n import N_, gettext
from ilp_app.services.access import auth
from ilp_app.services.access.oidc import MSG_FAILED as MSG_OIDC_FAILED
from ilp_app.services.access.oidc import MSG_NO_ACCESS
from ilp_app.services.access.password_reset import MSG_LINK_INVALID
from ilp_app.settings import get_settings
from ilp_app.state.session import MSG_SIGNED_OUT, SessionState

MSG_SESSION_ENDED = N_("Your session has ended. Please sign in again.")
MSG_PASSWORD_POLICY = (
    f"That password cannot be used. Use at least {MIN_LENGTH} characters. "
    f"{MSG_TOO_COMMON} {MSG_CONTAINS_EMAIL}"
)

SIGN_IN_ERRORS = {
    "failed": auth.MSG_SIGN_IN_FAILED,
    "disabled": auth.MSG_ACCOUNT_DISABLED,
    "no_role": auth.MSG_NO_ROLE,
    "expired": MSG_SESSION_ENDED,
    "oidc_unknown": MSG_NO_ACCESS,
    "oidc_failed": MSG_OIDC_FAILED,
}
PASSWORD_ERRORS = {
    "current": auth.MSG_CURRENT_PASSWORD_WRONG,
    "differ": auth.MSG_PASSWORDS_DIFFER,
    "unchanged": auth.MSG_PASSWORD_UNCHANGED,
    "policy": MSG_PASSWORD_POLICY,
}
#: The longest wait a throttled sign-in page will name (the rules never ask for more).
MAX_WAIT_SECONDS = 24 * 3600


def _wait(raw: object) -> timedelta:
    text = raw if isinstance(raw, str) else ""
    seconds = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 60
    return timedelta(seconds=min(max(seconds, 1), MAX_WAIT_SECONDS))


def provider_links() -> list[dict[str, str]]:
    """The school's sign-in providers as the pages link them: where to start, and the label."""
    return [
        {"href": routes.url_for(routes.AUTH_OIDC_START, key=p.key), "label": p.label}
        for p in get_settings().oidc_providers
    ]


class LoginState(SessionState):
    """What the sign-in page says above its form."""

    error: str = ""
    notice: str = ""
    # The school's sign-in providers: (key, button text); nothing secret.
    providers: list[dict[str, str]] = []

    @rx.event
    def load(self):
        self.providers = provider_links()
        me = self._current()
        if me is not None:
            target = (
                routes.PASSWORD
                if me.actor.must_change_password
                else routes.home_url(me.actor.active_role)
            )
            return rx.redirect(target)
        params = self.router.page.params
        code = params.get("error", "")
        self.notice = gettext(MSG_SIGNED_OUT) if code == "signed_out" else ""
        if code == "throttled":
            self.error = throttle_message(_wait(params.get("wait")))
        else:
            self.error = gettext(SIGN_IN_ERRORS.get(code, "")) if isinstance(code, str) else ""
        return None

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


class PasswordState(SessionState):
    """Change one's own password (required after an administrator issued a temporary one)."""

    error: str = ""
    required: bool = False
    min_length: int = MIN_LENGTH
    max_length: int = MAX_LENGTH

    @rx.event
    def load(self):
        me = self._current()
        if me is None:
            return rx.redirect(routes.login_url(error="expired"))
        params = self.router.page.params
        code = params.get("error", "")
        self.error = PASSWORD_ERRORS.get(code, "") if isinstance(code, str) else ""
        self.required = me.actor.must_change_password
        return None


RESET_ERRORS = {
    "link": MSG_LINK_INVALID,
    "differ": auth.MSG_PASSWORDS_DIFFER,
    "policy": MSG_PASSWORD_POLICY,
}


class PasswordResetState(SessionState):
    """The forgotten-password pages: ask for a link, then choose a new password through it."""

    sent: bool = False
    error: str = ""
    min_length: int = MIN_LENGTH
    max_length: int = MAX_LENGTH

    @rx.event
    def load_forgot(self):
        self.sent = self.router.page.params.get("sent", "") == "1"

    # An invitation may also be answered by signing in with the school's account.
    providers: list[dict[str, str]] = []

    @rx.event
    def load_reset(self):
        self.providers = provider_links()
        code = self.router.page.params.get("error", "")
        self.error = RESET_ERRORS.get(code, "") if isinstance(code, str) else ""
