"""Password policy: length over composition, no common passwords, never the email address."""

from __future__ import annotations

import pytest

from ilp_app.domain.passwords import (
    MSG_CONTAINS_EMAIL,
    MSG_NOT_TEXT,
    MSG_TOO_COMMON,
    MSG_TOO_LONG,
    MSG_TOO_SHORT,
    password_problems,
)

PHRASE = "velvet harbour lanterns drift "  # 30 characters, not on any list


def _of_length(n: int) -> str:
    return (PHRASE * 5)[:n]


def test_seven_characters_are_refused_as_too_short():
    assert password_problems("gq7vkzw") == [MSG_TOO_SHORT]


def test_eight_characters_are_accepted():
    assert password_problems("gq7vkzwp") == []


@pytest.mark.parametrize("length", [64, 128])
def test_long_passwords_up_to_128_are_accepted(length):
    password = _of_length(length)
    assert len(password) == length
    assert password_problems(password) == []


def test_129_characters_are_refused_as_too_long():
    password = _of_length(129)
    assert len(password) == 129
    assert password_problems(password) == [MSG_TOO_LONG]


@pytest.mark.parametrize(
    "password",
    [
        "purple elephants dance slowly",
        "onlylowercaseletters",
        "ALLUPPERCASEWORDS",
        "1029384756473829",
    ],
)
def test_no_composition_rules(password):
    assert password_problems(password) == []


@pytest.mark.parametrize(
    "password",
    ["Password123", "password123", "PASSWORD123", "qwertyuiop", "QwErTyUiOp", " qwertyuiop "],
)
def test_common_passwords_are_refused_whatever_their_case(password):
    assert password_problems(password) == [MSG_TOO_COMMON]


@pytest.mark.parametrize(
    "value", [None, 12345678, 1234567.8, b"bytes-password", ["a" * 10], {"p": "x"}]
)
def test_anything_but_text_is_refused(value):
    assert password_problems(value) == [MSG_NOT_TEXT]


@pytest.mark.parametrize(
    "password",
    ["ada.lovelace@example.org", "Ada.Lovelace@Example.ORG", "ada.lovelace", "ADA.LOVELACE"],
)
def test_the_email_address_or_its_local_part_is_refused(password):
    assert password_problems(password, email="Ada.Lovelace@example.org") == [MSG_CONTAINS_EMAIL]


def test_a_password_merely_containing_a_short_local_part_is_accepted():
    assert password_problems("bob builds bridges", email="bob@example.org") == []


def test_unicode_text_is_accepted():
    assert password_problems("Ærlig talt, jeg liker kaffe") == []
    assert password_problems("日本語のパスワードです") == []


def test_every_problem_is_listed():
    # Too short, and the local part of the email (at least 4 characters) all at once.
    assert password_problems("anna", email="anna@example.org") == [
        MSG_TOO_SHORT,
        MSG_CONTAINS_EMAIL,
    ]
