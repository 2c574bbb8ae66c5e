"""A learner's overview across periods in the browser: a parent on a phone, from the parent home."""

import re
from datetime import date

from playwright.sync_api import expect

from ilp_app.seed import demo_periods
from tests.e2e.conftest import PHONE, sign_in, wait_for_path

CHILD = "Åsa"


def test_a_parent_on_a_phone_opens_a_childs_overview_and_reads_its_chart_as_a_table(new_page):
    past, current, _ = (name for name, _, _ in demo_periods(date.today()))
    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("link", name=f"All periods of {CHILD}", exact=True).click()
    expect(parent).to_have_url(re.compile(r"/learners/\d+/?$"))
    expect(parent.get_by_role("heading", name=f"Overview of {CHILD}", level=1)).to_be_visible()

    periods = parent.get_by_role("region", name="Plans by period")
    expect(periods.get_by_role("heading", name=current, level=3)).to_be_visible()
    expect(periods.get_by_role("heading", name=past, level=3)).to_be_visible()
    past_card = periods.get_by_role("listitem").filter(
        has=parent.get_by_role("heading", name=past, level=3)
    )
    expect(past_card).to_contain_text("Locked")
    expect(past_card).to_contain_text("What was achieved")
    expect(past_card.get_by_role("link", name=f"Open plan for {past}")).to_be_visible()

    chart = parent.get_by_role("img", name=re.compile(r"^Tasks completed per period\. "))
    expect(chart).to_be_visible()
    summary = chart.get_attribute("aria-label")
    done, total, percent = re.search(
        rf"{re.escape(past)}: (\d+) of (\d+) \((\d+)%\)", summary
    ).groups()

    table = parent.get_by_role("table", name="Tasks completed per period")
    expect(table).to_be_hidden()
    parent.get_by_role(
        "button", name=re.compile(r"^Show as table\W+tasks completed per period$")
    ).click()
    expect(table).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=past).get_by_role("cell")).to_have_text(
        [past, done, total, f"{percent}%"]
    )
    expect(
        parent.get_by_role(
            "button", name=re.compile(r"^Hide table\s+of tasks completed per period$")
        )
    ).to_have_attribute("aria-expanded", "true")

    assert parent.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
