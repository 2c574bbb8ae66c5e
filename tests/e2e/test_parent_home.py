"""A parent on a phone: the first screen answers "how is my child doing", a card per child with
that child's own actions; the full plan is one tap away."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible

STATUS_WORDS = re.compile(r"Going well|Worth a look|Needs support")


def test_each_child_has_a_summary_card_first_with_their_own_actions(new_page):
    page = new_page(PHONE)
    sign_in(page, "parent@demo.school")
    wait_for_path(page, "/parent")
    cards = page.locator("article.child-card")
    expect(cards.first).to_be_visible()
    count = cards.count()
    assert count >= 2, "the demo parent has two children"
    # The first heading under the page's title is a child's card, not the plan.
    first_heading = page.locator("main h2").first
    expect(first_heading).to_have_text(cards.first.locator("h2").inner_text())
    for i in range(count):
        card = cards.nth(i)
        name = card.locator("h2").inner_text()
        expect(card).to_contain_text(STATUS_WORDS)
        expect(card).to_contain_text(re.compile(r"\d+ of \d+ tasks done"))
        expect(card).to_contain_text("Mentor: ")
        expect(card.get_by_role("link", name="Write to the mentor")).to_be_visible()
        expect(card.get_by_role("progressbar", name=f"Progress of {name}'s plan")).to_be_visible()
        # This child's actions sit in this child's card.
        expect(card.get_by_role("link", name="Download everything (zip)")).to_have_count(1)
        expect(card.get_by_role("link", name="All periods")).to_have_attribute(
            "href", re.compile(r"/learners/\d+")
        )
    assert_accessible(page)
    first = cards.first
    first.get_by_role("link", name="Full plan").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/?$"))
    expect(page.get_by_role("heading", name="Plan log")).to_be_visible()
