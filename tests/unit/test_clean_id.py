"""Ids arriving from URLs and events: only plain positive numbers select anything."""

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.plans import clean_id


@pytest.mark.parametrize(("raw", "expected"), [(7, 7), ("7", 7), (" 42 ", 42)])
def test_plain_numbers_are_accepted(raw, expected):
    assert clean_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["²", "٣", "1²", "0", "-3", "", "1e3", "9" * 30, 0, -1, True, 2.0, None, {"id": 1}, [1]]
)
def test_anything_else_is_a_clear_refusal(raw):
    with pytest.raises(ValidationFailed, match="does not exist"):
        clean_id(raw, what="plan")
