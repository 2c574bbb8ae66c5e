"""Notifications reach the people who should hear about a change, and no one else."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import Notification
from ilp_app.domain.errors import NotFound
from ilp_app.services.plans import notifications, plan_activity, plan_edit, plan_read
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school
from tests.support.services import call


@pytest.fixture
def setup(session):
    school = build_school(session)
    actors = {name: school.actor(session, name) for name in school.people}
    session.commit()
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more books")
    task = call(plan_edit.task_add, mentor, goal_id=goal, title="Read aloud at home")
    return school, actors, {"plan": plan_id, "goal": goal, "task": task}


def inbox(engine, school, name: str) -> list[str]:
    with Session(engine) as s:
        rows = s.exec(
            select(Notification)
            .where(Notification.user_id == school.id(name))
            .order_by(Notification.id)
        ).all()
        return [r.text for r in rows]


EVERYONE = ("mentor", "teacher", "parent", "learner", "admin", "mentor2", "parent2", "learner2")


def who_heard(engine, school) -> set[str]:
    return {name for name in EVERYONE if inbox(engine, school, name)}


def test_editing_a_draft_tells_nobody(engine, setup):
    school, _, _ = setup
    assert who_heard(engine, school) == set()


def test_sharing_the_plan_tells_the_learner_and_parents(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    assert who_heard(engine, school) == {"learner", "parent"}


def test_a_completed_task_tells_the_mentor_only(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    before = {n: len(inbox(engine, school, n)) for n in EVERYONE}
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=ids["task"],
        expected_status="not_started",
    )
    assert {
        n for n in EVERYONE if len(inbox(engine, school, n)) > before[n]
    } == set()  # ongoing: nothing yet
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=ids["task"],
        expected_status="ongoing",
    )
    grew = {n for n in EVERYONE if len(inbox(engine, school, n)) > before[n]}
    assert grew == {"mentor"}
    assert "completed “Read aloud at home”" in inbox(engine, school, "mentor")[-1]


def test_a_reflection_tells_the_mentor(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    call(
        plan_activity.reflection_add,
        actors["learner"],
        goal_id=ids["goal"],
        body="I read every evening",
    )
    assert "wrote a reflection" in inbox(engine, school, "mentor")[-1]
    assert inbox(engine, school, "parent2") == [] and inbox(engine, school, "mentor2") == []


def test_a_parents_post_tells_the_mentor_and_a_mentors_post_tells_the_family(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    call(plan_activity.log_post, actors["parent"], plan_id=ids["plan"], body="Thank you!")
    assert "Thank you!" in inbox(engine, school, "mentor")[-1]
    assert all("Thank you!" not in t for t in inbox(engine, school, "learner"))
    call(
        plan_activity.log_post, actors["mentor"], plan_id=ids["plan"], body="See you at the review"
    )
    assert "See you at the review" in inbox(engine, school, "learner")[-1]
    assert "See you at the review" in inbox(engine, school, "parent")[-1]
    for outsider in ("teacher", "admin", "mentor2", "parent2", "learner2"):
        assert all(
            "See you" not in t and "Thank you" not in t for t in inbox(engine, school, outsider)
        )


def test_repeats_fold_into_one_notification_with_a_count(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    for title in ("A", "B", "C"):
        call(plan_edit.task_add, actors["mentor"], goal_id=ids["goal"], title=title)
    with Session(engine) as s:
        rows = s.exec(
            select(Notification).where(Notification.user_id == school.id("learner"))
        ).all()
    assert len(rows) == 1 and rows[0].count == 4  # the activation and three edits


def test_each_person_reads_and_marks_only_their_own(engine, setup):
    school, actors, ids = setup
    call(plan_edit.plan_activate, actors["mentor"], plan_id=ids["plan"])
    mine = call(notifications.notification_list, actors["parent"])
    assert len(mine) == 1 and mine[0].unread
    assert call(notifications.notification_list, actors["parent2"]) == []
    with pytest.raises(NotFound):
        call(notifications.notification_mark_read, actors["learner"], notification_id=mine[0].id)
    call(notifications.notification_mark_read, actors["parent"], notification_id=mine[0].id)
    with unit_of_work() as s:
        assert notifications.unread_count(session=s, user_id=school.id("parent")) == 0
        assert notifications.unread_count(session=s, user_id=school.id("learner")) == 1
    call(notifications.notification_mark_all_read, actors["learner"])
    with unit_of_work() as s:
        assert notifications.unread_count(session=s, user_id=school.id("learner")) == 0
