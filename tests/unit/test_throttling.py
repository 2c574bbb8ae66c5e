"""When failed sign-ins delay the next attempt on an account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ilp_app.domain.throttling import (
    DEFAULT_POLICY,
    NONE,
    FailureCount,
    counted_failure,
    failure_delay,
    throttle_message,
    throttle_wait,
)

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _count(failures: int, seconds_ago: float = 0) -> FailureCount:
    return FailureCount(failures, NOW - timedelta(seconds=seconds_ago))


def _wait(account=NONE, pair=NONE) -> timedelta:
    return throttle_wait(account=account, pair=pair, now=NOW)


def test_four_failures_from_one_address_do_not_delay():
    assert _wait(account=_count(4), pair=_count(4)) == timedelta(0)


def test_the_fifth_failure_from_one_address_delays_the_next_attempt_by_one_second():
    assert _wait(account=_count(5), pair=_count(5)) == SECOND
    assert _wait(account=_count(5, 0.25), pair=_count(5, 0.25)) == timedelta(seconds=0.75)
    assert _wait(account=_count(5, 1), pair=_count(5, 1)) == timedelta(0)


@pytest.mark.parametrize(
    ("failures", "seconds"), [(5, 1), (6, 2), (7, 4), (8, 8), (14, 512), (15, 900), (500, 900)]
)
def test_each_further_failure_doubles_the_delay_up_to_fifteen_minutes(failures, seconds):
    assert failure_delay(failures, free=5, policy=DEFAULT_POLICY) == timedelta(seconds=seconds)


def test_the_account_counts_failures_from_every_address_with_a_larger_allowance():
    # Nine failures spread over many addresses: none of them reached its own allowance.
    assert _wait(account=_count(9)) == timedelta(0)
    assert _wait(account=_count(10)) == SECOND
    assert _wait(account=_count(12)) == 4 * SECOND


def test_a_fresh_address_still_waits_for_the_account_delay():
    assert _wait(account=_count(13, 3), pair=NONE) == 5 * SECOND


def test_the_longer_of_both_delays_applies():
    assert _wait(account=_count(11, 0), pair=_count(7, 1)) == 3 * SECOND
    assert _wait(account=_count(12, 1), pair=_count(5, 0)) == 3 * SECOND


def test_a_count_quiet_for_a_day_is_forgotten():
    day = DEFAULT_POLICY.forget_after.total_seconds()
    almost = counted_failure(_count(40, day - 1), now=NOW, policy=DEFAULT_POLICY)
    assert almost == _count(41)
    assert _wait(account=almost, pair=almost) == timedelta(minutes=15)
    forgotten = counted_failure(_count(40, day), now=NOW, policy=DEFAULT_POLICY)
    assert forgotten == _count(1)
    assert _wait(account=forgotten, pair=forgotten) == timedelta(0)


def test_a_failure_adds_one_and_moves_the_latest_time():
    assert counted_failure(_count(3, 60), now=NOW, policy=DEFAULT_POLICY) == _count(4)
    assert counted_failure(NONE, now=NOW, policy=DEFAULT_POLICY) == _count(1)


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (timedelta(seconds=0.2), "Too many failed sign-ins. Try again in 1 second."),
        (timedelta(seconds=1), "Too many failed sign-ins. Try again in 1 second."),
        (timedelta(seconds=1.5), "Too many failed sign-ins. Try again in 2 seconds."),
        (timedelta(seconds=59), "Too many failed sign-ins. Try again in 59 seconds."),
        (timedelta(seconds=60), "Too many failed sign-ins. Try again in 1 minute."),
        (timedelta(seconds=61), "Too many failed sign-ins. Try again in 2 minutes."),
        (timedelta(minutes=14, seconds=30), "Too many failed sign-ins. Try again in 15 minutes."),
    ],
)
def test_the_message_says_when_to_try_again(wait, expected):
    assert throttle_message(wait) == expected
