"""The plan page's proposal and coaching handlers, called as a browser (or an attacker) would:
forged forms and foreign ids get a message and change nothing; saved steps show at once."""

from __future__ import annotations

import pytest
from reflex.istate.data import PageData
from reflex_base.constants import RouteArgType

from ilp_app.db.models import GoalRating, Proposal
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.state.plan import PlanState
from tests.support.services import audit, call, count, rows, signed_in


@pytest.fixture
def plans(school, actors):
    def make(mentor: str, learner: str) -> dict:
        pid = call(plan_edit.plan_create, actors[mentor], learner_id=school.id(learner))
        area = call(plan_read.plan_view, actors[mentor], plan_id=pid).focus_areas[0].id
        goal = call(plan_edit.goal_add, actors[mentor], focus_area_id=area, statement="Read")
        call(plan_edit.plan_activate, actors[mentor], plan_id=pid)
        return {"plan_id": pid, "area_id": area, "goal_id": goal}

    return make("mentor", "learner"), make("mentor2", "learner2")


async def opened(engine, school, who: str, role: str, plan_id: int) -> PlanState:
    state = await signed_in(PlanState, engine, school.id(who), role)
    if "plan_id" not in PlanState.vars:
        PlanState.setup_dynamic_args({"plan_id": RouteArgType.SINGLE})
    state.parent_state.parent_state.rx_router_page = PageData(params={"plan_id": str(plan_id)})
    assert await state.load() is None
    return state


def _toasts(events) -> str:
    return repr(events)


async def test_the_learner_proposes_and_sees_it_as_proposed_at_once(engine, school, plans, pushed):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    state.open_proposal_form("goal")
    assert state.proposing == "goal"
    await state.propose_goal({"focus_area_id": str(mine["area_id"]), "statement": "Juggle"})
    assert [p.status_label for p in state.plan.proposals] == ["Proposed"]
    assert state.proposing == ""  # closed once saved
    assert ("plans", {school.id("learner")}) in pushed  # the mentor's open page is told


async def test_a_refused_proposal_keeps_the_form_open_with_a_message(engine, school, plans, pushed):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    state.open_proposal_form("goal")
    events = await state.propose_goal({"focus_area_id": str(mine["area_id"]), "statement": ""})
    assert "Goal" in _toasts(events) and state.proposing == "goal"
    assert count(engine, Proposal) == 0


@pytest.mark.parametrize("forged", ["a string", None, ["focus_area_id", 1], 42])
async def test_a_forged_form_gets_a_message_and_changes_nothing(engine, school, plans, forged):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    events = await state.propose_goal(forged)
    assert events and count(engine, Proposal) == 0


async def test_a_parents_forged_proposal_is_refused_and_audited(engine, school, plans):
    mine, _ = plans
    state = await opened(engine, school, "parent", "parent", mine["plan_id"])
    assert state.plan.can.propose is False
    await state.propose_goal({"focus_area_id": str(mine["area_id"]), "statement": "Mine now"})
    await state.propose_task({"goal_id": str(mine["goal_id"]), "title": "Mine now"})
    assert count(engine, Proposal) == 0
    assert len(audit(engine, outcome="denied", action="proposal.create")) == 2


async def test_a_goal_of_another_learner_is_refused(engine, school, plans):
    mine, theirs = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    await state.propose_task({"goal_id": str(theirs["goal_id"]), "title": "In their plan"})
    assert count(engine, Proposal) == 0


async def test_a_forged_form_name_opens_no_form(engine, school, plans):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    state.open_proposal_form({"evil": 1})
    assert state.proposing == ""


async def test_a_low_self_rating_asks_first_and_saves_with_the_answers(engine, school, plans):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    assert len(state.low_rating_prompts) == 2
    await state.rate_self(mine["goal_id"], 1)
    assert count(engine, GoalRating) == 0  # nothing saved before the questions
    assert (state.low_rating_goal, state.low_rating_score) == (mine["goal_id"], 1)
    await state.rate_low({"how_got_here": "I read one page", "next_step": "Two pages"})
    [rating] = rows(engine, GoalRating)
    assert (rating.score, rating.how_got_here, rating.next_step) == (
        1,
        "I read one page",
        "Two pages",
    )
    assert state.low_rating_goal == 0
    await state.rate_self(mine["goal_id"], 4)  # a higher rating is saved at once
    assert count(engine, GoalRating) == 2


async def test_the_learner_changes_then_withdraws_a_waiting_proposal(engine, school, plans):
    mine, _ = plans
    state = await opened(engine, school, "learner", "learner", mine["plan_id"])
    await state.propose_task({"goal_id": str(mine["goal_id"]), "title": "Read aloud"})
    [shown] = state.plan.proposals
    state.edit_proposal_open(shown.id)
    assert state.editing_proposal == shown.id
    await state.edit_proposal({"proposal_id": str(shown.id), "text": "Read aloud twice"})
    assert state.editing_proposal == 0
    assert [p.text for p in state.plan.proposals] == ["Read aloud twice"]
    await state.withdraw_proposal(shown.id)
    assert state.plan.proposals == []
    assert rows(engine, Proposal)[0].status == "withdrawn"


async def test_the_mentor_accepts_with_a_change_from_the_form(engine, school, plans):
    mine, _ = plans
    learner = await opened(engine, school, "learner", "learner", mine["plan_id"])
    await learner.propose_goal({"focus_area_id": str(mine["area_id"]), "statement": "Juggle"})
    pid = learner.plan.proposals[0].id
    mentor = await opened(engine, school, "mentor", "mentor", mine["plan_id"])
    assert mentor.plan.proposals[0].can_decide
    await mentor.accept_proposal(
        {"proposal_id": str(pid), "text": "Juggle three balls", "success_criteria": ""}
    )
    assert mentor.plan.proposals[0].status_label == "Accepted with changes"
    statements = [g.statement for a in mentor.plan.focus_areas for g in a.goals]
    assert "Juggle three balls" in statements
