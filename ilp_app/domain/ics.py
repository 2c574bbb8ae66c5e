"""iCalendar (RFC 5545) text for one meeting, built by hand from the standard library.

Only what an invitation needs: one VEVENT in a VCALENDAR, times in UTC, attendees named by
``CN``. Text values are escaped (backslash, comma, semicolon, newline), parameter values are
quoted when they must be, control characters are dropped, every content line is folded at
75 octets without splitting a UTF-8 character, and lines end with CRLF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

PRODID = "-//ILP//Individual Learning Plans//EN"
#: RFC 5545 3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."
MAX_LINE_OCTETS = 75
CRLF = "\r\n"

# Control characters are not allowed in TEXT or parameter values (RFC 5545 3.3.11, 3.1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Person:
    """Someone named in the event: a display name and an email address."""

    name: str
    email: str


@dataclass(frozen=True)
class IcsEvent:
    """The facts of one meeting. ``start`` and ``end`` must be aware datetimes."""

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


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): ``\\``, ``;``, ``,`` and newlines escaped, controls dropped."""
    value = _NEWLINES.sub("\n", value)
    value = _CONTROL.sub("", value)
    value = value.replace("\t", " ")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param_value(value: str) -> str:
    """A parameter value (e.g. ``CN``): quoted when it holds ``:``, ``;`` or ``,``.

    A parameter value cannot hold a double quote or a line break at all, so those become a
    single quote and a space.
    """
    value = _NEWLINES.sub(" ", value)
    value = _CONTROL.sub("", value).replace("\t", " ").replace('"', "'")
    if any(c in value for c in ":;,"):
        return f'"{value}"'
    return value


def uri_value(value: str) -> str:
    """A URI or CAL-ADDRESS value: not escaped, but no whitespace or control characters."""
    return re.sub(r"[\x00-\x20\x7f]", "", value)


def format_utc(moment: datetime) -> str:
    """``20261014T133000Z`` for an aware datetime (naive ones are refused: their zone is unknown)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold_line(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets, joined by CRLF + space.

    The space that starts a continuation counts toward its 75 octets, and a multi-byte UTF-8
    character is never split between two lines.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
            limit = MAX_LINE_OCTETS - 1  # room for the leading space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _person(prop: str, person: Person, extra: str = "") -> str:
    return f"{prop};CN={param_value(person.name)}{extra}:mailto:{uri_value(person.email)}"


def calendar_lines(event: IcsEvent, *, stamp: datetime) -> list[str]:
    """The unfolded content lines of a calendar holding ``event``; ``stamp`` becomes DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{format_utc(stamp)}",
        f"DTSTART:{format_utc(event.start)}",
        f"DTEND:{format_utc(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{uri_value(event.url)}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    if event.organizer is not None:
        lines.append(_person("ORGANIZER", event.organizer))
    for person in event.attendees:
        lines.append(_person("ATTENDEE", person, ";ROLE=REQ-PARTICIPANT"))
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return lines


def build_calendar(event: IcsEvent, *, stamp: datetime) -> str:
    """The whole ``.ics`` text: folded lines, each ending with CRLF."""
    return "".join(fold_line(line) + CRLF for line in calendar_lines(event, stamp=stamp))
