"""The mentor's own sort and filter on the live overview follow the overview's rules.

The rows carry what the rules decided (who is quiet, which status comes first); the browser only
applies the viewer's choice. Other tests tick tasks in the same school, so the checks are about
order and membership, not about fixed names.
"""

import re

from playwright.sync_api import expect

from ilp_app.domain.overview import QUIET_RED_DAYS
from tests.e2e.test_live import open_overview

STATUS_ORDER = {"Needs attention": 0, "Keep an eye on": 1, "On track": 2, "No shared plan": 1}
NEVER = 10**6  # no activity at all (with or without a plan): the quietest


def cards(page) -> list[str]:
    items = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=2))
    expect(items.first).to_be_visible()
    return items.all_inner_texts()


def settled_cards(page, ordered, timeout_ms: int = 5000) -> list[str]:
    """The cards once the server has applied the viewer's choice.

    A select shows the new value at once, while the rows follow after the server's answer;
    reading them in between sees the old order. A sort that never arrives still fails.
    """
    waited = 0
    while True:
        shown = cards(page)
        if ordered(shown) or waited >= timeout_ms:
            return shown
        page.wait_for_timeout(100)
        waited += 100


def days_quiet(card: str) -> int:
    if "No shared plan" in card or "No activity yet" in card:
        return NEVER
    if "Last activity: Today" in card:
        return 0
    if "Last activity: Yesterday" in card:
        return 1
    return int(re.search(r"Last activity: (\d+) days ago", card).group(1))


def quiet(card: str) -> bool:
    """What the filter must show: a shared plan, and no activity for the red number of days."""
    return "No shared plan" not in card and days_quiet(card) >= QUIET_RED_DAYS


def is_sorted(values: list[int], reverse: bool = False) -> bool:
    return values == sorted(values, reverse=reverse)


def status(card: str) -> int:
    return next(order for label, order in STATUS_ORDER.items() if label in card)


def test_sorting_and_filtering_the_overview(new_page):
    mentor = new_page({"width": 1400, "height": 900})
    open_overview(mentor)
    everyone = cards(mentor)
    assert len(everyone) > 3

    mentor.get_by_label("Sort by").select_option(label="Quiet longest first")
    expect(mentor.get_by_label("Sort by")).to_have_value("activity")
    quiet_first = [
        days_quiet(c)
        for c in settled_cards(mentor, lambda cs: is_sorted([days_quiet(c) for c in cs], True))
    ]
    assert quiet_first == sorted(quiet_first, reverse=True)
    assert len(quiet_first) == len(everyone)

    mentor.get_by_label("Sort by").select_option(label="Status")
    expect(mentor.get_by_label("Sort by")).to_have_value("status")
    statuses = [
        status(c) for c in settled_cards(mentor, lambda cs: is_sorted([status(c) for c in cs]))
    ]
    assert statuses == sorted(statuses)

    mentor.get_by_role("combobox", name=re.compile(r"^Show")).select_option(
        label=f"No activity for {QUIET_RED_DAYS}+ days"
    )
    expected = [c for c in everyone if quiet(c)]
    shown = settled_cards(mentor, lambda cs: len(cs) == len(expected))
    assert expected  # the demo school has learners who have been quiet for weeks
    assert len(shown) == len(expected)
    assert all(quiet(c) for c in shown)


def test_red_is_rare_says_why_and_the_legend_shows_the_schools_days(new_page):
    from tests.e2e.conftest import sign_in, wait_for_path
    from tests.support.axe import assert_accessible

    mentor = new_page({"width": 1400, "height": 900})
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    # The live overview leads the mentor's home, before reviews and the learner list.
    expect(mentor.locator("main h2").first).to_have_text("Live overview")
    assert_accessible(mentor)
    mentor.get_by_role("link", name="Live overview of 8A").click()
    everyone = cards(mentor)
    red = [c for c in everyone if "Needs attention" in c]
    assert len(red) * 3 < len(everyone), (len(red), len(everyone))
    for card in red:
        assert re.search(r"No activity (yet|for \d+ (days|weeks?))|goals? behind", card), card
    mentor.get_by_text("How the status is decided").click()
    legend = mentor.locator("details.legend")
    expect(legend.get_by_text(f"no activity for {QUIET_RED_DAYS}+ days")).to_be_visible()
    assert_accessible(mentor)
