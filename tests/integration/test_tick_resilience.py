"""A learner's tap is never lost silently and never shown as saved before it is.

The database may be briefly unreachable (a restart, a dropped connection): the tap is tried
again for a few seconds, then the task says it was not saved, and the status shown is the one
stored. A tab whose page state was lost (a restarted store) still shows the plan it ticked.
"""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from reflex.istate.data import PageData
from reflex_base.constants.route import RouteArgType
from sqlmodel import Session

from ilp_app.db.models import Task
from ilp_app.domain.errors import DomainError, ValidationFailed
from ilp_app.services.plans import plan_activity, plan_edit
from ilp_app.state import plan_tick as plan_state
from ilp_app.state import saving
from ilp_app.state.plan import PlanState
from tests.support.school import build_school
from tests.support.services import call, load_actors, signed_in


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
def task(school, session) -> tuple[int, int]:
    """(plan id, task id) of an active plan of the learner, with one task not started."""
    mentor = load_actors(session, school, ["mentor"])["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_edit.focus_area_add, mentor, plan_id=plan_id, name="Reading")
    goal = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area,
        statement="Read more",
        success_criteria="Daily",
        target_date="",
        objective_ids=[],
    )
    task_id = call(plan_edit.task_add, mentor, goal_id=goal, title="Read a chapter")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return plan_id, task_id


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(saving, "RETRY_DELAYS", (0.01, 0.01))
    monkeypatch.setattr(saving.save_with_retries, "__defaults__", ((0.01, 0.01),))


def stored_status(engine, task_id: int) -> str:
    with Session(engine) as s:
        return s.get(Task, task_id).status


async def learner_on_plan(engine, school, plan_id: int) -> PlanState:
    state = await signed_in(PlanState, engine, school.id("learner"), "learner")
    if "plan_id" not in PlanState.vars:
        PlanState.setup_dynamic_args({"plan_id": RouteArgType.SINGLE})
    state.parent_state.parent_state.rx_router_page = PageData(params={"plan_id": str(plan_id)})
    await state.load()
    return state


async def tap(state: PlanState, task_id: int, status: str) -> list:
    events = []
    async for event in PlanState.event_handlers["tick"].fn(state, task_id, status):
        events.append(event)
    return events


def flaky(monkeypatch, failures: int):
    """The database drops the connection ``failures`` times, then answers again."""
    real = plan_state._task_advance
    calls = {"n": 0}

    def advance(*args):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise sqlalchemy.exc.OperationalError("UPDATE task", {}, Exception("server closed"))
        return real(*args)

    monkeypatch.setattr(plan_state, "_task_advance", advance)
    return calls


def shown_status(state: PlanState, task_id: int) -> str:
    return next(
        t.status
        for a in state.plan.focus_areas
        for g in a.goals
        for t in g.tasks
        if t.id == task_id
    )


async def test_a_tap_during_a_short_outage_is_saved_once_and_shown_after(
    engine, school, task, monkeypatch
):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    calls = flaky(monkeypatch, failures=2)
    await tap(state, task_id, "not_started")
    assert calls["n"] == 3
    assert stored_status(engine, task_id) == "ongoing"
    assert shown_status(state, task_id) == "ongoing"
    assert state.saving_task == 0 and state.unsaved_task == 0


async def test_a_tap_the_database_never_takes_says_not_saved_and_shows_the_stored_status(
    engine, school, task, monkeypatch
):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    flaky(monkeypatch, failures=100)
    events = await tap(state, task_id, "not_started")
    assert stored_status(engine, task_id) == "not_started"
    assert shown_status(state, task_id) == "not_started"  # never shown as saved
    assert state.unsaved_task == task_id and state.saving_task == 0
    assert saving.MSG_NOT_SAVED in repr(events)


async def test_a_second_tap_while_the_first_is_saving_counts_once(engine, school, task):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    state.saving_task = task_id  # the first tap is on its way
    await tap(state, task_id, "not_started")
    assert stored_status(engine, task_id) == "not_started"
    state.saving_task = 0
    await tap(state, task_id, "not_started")
    assert stored_status(engine, task_id) == "ongoing"  # control: a tap on its own is saved


async def test_a_tap_on_a_tab_whose_state_was_lost_shows_the_plan_it_saved(engine, school, task):
    plan_id, task_id = task
    state = await signed_in(PlanState, engine, school.id("learner"), "learner")
    assert state.plan is None and state._plan_id == 0  # as after a store restart
    events = await tap(state, task_id, "not_started")
    assert stored_status(engine, task_id) == "ongoing"
    assert state.plan is not None and state.plan.id == plan_id
    assert shown_status(state, task_id) == "ongoing"
    assert "error" not in repr(events).lower()


async def test_a_refused_tap_is_never_retried(engine, school, task, monkeypatch):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    calls = {"n": 0}

    def refuse(*_args):
        calls["n"] += 1
        raise ValidationFailed("That task has changed; here it is as it is now.")

    monkeypatch.setattr(plan_state, "_task_advance", refuse)
    await tap(state, task_id, "not_started")
    assert calls["n"] == 1 and state.unsaved_task == 0


