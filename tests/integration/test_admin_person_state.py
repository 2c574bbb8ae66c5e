"""One person's page in the administrator's console, through its state, on SQLite and PostgreSQL.

Links are made and removed from the page of either side; each change says what it did, and the
mentor's and the learners' open pages are told to reload. The page is opened on a person as its
``load`` leaves it (the person's id kept server-side).
"""

from __future__ import annotations

import pytest

from ilp_app.db.models import Guardianship, MentorAssignment
from ilp_app.state.admin_person import AdminPersonState
from tests.support.school import build_school
from tests.support.services import rows, signed_in


@pytest.fixture
def school(session):
    return build_school(session, learners=2)


async def page_of(engine, school, name: str) -> AdminPersonState:
    state = await signed_in(AdminPersonState, engine, school.id("admin"), "administrator")
    state._person_id = school.id(name)
    return state


def mentor_pairs(engine) -> set[tuple[int, int]]:
    return {(m.mentor_id, m.learner_id) for m in rows(engine, MentorAssignment)}


def parent_pairs(engine) -> set[tuple[int, int]]:
    return {(g.parent_id, g.learner_id) for g in rows(engine, Guardianship)}


def said(events) -> str:
    """The script the events run in the browser, where a toast's words stand."""
    return str(events)


async def test_a_mentor_is_connected_to_the_learners_found_and_ticked(engine, school, pushed):
    state = await page_of(engine, school, "mentor2")
    await state.search_learners("L0 Person")
    assert [p.name for p in state.learner_results] == ["L0 Person"]
    state.toggle_learner(school.id("l0"))
    events = await state.connect_selected()
    assert "Connected 1 of 1 learners." in said(events)
    assert (school.id("mentor2"), school.id("l0")) in mentor_pairs(engine)
    assert (state.selected, state.learner_results, state.learner_query) == ([], [], "")
    assert {p.name for p in state.person.mentees} == {"L0 Person", "Learner2 Person"}
    assert pushed == [("rosters", {school.id("mentor2")}), ("plans", {school.id("l0")})]


async def test_a_mentor_is_disconnected_from_a_learner_once(engine, school, pushed):
    state = await page_of(engine, school, "mentor")
    assert "Disconnected." in said(await state.disconnect_mentee(school.id("l1")))
    assert (school.id("mentor"), school.id("l1")) not in mentor_pairs(engine)
    assert pushed == [("rosters", {school.id("mentor")}), ("plans", {school.id("l1")})]
    assert "They were not connected." in said(await state.disconnect_mentee(school.id("l1")))


async def test_a_learner_is_connected_to_a_mentor_and_disconnected_again(engine, school, pushed):
    state = await page_of(engine, school, "learner2")
    mentor = school.id("mentor")
    assert "Connected to the mentor." in said(
        await state.connect_mentor({"mentor_id": str(mentor)})
    )
    assert (mentor, school.id("learner2")) in mentor_pairs(engine)
    assert pushed == [("rosters", {mentor}), ("plans", {school.id("learner2")})]
    assert "They were already connected." in said(
        await state.connect_mentor({"mentor_id": str(mentor)})
    )
    pushed.clear()
    assert "Disconnected." in said(await state.disconnect_mentor(mentor))
    assert (mentor, school.id("learner2")) not in mentor_pairs(engine)
    assert pushed == [("rosters", {mentor}), ("plans", {school.id("learner2")})]


async def test_a_forged_mentor_changes_nothing_and_announces_nothing(engine, school, pushed):
    state = await page_of(engine, school, "learner2")
    before = mentor_pairs(engine)
    await state.connect_mentor({"mentor_id": "x1"})
    await state.connect_mentor({"mentor_id": str(school.id("learner"))})  # not a mentor
    await state.connect_mentor("not a form")
    assert mentor_pairs(engine) == before
    assert pushed == []


async def test_parents_and_children_are_unlinked_from_either_page(engine, school):
    learner_page = await page_of(engine, school, "learner")
    assert "Parent unlinked." in said(await learner_page.unlink_parent(school.id("parent")))
    assert (school.id("parent"), school.id("learner")) not in parent_pairs(engine)
    assert "They were not linked." in said(await learner_page.unlink_parent(school.id("parent")))
    parent_page = await page_of(engine, school, "parent2")
    assert "Child unlinked." in said(await parent_page.unlink_child(school.id("learner2")))
    assert parent_pairs(engine) == set()


async def test_a_parent_is_linked_to_a_child_found_by_name(engine, school):
    state = await page_of(engine, school, "parent2")
    await state.search_children("L1 Person")
    assert [p.name for p in state.child_results] == ["L1 Person"]
    state.set_child_label("Guardian")
    assert "Child linked." in said(await state.link_child(school.id("l1")))
    assert (school.id("parent2"), school.id("l1")) in parent_pairs(engine)
    assert (state.child_results, state.child_query, state.child_label) == ([], "", "")


async def test_a_search_by_someone_no_longer_an_administrator_clears_the_page(engine, school):
    state = await signed_in(AdminPersonState, engine, school.id("mentor"), "mentor")
    state._person_id = school.id("mentor2")
    await state.search_learners("Person")
    assert state.learner_results == [] and state.learner_query == "" and state._person_id == 0
