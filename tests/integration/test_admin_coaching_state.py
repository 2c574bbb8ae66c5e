"""The Coaching page's handlers: only an administrator's change is made; a forged one from
anyone else (or a malformed form) gets a message and changes nothing."""

from __future__ import annotations

from sqlmodel import Session

from ilp_app.db.models import CoachingPrompt, Site
from ilp_app.domain.coaching import DEFAULT_LIBRARY
from ilp_app.services.school.coaching import coaching_defaults_load
from ilp_app.state.admin_coaching import AdminCoachingState
from tests.support.services import audit, count, rows, signed_in


def _library(engine, school) -> None:
    with Session(engine) as s:
        coaching_defaults_load(s, school.site.id)
        s.commit()


async def test_the_administrator_edits_the_library_from_the_page(engine, school):
    _library(engine, school)
    state = await signed_in(AdminCoachingState, engine, school.id("admin"), "administrator")
    await state.load()
    assert state.loaded and len(state.rows) == len(DEFAULT_LIBRARY)
    await state.add_line({"situation": "stuck", "kind": "starter", "text": "I could ask…"})
    assert len(state.rows) == len(DEFAULT_LIBRARY) + 1
    await state.set_tasks_need_approval(False)
    assert state.tasks_need_approval is False
    assert rows(engine, Site)[0].learner_tasks_need_approval is False


async def test_a_mentors_forged_events_change_nothing(engine, school):
    _library(engine, school)
    state = await signed_in(AdminCoachingState, engine, school.id("mentor"), "mentor")
    assert await state.load()  # refused: sent home
    assert state.rows == []
    first = rows(engine, CoachingPrompt)[0]
    await state.add_line({"situation": "stuck", "kind": "prompt", "text": "Forged"})
    await state.save_line({"prompt_id": str(first.id), "text": "Forged"})
    await state.remove_line(first.id)
    await state.set_tasks_need_approval(False)
    await state.restore_defaults()
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)
    assert rows(engine, CoachingPrompt)[0].text == first.text
    assert rows(engine, Site)[0].learner_tasks_need_approval is True
    assert len(audit(engine, outcome="denied")) >= 5


async def test_a_malformed_form_gets_a_message(engine, school):
    _library(engine, school)
    state = await signed_in(AdminCoachingState, engine, school.id("admin"), "administrator")
    await state.load()
    events = await state.add_line("situation=stuck")
    assert events and count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)
    events = await state.set_tasks_need_approval("false")
    assert events and rows(engine, Site)[0].learner_tasks_need_approval is True
