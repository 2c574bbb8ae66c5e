"""The parent's first screen: a summary per own child (status and why, progress, what is new,
the next review, the mentor), and nothing about anyone else's child."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from ilp_app.db.models import Review
from ilp_app.domain.overview import rag_reasons
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.reviews import reviews
from ilp_app.services.school.directory import parent_home
from tests.support.services import call


@pytest.fixture
def task_id(school, actors) -> int:
    mentor = actors["mentor"]
    pid = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=pid).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more")
    task = call(plan_edit.task_add, mentor, goal_id=goal, title="Read a chapter")
    call(plan_edit.plan_activate, mentor, plan_id=pid)
    return task


def schedule(school, actors, when: datetime) -> int:
    local = when.astimezone(UTC)
    return call(
        reviews.review_schedule,
        actors["mentor"],
        learner_id=school.id("learner"),
        starts_at=f"{local:%Y-%m-%dT%H:%M}",
        duration_minutes="30",
        location="Room 12",
        attendee_ids=[str(school.id("learner")), str(school.id("parent"))],
    )


def summaries(actor):
    return call(parent_home, actor).summaries


def test_a_parent_gets_one_summary_per_own_child_and_none_of_anyone_else(school, actors, task_id):
    mine = summaries(actors["parent"])
    assert [s.learner_id for s in mine] == [school.id("learner")]
    (child,) = mine
    assert child.plan_id and child.status in {"red", "amber", "green"} and child.status_words
    assert child.reasons and (child.completed, child.total) == (0, 1)
    assert child.mentors == "Mentor Person"
    assert [s.learner_id for s in summaries(actors["parent2"])] == [school.id("learner2")]
    assert summaries(actors["parent2"])[0].plan_id == 0  # no plan: no status, no numbers


def test_what_is_new_counts_the_parents_unread_updates_about_that_child(school, actors, task_id):
    before = summaries(actors["parent"])[0].updates  # the plan being shared is one already
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=task_id,
        expected_status="not_started",
    )
    call(plan_activity.task_advance, actors["learner"], task_id=task_id, expected_status="ongoing")
    child = summaries(actors["parent"])[0]
    assert (child.completed, child.percent) == (1, 100)
    assert child.updates == before  # the learner's own ticks go to the mentor, not the family
    call(plan_activity.log_post, actors["mentor"], plan_id=child.plan_id, body="Well done!")
    call(plan_activity.log_post, actors["mentor"], plan_id=child.plan_id, body="Keep going!")
    assert summaries(actors["parent"])[0].updates == before + 2  # folded or not, each counts
    assert summaries(actors["parent2"])[0].updates == 0


def test_the_next_review_is_the_soonest_one_still_ahead(engine, school, actors, task_id):
    later = schedule(school, actors, datetime.now(UTC) + timedelta(days=20))
    sooner = schedule(school, actors, datetime.now(UTC) + timedelta(days=6))
    child = summaries(actors["parent"])[0]
    assert child.review_id == sooner and child.review_where == "Room 12" and child.review_when
    with Session(engine) as s:
        review = s.get(Review, sooner)
        review.status = "cancelled"
        s.add(review)
        s.commit()
    assert summaries(actors["parent"])[0].review_id == later


def test_reasons_say_why_in_words():
    assert rag_reasons(days_quiet=None, goals_behind=0) == ["No activity yet"]
    assert rag_reasons(days_quiet=21, goals_behind=2) == [
        "No activity for 3 weeks",
        "2 goals behind their target date",
    ]
    assert rag_reasons(days_quiet=8, goals_behind=1) == [
        "No activity for 8 days",
        "1 goal behind its target date",
    ]
    assert rag_reasons(days_quiet=2, goals_behind=0) == [
        "Active in the last 7 days, and no goal behind"
    ]
