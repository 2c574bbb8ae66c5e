"""The languages the app speaks, and choosing one from what a browser asks for.

Standard library only, so the domain and every layer may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # a gettext catalogue name under ilp_app/locale/
    name: str  # in its own language, as a switch lists it
    direction: str = "ltr"  # "rtl" for a language written right to left
    #: The Babel locale that formats its dates and numbers ("en" writes 27 Nov 2026, as in the UK).
    babel_locale: str = ""


#: Every language with a catalogue, in the order a switch lists them. Adding one: see
#: docs/translations.md.
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", babel_locale="en_GB"),
        Language("nb", "Norsk bokmål", babel_locale="nb_NO"),
        Language("nn", "Norsk nynorsk", babel_locale="nn_NO"),
    )
}
#: The language of every msgid, and of a school that has chosen none.
SOURCE_LANGUAGE = "en"

#: Codes a browser may send for a language we have under another name.
_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "eng": "en"}
_ACCEPT_ITEM = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$"
)


def parse_language(value: object) -> str | None:
    """The supported language code ``value`` names, or None (anything else: a typo, a forged event)."""
    if not isinstance(value, str) or len(value) > 35:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: object) -> str | None:
    """The supported language a browser's ``Accept-Language`` header prefers most, or None.

    Quality values order the choices (``nn;q=0.9, en;q=0.8``); ``q=0`` rules a language out;
    regions are ignored (``nb-NO`` is ``nb``) and ``no`` means Bokmål. A malformed item is
    skipped, and an overlong header is read no further than its first 1000 characters.
    """
    if not isinstance(accept_language, str):
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language[:1000].split(",")):
        match = _ACCEPT_ITEM.match(item)
        if not match or match[1] == "*":
            continue
        try:
            quality = float(match[2]) if match[2] is not None else 1.0
        except ValueError:
            continue
        code = parse_language(match[1])
        if code and 0 < quality <= 1:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None


def direction(code: str) -> str:
    """``"rtl"`` or ``"ltr"``: how the language is written (``<html dir>``)."""
    lang = LANGUAGES.get(code)
    return lang.direction if lang else "ltr"


def choose_language(*, chosen: str = "", browser: str = "", school: str = "") -> str:
    """The language a person reads: their own choice, else the browser's, else the school's.

    Each argument is a code or ""; an unsupported one counts as none.
    """
    for candidate in (chosen, browser, school):
        code = parse_language(candidate)
        if code:
            return code
    return SOURCE_LANGUAGE
