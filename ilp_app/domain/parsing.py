"""One rule per kind of input: ids, whole numbers, ratings, dates, bounded text and form fields.

Every value that arrives from a URL, a form or an event handler goes through one of these
functions before a service uses it. Event handlers are remote calls that any client can send
with any arguments (a dict where a str was declared, a bool where an int was), so each parser
checks the type as well as the content, and refuses with a :class:`ValidationFailed` whose
message can be shown as it is.

The rules, once:

- **id**: an ``int`` (never a ``bool``) or text of ASCII digits without sign, spaces or
  leading zeros, from 1 to :data:`MAX_ID`. Ids are written by the app itself (into URLs,
  option values and hidden fields), so only that exact spelling is accepted. Every id column
  is an ``INTEGER``; a larger number cannot name a row, and PostgreSQL answers it with
  "integer out of range" instead of "not found".
- **whole number** (typed by a person: durations, days): an ``int`` or text of at most
  :data:`MAX_NUMBER_DIGITS` ASCII digits, surrounding spaces trimmed, within the bounds given.
- **rating**: a whole number from :data:`RATING_MIN` to :data:`RATING_MAX`.
- **date**: a ``datetime.date`` (not a ``datetime``) or text ``YYYY-MM-DD`` in ASCII digits,
  surrounding spaces trimmed. The compact and week forms that ``date.fromisoformat`` also
  reads (``20261031``, ``2026-W44-6``) are refused: no date field produces them.
- **text**: a ``str``, trimmed, within a maximum length, without the characters no database
  column can hold (NUL, unpaired surrogates).
- **form**: a mapping with text keys; only the fields a handler names are kept, and their
  values must be text or a checkbox's ``True``/``False``.

``str.isdigit()`` is no test for any of these: it is true for "²" (which ``int()`` refuses)
and for "١٢" or "１２" (which ``int()`` reads as 12).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from ilp_app.domain.errors import ValidationFailed

#: The largest value of an ``INTEGER`` column (PostgreSQL and SQLite alike hold every id in one).
MAX_ID = 2_147_483_647
#: Digits a person may type for a whole number; longer text is refused before ``int()`` reads it.
MAX_NUMBER_DIGITS = 12
RATING_MIN, RATING_MAX = 1, 5

MSG_NO_SUCH = "That {what} does not exist."
MSG_RATING = f"Rating must be a whole number from {RATING_MIN} to {RATING_MAX}."
MSG_NOT_TEXT = "{field} must be text."
MSG_TEXT_REQUIRED = "{field} is required."
MSG_TEXT_TOO_LONG = "{field} can be at most {max_length} characters (it has {length})."
MSG_TEXT_UNSAVABLE = "{field} contains a character that cannot be saved."
MSG_DATE_REQUIRED = "{field} is required, as a date like 2026-10-31."
MSG_DATE_FORMAT = "{field} must be a date like 2026-10-31 or 31.10.2026."
MSG_FORM = "The form could not be read. Please try again."

# fullmatch, not match with "$": "$" also matches before a final newline ("12\n").
_ID_TEXT = re.compile(r"[1-9][0-9]{0,9}")
_NUMBER_TEXT = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A day written day first, as Norwegian and British schools write it: 27.11.2026, 27/11/2026.
_LOCAL_DATE_TEXT = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})")
# NUL is refused by PostgreSQL text columns; a lone surrogate cannot be encoded as UTF-8.
_UNSAVABLE = re.compile("[\x00\ud800-\udfff]")


def _is_int(value: object) -> bool:
    # bool is a subclass of int: True would otherwise be the id 1.
    return isinstance(value, int) and not isinstance(value, bool)


def parse_id(value: object, *, what: str = "item") -> int:
    """The id of a row, from a URL, a form field or an event argument.

    Args:
        value: An ``int``, or text such as ``"42"`` (ASCII digits only, exactly as the app
            writes ids: no spaces, sign or leading zeros).
        what: What the id names, for the message ("plan", "learner").

    Returns:
        The id, from 1 to :data:`MAX_ID`.

    Raises:
        ValidationFailed: ``"That {what} does not exist."`` for anything else.
    """
    if isinstance(value, str) and _ID_TEXT.fullmatch(value):
        value = int(value)
    if not _is_int(value) or not 0 < value <= MAX_ID:
        raise ValidationFailed(MSG_NO_SUCH.format(what=what))
    return int(value)


def ids_in_text(text: str) -> list[int]:
    """The ids of a comma-separated list the app stored (``"3,17"``), skipping empty parts.

    Parts that are not ids (a damaged row) are left out rather than failing the whole page.
    """
    found = []
    for part in text.split(","):
        try:
            found.append(parse_id(part))
        except ValidationFailed:
            continue
    return found


def parse_whole_number(value: object, *, minimum: int, maximum: int, message: str) -> int:
    """A whole number a person typed, such as a duration in minutes or a number of days.

    Args:
        value: An ``int``, or text of at most :data:`MAX_NUMBER_DIGITS` ASCII digits
            (surrounding spaces are trimmed; no sign, decimal point or exponent).
        minimum: The smallest value accepted.
        maximum: The largest value accepted.
        message: The message of the refusal, naming the field and its range.

    Returns:
        The number.

    Raises:
        ValidationFailed: with ``message`` for anything else.
    """
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER_TEXT.fullmatch(text):
            value = int(text)
    if not _is_int(value) or not minimum <= value <= maximum:
        raise ValidationFailed(message)
    return int(value)


def parse_rating(value: object) -> int:
    """A rating from 1 to 5 (``"3"`` as text too).

    Raises:
        ValidationFailed: :data:`MSG_RATING` for anything else.
    """
    return parse_whole_number(value, minimum=RATING_MIN, maximum=RATING_MAX, message=MSG_RATING)


def parse_date(value: object, *, field: str, required: bool = False) -> date | None:
    """A calendar date: a ``date``, text ``YYYY-MM-DD`` as a date input sends it, or the local
    form typed where a browser shows a plain text field (``27.11.2026``, ``27/11/2026``).

    Args:
        value: The date; None or blank text when left empty.
        field: The field's name, for the message ("Target date").
        required: Whether an empty value is refused (otherwise it gives None).

    Returns:
        The date, or None when left empty and not required.

    Raises:
        ValidationFailed: empty when required, or not a real date in that form.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(MSG_DATE_REQUIRED.format(field=field))
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    day = parse_day_text(value)
    if day is None:
        raise ValidationFailed(MSG_DATE_FORMAT.format(field=field))
    return day


