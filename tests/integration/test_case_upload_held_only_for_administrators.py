"""A CASE package is held in memory only when an administrator uploads it.

The upload handler is a public call: anyone's browser can stream a file to it. Bytes from
someone who may not import are dropped as they arrive (not gathered up to the 10 MB limit first),
and the refusal is the same as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from ilp_app.state import case_import as case_import_state
from ilp_app.state.objectives import ObjectivesState
from tests.support.school import build_school
from tests.support.services import audit, signed_in

PACKAGE = json.dumps(
    {"CFDocument": {"identifier": "doc-1", "title": "Maths"}, "CFItems": []}
).encode()


@dataclass
class Chunk:
    filename: str
    data: bytes


async def upload(data: bytes, name: str = "case.json"):
    for start in range(0, len(data), 16):
        yield Chunk(name, data[start : start + 16])


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
def received(monkeypatch) -> list[bytes]:
    """The bytes each import was handed."""
    seen: list[bytes] = []
    real = case_import_state._run_import

    def run_import(actor, data, filename, client_ip):
        seen.append(data)
        return real(actor, data, filename, client_ip)

    monkeypatch.setattr(case_import_state, "_run_import", run_import)
    return seen


async def run(state: ObjectivesState, handler: str, *args) -> list:
    fn = type(state).event_handlers[handler].fn
    return [event async for event in fn(state, *args)]


async def test_a_mentors_upload_is_not_held_and_is_refused(engine, school, received):
    state = await signed_in(ObjectivesState, engine, school.id("mentor"), "mentor")
    await state.load()
    events = await run(state, "import_case", upload(PACKAGE))
    assert received == [b""]
    assert events and events[0]  # sent away with a message
    assert state.report_status == "" and not state.importing
    assert audit(
        engine, actor_user_id=school.id("mentor"), action="school.manage", outcome="denied"
    )


async def test_an_administrators_upload_reaches_the_import(engine, school, received):
    state = await signed_in(ObjectivesState, engine, school.id("admin"), "administrator")
    await state.load()
    await run(state, "import_case", upload(PACKAGE))
    assert received == [PACKAGE]
