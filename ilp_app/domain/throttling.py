"""When repeated failed sign-ins must pause further attempts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class ThrottlePolicy:
    per_account: int = 5
    per_address: int = 30
    window: timedelta = WINDOW


def _wait(failures: Sequence[datetime], limit: int, window: timedelta, now: datetime) -> timedelta:
    recent = sorted(t for t in failures if now - t < window)
    if len(recent) < limit:
        return timedelta(0)
    # The pause ends when the oldest failure that still counts towards the limit leaves the window.
    return recent[-limit] + window - now


def throttle_wait(
    *,
    account_failures: Sequence[datetime],
    address_failures: Sequence[datetime],
    now: datetime,
    policy: ThrottlePolicy = ThrottlePolicy(),
) -> timedelta:
    """How long the next attempt must wait (zero when it may go ahead)."""
    return max(
        _wait(account_failures, policy.per_account, policy.window, now),
        _wait(address_failures, policy.per_address, policy.window, now),
    )


def throttle_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-ins. Try again in {minutes} {unit}."
