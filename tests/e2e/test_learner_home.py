"""The learner's home on a phone opens on "My tasks": overdue first and said in words, then what
is due next, each with its one-tap control; the whole plan is one tap away."""

import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_live import first_open_task
from tests.support.axe import assert_accessible


def due(app_db, title: str, day: date | None) -> None:
    with app_db.begin() as c:
        c.execute(sa.text("UPDATE task SET due_date = :d WHERE title = :t"), {"d": day, "t": title})


def test_my_tasks_come_first_with_the_overdue_one_on_top(new_page, app_db):
    title, status = first_open_task(app_db, unique=True)
    due(app_db, title, date.today() - timedelta(days=3))
    try:
        page = new_page(PHONE)
        sign_in(page, "learner@demo.school")
        wait_for_path(page, "/learner")
        my_tasks = page.get_by_role("list", name="My tasks")
        expect(my_tasks).to_be_visible()
        # "My tasks" is the first thing on the page, above the plan's own heading.
        first_heading = page.locator("main h2").first
        expect(first_heading).to_have_text("My tasks")
        mine = my_tasks.get_by_role("listitem").filter(has_text=title)
        expect(mine).to_contain_text("Overdue by 3 days")
        # Nothing on the phone scrolls sideways (a carried-over task's reason form once did).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        label = {"not_started": "Not started", "ongoing": "Ongoing"}[status]
        expect(
            mine.get_by_role("button", name=f"{label}: {title}. Tap to move it on.")
        ).to_be_visible()
        # Overdue tasks lead, the longest overdue first; then what is due next.
        rows = my_tasks.get_by_role("listitem").all_inner_texts()
        overdue = [int(m.group(1)) for r in rows if (m := re.search(r"Overdue by (\d+) day", r))]
        assert overdue == sorted(overdue, reverse=True) and 3 in overdue
        assert all("Overdue" in r for r in rows[: len(overdue)])
        assert_accessible(page)
        page.get_by_role("switch", name="Group by goal").click()
        expect(my_tasks.get_by_role("heading", level=3).first).to_be_visible()
        page.get_by_role("link", name="See my whole plan").click()
        expect(page).to_have_url(re.compile(r"#whole-plan$"))
    finally:
        due(app_db, title, None)
