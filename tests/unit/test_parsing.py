"""Input parsing: one rule per kind, fed what a forged event can send."""

from __future__ import annotations

import ast
import pathlib
from datetime import date, datetime

import pytest

from ilp_app.domain import parsing
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import (
    MAX_ID,
    MSG_DATE_FORMAT,
    MSG_DATE_REQUIRED,
    MSG_FORM,
    MSG_NO_SUCH,
    MSG_NOT_TEXT,
    MSG_RATING,
    MSG_TEXT_REQUIRED,
    MSG_TEXT_TOO_LONG,
    MSG_TEXT_UNSAVABLE,
    form_fields,
    ids_in_text,
    parse_date,
    parse_id,
    parse_rating,
    parse_text,
    parse_whole_number,
)

ONE_MB = "1" * 1_000_000

# Values any handler can be sent, whatever its type hints say.
FORGED = [
    None,
    True,
    False,
    {"id": 1},
    {"$gt": ""},
    [1],
    [],
    (1,),
    float("nan"),
    float("inf"),
    2.0,
    b"12",
    object(),
]
# Text that str.isdigit() or int() takes for a number, and ids must not.
LOOKALIKES = [
    "²",  # isdigit() is true; int() refuses it
    "1²",
    "١٢",  # Arabic-Indic digits: int() reads 12
    "１２",  # full-width digits: int() reads 12
    "٣",
    "1e3",
    "0x1f",
    "1_000",
    "12.0",
    "+1",
    "-1",
    "12\n",  # "$" in a pattern matches before a final newline
    "1 2",
    "",
    " ",
    "abc",
]


def _refused(func, *args, expect: str, **kwargs) -> None:
    with pytest.raises(ValidationFailed) as refused:
        func(*args, **kwargs)
    assert str(refused.value) == expect


# --- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(7, 7), ("7", 7), ("42", 42), (MAX_ID, MAX_ID)])
def test_an_id_is_a_positive_int_or_its_ascii_digits(raw, expected):
    assert parse_id(raw) == expected
    assert type(parse_id(raw)) is int


def test_the_largest_id_is_the_largest_integer_column_value():
    assert MAX_ID == 2**31 - 1
    assert parse_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize(
    "raw",
    [
        *FORGED,
        *LOOKALIKES,
        0,
        "0",
        -1,
        -(10**30),
        MAX_ID + 1,
        str(MAX_ID + 1),  # PostgreSQL: "integer out of range", not "not found"
        "99999999999",
        "9" * 18,
        10**30,
        str(10**30),
        ONE_MB,
        "a" * 1_000_000,
    ],
)
def test_anything_else_is_no_id(raw):
    _refused(parse_id, raw, what="plan", expect=MSG_NO_SUCH.format(what="plan"))


@pytest.mark.parametrize("raw", [" 12", "12 ", "\t12", "\u00a012", "007", "01"])
def test_an_id_has_one_spelling_without_spaces_or_leading_zeros(raw):
    _refused(parse_id, raw, what="learner", expect="That learner does not exist.")


def test_ids_in_stored_text_skip_what_is_not_an_id():
    assert ids_in_text("3,17,,²,١٢, 5,0,-2,99999999999,8") == [3, 17, 8]
    assert ids_in_text("") == []


# --- whole numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(30, 30), ("30", 30), (" 45 ", 45), ("015", 15)])
def test_a_typed_whole_number_may_have_spaces_around_it(raw, expected):
    assert parse_whole_number(raw, minimum=15, maximum=240, message="Bad.") == expected


@pytest.mark.parametrize(
    "raw",
    [*FORGED, *LOOKALIKES, 14, 241, "241", -30, "1" * 13, 10**30, ONE_MB],
)
def test_anything_else_is_not_a_whole_number_in_range(raw):
    _refused(parse_whole_number, raw, minimum=15, maximum=240, message="Bad.", expect="Bad.")


def test_a_long_run_of_digits_is_refused_before_int_reads_it():
    # int() refuses text of more than 4300 digits with its own ValueError.
    _refused(
        parse_whole_number,
        "9" * 5000,
        minimum=0,
        maximum=10**6000,
        message="Too many digits.",
        expect="Too many digits.",
    )


# --- ratings (moved from test_clean_rating.py, whose function they tested) ----------------------


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("5", 5), (" 3 ", 3)])
def test_scores_from_one_to_five_are_accepted(raw, expected):
    assert parse_rating(raw) == expected


# "²" passes str.isdigit() but int() refuses it; "٣" and "３" pass both and read as 3.
@pytest.mark.parametrize("raw", ["²", "٣", "３", "0", "6", "", "2.5", True, None, [3]])
def test_anything_else_is_a_clear_refusal(raw):
    with pytest.raises(ValidationFailed, match="whole number from 1 to 5"):
        parse_rating(raw)


