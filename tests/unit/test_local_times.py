"""Dates, times and numbers in the school's time zone and the reader's language (Babel)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from ilp_app.i18n import formatting
from ilp_app.i18n.formatting import (
    format_ago,
    format_day,
    format_moment,
    format_percent_of,
    machine_times,
    parse_day,
)
from ilp_app.settings import get_settings


@pytest.fixture(autouse=True)
def oslo(monkeypatch):
    zoned = dataclasses.replace(get_settings(), school_timezone="Europe/Oslo")
    monkeypatch.setattr(formatting, "get_settings", lambda: zoned)


WINTER = datetime(2026, 11, 27, 1, 9, tzinfo=UTC)  # 02:09 in Oslo (CET, UTC+1)
SUMMER = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 00:30 the next day in Oslo (CEST, UTC+2)


@pytest.mark.parametrize(
    ("language", "winter", "summer"),
    [
        ("en", "27 Nov 2026, 02:09", "2 Jun 2026, 00:30"),
        ("nb", "27. nov. 2026 kl. 02:09", "2. juni 2026 kl. 00:30"),
        ("nn", "27. nov. 2026 kl. 02:09", "2. juni 2026 kl. 00:30"),
    ],
)
def test_moments_read_in_the_school_zone_and_language_with_no_zone_name(language, winter, summer):
    assert format_moment(WINTER, language=language) == winter
    assert format_moment(SUMMER, language=language) == summer
    assert "UTC" not in format_moment(WINTER, language=language)


def test_programs_get_the_machine_form_whatever_the_language():
    with machine_times():
        assert format_moment(WINTER, language="nb") == "2026-11-27 01:09 UTC"
    assert format_moment(WINTER, language="en") == "27 Nov 2026, 02:09"


@pytest.mark.parametrize(
    ("days", "en", "nb", "nn"),
    [
        (0, "today", "i dag", "i dag"),
        (1, "yesterday", "i går", "i går"),
        (3, "3 days ago", "for 3 dager siden", "for 3 dagar sidan"),
        (45, "12 Oct 2026", "12. okt. 2026", "12. okt. 2026"),
    ],
)
def test_recent_moments_read_relative_in_school_days(days, en, nb, nn):
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    moment = now - timedelta(days=days)
    assert [format_ago(moment, now=now, language=lang) for lang in ("en", "nb", "nn")] == [
        en,
        nb,
        nn,
    ]


def test_yesterday_is_counted_in_the_schools_day_not_utcs():
    now = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already 27 Nov in Oslo
    assert format_ago(datetime(2026, 11, 26, 0, 30, tzinfo=UTC), now=now, language="nb") == "i går"


def test_days_and_percentages_are_written_per_language():
    assert format_day(date(2026, 11, 27), language="nb") == "27. nov. 2026"
    assert format_day(date(2026, 11, 27), language="en") == "27 Nov 2026"
    assert format_percent_of(0.45, language="en") == "45%"
    assert format_percent_of(0.45, language="nb") == "45\xa0%"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-27", date(2026, 11, 27)),
        ("27.11.2026", date(2026, 11, 27)),
        ("7.1.2027", date(2027, 1, 7)),
        ("27/11/2026", date(2026, 11, 27)),
        ("31.02.2026", None),
        ("11/27/2026", None),  # no month 27: not read the American way
        ("tomorrow", None),
        ("1" * 100, None),
        (None, None),
    ],
)
def test_typed_days_are_read_in_the_local_form_too(typed, expected):
    assert parse_day(typed) == expected
