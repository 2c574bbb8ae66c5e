"""The catalogues: complete, faithful to their placeholders, in step with the code."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ilp_app.i18n import LANGUAGES, SOURCE_LANGUAGE, gettext, ngettext, use_language
from ilp_app.i18n.compile import mo_path, po_path
from ilp_app.i18n.runtime import LOCALE_DIR, client_catalogue, translations

TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None, "t": None, "tn": (1, 2), "tf": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _catalogue(code: str):
    with open(po_path(code), "rb") as fp:
        return read_po(fp, locale=code)


def _ids(catalogue) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


@pytest.fixture(scope="module")
def marked_in_code() -> set[str]:
    """Every string the code marks for translation, as ``make messages`` extracts it."""
    root = LOCALE_DIR.parent
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found - {""}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_msgid_has_a_translation(code):
    untranslated = [
        m.id
        for m in _catalogue(code)
        if m.id
        and (
            not all(s.strip() for s in (m.string if isinstance(m.string, tuple) else [m.string]))
            or m.fuzzy
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_marked_in_the_code_is_in_the_catalogue(code, marked_in_code):
    # Fails when a t("…") or gettext("…") was added without `make messages` and a translation.
    assert sorted(marked_in_code - _ids(_catalogue(code))) == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders_and_surrounding_spaces(code):
    for m in _catalogue(code):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for i, text in enumerate(strings):
            found = set(PLACEHOLDER.findall(text))
            # A singular form may say "the last day" instead of "%(num)d day"; no form may
            # invent a placeholder, and the other forms keep every one.
            singular = len(strings) > 1 and i == 0
            assert found <= wanted if singular else found == wanted, (m.id, text)
            assert text.startswith(" ") == ids[0].startswith(" "), (m.id, text)
            assert text.endswith(" ") == ids[0].endswith(" "), (m.id, text)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_matches_its_po_file(code):
    subprocess.run([sys.executable, "-m", "ilp_app.i18n.compile"], check=True, capture_output=True)
    assert mo_path(code).stat().st_mtime >= po_path(code).stat().st_mtime
    translations.cache_clear()
    compiled = translations(code)
    for m in _catalogue(code):
        if m.id and isinstance(m.id, str):
            assert compiled.gettext(m.id) == m.string


@pytest.mark.parametrize(
    ("code", "one", "three"),
    [
        ("en", "1 task", "3 tasks"),
        ("nb", "1 oppgave", "3 oppgaver"),
        ("nn", "1 oppgåve", "3 oppgåver"),
    ],
)
def test_plurals_follow_the_catalogue_plural_forms(code, one, three):
    with use_language(code):
        assert ngettext("%(num)d task", "%(num)d tasks", 1) % {"num": 1} == one
        assert ngettext("%(num)d task", "%(num)d tasks", 3) % {"num": 3} == three
        assert ngettext("%(num)d task", "%(num)d tasks", 0) % {"num": 0} == three.replace("3", "0")


def test_school_words_are_the_ones_norwegian_schools_use():
    with use_language("nb"):
        assert [gettext(w) for w in ("Mentor", "Learner", "Parent")] == [
            "Kontaktlærer",
            "Elev",
            "Foresatt",
        ]
        assert gettext("Learning objectives") == "Læringsmål"
    with use_language("nn"):
        assert [gettext(w) for w in ("Mentor", "Parent", "Sign out")] == [
            "Kontaktlærar",
            "Føresett",
            "Logg ut",
        ]


def test_without_a_language_text_stays_english_and_nothing_leaks_between_contexts():
    assert gettext("Sign out") == "Sign out"
    with use_language("nn"):
        assert gettext("Sign out") == "Logg ut"
    assert gettext("Sign out") == "Sign out"
    with use_language("xx"):  # not one we speak: English
        assert gettext("Sign out") == "Sign out"
    assert gettext("") == ""  # never the catalogue's header


def test_the_browser_catalogue_holds_translations_and_plural_forms_only():
    assert client_catalogue("en") == {}
    nb = client_catalogue("nb")
    assert nb["Sign out"] == "Logg ut"
    assert nb["%(num)d task\x00%(num)d tasks"] == "%(num)d oppgave\x00%(num)d oppgaver"
    assert "" not in nb  # no header


def test_a_refusal_reads_in_the_language_it_is_shown_in():
    from ilp_app.domain.errors import MSG_DENIED, PermissionDenied
    from ilp_app.services.plans.plan_activity import MSG_NOT_ONE_TAP

    error = PermissionDenied(MSG_DENIED)
    assert error.message == "You do not have access to that."
    with use_language("nn"):
        assert error.message == "Du har ikkje tilgang til det."
        assert str(error) == MSG_DENIED  # logs stay English
    with use_language("nb"):
        from ilp_app.domain.errors import ValidationFailed

        assert ValidationFailed(MSG_NOT_ONE_TAP).message.startswith("Bare det siste trykket")
