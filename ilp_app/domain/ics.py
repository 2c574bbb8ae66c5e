"""iCalendar (RFC 5545) text for one meeting, written with the ``icalendar`` library.

Only what an invitation needs: one VEVENT in a VCALENDAR, attendees named by ``CN``.
``icalendar`` escapes text values, quotes parameter values, folds lines at 75 octets without
splitting a UTF-8 character or an escape, ends lines with CRLF, and writes the VTIMEZONE a
``TZID`` refers to. What is left here is the school's own policy on values: control characters
are dropped (they are not allowed in TEXT or parameter values), a parameter value holds no
double quote or line break, a URI no whitespace, and times are written in their IANA zone
(``TZID``) or else in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText, vUri

PRODID = "-//ILP//Individual Learning Plans//EN"

# Control characters are not allowed in TEXT or parameter values (RFC 5545 3.3.11, 3.1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Person:
    """Someone named in the event: a display name and an email address."""

    name: str
    email: str


@dataclass(frozen=True)
class IcsEvent:
    """The facts of one meeting.

    ``start`` and ``end`` must be aware datetimes. In an IANA zone (a ``ZoneInfo`` such as
    ``Europe/Oslo``) they are written with that ``TZID``; any other zone, and the second
    occurrence of a wall-clock time repeated when clocks go back, is written in UTC.
    """

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    organizer: Person | None = None
    attendees: tuple[Person, ...] = field(default_factory=tuple)
    cancelled: bool = False


def _text(value: str) -> vText:
    # Newlines are kept (icalendar escapes them); tabs and other controls would be invalid.
    # Known limit: icalendar writes a backslash followed by "N" as a line break (its documented
    # way to ask for one), so such a text loses that backslash.
    return vText(_CONTROL.sub("", value.replace("\t", " ")))


def _param(value: str) -> str:
    # RFC 5545 3.2: a parameter value cannot hold a double quote or a line break, so they
    # become a single quote and a space here rather than RFC 6868 escapes few clients read.
    value = _NEWLINES.sub(" ", value)
    return _CONTROL.sub("", value).replace("\t", " ").replace('"', "'")


def _uri(value: str) -> str:
    return _URI_UNSAFE.sub("", value)


def _moment(moment: datetime) -> datetime:
    """``moment`` in its IANA zone when it has one (written with ``TZID``), otherwise in UTC."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    named = isinstance(moment.tzinfo, ZoneInfo) and moment.tzinfo.key not in ("UTC", "Etc/UTC")
    # RFC 5545 3.3.5 reads a wall-clock time that occurs twice (clocks going back) as the first
    # occurrence, so the second one can only be written in UTC.
    second_occurrence = moment.fold and moment.utcoffset() != moment.replace(fold=0).utcoffset()
    if named and not second_occurrence:
        return moment
    # A fixed offset has no TZID a calendar could look up: UTC ("Z") says the same instant.
    return moment.astimezone(UTC)


def _person(person: Person, **params: str) -> vCalAddress:
    return vCalAddress(f"mailto:{_uri(person.email)}", params={"CN": _param(person.name), **params})


def build_calendar(event: IcsEvent, *, stamp: datetime) -> str:
    """The whole ``.ics`` text for ``event``, lines ending with CRLF; ``stamp`` becomes DTSTAMP.

    Raises:
        ValueError: ``start``, ``end`` or ``stamp`` is a naive datetime.
    """
    start, end = _moment(event.start), _moment(event.end)
    vevent = Event()
    vevent.add("uid", _text(event.uid))
    vevent.add("dtstamp", _moment(stamp).astimezone(UTC))  # RFC 5545 3.8.7.2: always UTC
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", _text(event.summary))
    if event.location:
        vevent.add("location", _text(event.location))
    if event.description:
        vevent.add("description", _text(event.description))
    if event.url:
        vevent.add("url", vUri(_uri(event.url)))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.organizer is not None:
        vevent.add("organizer", _person(event.organizer))
    for person in event.attendees:
        vevent.add("attendee", _person(person, ROLE="REQ-PARTICIPANT"))

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    # The zone's rules for the meeting's years only, not icalendar's default 1970-2038 span.
    calendar.add_missing_timezones(
        first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1)
    )
    # Unsorted: properties keep the order above, the conventional one, rather than A to Z.
    return calendar.to_ical(sorted=False).decode("utf-8")
