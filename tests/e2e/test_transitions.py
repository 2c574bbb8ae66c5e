"""Transition years in the browser: the administrator's list on the School page, and the Year 9
template offered first, with why, for a Year 9 learner on the mentor's home."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan
from tests.support.axe import assert_accessible


def test_the_school_page_lists_its_transition_years(new_page):
    page = new_page()
    sign_in(page, "admin@demo.school")
    wait_for_path(page, "/admin")
    page.goto("/admin/school")
    years = page.get_by_role("list", name="Transition years")
    expect(years.get_by_role("listitem")).to_have_count(3)
    expect(years).to_contain_text("Year 9 starts upper-secondary planning")
    # Only the years the school's groups are in can be chosen.
    expect(page.get_by_label("Year", exact=True).locator("option")).to_have_text(
        ["Year 8", "Year 9"]
    )
    assert_accessible(page)


def test_a_year_9_learner_is_offered_the_transition_template_first(new_page):
    page = new_page(PHONE)
    sign_in(page, "mentor2@demo.school")
    wait_for_path(page, "/mentor")
    expect(
        page.get_by_text(re.compile("Year 9 starts upper-secondary planning")).first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "button", name="Create plan from Year 9: upper-secondary planning for Emil Strand"
    ).click()
    wait_for_plan(page)
    expect(page.get_by_role("heading", name="Career", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Write my first CV")).to_be_visible()
