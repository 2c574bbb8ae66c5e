"""Preparing a review: the family answers the school's questions; the learner's confidence is
set against their intention, and the mentor sees where the two disagree."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from ilp_app.db.models import Review, ReviewAnswer
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.reviews import review_prep, reviews
from ilp_app.services.school.coaching import coaching_defaults_load
from ilp_app.state import reviews as review_state_module
from ilp_app.state.reviews import ReviewState
from tests.integration.test_reviews import plan_id, review_id, school, set_review  # noqa: F401
from tests.support.services import call, count, rows, signed_in

ASKED = {"confidence_about": "passing Year 9 maths", "plan_to": "choose the science track"}


@pytest.fixture
def library(engine, school):  # noqa: F811
    with Session(engine) as s:
        coaching_defaults_load(s, school.site.id)
        s.commit()


def _prep(actors, who, rid):
    [view] = call(reviews.reviews_of_learner, actors[who], learner_id=actors["learner"].user_id)
    assert view.id == rid
    return view.prep


def test_learner_and_parent_answer_and_only_staff_read_both(engine, actors, library, review_id):  # noqa: F811
    before = _prep(actors, "learner", review_id)
    assert len(before.questions) == 3 and before.mine == ["", "", ""]
    call(
        review_prep.review_prepare,
        actors["learner"],
        review_id=review_id,
        answers={"answer-0": "I finished my first book", "answer-2": "A quiet place at home"},
    )
    call(
        review_prep.review_prepare,
        actors["parent"],
        review_id=review_id,
        answers={"answer-1": "Reading, she loves it now"},
    )
    mentor = _prep(actors, "mentor", review_id)
    assert sorted(a.answer for a in mentor.answers) == [
        "A quiet place at home",
        "I finished my first book",
        "Reading, she loves it now",
    ]
    assert mentor.questions == []  # the mentor does not answer them
    learner = _prep(actors, "learner", review_id)
    assert [a.answer for a in learner.answers] == [
        "I finished my first book",
        "A quiet place at home",
    ]
    assert learner.mine[0] == "I finished my first book" and learner.mine[1] == ""
    parent = _prep(actors, "parent", review_id)
    assert [a.answer for a in parent.answers] == ["Reading, she loves it now"]
    # Answering again changes the answer, never duplicates it.
    call(
        review_prep.review_prepare,
        actors["learner"],
        review_id=review_id,
        answers={"answer-0": "I finished two books"},
    )
    assert count(engine, ReviewAnswer) == 3


@pytest.mark.parametrize("who", ["mentor", "teacher", "mentor2", "parent2", "learner2", "admin"])
def test_only_the_learner_and_their_parents_prepare(engine, actors, library, review_id, who):  # noqa: F811
    with pytest.raises(PermissionDenied):
        call(
            review_prep.review_prepare,
            actors[who],
            review_id=review_id,
            answers={"answer-0": "Not mine to answer"},
        )
    assert count(engine, ReviewAnswer) == 0


def test_preparation_closes_once_the_meeting_is_held(engine, actors, library, review_id):  # noqa: F811
    set_review(engine, review_id, status="held")
    with pytest.raises(ValidationFailed, match="already taken place"):
        call(
            review_prep.review_prepare,
            actors["learner"],
            review_id=review_id,
            answers={"answer-0": "Late"},
        )
    assert _prep(actors, "learner", review_id).questions == []


@pytest.mark.parametrize(
    "answers", [{}, {"answer-0": "   "}, "answer-0=x", {"answer-0": "x" * 1001}, {"answer-0": 3}]
)
def test_empty_or_malformed_answers_are_refused(engine, actors, library, review_id, answers):  # noqa: F811
    with pytest.raises(ValidationFailed):
        call(review_prep.review_prepare, actors["learner"], review_id=review_id, answers=answers)
    assert count(engine, ReviewAnswer) == 0


def test_a_foreign_review_id_is_not_found(engine, actors, library, review_id):  # noqa: F811
    with pytest.raises((NotFound, ValidationFailed)):
        call(
            review_prep.review_prepare,
            actors["learner"],
            review_id=review_id + 1000,
            answers={"answer-0": "x"},
        )


def test_low_confidence_but_planning_to_go_on_is_shown_to_the_mentor(engine, actors, review_id):  # noqa: F811
    call(review_prep.review_check_set, actors["mentor"], review_id=review_id, **ASKED)
    learner = _prep(actors, "learner", review_id)
    assert learner.can_check and learner.confidence_about == "passing Year 9 maths"
    call(
        review_prep.review_check_answer,
        actors["learner"],
        review_id=review_id,
        confidence="2",
        intention="yes",
    )
    mentor = _prep(actors, "mentor", review_id)
    assert (mentor.confidence, mentor.intention_label) == (2, "Yes")
    assert mentor.disagreement.startswith("Low confidence, but planning to go on")
    # The learner sees their own answers, not the mentor's prompt about them.
    assert _prep(actors, "learner", review_id).disagreement == ""
    call(
        review_prep.review_check_answer,
        actors["learner"],
        review_id=review_id,
        confidence=4,
        intention="yes",
    )
    assert _prep(actors, "mentor", review_id).disagreement == ""


@pytest.mark.parametrize("who", ["parent", "mentor", "teacher", "learner2"])
def test_only_the_learner_answers_the_confidence_questions(engine, actors, review_id, who):  # noqa: F811
    call(review_prep.review_check_set, actors["mentor"], review_id=review_id, **ASKED)
    with pytest.raises(PermissionDenied):
        call(
            review_prep.review_check_answer,
            actors[who],
            review_id=review_id,
            confidence=1,
            intention="no",
        )
    assert count(engine, ReviewAnswer) == 0


@pytest.mark.parametrize("who", ["parent", "learner", "teacher", "mentor2"])
def test_only_the_mentor_sets_what_the_review_asks(engine, actors, review_id, who):  # noqa: F811
    with pytest.raises(PermissionDenied):
        call(review_prep.review_check_set, actors[who], review_id=review_id, **ASKED)
    assert rows(engine, Review)[0].confidence_about == ""


@pytest.mark.parametrize(
    ("confidence", "intention"),
    [(0, "yes"), (6, "yes"), ("high", "yes"), (True, "yes"), (3, "maybe")],
)
def test_out_of_range_answers_are_refused(engine, actors, review_id, confidence, intention):  # noqa: F811
    call(review_prep.review_check_set, actors["mentor"], review_id=review_id, **ASKED)
    with pytest.raises(ValidationFailed):
        call(
            review_prep.review_check_answer,
            actors["learner"],
            review_id=review_id,
            confidence=confidence,
            intention=intention,
        )
    assert count(engine, ReviewAnswer) == 0


def test_a_review_that_asks_nothing_takes_no_confidence_answer(engine, actors, review_id):  # noqa: F811
    with pytest.raises(ValidationFailed, match="does not ask"):
        call(
            review_prep.review_check_answer,
            actors["learner"],
            review_id=review_id,
            confidence=3,
            intention="yes",
        )
    with pytest.raises(ValidationFailed, match="or neither"):
        call(
            review_prep.review_check_set,
            actors["mentor"],
            review_id=review_id,
            confidence_about="maths",
            plan_to="",
        )


async def _drain(gen) -> list:
    return [event async for event in gen]


async def test_the_review_state_saves_the_familys_answers_and_refuses_another_family(
    engine,
    school,  # noqa: F811
    library,
    review_id,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(review_state_module.live, "announce", lambda **kw: None)
    mine = await signed_in(ReviewState, engine, school.id("learner"), "learner")
    await mine.load_for_learner(school.id("learner"))
    await _drain(
        mine.prepare({"review_id": str(review_id), "answer-0": "My first book", "evil": "x"})
    )
    assert [a.answer for a in mine.reviews[0].prep.answers] == ["My first book"]
    other = await signed_in(ReviewState, engine, school.id("parent2"), "parent")
    await _drain(other.prepare({"review_id": str(review_id), "answer-0": "Sneaky"}))
    await _drain(
        other.answer_check({"review_id": str(review_id), "confidence": "1", "intention": "no"})
    )
    await _drain(other.set_check({"review_id": str(review_id), "confidence_about": "x"}))
    await _drain(other.prepare("not a form"))
    assert [r.answer for r in rows(engine, ReviewAnswer)] == ["My first book"]
    assert rows(engine, Review)[0].confidence_about == ""
