"""The iCalendar builder: escaping, quoting, folding, UTC times and line endings (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ilp_app.domain.ics import (
    IcsEvent,
    Person,
    build_calendar,
    escape_text,
    fold_line,
    format_utc,
    param_value,
    uri_value,
)

START = datetime(2026, 10, 14, 13, 30, tzinfo=UTC)
STAMP = datetime(2026, 9, 1, 8, 0, 5, tzinfo=UTC)


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


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
        ("Åsa Ødegård", "Åsa Ødegård"),
        ("Smith, John", '"Smith, John"'),
        ("a:b", '"a:b"'),
        ("a;b", '"a;b"'),
        ('The "Boss"', "The 'Boss'"),
        ("two\nlines", "two lines"),
    ],
)
def test_parameter_values_are_quoted_when_needed_and_never_hold_quotes_or_newlines(raw, value):
    assert param_value(raw) == value


def test_uri_values_lose_whitespace_and_control_characters():
    assert uri_value("https://meet.example/ab c\r\nX") == "https://meet.example/abcX"


def test_a_line_of_75_octets_is_not_folded_and_one_of_76_is():
    assert fold_line("x" * 75) == "x" * 75
    folded = fold_line("x" * 76)
    assert folded == "x" * 75 + "\r\n x"


def test_long_lines_fold_into_pieces_of_at_most_75_octets_that_unfold_to_the_original():
    line = "DESCRIPTION:" + "abcdefghij" * 40
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
    assert len(first) + len(next_char.encode("utf-8")) > 75


def test_times_are_written_in_utc_with_a_z():
    oslo_summer = timezone(timedelta(hours=2))
    assert format_utc(datetime(2026, 6, 1, 15, 30, tzinfo=oslo_summer)) == "20260601T133000Z"
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2026, 6, 1, 15, 30))


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
        "ORGANIZER;CN=Mentor Person:mailto:mentor@test.school",
        "ATTENDEE;CN=Åsa Ødegård;ROLE=REQ-PARTICIPANT:mailto:asa@test.school",
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
