"""Rules for how long a sign-in lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: How stale ``last_seen_at`` may get before an event writes it again; saves a write per click.
TOUCH_INTERVAL = timedelta(seconds=60)


class SessionVerdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    IDLE = "idle"
    EXPIRED = "expired"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


def session_verdict(
    *,
    created_at: datetime,
    last_seen_at: datetime,
    revoked_at: datetime | None,
    now: datetime,
    policy: SessionPolicy,
) -> SessionVerdict:
    """Whether a session may still be used at ``now``.

    A session ends when revoked, when unused for longer than the idle limit, or when older than
    the absolute limit, whichever comes first.
    """
    if revoked_at is not None:
        return SessionVerdict.REVOKED
    if now - created_at >= policy.absolute:
        return SessionVerdict.EXPIRED
    if now - last_seen_at >= policy.idle:
        return SessionVerdict.IDLE
    return SessionVerdict.VALID


def session_needs_touch(*, last_seen_at: datetime, now: datetime) -> bool:
    """Whether to record activity now (at most once per :data:`TOUCH_INTERVAL`)."""
    return now - last_seen_at >= TOUCH_INTERVAL
