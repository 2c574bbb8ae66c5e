"""Browser tests: the production build of the app in real headless Chromium.

Run in their own pytest invocation (sync Playwright cannot share a process with asyncio tests).
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.support.appserver import running_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "ilp-demo-2026"
PHONE = {"width": 375, "height": 740}


def _require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        reason = "Chromium not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def e2e_app(tmp_path_factory):
    """The app under test, with the demo school in its own SQLite file."""
    _require_chromium()
    workdir = tmp_path_factory.mktemp("app")
    with running_app(workdir) as app:
        yield app, f"sqlite:///{workdir / 'e2e.db'}"


@pytest.fixture(scope="session")
def base_url(e2e_app):
    return e2e_app[0].base_url


@pytest.fixture(scope="session")
def app_db(e2e_app):
    """A read connection to the app's database, to check what really was (not) stored."""
    import sqlalchemy as sa

    engine = sa.create_engine(e2e_app[1])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, base_url):
    """Open a fresh browser context (its own cookies) per call: one person per context."""
    contexts = []

    def make(viewport: dict | None = None):
        ctx = browser.new_context(
            base_url=base_url, viewport=viewport or {"width": 1280, "height": 800}
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_path(page, path: str) -> None:
    """Wait until the page shows ``path`` (client-side navigations included)."""
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(path)}/?([?#].*)?$"))


def wait_for_plan(page) -> None:
    """Wait until the page shows one plan (/plans/<id>)."""
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/plans/\d+/?([?#].*)?$"))
