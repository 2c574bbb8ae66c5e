"""The sign-in form posts natively: it works before the scripts load, and no password is in a URL.

On a slow phone the form is visible seconds before the app behind it works. Pressing "Sign in"
then must sign in (or refuse) through a form post, never send the fields in a GET.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, wait_for_path


def requests_of(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(f"{request.method} {request.url}"))
    return seen


def test_signing_in_before_any_script_has_loaded_posts_and_lands_home(new_page):
    page = new_page()
    page.route("**/*.js", lambda route: route.abort())  # the page as a slow phone first shows it
    seen = requests_of(page)
    page.goto("/login")
    page.get_by_label("Email").fill("mentor@demo.school")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_path(page, "/mentor")
    assert any(r.startswith("POST ") and r.endswith("/auth/sign-in") for r in seen), seen
    assert not [r for r in seen if "password" in r.lower() or DEMO_PASSWORD in r], seen


def test_no_url_of_a_signed_in_session_ever_carries_the_password(new_page):
    page = new_page()
    seen = requests_of(page)
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    page.get_by_label("Email").fill("mentor@demo.school")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_for_path(page, "/mentor")
    expect(page.get_by_role("heading", name="My learners", level=1)).to_be_visible()
    assert not [r for r in seen if DEMO_PASSWORD in r], seen
    # The session cookie is not readable by script.
    assert "ilp_session" not in page.evaluate("document.cookie")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ilp_session"]["httpOnly"] is True


def test_a_wrong_password_before_the_scripts_load_is_refused_with_a_message_later(new_page):
    page = new_page()
    page.route("**/*.js", lambda route: route.abort())
    page.goto("/login")
    page.get_by_label("Email").fill("mentor@demo.school")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login\?error=failed$"))
    page.unroute("**/*.js")
    page.reload()
    expect(page.get_by_text("do not match an account")).to_be_visible()
