"""Dates, times and numbers for people: the school's time zone, the reader's language (Babel).

Every moment is stored in UTC; a person reads it in the school's zone (``ILP_SCHOOL_TIMEZONE``),
never with a zone name: "27. nov. 2026 kl. 02:09" in Bokmål, "27 Nov 2026, 02:09" in English.
The language is the active one (:data:`ilp_app.i18n.runtime.active_language`) unless given.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from ilp_app.domain.parsing import parse_day_text
from ilp_app.i18n.languages import LANGUAGES, SOURCE_LANGUAGE
from ilp_app.i18n.runtime import N_, active_language, gettext, ngettext
from ilp_app.settings import get_settings

#: Set while a view is built for a program rather than a person (the data export parses its
#: times back into ISO 8601; printing takes the day): "2026-11-27 01:09 UTC".
_machine_times: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "machine_times", default=False
)


@contextlib.contextmanager
def machine_times() -> Iterator[None]:
    """Inside the block, :func:`format_moment` writes "2026-11-27 01:09 UTC" (for programs)."""
    token = _machine_times.set(True)
    try:
        yield
    finally:
        _machine_times.reset(token)


#: A day and a time of day: "27 Nov 2026, 02:09"; Bokmål and Nynorsk write "{day} kl. {time}".
DAY_AND_TIME = N_("{day}, {time}")
TODAY = N_("today")
YESTERDAY = N_("yesterday")


def school_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().school_timezone)


def _locale(language: str | None) -> str:
    code = language or active_language.get()
    return LANGUAGES.get(code, LANGUAGES[SOURCE_LANGUAGE]).babel_locale


def format_day(day: date | None, *, language: str | None = None) -> str:
    """A date as the reader writes it: "27. nov. 2026" / "27 Nov 2026"; "" for none."""
    if day is None:
        return ""
    return format_date(day, "medium", locale=_locale(language))


def format_moment(moment: datetime | None, *, language: str | None = None) -> str:
    """A moment in the school's zone: "27. nov. 2026 kl. 02:09" / "27 Nov 2026, 02:09"."""
    if moment is None:
        return ""
    if _machine_times.get():
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    local = moment.astimezone(school_zone())
    locale = _locale(language)
    day = format_date(local.date(), "medium", locale=locale)
    clock = format_time(local.time(), "HH:mm", locale=locale)
    pattern = _in(language, DAY_AND_TIME)
    return pattern.format(day=day, time=clock)


def format_clock(moment: datetime, *, language: str | None = None) -> str:
    """The time of day in the school's zone: "02:09"."""
    return format_time(moment.astimezone(school_zone()).time(), "HH:mm", locale=_locale(language))


def format_ago(
    moment: datetime | None, *, now: datetime | None = None, language: str | None = None
) -> str:
    """How long ago, counted in the school's days: "today", "yesterday", "3 days ago".

    Beyond 30 days, or in the future, the date itself reads better.
    """
    if moment is None:
        return ""
    zone = school_zone()
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    days = (today - moment.astimezone(zone).date()).days
    if days < 0 or days > 30:
        return format_day(moment.astimezone(zone).date(), language=language)
    if days == 0:
        return _in(language, TODAY)
    if days == 1:
        return _in(language, YESTERDAY)
    return _in_n(language, "%(num)d day ago", "%(num)d days ago", days) % {"num": days}


def format_percent_of(fraction: float, *, language: str | None = None) -> str:
    """A share as a percentage, written as the reader writes it: "45 %" / "45%"."""
    return format_percent(fraction, locale=_locale(language))


def format_number(value: float, *, language: str | None = None) -> str:
    """A number with the reader's decimal mark: "3,5" / "3.5"."""
    return format_decimal(value, locale=_locale(language))


def parse_day(text: object) -> date | None:
    """A typed date: ISO ("2026-11-27", what a date input sends) or day first ("27.11.2026",
    "27/11/2026", as Norwegian and British schools write it). None when it is not a real date.
    """
    return parse_day_text(text)


def _in(language: str | None, message: str) -> str:
    if language is None:
        return gettext(message)
    token = active_language.set(language)
    try:
        return gettext(message)
    finally:
        active_language.reset(token)


def _in_n(language: str | None, singular: str, plural: str, n: int) -> str:
    token = active_language.set(language or active_language.get())
    try:
        return ngettext(singular, plural, n)
    finally:
        active_language.reset(token)
