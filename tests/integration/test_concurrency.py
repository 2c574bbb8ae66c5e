"""A class ticking at the same moment: every tick is stored, none is lost, nothing is locked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import Task
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.plans.plan_activity import TaskChangedElsewhere
from tests.support.school import build_school
from tests.support.services import call

LEARNERS = 30


@pytest.fixture
def classroom(session):
    """30 learners of one mentor, each with an active plan holding one task."""
    school = build_school(session, learners=LEARNERS)
    names = [f"l{i}" for i in range(LEARNERS)]
    actors = {name: school.actor(session, name) for name in [*names, "mentor"]}
    session.commit()
    mentor = actors["mentor"]
    tasks = {}
    for name in names:
        plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id(name))
        area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
        goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more books")
        tasks[name] = call(plan_edit.task_add, mentor, goal_id=goal, title="Read aloud at home")
        call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return actors, tasks


def _all_at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        try:
            return job()
        except Exception as exc:  # collected and asserted on below
            return exc

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_thirty_learners_ticking_at_once_all_count(engine, classroom):
    actors, tasks = classroom
    jobs = [
        (
            lambda name=name: call(
                plan_activity.task_advance,
                actors[name],
                task_id=tasks[name],
                expected_status="not_started",
            )
        )
        for name in tasks
    ]
    results = _all_at_once(jobs)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    with Session(engine) as s:
        statuses = s.exec(select(Task.status).where(Task.id.in_(list(tasks.values())))).all()
    assert sorted(statuses) == ["ongoing"] * LEARNERS


def test_double_taps_on_one_task_apply_once(engine, classroom):
    actors, tasks = classroom
    name = "l0"
    jobs = [
        (
            lambda: call(
                plan_activity.task_advance,
                actors[name],
                task_id=tasks[name],
                expected_status="not_started",
            )
        )
        for _ in range(8)
    ]
    results = _all_at_once(jobs)
    applied = [r for r in results if not isinstance(r, Exception)]
    stale = [r for r in results if isinstance(r, TaskChangedElsewhere)]
    assert len(applied) == 1 and len(stale) == 7, results
    with Session(engine) as s:
        assert s.get(Task, tasks[name]).status == "ongoing"
