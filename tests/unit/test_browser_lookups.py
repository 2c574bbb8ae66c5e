"""The lookups components compile to (t, tn, tf, local_day), run in Node as a browser runs them."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import reflex as rx

from ilp_app.components.i18n import local_day, t, tf, tn
from ilp_app.i18n.runtime import client_catalogue
from ilp_app.state.locale import LocaleState

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js not installed")


def _run(expr: rx.Var, lang: str) -> str:
    """Evaluate ``expr`` with the tab's state holding ``lang`` and its catalogue."""
    state = LocaleState.lang._js_expr.rsplit(".", 1)[0]
    values = {
        "lang_rx_state_": lang,
        "dir_rx_state_": "ltr",
        "catalog_rx_state_": client_catalogue(lang),
    }
    script = f"const {state} = {json.dumps(values)};\nconsole.log({expr._js_expr});"
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    return done.stdout.rstrip("\n")


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Sign out"), ("nb", "Logg ut"), ("nn", "Logg ut")]
)
def test_t_reads_the_tabs_catalogue_and_falls_back_to_english(lang, expected):
    assert _run(t("Sign out"), lang) == expected
    assert _run(t("A string no catalogue has"), lang) == "A string no catalogue has"


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 task"),
        ("en", 3, "3 tasks"),
        ("nb", 1, "1 oppgave"),
        ("nb", 3, "3 oppgaver"),
        ("nn", 0, "0 oppgåver"),
        ("nn", 1, "1 oppgåve"),
    ],
)
def test_tn_picks_the_plural_form_of_the_catalogue(lang, n, expected):
    assert _run(tn("%(num)d task", "%(num)d tasks", n), lang) == expected


def test_tf_fills_named_parts_into_the_translated_sentence():
    expr = tf("Progress of %(name)s's plan", name="Åsa")
    assert _run(expr, "en") == "Progress of Åsa's plan"
    assert _run(expr, "nn") == "Framgangen i planen til Åsa"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "27 Nov 2026"), ("nb", "27. nov. 2026"), ("nn", "27. nov. 2026")],
)
def test_local_day_writes_a_calendar_day_in_the_tabs_language(lang, expected):
    assert _run(local_day(rx.Var.create("2026-11-27")), lang) == expected
    assert _run(local_day(rx.Var.create("")), lang) == ""
    assert _run(local_day(rx.Var.create("not a day")), lang) == "not a day"
