"""Plan rules in the browser: the administrator previews the demo rule, then applies it."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible

RULE = "Year 8 career exploration"


def _rule_plans(app_db) -> int:
    with app_db.connect() as c:
        return c.execute(
            sa.text("SELECT count(*) FROM plan WHERE rule_id IS NOT NULL")
        ).scalar_one()


def _remove_rule_plans(app_db) -> None:
    """Leave the demo school as other tests expect it: one learner of 8A without a plan."""
    plans = "SELECT id FROM plan WHERE rule_id IS NOT NULL"
    with app_db.begin() as c:
        for table in (
            "task_link",
            "task",
            "goal",
            "plan_focus_area",
            "plan_change",
            "notification",
        ):
            c.execute(sa.text(f"DELETE FROM {table} WHERE plan_id IN ({plans})"))
        c.execute(sa.text(f"DELETE FROM plan WHERE id IN ({plans})"))


def test_the_administrator_previews_and_applies_a_rule(new_page, app_db):
    try:
        _preview_and_apply(new_page, app_db)
    finally:
        _remove_rule_plans(app_db)


def _preview_and_apply(new_page, app_db):
    admin = new_page(PHONE)
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.get_by_role("navigation", name="Administration sections").get_by_role(
        "link", name="Plan rules"
    ).click()
    wait_for_path(admin, "/admin/rules")
    expect(admin.get_by_text(RULE, exact=True)).to_be_visible()

    admin.get_by_role("button", name=f"Preview rule {RULE}").click()
    wanted = admin.get_by_role("table", name="Would get a plan")
    expect(wanted.get_by_role("row")).to_have_count(2)  # the heading row and one learner
    expect(wanted.get_by_role("cell", name="In Year 8")).to_be_visible()
    left = admin.get_by_role("table", name="Reached but left as they are")
    expect(
        left.get_by_role("cell", name="already has a plan for", exact=False).first
    ).to_be_visible()
    assert _rule_plans(app_db) == 0  # a preview writes nothing
    assert_accessible(admin)
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375

    admin.get_by_role("button", name="Apply rule").click()
    expect(admin.get_by_role("status").filter(has_text="Made 1 draft plan")).to_be_visible()
    assert _rule_plans(app_db) == 1
    expect(admin.get_by_text("1 plan made")).to_be_visible()

    # The plan says which rule made it (the administrator's read is a recorded support read).
    with app_db.connect() as c:
        plan_id = c.execute(sa.text("SELECT id FROM plan WHERE rule_id IS NOT NULL")).scalar_one()
    plan = admin.context.new_page()
    plan.goto(f"/plans/{plan_id}")
    expect(plan.get_by_text(f"Made by the rule: {RULE}")).to_be_visible()
    plan.close()

    # Applying again finds nobody left to give a plan to.
    admin.get_by_role("button", name=f"Preview rule {RULE}").click()
    expect(admin.get_by_text("would give 0 learners", exact=False)).to_be_visible()
    expect(admin.get_by_role("button", name="Apply rule")).to_have_count(0)
    assert _rule_plans(app_db) == 1


def test_a_figure_of_the_school_view_opens_the_learners_behind_it(new_page):
    admin = new_page(PHONE)
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.get_by_role("navigation", name="Administration sections").get_by_role(
        "link", name="School view"
    ).click()
    wait_for_path(admin, "/admin/school-view")
    admin.get_by_role("button", name=re.compile(r": Learners of 8A$")).click()
    learners = admin.get_by_role("list", name="Learners of 8A")
    expect(learners.get_by_role("listitem").first).to_be_visible()
    expect(learners.get_by_text("Active plan", exact=False).first).to_be_visible()
    drafts = admin.get_by_role("button", name=re.compile(r"^\d+: Plans still in draft$"))
    shown = int(drafts.inner_text())
    assert shown >= 2  # the demo school's two drafts (and any a rule made since)
    drafts.click()
    expect(
        admin.get_by_role("list", name="Plans still in draft").get_by_role("listitem")
    ).to_have_count(shown)
    assert_accessible(admin)
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375
    download = admin.get_by_role("link", name="Download the school view (CSV)")
    expect(download).to_have_attribute("href", "/api/school/view.csv")
