"""Signing in, out, and being refused, as each kind of person would."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path

HOMES = [
    ("admin@demo.school", "/admin", "Accounts"),
    ("mentor@demo.school", "/mentor", "My learners"),
    ("mentor2@demo.school", "/mentor", "My learners"),
    ("learner@demo.school", "/learner", "My plan"),
    ("parent@demo.school", "/parent", "My children"),
]


@pytest.mark.parametrize(("email", "path", "heading"), HOMES)
def test_each_demo_account_lands_on_its_role_home(new_page, email, path, heading):
    page = new_page(PHONE)
    sign_in(page, email)
    wait_for_path(page, path)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def test_parent_sees_both_children_and_no_one_else(new_page):
    page = new_page(PHONE)
    sign_in(page, "parent@demo.school")
    wait_for_path(page, "/parent")
    switcher = page.get_by_role("radiogroup", name="Choose a child")
    expect(switcher.get_by_role("radio")).to_have_count(2)
    expect(switcher.get_by_role("radio", name="Åsa")).to_be_visible()
    expect(switcher.get_by_role("radio", name="Ole Ødegård")).to_be_visible()
    switcher.get_by_role("radio", name="Åsa").click()
    # The plan shown under the cards is now this child's (the child's card has the same heading).
    expect(
        page.get_by_role("region", name="Plans").get_by_role("heading", name="Åsa", level=2)
    ).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_signed_out(new_page):
    page = new_page()
    sign_in(page, "mentor@demo.school", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    wait_for_path(page, "/login")
    page.goto("/mentor")
    wait_for_path(page, "/login")
    expect(page.get_by_text("Åsa")).to_have_count(0)


def test_sign_out_ends_the_session_and_back_brings_no_data(new_page):
    page = new_page()
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    expect(page.get_by_role("heading", name="Åsa", level=3)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    wait_for_path(page, "/login")
    page.go_back()
    wait_for_path(page, "/login")
    expect(page.get_by_role("heading", name="Åsa")).to_have_count(0)
    # The old cookie value is dead on the server too: put it back and nothing opens.
    page.goto("/mentor")
    wait_for_path(page, "/login")


def test_parent_opening_the_admin_page_is_refused(new_page):
    page = new_page(PHONE)
    sign_in(page, "parent@demo.school")
    wait_for_path(page, "/parent")
    page.goto("/admin")
    expect(page.get_by_text("You do not have access")).to_be_visible()
    wait_for_path(page, "/parent")
    expect(page.get_by_role("heading", name="Accounts")).to_have_count(0)
    expect(page.get_by_text("admin@demo.school")).to_have_count(0)


def test_mentor_who_also_teaches_can_switch_to_the_teacher_view(new_page):
    page = new_page()
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    page.get_by_label("View as").select_option("teacher")
    wait_for_path(page, "/teacher")
    expect(page.get_by_role("heading", name="My classes", level=1)).to_be_visible()
    science = page.get_by_role(
        "link", name=re.compile(r"^Live overview of Science 8\s+\d+ learners$")
    )
    expect(science).to_be_visible()


def test_temporary_password_must_be_replaced_at_next_sign_in(new_page):
    admin = new_page()
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.get_by_label("Find an account").fill("Eirik")
    expect(admin.get_by_role("table", name="Accounts").get_by_role("rowheader")).to_have_count(1)
    admin.get_by_role("button", name="Set temporary password for Eirik Sæther").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_label("Temporary password").fill("fjord-otter-lantern")
    dialog.get_by_role("button", name="Set password").click()
    expect(admin.get_by_text("Temporary password set for Eirik Sæther")).to_be_visible()

    learner = new_page(PHONE)
    sign_in(learner, "eirik.saether@demo.school", "fjord-otter-lantern")
    wait_for_path(learner, "/account/password")
    expect(learner.get_by_text("Choose a new one to continue")).to_be_visible()
    learner.goto("/learner")
    wait_for_path(learner, "/account/password")
    learner.get_by_label("Current password").fill("fjord-otter-lantern")
    learner.get_by_label("New password", exact=True).fill("my bike is blue and fast")
    learner.get_by_label("Repeat new password").fill("my bike is blue and fast")
    learner.get_by_role("button", name="Change password").click()
    wait_for_path(learner, "/learner")
    expect(learner.get_by_role("heading", name="My plan", level=1)).to_be_visible()
