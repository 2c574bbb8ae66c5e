"""Named failures with messages fit to show a user. States turn them into toasts."""

from __future__ import annotations

from ilp_app.i18n.runtime import N_, gettext


class DomainError(Exception):
    """Base class: ``str(error)`` is a message a user can read."""

    def __init__(self, message: str):
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """The message in the language of the person being served (English without a translation)."""
        return gettext(self._message)


class ValidationFailed(DomainError):
    """Input was malformed or out of range; nothing was changed."""


class PermissionDenied(DomainError):
    """The actor may not do this; nothing was changed and the attempt is audited.

    ``audit`` carries what the unit of work records about the refusal once the caller's
    transaction has been rolled back (so the record survives it and never waits on its lock).
    """

    def __init__(self, message: str, *, audit: dict | None = None):
        super().__init__(message)
        self.audit = audit


class NotSignedIn(PermissionDenied):
    """No valid session."""


class NotFound(DomainError):
    """The thing asked for does not exist (or the actor may not know it exists)."""


MSG_DENIED = N_("You do not have access to that.")
MSG_NOT_SIGNED_IN = N_("Please sign in again.")
