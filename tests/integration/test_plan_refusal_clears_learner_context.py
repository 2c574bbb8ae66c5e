"""A refused plan page keeps nothing of the learner shown before: not their context, not their reviews.

The learner context header and the reviews live in their own states beside the plan. When a plan
opens, they follow it; when the next open is refused (a plan of someone else's learner, or the
session has ended), they must be emptied too, or the previous learner's staff-only items stay in
the browser's copy of the page.
"""

from __future__ import annotations

import pytest
from reflex.istate.data import PageData
from reflex_base.constants import RouteArgType
from sqlmodel import Session, func, select

from ilp_app import routes
from ilp_app.db.models import AuditEvent
from ilp_app.services.plans import plan_edit
from ilp_app.services.plans.learner_context import context_item_add
from ilp_app.state.learner_context import LearnerContextState
from ilp_app.state.plan import PlanState
from ilp_app.state.reviews import ReviewState
from tests.support.school import build_school
from tests.support.services import call, guard_event, load_actors, signed_in, tab_sign_out

STAFF_ITEM = "CANARY-reading-age-two-years-behind"


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
def plans(school, session):
    actors = load_actors(session, school, ["mentor", "mentor2"])
    mine = call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    call(
        context_item_add,
        actors["mentor"],
        learner_id=school.id("learner"),
        kind="support_needs",
        label="Reading",
        value=STAFF_ITEM,
        visibility="staff",
    )
    theirs = call(plan_edit.plan_create, actors["mentor2"], learner_id=school.id("learner2"))
    return mine, theirs


async def open_plan(state: PlanState, plan_id: int) -> list | None:
    """Open /plans/<plan_id> in this tab, as the router would."""
    if "plan_id" not in PlanState.vars:  # already there once the app object has been built
        PlanState.setup_dynamic_args({"plan_id": RouteArgType.SINGLE})
    state.parent_state.parent_state.rx_router_page = PageData(params={"plan_id": str(plan_id)})
    return await state.load()


async def shown(state: PlanState) -> tuple[int, list[str], str]:
    context = await state.get_state(LearnerContextState)
    reviews = await state.get_state(ReviewState)
    return context.shown_learner_id, [i.value for i in context.items], reviews.learner_name


async def test_opening_another_mentors_plan_empties_the_context_shown_before(engine, school, plans):
    mine, theirs = plans
    state = await signed_in(PlanState, engine, school.id("mentor"), "mentor")
    assert await open_plan(state, mine) is None
    lid, items, reviews_of = await shown(state)
    assert lid == school.id("learner") and items == [STAFF_ITEM] and reviews_of

    assert await open_plan(state, theirs)  # refused: sent home with a message
    assert state.plan is None
    assert await shown(state) == (0, [], "")


async def test_a_plan_opened_after_the_session_ended_shows_no_context(engine, school, plans):
    mine, _ = plans
    state = await signed_in(PlanState, engine, school.id("mentor"), "mentor")
    await open_plan(state, mine)
    tab_sign_out(state)
    await guard_event(state)
    assert await open_plan(state, mine)  # sent to the sign-in page
    assert await shown(state) == (0, [], "")


async def test_a_refused_open_is_not_tried_again_by_the_page_beat(engine, school, plans):
    """The page beats while the refusal sends it home: the beat must not open the plan again."""
    _, theirs = plans
    state = await signed_in(PlanState, engine, school.id("mentor"), "mentor")
    assert await open_plan(state, theirs)  # refused
    page = state.parent_state.parent_state.rx_router_page
    state.parent_state.parent_state.rx_router_page = PageData(
        path=routes.PLAN, raw_path=f"/plans/{theirs}", params=page.params
    )
    await PlanState.event_handlers["heartbeat"].fn(state)
    assert denied_opens(engine, theirs) == 1


def denied_opens(engine, plan_id: int) -> int:
    with Session(engine) as s:
        return s.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.outcome == "denied", AuditEvent.target_type == "plan")
            .where(AuditEvent.target_id == str(plan_id))
        ).one()


async def test_the_same_refused_open_asked_again_by_the_tab_is_recorded_once(engine, school, plans):
    """A reconnect runs the page's on_load again before the tab has left: one refusal, one record."""
    mine, theirs = plans
    state = await signed_in(PlanState, engine, school.id("mentor"), "mentor")
    first = await open_plan(state, theirs)
    again = await open_plan(state, theirs)
    assert first and again  # both send the tab home with the message
    assert denied_opens(engine, theirs) == 1
    assert state.plan is None

    # Once the tab has shown something else, opening the plan again is a new attempt.
    assert await open_plan(state, mine) is None and state.plan is not None
    assert await open_plan(state, theirs)
    assert denied_opens(engine, theirs) == 2
