"""The accounts table in the browser: the administrator filters, pages and sorts it."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible

PAGE_COUNT = re.compile(r"^Page (\d+) of (\d+) · (\d+) accounts$")


def _pager(admin):
    return admin.get_by_role("navigation", name="Pages of accounts").get_by_role("status")


def test_the_administrator_filters_pages_and_sorts_the_accounts(new_page):
    admin = new_page(PHONE)
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    pager = _pager(admin)
    expect(pager).to_have_text(PAGE_COUNT)
    everyone = int(PAGE_COUNT.match(pager.inner_text()).group(3))
    assert everyone > 50  # the demo school fills more than one page
    expect(pager).to_have_text(re.compile(r"^Page 1 of 2 "))
    table = admin.get_by_role("table", name="Accounts")
    expect(table.get_by_role("row")).to_have_count(51)  # the heading row and 50 accounts

    admin.get_by_role("button", name="Next page").click()
    expect(pager).to_have_text(re.compile(r"^Page 2 of 2 "))
    expect(table.get_by_role("row")).to_have_count(1 + everyone - 50)
    expect(admin.get_by_role("button", name="Next page")).to_be_disabled()

    admin.get_by_label("Role").select_option(label="Mentor")
    expect(pager).to_have_text(re.compile(r"^Page 1 of 1 · \d accounts$"))
    first = table.get_by_role("rowheader").first
    expect(first).to_contain_text("Ingrid Halvorsen")
    admin.get_by_role("button", name="Sort by name").click()
    expect(first).not_to_contain_text("Ingrid Halvorsen")
    expect(admin.get_by_role("columnheader", name=re.compile("^Sort by name"))).to_have_attribute(
        "aria-sort", "descending"
    )

    admin.get_by_label("Role").select_option(label="Every role")
    admin.get_by_label("Group").select_option(label="8B")
    expect(table.get_by_role("rowheader", name=re.compile("Ole Ødegård"))).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile("Åsa Ødegård"))).to_have_count(0)
    admin.get_by_label("Status").select_option(label="Disabled")
    expect(admin.get_by_text("No accounts match.")).to_be_visible()

    assert_accessible(admin)
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375