def parse_day_text(value: object) -> date | None:
    """``YYYY-MM-DD`` or day first (``27.11.2026``, ``27/11/2026``) as a date; None otherwise
    (including impossible days such as 30 February, and anything longer than a date)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip()
    try:
        if _DATE_TEXT.fullmatch(text):
            return date.fromisoformat(text)
        local = _LOCAL_DATE_TEXT.fullmatch(text)
        if local:
            return date(int(local[3]), int(local[2]), int(local[1]))
    except ValueError:  # 2026-02-30, 31.02.2026
        return None
    return None


def parse_text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    """Text a person typed, trimmed, of at most ``max_length`` characters.

    Args:
        value: The text. None counts as empty when the field is optional.
        field: The field's name, for the message ("Goal").
        max_length: The most characters kept after trimming.
        required: Whether empty (or only spaces) is refused.

    Returns:
        The trimmed text ("" for an empty optional field).

    Raises:
        ValidationFailed: not text, empty when required, too long, or holding a character
            that cannot be stored (NUL, an unpaired surrogate).
    """
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(MSG_NOT_TEXT.format(field=field))
    text = value.strip()
    if required and not text:
        raise ValidationFailed(MSG_TEXT_REQUIRED.format(field=field))
    if len(text) > max_length:
        raise ValidationFailed(
            MSG_TEXT_TOO_LONG.format(field=field, max_length=max_length, length=len(text))
        )
    if _UNSAVABLE.search(text):
        raise ValidationFailed(MSG_TEXT_UNSAVABLE.format(field=field))
    return text


def form_mapping(form: object) -> Mapping:
    """The event's form data, if it is a mapping at all (a forged event may send anything).

    Raises:
        ValidationFailed: :data:`MSG_FORM` if ``form`` is not a mapping.
    """
    if not isinstance(form, Mapping):
        raise ValidationFailed(MSG_FORM)
    return form


def form_fields(
    form: object, allowed: set[str], *, prefixes: tuple[str, ...] = ()
) -> dict[str, str | bool]:
    """The fields a handler reads from a submitted form, checked for shape.

    A browser form sends text values (and ``True``/``False`` for some checkboxes), under text
    names. Fields the handler does not name are left out: Reflex also sends controls by their
    element id. Each kept value still goes through the parser of its kind.

    Args:
        form: The event's form data.
        allowed: The field names the handler reads.
        prefixes: Name prefixes of repeated fields (``"attendee-"`` for ``attendee-<id>``).

    Returns:
        The named fields that were sent, in the form's order; absent fields are absent.

    Raises:
        ValidationFailed: :data:`MSG_FORM` if the form is not a mapping, a name is not text,
            or a kept value is neither text nor a bool.
    """
    if not isinstance(form, Mapping):
        raise ValidationFailed(MSG_FORM)
    kept: dict[str, str | bool] = {}
    for key, value in form.items():
        if not isinstance(key, str):
            raise ValidationFailed(MSG_FORM)
        if key not in allowed and not (prefixes and key.startswith(prefixes)):
            continue
        if not isinstance(value, str | bool):
            raise ValidationFailed(MSG_FORM)
        kept[key] = value
    return kept