@pytest.mark.parametrize(
    "raw", [*FORGED, *LOOKALIKES, 0, 6, -1, "-3", 10**30, 3.0, ONE_MB, "3" * 13]
)
def test_a_rating_refuses_every_forged_value_with_its_message(raw):
    _refused(parse_rating, raw, expect=MSG_RATING)


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-31", date(2026, 10, 31)),
        (" 2026-10-31 ", date(2026, 10, 31)),
        ("2028-02-29", date(2028, 2, 29)),
        (date(2026, 1, 2), date(2026, 1, 2)),
        # The local form, typed where a browser shows a text field.
        ("31/12/2026", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("5.1.2027", date(2027, 1, 5)),
    ],
)
def test_a_date_is_yyyy_mm_dd_or_day_first(raw, expected):
    assert parse_date(raw, field="Target date") == expected


@pytest.mark.parametrize(
    "raw",
    [
        *[v for v in FORGED if v is not None],
        "2026-02-30",
        "2027-02-29",
        "2026-13-01",
        "20261031",  # date.fromisoformat reads these two as dates
        "2026-W44-6",
        "2026-10-31T00:00",
        "2026-10-31 10:00",
        "12/31/2026",  # month first is not read
        "31.02.2026",
        "31.12.26",
        "٣١.١٢.٢٠٢٦",
        "٢٠٢٦-١٠-٣١",
        "2026-1-5",
        "+2026-10-31",
        datetime(2026, 10, 31, 12, 0),
        20261031,
        ONE_MB,
    ],
)
def test_anything_else_is_not_a_date(raw):
    _refused(
        parse_date, raw, field="Target date", expect=MSG_DATE_FORMAT.format(field="Target date")
    )


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_empty_date_is_none_unless_required(raw):
    assert parse_date(raw, field="Start date") is None
    _refused(
        parse_date,
        raw,
        field="Start date",
        required=True,
        expect=MSG_DATE_REQUIRED.format(field="Start date"),
    )


# --- text ---------------------------------------------------------------------------------------


def test_text_is_trimmed_and_kept_within_its_length():
    assert parse_text("  Read more  ", field="Goal", max_length=9) == "Read more"
    assert parse_text("émile ²١٢", field="Goal", max_length=9) == "émile ²١٢"
    assert parse_text("a\tb\nc", field="Goal", max_length=9) == "a\tb\nc"


@pytest.mark.parametrize("raw", [v for v in FORGED if v is not None] + [12, 10**30])
def test_text_must_be_a_string(raw):
    _refused(parse_text, raw, field="Goal", max_length=10, expect=MSG_NOT_TEXT.format(field="Goal"))


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", None])
def test_required_text_must_not_be_empty(raw):
    message = (MSG_NOT_TEXT if raw is None else MSG_TEXT_REQUIRED).format(field="Goal")
    _refused(parse_text, raw, field="Goal", max_length=10, expect=message)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_optional_text_may_be_empty(raw):
    assert parse_text(raw, field="Subject", max_length=10, required=False) == ""


def test_a_megabyte_of_text_is_refused_with_its_length():
    _refused(
        parse_text,
        ONE_MB,
        field="Note",
        max_length=5000,
        expect=MSG_TEXT_TOO_LONG.format(field="Note", max_length=5000, length=1_000_000),
    )


@pytest.mark.parametrize("raw", ["a\x00b", "\ud800", "ok \udfff"])
def test_text_no_column_can_store_is_refused(raw):
    _refused(
        parse_text,
        raw,
        field="Note",
        max_length=50,
        expect=MSG_TEXT_UNSAVABLE.format(field="Note"),
    )


# --- forms --------------------------------------------------------------------------------------


def test_a_form_keeps_only_the_fields_the_handler_reads():
    form = {
        "statement": "Read",
        "ref_statement": {"nested": True},  # not read, so not checked
        "done": True,
        "objective-4": "on",
        "objective-x": False,
    }
    kept = form_fields(form, {"statement", "done", "missing"}, prefixes=("objective-",))
    assert kept == {"statement": "Read", "done": True, "objective-4": "on", "objective-x": False}


@pytest.mark.parametrize("raw", [None, "statement=Read", ["statement", "Read"], 7, True, b"{}"])
def test_a_form_that_is_not_a_mapping_is_refused(raw):
    _refused(form_fields, raw, {"statement"}, expect=MSG_FORM)


@pytest.mark.parametrize("value", [None, 7, 2.5, float("nan"), ["a"], {"$gt": ""}, b"x"])
def test_a_read_field_must_be_text_or_a_checkbox(value):
    _refused(form_fields, {"statement": value}, {"statement"}, expect=MSG_FORM)


def test_a_form_with_a_name_that_is_not_text_is_refused():
    _refused(form_fields, {1: "x", "statement": "Read"}, {"statement"}, expect=MSG_FORM)


def test_a_megabyte_field_passes_the_form_and_is_refused_by_its_parser():
    form = form_fields({"statement": ONE_MB}, {"statement"})
    with pytest.raises(ValidationFailed, match="at most 500 characters"):
        parse_text(form["statement"], field="Goal", max_length=500)


def test_parsing_imports_only_the_standard_library_and_the_domain():
    tree = ast.parse(pathlib.Path(parsing.__file__).read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        )
    }
    assert imported <= {"__future__", "re", "collections", "datetime", "ilp_app", "pydantic"}
