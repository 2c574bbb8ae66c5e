"""Languages in the browser: the switch on the sign-in page and in the account menu changes the
open page at once (no reload) and ``<html lang>``; each person keeps their own language."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible

LEARNER, PARENT = "learner@demo.school", "parent@demo.school"
MENTOR, TEACHER = "mentor@demo.school", "teacher.math@demo.school"


@pytest.fixture
def languages_restored(app_db):
    """The other browser tests read the demo school in English: put every choice back after."""
    yield
    with app_db.begin() as conn:
        conn.execute(
            sa.text("UPDATE \"user\" SET language = '' WHERE email IN (:a, :b, :c, :d)"),
            {"a": LEARNER, "b": PARENT, "c": MENTOR, "d": TEACHER},
        )


def _language_of(app_db, email: str) -> str:
    with app_db.connect() as conn:
        return conn.execute(
            sa.text('SELECT language FROM "user" WHERE email = :e'), {"e": email}
        ).scalar_one()


def _mark_document(page) -> None:
    """A flag that a reload would lose: the page must change without one."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def _choose_in_account_menu(page, language: str) -> None:
    """Open the account menu and choose ``language``.

    A tap that lands before the page's scripts have taken over the button opens nothing (as
    on a slow phone, where the person taps again): the menu is opened again until it shows.
    """
    trigger = page.get_by_role("button", name=re.compile(r"Account menu|Kontomeny"))
    item = page.get_by_role("menuitem", name=language)
    for _ in range(5):
        trigger.click()
        try:
            item.wait_for(state="visible", timeout=2_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    item.click()


def test_sign_in_page_follows_the_browser_and_its_switch(new_page, browser, base_url):
    # The browser asks for Nynorsk first: the sign-in page reads Nynorsk before anyone chooses.
    ctx = browser.new_context(base_url=base_url, locale="nn-NO", viewport=PHONE)
    try:
        page = ctx.new_page()
        page.goto("/login")
        expect(page.get_by_role("link", name="Gløymt passordet?")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "nn")
        assert_accessible(page)
    finally:
        ctx.close()

    page = new_page(PHONE)  # an English browser
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _mark_document(page)
    page.get_by_label("Language").select_option("nb")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    expect(page.get_by_role("link", name="Glemt passordet?")).to_be_visible()
    expect(page.get_by_label("E-post")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    assert _same_document(page), "choosing a language reloaded the page"
    assert_accessible(page)


def test_account_menu_switch_changes_the_page_at_once_and_is_kept(
    new_page, app_db, languages_restored
):
    page = new_page(PHONE)
    sign_in(page, LEARNER)
    wait_for_path(page, "/learner")
    expect(page.get_by_role("heading", name="My plan", level=1)).to_be_visible()
    _mark_document(page)
    _choose_in_account_menu(page, "Norsk bokmål")
    expect(page.get_by_role("heading", name="Min plan", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mine oppgaver")).to_be_visible()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page).to_have_title("Min plan · ILP")
    # Text the server builds follows too: task statuses and due dates.
    expect(page.locator("main")).to_contain_text(re.compile(r"Ikke startet|Pågår|Fullført"))
    expect(page.locator("main")).not_to_contain_text("UTC")
    assert _same_document(page), "choosing a language reloaded the page"
    assert_accessible(page)
    assert _language_of(app_db, LEARNER) == "nb"

    page.reload()  # kept for the person, not for the tab
    expect(page.get_by_role("heading", name="Min plan", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_a_parent_reads_nynorsk_while_the_learner_reads_bokmal(
    new_page, app_db, languages_restored
):
    learner = new_page(PHONE)
    sign_in(learner, LEARNER)
    wait_for_path(learner, "/learner")
    expect(learner.get_by_role("heading", name="My plan", level=1)).to_be_visible()
    _choose_in_account_menu(learner, "Norsk bokmål")
    expect(learner.get_by_role("heading", name="Min plan", level=1)).to_be_visible()

    parent = new_page(PHONE)
    sign_in(parent, PARENT)
    wait_for_path(parent, "/parent")
    expect(parent.get_by_role("heading", name="My children", level=1)).to_be_visible()
    _choose_in_account_menu(parent, "Norsk nynorsk")
    expect(parent.get_by_role("heading", name="Borna mine", level=1)).to_be_visible()
    cards = parent.locator("article.child-card")
    expect(cards.first).to_contain_text(re.compile(r"Går bra|Verdt å sjå på|Treng støtte"))
    expect(cards.first.get_by_role("link", name="Skriv til kontaktlæraren")).to_be_visible()
    expect(parent.locator("html")).to_have_attribute("lang", "nn")
    assert_accessible(parent)

    # Each keeps their own: the learner's page did not turn Nynorsk.
    learner.reload()
    expect(learner.get_by_role("heading", name="Min plan", level=1)).to_be_visible()
    expect(learner.locator("html")).to_have_attribute("lang", "nb")
    assert (_language_of(app_db, LEARNER), _language_of(app_db, PARENT)) == ("nb", "nn")


def _english_phrases(code: str) -> list[re.Pattern]:
    """Phrases of the English catalogue that read differently in ``code`` (two words or more,
    so a plan's own English content does not count by a single shared word)."""
    from babel.messages.pofile import read_po

    from ilp_app.domain.coaching import DEFAULT_LIBRARY
    from ilp_app.i18n.compile import po_path

    # The coaching library is the school's own text, written in the school's language when it
    # was loaded: in this English school it is English whoever reads it.
    school_text = {text for _, _, text in DEFAULT_LIBRARY}
    with open(po_path(code), "rb") as fp:
        catalogue = read_po(fp, locale=code)
    phrases = []
    for m in catalogue:
        if not m.id or not isinstance(m.id, str) or m.id in school_text:
            continue
        text = m.id.strip(" :(")
        if "%" in text or "{" in text or len(text.split()) < 2 or m.string.strip(" :(") == text:
            continue
        phrases.append(re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])"))
    return phrases


def _english_left(page, phrases) -> list[str]:
    shown = page.locator("body").inner_text()
    return sorted({p.pattern for p in phrases if p.search(shown)})


@pytest.mark.parametrize(
    ("email", "code", "paths"),
    [
        (LEARNER, "nb", ["/learner"]),
        (PARENT, "nn", ["/parent"]),
        (MENTOR, "nb", ["/mentor", "group", "projector"]),
        (TEACHER, "nn", ["/teacher"]),
    ],
)
def test_no_english_is_left_on_the_translated_pages(
    new_page, app_db, languages_restored, email, code, paths
):
    with app_db.begin() as conn:
        conn.execute(
            sa.text('UPDATE "user" SET language = :c WHERE email = :e'), {"c": code, "e": email}
        )
        group_id = conn.execute(
            sa.text("SELECT id FROM learner_group WHERE name = '8A'")
        ).scalar_one()
    phrases = _english_phrases(code)
    page = new_page(PHONE)
    sign_in(page, email)
    for path in paths:
        if path in ("group", "projector"):
            path = f"/groups/{group_id}" + ("/projector" if path == "projector" else "")
            page.goto(path)
        wait_for_path(page, path)
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("main h1")).to_be_visible()
        page.wait_for_timeout(500)  # the page's data, after its heading
        assert _english_left(page, phrases) == []
        assert_accessible(page)
