"""When repeated failed sign-ins pause further attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ilp_app.domain.throttling import throttle_message, throttle_wait

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def _wait(account=(), address=()):
    return throttle_wait(account_failures=list(account), address_failures=list(address), now=NOW)


def test_four_failures_do_not_pause():
    assert _wait(account=_ago(4, 3, 2, 1)) == timedelta(0)


def test_the_fifth_failure_pauses_until_15_minutes_after_the_oldest():
    failures = _ago(10, 8, 6, 4, 2)
    wait = _wait(account=failures)
    assert wait == timedelta(minutes=5)
    assert NOW + wait == min(failures) + timedelta(minutes=15)


def test_with_more_failures_the_pause_follows_the_oldest_that_still_counts():
    # Seven failures: the pause lasts until only four remain in the window, i.e. until the
    # fifth most recent (12 minutes ago) is 15 minutes old.
    wait = _wait(account=_ago(14, 13, 12, 9, 6, 3, 1))
    assert wait == timedelta(minutes=3)


def test_failures_older_than_the_window_do_not_count():
    assert _wait(account=_ago(15, 20, 4, 3, 2, 1)) == timedelta(0)
    assert _wait(account=_ago(60, 61, 62, 63, 64, 65)) == timedelta(0)


def test_per_address_limit_is_30():
    just_under = _ago(*[m / 3 for m in range(29)])
    assert _wait(address=just_under) == timedelta(0)
    at_limit = _ago(*[m / 3 for m in range(30)])
    wait = _wait(address=at_limit)
    assert wait > timedelta(0)
    assert NOW + wait == min(at_limit) + timedelta(minutes=15)


def test_the_longer_of_both_pauses_applies():
    account = _ago(10, 9, 8, 7, 6)  # 5 minutes left
    address = _ago(*[2 + m / 10 for m in range(30)])  # oldest 4.9 min ago: 10.1 minutes left
    assert _wait(account=account, address=address) == timedelta(minutes=15) - timedelta(minutes=4.9)


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (timedelta(seconds=1), "Too many failed sign-ins. Try again in 1 minute."),
        (timedelta(seconds=60), "Too many failed sign-ins. Try again in 1 minute."),
        (timedelta(seconds=61), "Too many failed sign-ins. Try again in 2 minutes."),
        (timedelta(minutes=14, seconds=30), "Too many failed sign-ins. Try again in 15 minutes."),
    ],
)
def test_throttle_message_wording(wait, expected):
    assert throttle_message(wait) == expected
