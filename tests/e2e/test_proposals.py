"""A learner shapes their plan on a phone: they propose a goal and a task; their mentor accepts
one with a change and declines the other, and the learner sees both outcomes live. The learner
begins a reflection with one of the school's sentence starters."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.axe import assert_accessible

LIVE = 2_000  # ms


def asa_plan_id(app_db) -> int:
    with app_db.connect() as c:
        return c.execute(
            sa.text(
                "SELECT p.id FROM plan p JOIN user u ON u.id = p.learner_id "
                "WHERE u.email = 'learner@demo.school' AND p.status = 'active'"
            )
        ).scalar_one()


def stored(app_db, text: str) -> tuple[str, str] | None:
    with app_db.connect() as c:
        row = c.execute(
            sa.text("SELECT status, decline_reason FROM proposal WHERE text = :t"), {"t": text}
        ).first()
    return tuple(row) if row else None


def test_the_mentor_decides_the_learners_proposals_and_the_learner_sees_it_live(new_page, app_db):
    tag = uuid.uuid4().hex[:6]
    goal_text, task_text = f"Make a comic about rain {tag}", f"Draw the first page {tag}"
    changed = f"Make a four-page comic about rain {tag}"
    reason = "Let us first agree the goal; then plan its pages."

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    section = learner.get_by_role("region", name="Proposals")
    expect(section).to_be_visible()
    # Åsa's earlier proposals from the demo school are there, each with its outcome.
    expect(section.get_by_role("listitem").filter(has_text="Declined")).not_to_have_count(0)

    section.get_by_role("button", name="Propose a goal").click()
    goal_form = section.get_by_role("form", name="Propose a goal")
    goal_form.get_by_label("Focus area").select_option(index=0)
    goal_form.get_by_label("My goal").fill(goal_text)
    goal_form.get_by_label("What success looks like").fill("Four pages my class can read")
    goal_form.get_by_role("button", name="Send my goal to my mentor").click()
    mine = section.get_by_role("listitem", name=f"Proposal: {goal_text}")
    expect(mine).to_contain_text("Proposed")
    expect(goal_form).to_have_count(0)  # closed once saved
    assert stored(app_db, goal_text) == ("pending", "")

    section.get_by_role("button", name="Propose a task").click()
    task_form = section.get_by_role("form", name="Propose a task")
    task_form.get_by_label("Under my goal").select_option(index=0)
    task_form.get_by_label("My task").fill(task_text)
    task_form.get_by_role("button", name="Send my task to my mentor").click()
    my_task = section.get_by_role("listitem", name=f"Proposal: {task_text}")
    expect(my_task).to_contain_text("Proposed")
    # On a 375 px phone nothing of the section runs off the side.
    assert section.evaluate(
        "e => e.getBoundingClientRect().right <= 375 && e.scrollWidth <= e.clientWidth + 1"
    )
    assert_accessible(learner)

    mentor = new_page({"width": 1280, "height": 900})
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.goto(f"/plans/{asa_plan_id(app_db)}")
    theirs = mentor.get_by_role("listitem", name=f"Proposal: {goal_text}")
    expect(theirs).to_contain_text("Proposed")
    accept = theirs.get_by_role("form", name=f"Accept: {goal_text}")
    accept.get_by_label("Goal").fill(changed)
    accept.get_by_role("button", name="Accept").click()
    expect(theirs).to_contain_text("Accepted with changes")
    their_task = mentor.get_by_role("listitem", name=f"Proposal: {task_text}")
    decline = their_task.get_by_role("form", name=f"Decline: {task_text}")
    decline.get_by_label("Reason for declining").fill(reason)
    decline.get_by_role("button", name="Decline").click()
    expect(their_task).to_contain_text("Declined")
    assert_accessible(mentor)

    # The learner's page was not reloaded: both outcomes arrive by themselves.
    expect(mine).to_contain_text("Accepted with changes", timeout=LIVE)
    expect(mine).to_contain_text(f"Accepted as: {changed}")
    expect(my_task).to_contain_text("Declined", timeout=LIVE)
    expect(my_task).to_contain_text(reason)
    new_goal = learner.get_by_role("heading", name=changed, level=3)
    expect(new_goal).to_be_visible()
    assert stored(app_db, goal_text) == ("accepted_changed", "")
    assert stored(app_db, task_text) == ("declined", reason)


def test_a_learner_begins_a_reflection_with_a_sentence_starter(new_page):
    page = new_page(PHONE)
    sign_in(page, "learner@demo.school")
    wait_for_path(page, "/learner")
    starters = page.get_by_role("group", name="Sentence starters").first
    starters.get_by_role("button", name="Something that went well was…").click()
    box = page.get_by_label("My reflection").first
    expect(box).to_have_value("Something that went well was ")
    expect(box).to_be_focused()
    ending = f"asking for help in maths {uuid.uuid4().hex[:6]}."
    box.press_sequentially(ending)
    page.get_by_role("button", name="Save reflection").first.click()
    expect(page.get_by_text(f"Something that went well was {ending}")).to_be_visible()
    expect(box).to_have_value(re.compile(r"^$"))
