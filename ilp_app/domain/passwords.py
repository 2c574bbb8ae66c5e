"""Password policy, following current guidance (NIST SP 800-63B): length over composition."""

from __future__ import annotations

import functools
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 128

MSG_TOO_SHORT = f"Use at least {MIN_LENGTH} characters."
MSG_TOO_LONG = f"Use at most {MAX_LENGTH} characters."
MSG_TOO_COMMON = (
    "This password is too common. Choose something harder to guess, such as a short sentence."
)
MSG_CONTAINS_EMAIL = "Do not use your email address as your password."
MSG_NOT_TEXT = "The password must be text."

_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The refused list, lower-cased."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problems(password: object, *, email: str = "") -> list[str]:
    """Every reason ``password`` is refused; an empty list means it is acceptable.

    No composition rules (digits, symbols, cases) are imposed; any Unicode text is allowed.
    """
    if not isinstance(password, str):
        return [MSG_NOT_TEXT]
    problems: list[str] = []
    length = len(password)
    if length < MIN_LENGTH:
        problems.append(MSG_TOO_SHORT)
    if length > MAX_LENGTH:
        problems.append(MSG_TOO_LONG)
    folded = password.strip().lower()
    if folded in common_passwords():
        problems.append(MSG_TOO_COMMON)
    local_part = email.split("@", 1)[0].lower()
    if email and (folded == email.lower() or (len(local_part) >= 4 and folded == local_part)):
        problems.append(MSG_CONTAINS_EMAIL)
    return problems
