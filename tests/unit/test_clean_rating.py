"""Ratings arriving from events: a whole number from 1 to 5, plain ASCII digits in text included."""

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.plans import clean_rating


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("5", 5), (" 3 ", 3)])
def test_scores_from_one_to_five_are_accepted(raw, expected):
    assert clean_rating(raw) == expected


# "²" passes str.isdigit() but int() refuses it; "٣" and "３" pass both and read as 3.
@pytest.mark.parametrize("raw", ["²", "٣", "３", "0", "6", "", "2.5", True, None, [3]])
def test_anything_else_is_a_clear_refusal(raw):
    with pytest.raises(ValidationFailed, match="whole number from 1 to 5"):
        clean_rating(raw)
