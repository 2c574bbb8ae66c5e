"""Before a review: the mentor asks about confidence and plans; the learner, on a phone, answers
one of the school's questions and says how confident they are; the mentor sees the answers
beside the plan, and that low confidence while planning to go on is worth talking about."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_leaks import FrameRecorder
from tests.e2e.test_proposals import asa_plan_id
from tests.support.axe import assert_accessible


def test_the_mentor_sees_the_learners_preparation_and_where_it_disagrees(new_page, app_db):
    tag = uuid.uuid4().hex[:6]
    mentor = new_page({"width": 1280, "height": 900})
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.goto(f"/plans/{asa_plan_id(app_db)}")
    ask = mentor.get_by_role("form", name="Confidence and plans").first
    ask.get_by_label("How confident are you about …").fill(f"passing maths {tag}")
    ask.get_by_label("Do you plan to …").fill(f"choose the science track {tag}")
    ask.get_by_role("button", name="Ask the learner").click()
    expect(mentor.get_by_text("Saved: the learner is asked before the meeting.")).to_be_visible()

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    prepare = learner.get_by_role("form", name="Prepare for the meeting").first
    answer = f"I finished my first book {tag}"
    prepare.get_by_label("What are you most proud of since the last review?").fill(answer)
    prepare.get_by_role("button", name="Save my answers").click()
    expect(learner.get_by_text("Your answers are saved for the meeting.")).to_be_visible()
    check = learner.get_by_role("form", name="My confidence and plans").first
    check.get_by_role(
        "group", name=f"How confident are you about passing maths {tag}?"
    ).get_by_label("2").check()
    check.get_by_role("group", name=f"Do you plan to choose the science track {tag}?").get_by_label(
        "Yes"
    ).check()
    check.get_by_role("button", name="Save").click()
    expect(learner.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    expect(learner.get_by_text(f"Confident about passing maths {tag}: 2 of 5")).to_be_visible()
    # The prompt for the conversation is the mentor's, not shown to the learner.
    expect(learner.get_by_text("Low confidence, but planning to go on")).to_have_count(0)
    assert_accessible(learner)

    mentor.reload()
    answers = mentor.get_by_role("list", name="Answers before the meeting").first
    expect(answers).to_contain_text(answer)
    expect(mentor.get_by_text("Low confidence, but planning to go on").first).to_be_visible()
    assert_accessible(mentor)

    # A parent sees their own answers only: not one frame to their browser holds the learner's.
    parent = new_page(PHONE)
    frames = FrameRecorder(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_role("heading", name="Before the meeting").first).to_be_visible()
    parent.wait_for_timeout(500)
    # The parent's own answer (from the demo school) arrives: the capture would notice a leak.
    own = parent.get_by_role("list", name="Answers before the meeting").first
    expect(own).to_contain_text("A quiet corner at home to practise out loud.")
    assert frames.contains("A quiet corner at home to practise out loud.")
    assert not frames.contains(answer)
    assert not frames.contains("Low confidence, but planning to go on")
