"""A new period: the mentor moves a learner on; the learner finds the old plan locked and the unfinished work carried."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan

LEARNER = "Håkon"


def test_mentor_moves_a_learner_to_the_next_period_and_the_learner_sees_both_plans(new_page):
    mentor = new_page()
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name=re.compile(rf"^Open plan of {LEARNER}")).click()
    wait_for_plan(mentor)
    old_url = mentor.url
    mentor.get_by_role("button", name="Start the next period").click()
    dialog = mentor.get_by_role("dialog")
    expect(dialog.get_by_text("This plan will be locked")).to_be_visible()
    reason_box = dialog.get_by_role("textbox").first
    reason_box.fill("I was ill for two weeks")
    dialog.get_by_role("button", name="Save").click()
    expect(mentor.get_by_text("The next period's plan is ready")).to_be_visible()
    expect(mentor).not_to_have_url(old_url)
    wait_for_plan(mentor)
    expect(mentor.get_by_text("Carried over from the last period").first).to_be_visible()
    expect(mentor.get_by_text("Why it wasn't done: I was ill for two weeks")).to_be_visible()

    learner = new_page(PHONE)
    sign_in(learner, "hakon.bjornstad@demo.school")
    wait_for_path(learner, "/learner")
    expect(learner.get_by_text("Carried over from the last period").first).to_be_visible()
    expect(
        learner.get_by_role("button", name=re.compile(r"Tap to move it on")).first
    ).to_be_visible()
    learner.get_by_role("link", name=re.compile(r"\(Locked\)$")).first.click()
    wait_for_plan(learner)
    expect(learner.get_by_text("is locked: it can be read, not changed")).to_be_visible()
    expect(learner.get_by_role("button", name=re.compile(r"Tap to move it on"))).to_have_count(0)
    expect(learner.get_by_label("Write in the log")).to_have_count(0)
