"""A parent who forgot their password, in the browser: ask for a link, open it, choose a new
password, and land at home signed in; the link's secret never stays in the address bar."""

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, wait_for_path
from tests.support.axe import assert_accessible


def latest_link(app_db, email: str) -> str:
    with app_db.connect() as c:
        body = c.execute(
            sa.text(
                "SELECT text_body FROM outgoing_mail WHERE to_address = :e ORDER BY id DESC LIMIT 1"
            ),
            {"e": email},
        ).scalar_one()
    return re.search(r"(/password/reset#[A-Za-z0-9_-]+)", body).group(1)


def test_a_parent_resets_their_password_through_the_mailed_link(new_page, app_db):
    email = another_parent(app_db)  # not the demo parent other tests sign in as
    page = new_page(PHONE)
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    wait_for_path(page, "/password/forgot")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses that address")
    link = latest_link(app_db, email)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/password/reset/?$"))  # the secret left the address bar
    assert_accessible(page)
    password = f"new words for a new term {uuid.uuid4().hex[:6]}"
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Repeat new password").fill(password + "!")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_text("The new passwords do not match.")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Repeat new password").fill(password)
    page.get_by_role("button", name="Save and sign in").click()
    wait_for_path(page, "/parent")
    # The link worked once: opening it again says so.
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(password + " again")
    page.get_by_label("Repeat new password").fill(password + " again")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_text("already been used")).to_be_visible()


def another_parent(app_db) -> str:
    with app_db.connect() as c:
        return c.execute(
            sa.text(
                "SELECT u.email FROM user u JOIN rolegrant r ON r.user_id = u.id "
                "WHERE r.role = 'parent' AND u.email NOT IN ('parent@demo.school', 'chidi.okonkwo@demo.school') AND u.is_active "
                "ORDER BY u.id LIMIT 1"
            )
        ).scalar_one()
