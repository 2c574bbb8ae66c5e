"""How long each kind of record is kept: the record types, their defaults and their floors.

A school sets a number of days per record type (or keeps it for good); the retention job
deletes what is older. Each type has a minimum below which it cannot be set, because a
shorter period would break something the app or the school relies on (the audit trail must
outlive an investigation; failed sign-ins must outlive the throttling window).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import MAX_NUMBER_DIGITS, parse_whole_number

#: The longest period that can be typed (100 years); anything longer is "keep forever".
MAX_KEEP_DAYS = 36_500

MSG_UNKNOWN_TYPE = "That kind of record does not exist."
MSG_NOT_A_NUMBER = "{label}: enter a whole number of days, or leave it empty to keep them forever."
MSG_TOO_SHORT = "{label} must be kept for at least {minimum}."
MSG_TOO_LONG = f"Enter at most {MAX_KEEP_DAYS} days, or leave it empty to keep them forever."


@dataclass(frozen=True)
class RecordType:
    """One kind of record the retention job can delete.

    Attributes:
        key: the stable name stored in ``RetentionRule.record_type``.
        label: what an administrator reads.
        description: which records exactly, and counted from when.
        default_days: kept this long when the school has set nothing (None: forever).
        minimum_days: the shortest period that may be set.
    """

    key: str
    label: str
    description: str
    default_days: int | None
    minimum_days: int


AUDIT_EVENTS = "audit_events"
NOTIFICATIONS = "notifications"
LOGIN_ATTEMPTS = "login_attempts"
ENDED_SESSIONS = "ended_sessions"
IMPORT_REPORTS = "import_reports"
LOCKED_PLANS = "locked_plans"

RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        AUDIT_EVENTS,
        "Audit events",
        "Who did or tried to do what (sign-ins, refusals, administration), counted from the event.",
        default_days=730,
        minimum_days=90,
    ),
    RecordType(
        NOTIFICATIONS,
        "Notifications",
        "In-app notifications, read or unread, counted from when they were last updated.",
        default_days=180,
        minimum_days=14,
    ),
    RecordType(
        LOGIN_ATTEMPTS,
        "Failed sign-ins",
        "Counts of failed sign-ins per account and per address, counted from the latest failure.",
        default_days=30,
        minimum_days=1,
    ),
    RecordType(
        ENDED_SESSIONS,
        "Ended sessions",
        "Sign-in sessions that were signed out, revoked or expired, counted from when they ended.",
        default_days=90,
        minimum_days=1,
    ),
    RecordType(
        IMPORT_REPORTS,
        "Import reports",
        "Finished roster and standards imports with their validation reports, counted from the start.",
        default_days=365,
        minimum_days=30,
    ),
    RecordType(
        LOCKED_PLANS,
        "Plans of former learners",
        "Locked plans of learners whose account is disabled or retired, counted from locking.",
        default_days=None,
        minimum_days=365,
    ),
)

_BY_KEY = {t.key: t for t in RECORD_TYPES}


def record_type(key: object) -> RecordType:
    """The record type named ``key``.

    Raises:
        ValidationFailed: there is no such type (including a key that is not text).
    """
    found = _BY_KEY.get(key) if isinstance(key, str) else None
    if found is None:
        raise ValidationFailed(MSG_UNKNOWN_TYPE)
    return found


def parse_keep_days(value: object, kind: RecordType) -> int | None:
    """The period typed for ``kind``: whole days, or None (empty) to keep the records forever.

    Raises:
        ValidationFailed: not a whole number, below the type's minimum, or above :data:`MAX_KEEP_DAYS`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    # The bounds have messages of their own, so the number is read with the widest ones first.
    value = parse_whole_number(
        value,
        minimum=0,
        maximum=10**MAX_NUMBER_DIGITS - 1,
        message=MSG_NOT_A_NUMBER.format(label=kind.label),
    )
    if value < kind.minimum_days:
        raise ValidationFailed(
            MSG_TOO_SHORT.format(label=kind.label, minimum=describe_period(kind.minimum_days))
        )
    if value > MAX_KEEP_DAYS:
        raise ValidationFailed(MSG_TOO_LONG)
    return value


def effective_keep_days(kind: RecordType, stored: dict[str, int | None]) -> int | None:
    """The period in force: what the school stored for ``kind`` (None = forever), else the default.

    A stored value below the minimum (written before the minimum was raised) is lifted to it.
    """
    if kind.key not in stored:
        return kind.default_days
    days = stored[kind.key]
    return None if days is None else max(days, kind.minimum_days)


def longest(periods: Iterable[int | None]) -> int | None:
    """The most careful of several periods: None (forever) wins, then the largest number of days.

    Records that belong to no school (a failed sign-in for an unknown address) follow this.
    With no periods at all nothing is deleted (None).
    """
    result: int | None = None
    for days in periods:
        if days is None:
            return None
        result = days if result is None else max(result, days)
    return result


def cutoff(now: datetime, keep_days: int | None) -> datetime | None:
    """Records older than this are deleted; None when they are kept forever."""
    return None if keep_days is None else now - timedelta(days=keep_days)


def describe_period(keep_days: int | None) -> str:
    """A period as an administrator reads it: "Forever", "1 day", "730 days"."""
    if keep_days is None:
        return "Forever"
    return "1 day" if keep_days == 1 else f"{keep_days} days"