def test_the_service_itself_is_untouched(engine, school, task, session):
    """Control for the fault above: the real service saves a tap straight away."""
    _, task_id = task
    learner = load_actors(session, school, ["learner"])["learner"]
    call(plan_activity.task_advance, learner, task_id=task_id, expected_status="not_started")
    assert stored_status(engine, task_id) == "ongoing"


async def test_a_learner_page_whose_state_was_lost_loads_itself_again_at_its_heartbeat(
    engine, school, task
):
    plan_id, _ = task
    state = await signed_in(PlanState, engine, school.id("learner"), "learner")
    state.parent_state.parent_state.rx_router_page = PageData(path="/learner", raw_path="/learner")
    assert state.plan is None and not state.loaded  # as after a store restart
    await PlanState.event_handlers["heartbeat"].fn(state)
    assert state.plan is not None and state.plan.id == plan_id
    assert state._channel == f"plan:{school.id('learner')}"  # following the learner live again


# --- a double tap, moving back from Completed, and Undo ---


async def test_a_double_tap_within_a_second_counts_once(engine, school, task, monkeypatch):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    await tap(state, task_id, "not_started")
    events = await tap(state, task_id, "not_started")  # the double tap's second, sent meanwhile
    assert stored_status(engine, task_id) == "ongoing"
    assert "changed" not in repr(events)  # dropped quietly, not refused as a conflict
    await tap(state, task_id, "ongoing")  # a quick but deliberate tap on what the page now shows
    assert stored_status(engine, task_id) == "completed"
    monkeypatch.setattr(plan_state, "DOUBLE_TAP_S", 0.0)  # control: later, the same tap is refused
    events = await tap(state, task_id, "ongoing")
    assert stored_status(engine, task_id) == "completed" and "changed" in repr(events)


async def test_moving_a_completed_task_back_asks_first(engine, school, task, monkeypatch):
    plan_id, task_id = task
    monkeypatch.setattr(plan_state, "DOUBLE_TAP_S", 0.0)
    state = await learner_on_plan(engine, school, plan_id)
    await tap(state, task_id, "not_started")
    await tap(state, task_id, "ongoing")
    await tap(state, task_id, "completed")
    assert stored_status(engine, task_id) == "completed"  # nothing changed yet
    assert state.confirm_task == task_id and state.confirm_title == "Read a chapter"
    PlanState.event_handlers["cancel_reopen"].fn(state)
    assert state.confirm_task == 0 and stored_status(engine, task_id) == "completed"
    await tap(state, task_id, "completed")
    async for _ in PlanState.event_handlers["confirm_reopen"].fn(state):
        pass
    assert stored_status(engine, task_id) == "not_started"
    assert shown_status(state, task_id) == "not_started"


async def undo(state: PlanState) -> object:
    return await PlanState.event_handlers["undo"].fn(state)


async def test_a_saved_tap_can_be_undone_once(engine, school, task):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    await tap(state, task_id, "not_started")
    assert state.undo_task == task_id and "Ongoing" in state.undo_text
    events = await undo(state)
    assert stored_status(engine, task_id) == "not_started"
    assert shown_status(state, task_id) == "not_started"
    assert "Undone" in repr(events) and state.undo_task == 0
    await undo(state)  # nothing is offered any more: a second undo changes nothing
    assert stored_status(engine, task_id) == "not_started"


async def test_an_undo_after_the_task_changed_elsewhere_changes_nothing(
    engine, school, task, session
):
    plan_id, task_id = task
    state = await learner_on_plan(engine, school, plan_id)
    await tap(state, task_id, "not_started")
    mentor = load_actors(session, school, ["mentor"])["mentor"]
    call(plan_activity.task_advance, mentor, task_id=task_id, expected_status="ongoing")
    events = await undo(state)
    assert stored_status(engine, task_id) == "completed"  # the mentor's change stands
    assert shown_status(state, task_id) == "completed"
    assert "changed" in repr(events).lower()


def test_undo_takes_back_exactly_one_tap(engine, school, task, session):
    _, task_id = task
    learner = load_actors(session, school, ["learner"])["learner"]
    with pytest.raises(ValidationFailed, match="last tap"):
        call(
            plan_activity.task_undo,
            learner,
            task_id=task_id,
            tapped_status="completed",
            restore_status="not_started",
        )
    assert stored_status(engine, task_id) == "not_started"


def test_nobody_else_can_undo_a_learners_tap(engine, school, task, session):
    _, task_id = task
    actors = load_actors(session, school)
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=task_id,
        expected_status="not_started",
    )
    for name in [n for n in actors if n not in ("learner", "mentor")]:
        with pytest.raises(DomainError):
            call(
                plan_activity.task_undo,
                actors[name],
                task_id=task_id,
                tapped_status="ongoing",
                restore_status="not_started",
            )
    assert stored_status(engine, task_id) == "ongoing"
