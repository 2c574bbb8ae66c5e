"""Choosing a language: the browser's Accept-Language, a person's choice, the school's default."""

from __future__ import annotations

import pytest

from ilp_app.i18n import choose_language, negotiate, parse_language
from ilp_app.i18n.languages import direction


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
        ("nn-NO, nb;q=0.5", "nn"),
        ("no", "nb"),  # "Norwegian" without a written standard: Bokmål
        ("de-DE,nn;q=0.7,en;q=0.9", "en"),  # quality, not position, decides
        ("en-US,en;q=0.9", "en"),
        ("fr, nn;q=0.1", "nn"),  # the only one we speak, however low
        ("en;q=0, nb;q=0.5", "nb"),  # q=0 rules a language out
        ("*", None),
        ("de, fr", None),
        ("", None),
        ("nb;q=abc, nn;q=2, en;q=-1", None),  # malformed items are skipped, not trusted
        ("nb;q=abc, nn", "nn"),
        (";;;,,,", None),
        (None, None),
        ({"nb": 1}, None),
    ],
)
def test_accept_language_picks_the_most_wanted_language_we_speak(header, expected):
    assert negotiate(header) == expected


def test_an_overlong_header_is_read_no_further_than_its_start():
    assert negotiate("x-" * 2000 + ",nn") is None
    assert negotiate("nn," + "de;q=0.1," * 500) == "nn"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("nb", "nb"), ("nn_NO", "nn"), ("EN-gb", "en"), ("xx", None), ("", None), (3, None)],
)
def test_only_languages_with_a_catalogue_are_accepted(value, expected):
    assert parse_language(value) == expected


def test_a_persons_choice_wins_then_the_browser_then_the_school():
    assert choose_language(chosen="nn", browser="en", school="nb") == "nn"
    assert choose_language(chosen="", browser="en", school="nb") == "en"
    assert choose_language(chosen="", browser="", school="nb") == "nb"
    assert choose_language() == "en"  # out of the box
    assert choose_language(chosen="klingon", browser="de", school="nn") == "nn"


def test_every_language_today_is_written_left_to_right():
    assert direction("nb") == direction("nn") == direction("en") == "ltr"
    assert direction("unknown") == "ltr"
