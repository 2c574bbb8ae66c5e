"""Retention periods: what can be set, what applies when nothing is set, and what wins across schools."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ilp_app.domain import retention as r
from ilp_app.domain.errors import ValidationFailed

AUDIT = r.record_type(r.AUDIT_EVENTS)
PLANS = r.record_type(r.LOCKED_PLANS)


def test_every_record_type_has_a_default_no_shorter_than_its_minimum():
    for kind in r.RECORD_TYPES:
        assert kind.default_days is None or kind.default_days >= kind.minimum_days, kind.key


def test_defaults_keep_audit_two_years_and_former_learners_plans_forever():
    assert AUDIT.default_days == 730
    assert r.record_type(r.NOTIFICATIONS).default_days == 180
    assert r.record_type(r.LOGIN_ATTEMPTS).default_days == 30
    assert r.record_type(r.ENDED_SESSIONS).default_days == 90
    assert r.record_type(r.IMPORT_REPORTS).default_days == 365
    assert PLANS.default_days is None


@pytest.mark.parametrize("key", ["nope", "", None, 3, ["audit_events"]])
def test_unknown_record_type_is_refused(key):
    with pytest.raises(ValidationFailed, match="does not exist"):
        r.record_type(key)


@pytest.mark.parametrize(
    ("typed", "days"),
    [("365", 365), (" 90 ", 90), (400, 400), ("", None), ("  ", None), (None, None)],
)
def test_keep_days_accepts_whole_days_or_empty_for_forever(typed, days):
    assert r.parse_keep_days(typed, AUDIT) == days


def test_audit_events_cannot_be_kept_shorter_than_the_minimum():
    with pytest.raises(ValidationFailed, match="at least 90 days"):
        r.parse_keep_days("89", AUDIT)
    assert r.parse_keep_days("90", AUDIT) == 90


# "9" * 5000: int() raised its own ValueError (over 4300 digits) instead of a message.
@pytest.mark.parametrize(
    "typed", ["ten", "1.5", "-5", "٣٠٠", "²", "9" * 5000, True, 12.0, {"days": 1}, [365]]
)
def test_keep_days_refuses_anything_but_a_whole_number(typed):
    with pytest.raises(ValidationFailed):
        r.parse_keep_days(typed, AUDIT)


def test_keep_days_has_an_upper_bound():
    with pytest.raises(ValidationFailed, match="at most"):
        r.parse_keep_days(str(r.MAX_KEEP_DAYS + 1), AUDIT)


def test_stored_period_applies_and_missing_one_falls_back_to_the_default():
    assert r.effective_keep_days(AUDIT, {r.AUDIT_EVENTS: 400}) == 400
    assert r.effective_keep_days(AUDIT, {}) == 730
    assert r.effective_keep_days(AUDIT, {r.AUDIT_EVENTS: None}) is None  # stored "forever"
    assert r.effective_keep_days(PLANS, {}) is None


def test_a_stored_period_below_the_minimum_is_lifted_to_it():
    assert r.effective_keep_days(AUDIT, {r.AUDIT_EVENTS: 5}) == 90


def test_longest_period_wins_and_forever_beats_any_number():
    assert r.longest([30, 400, 90]) == 400
    assert r.longest([30, None, 90]) is None
    assert r.longest([]) is None  # no school: nothing is deleted


def test_cutoff_is_now_minus_the_period_or_none_for_forever():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert r.cutoff(now, 30) == now - timedelta(days=30)
    assert r.cutoff(now, None) is None


def test_periods_read_as_words():
    assert r.describe_period(None) == "Forever"
    assert r.describe_period(1) == "1 day"
    assert r.describe_period(730) == "730 days"
