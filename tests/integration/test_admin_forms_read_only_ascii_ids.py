"""Ids typed into, or forged in, the administration's forms are plain ASCII numbers or nothing.

``str.isdigit()`` is true for "²" (which ``int()`` refuses: the handler crashed) and for "١"
(which ``int()`` reads as 1: another record was chosen). Either must get a clear message and
change nothing.
"""

from __future__ import annotations

import pytest

from ilp_app.state.admin import AdminState
from ilp_app.state.admin_person import AdminPersonState
from ilp_app.state.objectives import ObjectivesState
from tests.support.school import build_school
from tests.support.services import signed_in

LOOKALIKE_IDS = ["²", "١", "１"]  # superscript two, Arabic-Indic one, full-width one


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.mark.parametrize("forged", LOOKALIKE_IDS)
async def test_a_lookalike_group_id_selects_no_learners(engine, school, forged):
    state = await signed_in(AdminPersonState, engine, school.id("admin"), "administrator")
    events = await state.select_group(forged)
    assert events is not None  # a message saying the group does not exist
    assert state.selected == []


@pytest.mark.parametrize("forged", LOOKALIKE_IDS)
async def test_a_lookalike_account_id_gets_no_temporary_password(engine, school, forged):
    state = await signed_in(AdminState, engine, school.id("admin"), "administrator")
    await state.load()
    async for _ in state.set_temporary_password(
        {"user_id": forged, "password": "Fresh-start-2026!"}
    ):
        pass
    assert state.dialog_error and not state.busy


@pytest.mark.parametrize("forged", LOOKALIKE_IDS)
async def test_a_lookalike_framework_id_opens_no_framework(engine, school, forged):
    state = await signed_in(ObjectivesState, engine, school.id("admin"), "administrator")
    await state.load()
    shown = state.framework_id
    assert (
        await state.choose_framework(forged) is not None
    )  # a message saying there is no such framework
    assert state.framework_id == shown
