"""The evidence and showcase pages' states: what each person's tab holds, and forged events.

Every public var of a state reaches the browser, so a parent's tab must never hold a piece the
mentor has not approved, and a forged event must change nothing.
"""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from PIL import Image
from reflex.istate.data import PageData
from reflex_base.constants.route import RouteArgType

from ilp_app.db.models import Evidence
from ilp_app.services.evidence import evidence, showcase, storage
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.settings import get_settings
from ilp_app.state.evidence import EvidenceState
from ilp_app.state.showcase import ShowcaseState
from tests.support.services import call, rows, signed_in

PENDING = "PENDING-canary poster"


@pytest.fixture(autouse=True)
def evidence_folder(tmp_path, monkeypatch):
    settings = dataclasses.replace(get_settings(), evidence_dir=str(tmp_path / "evidence"))
    monkeypatch.setattr(storage, "get_settings", lambda: settings)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def plan(school, actors):
    mentor, learner = actors["mentor"], actors["learner"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area,
        statement="Speak up in class",
        success_criteria="",
        target_date="",
        objective_ids=[],
    )
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    add = dict(plan_id=plan_id, target=f"g{goal_id}")
    approved = call(evidence.evidence_add_file, learner, title="Approved poster", data=png(), **add)
    call(evidence.evidence_approve, mentor, evidence_id=approved)
    pending = call(evidence.evidence_add_file, learner, title=PENDING, data=png(), **add)
    return {"plan_id": plan_id, "goal_id": goal_id, "approved": approved, "pending": pending}


async def on_page(state_type, engine, school, who: str, role: str, plan_id: int):
    state = await signed_in(state_type, engine, school.id(who), role)
    if "plan_id" not in state_type.vars:
        state_type.setup_dynamic_args({"plan_id": RouteArgType.SINGLE})
    state.parent_state.parent_state.rx_router_page = PageData(params={"plan_id": str(plan_id)})
    events = await state.load()
    return state, events


def sent(state) -> str:
    """Everything of the state a browser would receive (its public vars, computed ones too)."""
    return json.dumps(state.dict(), default=str)


async def test_a_parents_tab_never_holds_pending_evidence(engine, school, plan):
    state, _ = await on_page(EvidenceState, engine, school, "parent", "parent", plan["plan_id"])
    assert [i.title for i in state.items] == ["Approved poster"]
    assert PENDING not in sent(state)
    assert state.targets == []  # a parent adds nothing


async def test_the_mentor_sees_the_pending_piece_and_may_approve_it(engine, school, plan):
    state, _ = await on_page(EvidenceState, engine, school, "mentor", "mentor", plan["plan_id"])
    pending = next(i for i in state.items if i.title == PENDING)
    assert pending.can_approve and not pending.approved
    await state.approve(pending.id)
    assert rows(engine, Evidence, Evidence.id == plan["pending"])[0].approved_at is not None


@pytest.mark.parametrize("forged", [{"id": 1}, [1], "1; drop table", 2**40, None])
async def test_a_forged_approval_gets_a_message_and_changes_nothing(engine, school, plan, forged):
    state, _ = await on_page(EvidenceState, engine, school, "mentor", "mentor", plan["plan_id"])
    events = await state.approve(forged)
    assert state.error and events
    assert rows(engine, Evidence, Evidence.id == plan["pending"])[0].approved_at is None


async def test_a_parent_forging_an_approval_is_refused(engine, school, plan):
    state, _ = await on_page(EvidenceState, engine, school, "parent", "parent", plan["plan_id"])
    await state.approve(plan["pending"])
    assert rows(engine, Evidence, Evidence.id == plan["pending"])[0].approved_at is None
    assert PENDING not in sent(state)


async def test_another_familys_tab_gets_nothing_of_the_plan(engine, school, plan):
    state, events = await on_page(
        EvidenceState, engine, school, "parent2", "parent", plan["plan_id"]
    )
    assert state.items == [] and not state.loaded
    assert "poster" not in sent(state)
    assert events  # sent home with the refusal


async def test_the_showcase_is_closed_to_the_family_until_shared(engine, school, actors, plan):
    call(
        showcase.showcase_toggle,
        actors["learner"],
        plan_id=plan["plan_id"],
        part="evidence",
        ref_id=plan["approved"],
    )
    state, _ = await on_page(ShowcaseState, engine, school, "parent", "parent", plan["plan_id"])
    assert state.view is None
    call(
        showcase.showcase_save,
        actors["learner"],
        plan_id=plan["plan_id"],
        closing_reflection="",
        shared=True,
    )
    state, _ = await on_page(ShowcaseState, engine, school, "parent", "parent", plan["plan_id"])
    assert [s.statement for s in state.view.slides] == ["Speak up in class"]
    assert state.view.choices == [] and PENDING not in sent(state)


async def test_presenting_moves_by_arrow_keys_within_the_slides(engine, school, actors, plan):
    call(
        showcase.showcase_toggle,
        actors["learner"],
        plan_id=plan["plan_id"],
        part="goal",
        ref_id=plan["goal_id"],
    )
    state, _ = await on_page(ShowcaseState, engine, school, "learner", "learner", plan["plan_id"])
    assert state.slide_count == 2 and state.on_title
    state.key("ArrowRight")
    assert state.slide.statement == "Speak up in class"
    state.key("ArrowRight")  # the last slide stays
    assert state.slide_index == 1
    state.key({"forged": True})
    state.key("ArrowLeft")
    assert state.on_title


# --- following the plan live ---


async def test_a_parents_open_page_follows_the_plan_and_shows_a_piece_once_approved(
    engine, school, actors, plan
):
    state, _ = await on_page(EvidenceState, engine, school, "parent", "parent", plan["plan_id"])
    channel = f"plan:{school.id('learner')}"
    assert state._channel == channel
    # A push before the approval (the learner added something): read again, still filtered.
    assert await state._receive(channel, school.id("learner"), 2) is True
    assert PENDING not in sent(state)
    call(evidence.evidence_approve, actors["mentor"], evidence_id=plan["pending"])
    assert await state._receive(channel, school.id("learner"), 3) is True
    assert PENDING in [i.title for i in state.items]
    assert state._version == 3


async def test_the_family_showcase_follows_the_plan_too(engine, school, actors, plan):
    state, _ = await on_page(ShowcaseState, engine, school, "learner", "learner", plan["plan_id"])
    assert state._channel == f"plan:{school.id('learner')}"


async def test_another_familys_tab_follows_nothing(engine, school, plan):
    state, _ = await on_page(EvidenceState, engine, school, "parent2", "parent", plan["plan_id"])
    assert state._channel == ""
    assert await state._receive(f"plan:{school.id('learner')}", school.id("learner"), 2) is False


async def test_a_push_to_a_tab_signed_out_since_empties_it_and_stops(engine, school, actors, plan):
    state, _ = await on_page(EvidenceState, engine, school, "parent", "parent", plan["plan_id"])
    channel = state._channel
    call(evidence.evidence_approve, actors["mentor"], evidence_id=plan["pending"])
    state._digest = "not-a-session"
    assert await state._receive(channel, school.id("learner"), 2) is False
    assert state.items == [] and PENDING not in sent(state)


async def test_a_push_for_another_channel_is_ignored(engine, school, plan):
    state, _ = await on_page(EvidenceState, engine, school, "parent", "parent", plan["plan_id"])
    assert await state._receive("plan:999999", 999999, 2) is False
    assert [i.title for i in state.items] == ["Approved poster"]
