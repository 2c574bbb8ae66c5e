"""The school edits its coaching library on a phone; a learner's reflection offers the new
sentence starter at once, and a parent is refused the page."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible


def test_a_starter_the_school_adds_is_offered_in_reflections(new_page):
    starter = f"Today I noticed {uuid.uuid4().hex[:6]}…"
    admin = new_page(PHONE)
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.goto("/admin/coaching")
    expect(admin.get_by_role("heading", name="Coaching library")).to_be_visible()
    expect(
        admin.get_by_role("switch", name="Learners' own tasks wait for the mentor")
    ).to_be_checked()
    add = admin.get_by_role("form", name="Add a line")
    add.get_by_label("Situation").select_option("reflect_goal")
    add.get_by_label("Kind").select_option("starter")
    add.get_by_label("Text").fill(starter)
    add.get_by_role("button", name="Add to the library").click()
    expect(admin.get_by_role("button", name=f"Remove: {starter}")).to_be_visible()
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(admin)

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    chips = learner.get_by_role("group", name="Sentence starters").first
    expect(chips.get_by_role("button", name=starter)).to_be_visible()

    admin.get_by_role("button", name=f"Remove: {starter}").click()
    expect(admin.get_by_role("button", name=f"Remove: {starter}")).to_have_count(0)


def test_a_parent_is_refused_the_coaching_page(new_page):
    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.goto("/admin/coaching")
    expect(parent.get_by_role("heading", name="Coaching library")).to_have_count(0)
    wait_for_path(parent, "/parent")
