"""Proposals still waiting when their plan is locked: closed there, waiting again on the next plan.

On SQLite and PostgreSQL; each call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from ilp_app.db.models import Goal, PlanChange, Proposal
from ilp_app.domain.errors import PermissionDenied
from ilp_app.services.plans import history, lifecycle, plan_edit, plan_read, proposals
from tests.support.services import call, rows

CLOSED = "Closed when the plan was locked"


@pytest.fixture
def plan(school, actors):
    """An active plan: goal "kept" (carried on) and goal "left" (left behind), in one area."""
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    areas = [a.id for a in call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas]
    assert len(areas) >= 2  # the goal proposal goes to an area without a goal
    kept = call(plan_edit.goal_add, mentor, focus_area_id=areas[0], statement="Read more books")
    left = call(plan_edit.goal_add, mentor, focus_area_id=areas[0], statement="Tidy my locker")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return {"plan_id": plan_id, "areas": areas, "kept": kept, "left": left}


def _propose(actors, school, plan) -> dict:
    learner = actors["learner"]
    ids = {
        "goal": call(
            proposals.proposal_goal_create,
            learner,
            focus_area_id=plan["areas"][-1],
            statement="Learn to juggle",
            success_criteria="Three balls for a minute",
            target_date=(school.period.ends_on - timedelta(days=3)).isoformat(),
        ).id,
        "task_kept": call(
            proposals.proposal_task_create, learner, goal_id=plan["kept"], title="Join the club"
        ).id,
        "task_left": call(
            proposals.proposal_task_create, learner, goal_id=plan["left"], title="Buy a box"
        ).id,
        "declined": call(
            proposals.proposal_task_create, learner, goal_id=plan["kept"], title="Skip maths"
        ).id,
    }
    call(proposals.proposal_decline, actors["mentor"], proposal_id=ids["declined"], reason="No")
    return ids


def _next(actors, plan) -> int:
    return call(
        lifecycle.plan_next_period,
        actors["mentor"],
        plan_id=plan["plan_id"],
        goal_ids=[plan["kept"]],
    ).plan_id


def _actions(engine, plan_id) -> list[str]:
    return [c.action for c in rows(engine, PlanChange, PlanChange.plan_id == plan_id)]


def test_waiting_proposals_close_with_the_locked_plan_and_the_learner_sees_why(
    engine, school, actors, plan
):
    ids = _propose(actors, school, plan)
    _next(actors, plan)
    old = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"])
    shown = {p.id: p for p in old.proposals}
    for key in ("goal", "task_kept", "task_left"):
        assert shown[ids[key]].status_label == CLOSED
        assert not shown[ids[key]].can_edit
    assert shown[ids["declined"]].status_label == "Declined"  # decided stays decided
    assert _actions(engine, plan["plan_id"]).count("proposal.close_on_lock") == 3
    told = call(history.plan_history, actors["learner"], plan_id=plan["plan_id"])
    closed = [c for c in told if c.what == "Closed a proposal when the plan was locked"]
    assert sorted(c.after for c in closed) == [
        "proposal: Buy a box",
        "proposal: Join the club",
        "proposal: Learn to juggle",
    ]


def test_the_next_plan_lists_them_for_the_mentor_when_their_goal_or_area_came_along(
    engine, school, actors, plan
):
    ids = _propose(actors, school, plan)
    new_id = _next(actors, plan)
    view = call(plan_read.plan_view, actors["mentor"], plan_id=new_id)
    waiting = {p.text: p for p in view.proposals}
    # The task under the goal left behind has nowhere to go; the declined one stays declined.
    assert set(waiting) == {"Learn to juggle", "Join the club"}
    assert all(p.status_label == "Proposed" and p.can_decide for p in waiting.values())
    assert _actions(engine, new_id).count("proposal.carried_in") == 2
    carried = rows(engine, Proposal, Proposal.plan_id == new_id)
    assert all(p.author_id == school.id("learner") for p in carried)
    # The old period's date would be refused on acceptance: it is left for the mentor to set.
    assert all(p.target_date is None for p in carried)
    # The goal's focus area came along for it, although no carried goal lives there.
    new_areas = {a.id for a in view.focus_areas}
    goal_proposal = next(p for p in carried if p.kind == "goal")
    assert goal_proposal.focus_area_id in new_areas
    # The mentor accepts it on the new plan; nothing lands on the locked one.
    goal_id = call(proposals.proposal_accept, actors["mentor"], proposal_id=goal_proposal.id)
    assert rows(engine, Goal, Goal.id == goal_id)[0].plan_id == new_id
    assert ids["goal"] != goal_proposal.id


def test_a_closed_proposal_can_no_longer_be_accepted(engine, school, actors, plan):
    ids = _propose(actors, school, plan)
    _next(actors, plan)
    with pytest.raises(PermissionDenied):
        call(proposals.proposal_accept, actors["mentor"], proposal_id=ids["goal"])
    assert rows(engine, Proposal, Proposal.id == ids["goal"])[0].status == "closed_locked"


def test_a_plan_without_waiting_proposals_moves_on_as_before(engine, school, actors, plan):
    new_id = _next(actors, plan)
    assert rows(engine, Proposal, Proposal.plan_id == new_id) == []
    assert "proposal.close_on_lock" not in _actions(engine, plan["plan_id"])
