"""The next period with carry-over, locked plans, acknowledgements and history, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import AuditEvent, Goal, Period, Plan, Task, TaskLink
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.services.plans import history, lifecycle, plan_activity, plan_edit, plan_read
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school
from tests.support.services import call


def make_plan(mentor, learner_id: int) -> dict:
    """An active plan: goal A with a completed, an ongoing and a not-started task; goal B all done."""
    plan_id = call(plan_edit.plan_create, mentor, learner_id=learner_id)
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_a = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more books")
    goal_b = call(
        plan_edit.goal_add, mentor, focus_area_id=area, statement="Hand in homework on time"
    )
    done = call(plan_edit.task_add, mentor, goal_id=goal_a, title="Choose three books")
    going = call(plan_edit.task_add, mentor, goal_id=goal_a, title="Keep a reading log")
    todo = call(plan_edit.task_add, mentor, goal_id=goal_a, title="Present my favourite book")
    call(
        plan_edit.link_add,
        mentor,
        task_id=going,
        title="Log template",
        url="https://example.org/log",
    )
    b_done = call(plan_edit.task_add, mentor, goal_id=goal_b, title="Use a planner")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    for task, steps in ((done, 2), (going, 1), (b_done, 2)):
        status = "not_started"
        for _ in range(steps):
            status = call(
                plan_activity.task_advance, mentor, task_id=task, expected_status=status
            ).status.value
    return {
        "plan": plan_id,
        "goal_a": goal_a,
        "goal_b": goal_b,
        "done": done,
        "going": going,
        "todo": todo,
    }


@pytest.fixture
def school(session):
    return build_school(session, learners=30)


def test_next_period_carries_chosen_goals_with_unfinished_tasks_and_locks_the_old_plan(
    engine, school, actors
):
    mentor = actors["mentor"]
    ids = make_plan(mentor, school.id("learner"))
    result = call(
        lifecycle.plan_next_period,
        mentor,
        plan_id=ids["plan"],
        goal_ids=[ids["goal_a"]],
        reasons={str(ids["todo"]): "Ran out of time before the holidays"},
    )
    assert (result.goals_carried, result.tasks_carried) == (1, 2)
    with Session(engine) as s:
        old, new = s.get(Plan, ids["plan"]), s.get(Plan, result.plan_id)
        assert (old.status, new.status, new.previous_plan_id) == ("locked", "active", old.id)
        assert new.period_id == school.next_period.id
        [goal] = s.exec(select(Goal).where(Goal.plan_id == new.id)).all()
        assert (goal.statement, goal.carried_from_goal_id) == ("Read more books", ids["goal_a"])
        tasks = {t.title: t for t in s.exec(select(Task).where(Task.plan_id == new.id)).all()}
        assert set(tasks) == {
            "Keep a reading log",
            "Present my favourite book",
        }  # completed stays behind
        assert tasks["Keep a reading log"].status == "ongoing"
        assert tasks["Present my favourite book"].carried_from_task_id == ids["todo"]
        assert (
            tasks["Present my favourite book"].carry_reason == "Ran out of time before the holidays"
        )
        assert (
            s.exec(select(TaskLink).where(TaskLink.plan_id == new.id)).one().url
            == "https://example.org/log"
        )
        # The old plan keeps everything it had.
        assert len(s.exec(select(Task).where(Task.plan_id == old.id)).all()) == 4
    view = call(plan_read.plan_view, actors["learner"], plan_id=ids["plan"])
    assert view.status == "locked" and not view.can.tick


def test_the_old_plan_refuses_every_change_after_the_move_and_audits_it(engine, school, actors):
    mentor = actors["mentor"]
    ids = make_plan(mentor, school.id("learner"))
    call(lifecycle.plan_next_period, mentor, plan_id=ids["plan"])
    for actor, fn, kwargs in (
        (mentor, plan_edit.task_add, {"goal_id": ids["goal_a"], "title": "Too late"}),
        (mentor, plan_edit.goal_edit, {"goal_id": ids["goal_a"], "statement": "Changed"}),
        (
            actors["learner"],
            plan_activity.task_advance,
            {"task_id": ids["todo"], "expected_status": "not_started"},
        ),
        (mentor, lifecycle.plan_next_period, {"plan_id": ids["plan"]}),
    ):
        with pytest.raises(PermissionDenied, match="locked"):
            call(fn, actor, **kwargs)
    with Session(engine) as s:
        denied = s.exec(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert len(denied) == 4
        assert s.get(Task, ids["todo"]).status == "not_started"


def test_an_existing_plan_in_the_next_period_is_refused_with_a_message(school, actors):
    ids = make_plan(actors["mentor"], school.id("learner"))
    with unit_of_work() as s:  # a plan already waits in the next period
        s.add(
            Plan(
                site_id=school.site.id,
                learner_id=school.id("learner"),
                period_id=school.next_period.id,
            )
        )
    with pytest.raises(ValidationFailed, match="already has a plan for Next"):
        call(lifecycle.plan_next_period, actors["mentor"], plan_id=ids["plan"])


def test_without_a_next_period_the_mentor_is_told_to_ask_for_one(engine, school, actors):
    ids = make_plan(actors["mentor"], school.id("learner"))
    with Session(engine) as s:
        s.delete(s.get(Period, school.next_period.id))
        s.commit()
    with pytest.raises(ValidationFailed, match="no next period"):
        call(lifecycle.plan_next_period, actors["mentor"], plan_id=ids["plan"])


def test_only_the_mentor_starts_the_next_period(school, actors):
    ids = make_plan(actors["mentor"], school.id("learner"))
    for who in ("teacher", "parent", "learner", "mentor2", "admin", "anonymous"):
        with pytest.raises(PermissionDenied):
            call(lifecycle.plan_next_period, actors[who], plan_id=ids["plan"])


def test_a_whole_group_moves_in_one_transaction(engine, session, school, actors):
    from ilp_app.db.models import Group

    mentor = actors["mentor"]
    learners = ["learner", *(f"l{i}" for i in range(30))]
    for name in learners:
        make_plan(mentor, school.id(name))
    group = session.exec(select(Group).where(Group.name == "9C")).one()
    group.kind = "tutor"  # the mentor's tutor group
    group_id = group.id
    session.commit()
    mentor = school.actor(session, "mentor")
    session.commit()
    summary = call(lifecycle.plan_next_period_group, mentor, group_id=group_id)
    assert len(summary.moved) == 31 and summary.skipped == []
    with Session(engine) as s:
        assert len(s.exec(select(Plan).where(Plan.period_id == school.next_period.id)).all()) == 31
        assert len(s.exec(select(Plan).where(Plan.status == "locked")).all()) == 31
    again = call(lifecycle.plan_next_period_group, mentor, group_id=group_id)
    assert again.moved == [] and len(again.skipped) == 31


def test_a_failure_midway_leaves_the_whole_group_as_it_was(
    engine, session, school, actors, monkeypatch
):
    from ilp_app.db.models import Group

    mentor = actors["mentor"]
    for name in ["learner", *(f"l{i}" for i in range(30))]:
        make_plan(mentor, school.id(name))
    group = session.exec(select(Group).where(Group.name == "9C")).one()
    group.kind = "tutor"
    group_id = group.id
    session.commit()
    mentor = school.actor(session, "mentor")
    session.commit()
    real, calls = lifecycle._carry, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 15:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "_carry", flaky)
    with pytest.raises(RuntimeError):
        call(lifecycle.plan_next_period_group, mentor, group_id=group_id)
    with Session(engine) as s:
        assert s.exec(select(Plan).where(Plan.period_id == school.next_period.id)).all() == []
        assert s.exec(select(Plan).where(Plan.status == "locked")).all() == []


def test_acknowledgements_name_a_version_and_a_new_version_waits_for_nobody(engine, school, actors):
    mentor = actors["mentor"]
    ids = make_plan(mentor, school.id("learner"))
    v1 = call(lifecycle.plan_acknowledge, actors["learner"], plan_id=ids["plan"])
    assert call(lifecycle.plan_acknowledge, actors["parent"], plan_id=ids["plan"]) == v1
    call(plan_edit.task_add, mentor, goal_id=ids["goal_b"], title="Plan the week on Sundays")
    v2 = call(lifecycle.plan_acknowledge, mentor, plan_id=ids["plan"])
    assert v2 > v1
    with unit_of_work() as s:
        ctx = lifecycle.plan_load(
            session=s, actor=mentor, plan_id=ids["plan"], action=lifecycle.Action.PLAN_VIEW
        )
        signed = {
            (a.role, a.version, a.current)
            for a in history.plan_acknowledgements(session=s, plan=ctx)
        }
    assert signed == {("learner", v1, False), ("parent", v1, False), ("mentor", v2, True)}
    for who in ("teacher", "parent2", "mentor2", "admin"):
        with pytest.raises(PermissionDenied):
            call(lifecycle.plan_acknowledge, actors[who], plan_id=ids["plan"])


def test_history_records_before_and_after_and_hides_staff_notes_from_the_family(school, actors):
    mentor = actors["mentor"]
    ids = make_plan(mentor, school.id("learner"))
    call(plan_edit.goal_edit, mentor, goal_id=ids["goal_a"], statement="Read four books")
    call(plan_activity.note_add, mentor, plan_id=ids["plan"], body="STAFF-CANARY support need")
    staff_view = call(history.plan_history, mentor, plan_id=ids["plan"])
    edit = next(c for c in staff_view if c.what == "Edited a goal")
    assert "Read more books" in edit.before and "Read four books" in edit.after
    assert edit.who == "Mentor Person"
    assert any("STAFF-CANARY" in c.after for c in staff_view)
    for who in ("parent", "learner"):
        family_view = call(history.plan_history, actors[who], plan_id=ids["plan"])
        assert family_view and all("STAFF-CANARY" not in c.after + c.before for c in family_view)
        assert any(c.what == "Edited a goal" for c in family_view)
    with pytest.raises(PermissionDenied):
        call(history.plan_history, actors["parent2"], plan_id=ids["plan"])
