"""The group overview through the services: who may open it and what a row holds."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from ilp_app.db.models import Enrollment, Group
from ilp_app.domain.errors import PermissionDenied
from ilp_app.domain.overview import NEVER_ACTIVE, RAG_ORDER
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.reports import overview
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school
from tests.support.services import call


@pytest.fixture
def setup(session):
    school = build_school(session, learners=2)
    group_id = session.exec(select(Group.id).where(Group.name == "9C")).one()
    actors = {name: school.actor(session, name) for name in school.people}
    session.commit()
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more books")
    tasks = [call(plan_edit.task_add, mentor, goal_id=goal, title=t) for t in ("One", "Two")]
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    call(plan_activity.note_add, mentor, plan_id=plan_id, body="STAFF-ONLY support need")
    return school, actors, group_id, tasks


def test_the_teacher_of_the_group_opens_its_overview_and_outsiders_cannot(setup):
    _, actors, group_id, _ = setup
    assert call(overview.group_board, actors["teacher"], group_id=group_id).group_name == "9C"
    for who in ("parent", "learner", "mentor2", "parent2", "admin"):
        with pytest.raises(PermissionDenied):
            call(overview.group_board, actors[who], group_id=group_id)


def test_a_mentor_opens_the_tutor_group_of_their_mentees(session, setup):
    school, _, group_id, _ = setup
    session.exec(select(Group).where(Group.id == group_id)).one().kind = "tutor"
    session.commit()
    mentor = school.actor(session, "mentor")
    session.commit()
    assert call(overview.group_board, mentor, group_id=group_id).group_id == group_id


def test_rows_count_tasks_and_hold_nothing_private(setup):
    school, actors, group_id, tasks = setup
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=tasks[0],
        expected_status="not_started",
    )
    board = call(overview.group_board, actors["teacher"], group_id=group_id)
    row = next(r for r in board.rows if r.learner_id == school.id("learner"))
    assert (row.not_started, row.ongoing, row.completed, row.total) == (1, 1, 0, 2)
    assert row.last_activity == "Today" and row.days_quiet == 0
    # The overview's rules decide the viewer's filter and sorts; the browser only applies them.
    assert (row.quiet, row.quiet_order, row.status_order) == (False, 0, RAG_ORDER[row.rag])
    assert [a.name for a in row.areas] == [
        "Academic",
        "Career",
        "Personal growth",
        "Social competence",
    ]
    others = [r for r in board.rows if r.learner_id != school.id("learner")]
    assert all(r.plan_id == 0 and r.last_activity == "No shared plan" for r in others)
    assert all(not r.quiet and r.quiet_order == NEVER_ACTIVE for r in others)
    assert "STAFF-ONLY" not in repr(board)
    tile = next(t for t in board.tiles if t.learner_id == school.id("learner"))
    assert set(dataclasses.asdict(tile)) == {
        "learner_id",
        "first_name",
        "initials",
        "completed",
        "ongoing",
        "not_started",
        "total",
        "percent",
        "has_plan",
    }
    assert tile.has_plan and not any(
        t.has_plan for t in board.tiles if t.learner_id != school.id("learner")
    )


def test_every_group_of_a_learner_hears_about_their_changes(session, setup):
    school, _, group_id, _ = setup
    extra = Group(site_id=school.site.id, name="Maths 9", kind="class")
    session.add(extra)
    session.flush()
    session.add(Enrollment(group_id=extra.id, user_id=school.id("learner"), role="learner"))
    session.commit()
    with unit_of_work() as s:
        assert sorted(
            overview.learner_group_ids(session=s, learner_id=school.id("learner"))
        ) == sorted([group_id, extra.id])
