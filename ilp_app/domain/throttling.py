"""When failed sign-ins must delay the next attempt on an account.

Failures are counted twice: per account (from every address) and per address and account.
Each count, once past its free allowance, makes the next attempt wait a delay that doubles
with every further failure, up to a ceiling. There is no count per address alone: behind a
school's shared address or a reverse proxy, that address is everyone's, and one person's
guesses must not keep the rest of the school out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ilp_app.i18n.runtime import ngettext


@dataclass(frozen=True)
class ThrottlePolicy:
    """The numbers of the rules (documented in docs/security-throttling.md).

    Attributes:
        pair_free: failures from one address on one account before any delay.
        account_free: failures on one account, from all addresses together, before any delay.
            Higher than ``pair_free``: a guesser at one address is slowed first, and other
            addresses only later.
        first_delay: the delay after the first failure past the allowance; each further
            failure doubles it.
        max_delay: the longest delay.
        forget_after: a count with no failure for this long starts again from zero.
    """

    pair_free: int = 5
    account_free: int = 10
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)


DEFAULT_POLICY = ThrottlePolicy()


@dataclass(frozen=True)
class FailureCount:
    """Failed sign-ins counted under one key, and when the latest happened."""

    failures: int = 0
    last_failure_at: datetime | None = None


NONE = FailureCount()


def current_failures(count: FailureCount, *, now: datetime, policy: ThrottlePolicy) -> int:
    """The failures that still count: none once the count has been quiet for ``forget_after``."""
    if count.failures <= 0 or count.last_failure_at is None:
        return 0
    if now - count.last_failure_at >= policy.forget_after:
        return 0
    return count.failures


def failure_delay(failures: int, *, free: int, policy: ThrottlePolicy) -> timedelta:
    """How long after the latest of ``failures`` failures the next attempt must wait."""
    past = failures - free
    if past < 0:
        return timedelta(0)
    # Doubling beyond 2**20 s is past any sensible ceiling; stop before the number explodes.
    factor = 2 ** min(past, 20)
    return min(policy.first_delay * factor, policy.max_delay)


def _wait(count: FailureCount, free: int, now: datetime, policy: ThrottlePolicy) -> timedelta:
    failures = current_failures(count, now=now, policy=policy)
    if failures == 0:
        return timedelta(0)
    ready_at = count.last_failure_at + failure_delay(failures, free=free, policy=policy)
    return max(ready_at - now, timedelta(0))


def throttle_wait(
    *,
    account: FailureCount,
    pair: FailureCount,
    now: datetime,
    policy: ThrottlePolicy = DEFAULT_POLICY,
) -> timedelta:
    """How long the next attempt on an account from an address must wait (zero: go ahead).

    Args:
        account: failures on the account from every address.
        pair: failures on the account from this address.
        now: the time of the attempt.
        policy: the numbers.
    """
    return max(
        _wait(account, policy.account_free, now, policy),
        _wait(pair, policy.pair_free, now, policy),
    )


def counted_failure(count: FailureCount, *, now: datetime, policy: ThrottlePolicy) -> FailureCount:
    """The count once one more failure at ``now`` is added (a forgotten count restarts)."""
    return FailureCount(current_failures(count, now=now, policy=policy) + 1, now)


def throttle_message(wait: timedelta) -> str:
    """What a refused person reads: when to try again, and nothing about the account."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return ngettext(
            "Too many failed sign-ins. Try again in %(num)d second.",
            "Too many failed sign-ins. Try again in %(num)d seconds.",
            seconds,
        ) % {"num": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed sign-ins. Try again in %(num)d minute.",
        "Too many failed sign-ins. Try again in %(num)d minutes.",
        minutes,
    ) % {"num": minutes}
