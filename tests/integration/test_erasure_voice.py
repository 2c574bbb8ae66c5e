"""A learner's voice in their data: proposals and the mentor's reasons, the answers kept with a
low self-rating, and the answers given before a review are in their archive, and erasing the
learner leaves nothing of them."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import Proposal, ReviewAnswer
from ilp_app.services.plans import plan_activity, plan_read, proposals
from ilp_app.services.privacy.erasure import learner_erase
from ilp_app.services.privacy.learner_export import learner_export
from ilp_app.services.reviews import review_prep, reviews
from ilp_app.services.school.coaching import coaching_defaults_load
from tests.integration.test_erasure import (  # noqa: F401
    FULL_NAME,
    PERSONAL,
    PREFERRED,
    personal,
    personal_data_found,
    school,
)
from tests.support.services import call, count


@pytest.fixture
def voiced(engine, school, actors, personal):  # noqa: F811
    """The learner's proposals, a low rating with answers, and a review prepared by the family."""
    learner, mentor, parent = actors["learner"], actors["mentor"], actors["parent"]
    view = call(plan_read.plan_view, mentor, plan_id=personal)
    area = next(a for a in view.focus_areas if a.goals)
    area_id, goal_id = area.id, area.goals[0].id
    waiting = call(
        proposals.proposal_goal_create,
        learner,
        focus_area_id=area_id,
        statement=f"{PREFERRED} runs a club",
        success_criteria=f"{PREFERRED} has ten members",
    )
    declined = call(
        proposals.proposal_task_create, learner, goal_id=goal_id, title=f"{PREFERRED} skips maths"
    )
    call(
        proposals.proposal_decline,
        mentor,
        proposal_id=declined.id,
        reason=f"Sorry {PREFERRED}, maths stays",
    )
    call(
        plan_activity.rating_add,
        learner,
        goal_id=goal_id,
        score=1,
        how_got_here=f"{PREFERRED} read one page",
        next_step=f"{PREFERRED} reads two",
    )
    with Session(engine) as s:
        coaching_defaults_load(s, school.site.id)
        s.commit()
    start = datetime.now(UTC) + timedelta(days=3)
    review_id = call(
        reviews.review_schedule,
        mentor,
        learner_id=school.id("learner"),
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes=30,
        location="Room 1",
        online_url="",
        attendee_ids=[school.id("learner"), school.id("parent"), school.id("mentor")],
    )
    call(
        review_prep.review_check_set,
        mentor,
        review_id=review_id,
        confidence_about=f"{PREFERRED}'s maths",
        plan_to=f"keep {PREFERRED} in the club",
    )
    call(
        review_prep.review_check_answer, learner, review_id=review_id, confidence=2, intention="yes"
    )
    for who in (learner, parent):
        call(
            review_prep.review_prepare,
            who,
            review_id=review_id,
            answers={"answer-0": f"{FULL_NAME} is proud"},
        )
    assert count(engine, Proposal) == 2 and count(engine, ReviewAnswer) == 4
    found = {table for table, _, _ in personal_data_found(engine, PERSONAL)}
    assert {"proposal", "goal_rating", "review_answer", "review"} <= found
    return waiting


@pytest.mark.parametrize("mode", ["anonymise", "erase"])
def test_erasure_leaves_nothing_of_the_learners_voice(engine, school, actors, voiced, mode):  # noqa: F811
    call(
        learner_erase,
        actors["admin"],
        learner_id=school.id("learner"),
        mode=mode,
        confirm_name=FULL_NAME,
    )
    assert personal_data_found(engine, PERSONAL) == []
    assert count(engine, ReviewAnswer) == 0


def _archive(actor, learner_id) -> str:
    data = call(learner_export, actor, learner_id=learner_id)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8") for name in z.namelist())


def test_the_learners_archive_holds_their_voice(school, actors, voiced):  # noqa: F811
    text = _archive(actors["learner"], school.id("learner"))
    for said in (
        f"{PREFERRED} runs a club",
        f"Sorry {PREFERRED}, maths stays",
        f"{PREFERRED} read one page",
        f"{PREFERRED}'s maths",
        f"{FULL_NAME} is proud",
    ):
        assert said in text


def test_a_parents_archive_holds_their_own_review_answers_only(engine, school, actors, voiced):  # noqa: F811
    call(
        review_prep.review_prepare,
        actors["learner"],
        review_id=_review_id(engine),
        answers={"answer-1": "LEARNER-ONLY-CANARY"},
    )
    parent_text = _archive(actors["parent"], school.id("learner"))
    assert f"{FULL_NAME} is proud" in parent_text  # the parent's own answer
    assert "LEARNER-ONLY-CANARY" not in parent_text
    assert "LEARNER-ONLY-CANARY" in _archive(actors["mentor"], school.id("learner"))


def _review_id(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(ReviewAnswer.review_id)).first()
