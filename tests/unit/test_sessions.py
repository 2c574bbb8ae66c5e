"""How long a sign-in lasts: idle limit, absolute limit, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ilp_app.domain.sessions import (
    SessionPolicy,
    SessionVerdict,
    session_needs_touch,
    session_verdict,
)

POLICY = SessionPolicy(idle=timedelta(hours=2), absolute=timedelta(hours=12))
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _verdict(*, created=T0, seen=T0, revoked=None, now):
    return session_verdict(
        created_at=created, last_seen_at=seen, revoked_at=revoked, now=now, policy=POLICY
    )


def test_a_fresh_session_is_valid():
    assert _verdict(now=T0) is SessionVerdict.VALID
    assert (
        _verdict(seen=T0 + timedelta(hours=3), now=T0 + timedelta(hours=4)) is SessionVerdict.VALID
    )


def test_a_session_unused_for_the_idle_limit_is_idle():
    assert _verdict(now=T0 + timedelta(hours=2) - timedelta(seconds=1)) is SessionVerdict.VALID
    assert _verdict(now=T0 + timedelta(hours=2)) is SessionVerdict.IDLE
    assert _verdict(now=T0 + timedelta(hours=5)) is SessionVerdict.IDLE


def test_a_session_older_than_the_absolute_limit_expires_even_if_recently_active():
    now = T0 + timedelta(hours=12)
    assert _verdict(seen=now - timedelta(minutes=1), now=now) is SessionVerdict.EXPIRED
    assert (
        _verdict(seen=now - timedelta(minutes=1), now=now - timedelta(seconds=1))
        is SessionVerdict.VALID
    )


@pytest.mark.parametrize(
    ("seen", "now"),
    [
        (T0, T0 + timedelta(minutes=1)),  # otherwise valid
        (T0, T0 + timedelta(hours=3)),  # otherwise idle
        (T0 + timedelta(hours=11, minutes=59), T0 + timedelta(hours=13)),  # otherwise expired
    ],
)
def test_revocation_wins_over_everything(seen, now):
    assert (
        _verdict(seen=seen, revoked=T0 + timedelta(seconds=30), now=now) is SessionVerdict.REVOKED
    )


def test_activity_is_recorded_at_most_once_a_minute():
    assert session_needs_touch(last_seen_at=T0, now=T0 + timedelta(seconds=59)) is False
    assert session_needs_touch(last_seen_at=T0, now=T0 + timedelta(seconds=60)) is True
    assert session_needs_touch(last_seen_at=T0, now=T0) is False
