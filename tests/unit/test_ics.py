"""The iCalendar builder: escaping, quoting, folding, times and line endings (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from ilp_app.domain.ics import IcsEvent, Person, build_calendar

START = datetime(2026, 10, 14, 13, 30, tzinfo=UTC)
STAMP = datetime(2026, 9, 1, 8, 0, 5, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")  # a school's zone (``ILP_SCHOOL_TIMEZONE``) with summer time


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def _event(**changes) -> IcsEvent:
    values = dict(
        uid="review-7@ilp",
        start=START,
        end=START + timedelta(minutes=45),
        summary="ILP review: Émile",
        location="Room 12, building B; 2nd floor",
        description="Agenda:\nprogress, targets",
        url="https://meet.example/abc?x=1",
        organizer=Person("Mentor Person", "mentor@test.school"),
        attendees=(
            Person("Åsa Ødegård", "asa@test.school"),
            Person("Smith, John", "john@test.school"),
        ),
    )
    values.update(changes)
    return IcsEvent(**values)


def lines_of(**changes) -> list[str]:
    """The unfolded content lines of a calendar holding ``_event(**changes)``."""
    return unfold(build_calendar(_event(**changes), stamp=STAMP)).split("\r\n")


def value_of(name: str, **changes) -> str:
    """What follows ``NAME:`` on the (unfolded) line of property ``name``."""
    [line] = [line for line in lines_of(**changes) if line.startswith(f"{name}:")]
    return line.removeprefix(f"{name}:")


def escape_text(raw: str) -> str:
    return value_of("SUMMARY", summary=raw)


def param_value(raw: str) -> str:
    [line] = [line for line in lines_of(organizer=Person(raw, "o@x.test")) if "ORGANIZER" in line]
    return line.removeprefix("ORGANIZER;CN=").removesuffix(":mailto:o@x.test")


def fold_line(line: str) -> str:
    """How a content line ``SUMMARY:...`` of that length is folded in the calendar."""
    assert line.startswith("SUMMARY:")
    raw = build_calendar(_event(summary=line.removeprefix("SUMMARY:")), stamp=STAMP).split("\r\n")
    first = next(n for n, piece in enumerate(raw) if piece.startswith("SUMMARY:"))
    end = first + 1
    while raw[end].startswith(" "):
        end += 1
    return "\r\n".join(raw[first:end])


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Room 12, building B", "Room 12\\, building B"),
        ("Bring: notes; plan", "Bring: notes\\; plan"),
        ("back\\slash", "back\\\\slash"),
        ("line one\nline two", "line one\\nline two"),
        ("windows\r\nline", "windows\\nline"),
        ("old mac\rline", "old mac\\nline"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("tab\there", "tab here"),
        ("Åsa Ødegård", "Åsa Ødegård"),
    ],
)
def test_text_values_escape_commas_semicolons_backslashes_and_newlines(raw, escaped):
    assert escape_text(raw) == escaped


def test_escaping_a_backslash_happens_before_the_others_so_nothing_is_doubled():
    assert escape_text("\\,") == "\\\\\\,"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # A CN holding a space or an apostrophe is quoted too: RFC 5545 writes names that way,
        # and some clients drop an unquoted non-ASCII name.
        ("Åsa Ødegård", '"Åsa Ødegård"'),
        ("Smith, John", '"Smith, John"'),
        ("a:b", '"a:b"'),
        ("a;b", '"a;b"'),
        ('The "Boss"', "\"The 'Boss'\""),
        ("two\nlines", '"two lines"'),
    ],
)
def test_parameter_values_are_quoted_when_needed_and_never_hold_quotes_or_newlines(raw, value):
    assert param_value(raw) == value


def test_uri_values_lose_whitespace_and_control_characters():
    assert value_of("URL", url="https://meet.example/ab c\r\nX") == "https://meet.example/abcX"


def test_a_line_of_74_octets_is_not_folded_and_one_of_75_is():
    # icalendar keeps a first line under 75 octets; a continuation is a space and 74 octets.
    line = "SUMMARY:" + "x" * 66
    assert fold_line(line) == line
    folded = fold_line(line + "x")
    assert folded == line + "\r\n x"


def test_long_lines_fold_into_pieces_of_at_most_75_octets_that_unfold_to_the_original():
    line = "SUMMARY:" + "abcdefghij" * 40
    folded = fold_line(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 5
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert unfold(folded) == line


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "Åsa Ødegård 😀 " * 20
    pieces = fold_line(line).split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    for piece in pieces:
        piece.encode("utf-8").decode("utf-8")  # each piece is whole characters
    assert unfold(fold_line(line)) == line
    # The limit is used: a piece is only cut short when the next character would not fit.
    first = pieces[0].encode("utf-8")
    next_char = pieces[1][1]
    assert len(first) + len(next_char.encode("utf-8")) > 74


def test_times_are_written_in_utc_with_a_z():
    oslo_summer = timezone(timedelta(hours=2))
    start = datetime(2026, 6, 1, 15, 30, tzinfo=oslo_summer)
    assert value_of("DTSTART", start=start) == "20260601T133000Z"
    with pytest.raises(ValueError, match="naive"):
        build_calendar(_event(start=datetime(2026, 6, 1, 15, 30)), stamp=STAMP)


def test_a_calendar_has_crlf_line_endings_and_no_line_over_75_octets():
    text = build_calendar(_event(description="long " * 100), stamp=STAMP)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def test_a_calendar_holds_one_event_with_the_required_properties():
    lines = unfold(build_calendar(_event(), stamp=STAMP)).split("\r\n")
    assert lines[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ILP//Individual Learning Plans//EN",
    ]
    assert lines[-3:] == ["END:VEVENT", "END:VCALENDAR", ""]
    assert lines.count("BEGIN:VEVENT") == 1
    for expected in (
        "UID:review-7@ilp",
        "DTSTAMP:20260901T080005Z",
        "DTSTART:20261014T133000Z",
        "DTEND:20261014T141500Z",
        "SUMMARY:ILP review: Émile",
        "LOCATION:Room 12\\, building B\\; 2nd floor",
        "DESCRIPTION:Agenda:\\nprogress\\, targets",
        "URL:https://meet.example/abc?x=1",
        "STATUS:CONFIRMED",
        'ORGANIZER;CN="Mentor Person":mailto:mentor@test.school',
        'ATTENDEE;CN="Åsa Ødegård";ROLE=REQ-PARTICIPANT:mailto:asa@test.school',
        'ATTENDEE;CN="Smith, John";ROLE=REQ-PARTICIPANT:mailto:john@test.school',
    ):
        assert expected in lines


def test_optional_properties_are_left_out_when_empty_and_a_cancelled_meeting_says_so():
    text = unfold(
        build_calendar(
            _event(
                location="", description="", url="", organizer=None, attendees=(), cancelled=True
            ),
            stamp=STAMP,
        )
    )
    for absent in ("LOCATION", "DESCRIPTION", "URL", "ORGANIZER", "ATTENDEE"):
        assert f"\r\n{absent}" not in text
    assert "\r\nSTATUS:CANCELLED\r\n" in text


def test_a_hostile_summary_cannot_inject_properties():
    text = build_calendar(_event(summary="x\r\nATTENDEE:mailto:evil@example.com"), stamp=STAMP)
    assert "\r\nATTENDEE:mailto:evil" not in unfold(text)
    assert "SUMMARY:x\\nATTENDEE:mailto:evil@example.com" in unfold(text)


def test_an_invitation_in_the_schools_zone_parses_back_with_its_tzid_text_and_folds():
    start = datetime(2026, 10, 14, 15, 30, tzinfo=OSLO)  # summer time: 13:30 UTC
    summary = "ILP review: Smith, John; year 9\nbring the plan"
    description = "Agenda, in order; then questions.\n" + "Progress on every goal. " * 12
    text = build_calendar(
        _event(
            start=start, end=start + timedelta(minutes=45), summary=summary, description=description
        ),
        stamp=STAMP,
    )

    raw_lines = text.split("\r\n")
    assert any(line.startswith(" ") for line in raw_lines)  # the description was folded
    assert all(len(line.encode("utf-8")) <= 75 for line in raw_lines)
    assert "DTSTART;TZID=Europe/Oslo:20261014T153000" in unfold(text).split("\r\n")
    assert "SUMMARY:ILP review: Smith\\, John\\; year 9\\nbring the plan" in unfold(text)

    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "review-7@ilp"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.start == start and event.start.utcoffset() == timedelta(hours=2)
    assert event.end == start + timedelta(minutes=45)
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == description
    assert str(event["LOCATION"]) == "Room 12, building B; 2nd floor"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Oslo"


def test_utc_and_the_second_occurrence_of_a_repeated_hour_are_written_in_utc():
    assert value_of("DTSTART", start=START.astimezone(ZoneInfo("UTC"))) == "20261014T133000Z"
    # Oslo's clocks go back at 03:00 on 25 October 2026: 02:30 comes twice.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).astimezone(OSLO)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC).astimezone(OSLO)
    assert (first.hour, first.minute) == (second.hour, second.minute) == (2, 30)
    assert "DTSTART;TZID=Europe/Oslo:20261025T023000" in lines_of(start=first)
    assert value_of("DTSTART", start=second) == "20261025T013000Z"
