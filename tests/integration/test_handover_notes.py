"""Handover notes through the services, on SQLite and PostgreSQL: the mentor a learner leaves
writes one, the next mentor finds it pinned on the plan, and no family ever reads it."""

from __future__ import annotations

import pytest

from ilp_app.db.models import PlanNote
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.services.plans import handover, plan_activity, plan_edit, plan_read
from ilp_app.services.plans.notifications import notification_list
from ilp_app.services.school import relationships
from tests.support.services import actor_of, audit, call, count, rows

SECRET = "HANDOVER: anxious before tests, sits near the door"


@pytest.fixture
def plan_id(school):
    """The learner's active plan, made by their mentor."""
    mentor = actor_of(school.id("mentor"))
    pid = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=pid).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Speak up in class")
    call(plan_edit.task_add, mentor, goal_id=goal, title="Ask one question a day")
    call(plan_edit.plan_activate, mentor, plan_id=pid)
    return pid


def _move_to_mentor2(school) -> None:
    """The administrator connects the new mentor, then ends the old mentor's link."""
    admin = actor_of(school.id("admin"))
    call(
        relationships.mentor_connect,
        admin,
        mentor_id=school.id("mentor2"),
        learner_ids=[school.id("learner")],
    )
    call(
        relationships.mentor_disconnect,
        admin,
        mentor_id=school.id("mentor"),
        learner_ids=[school.id("learner")],
    )


def test_the_next_mentor_finds_the_handover_pinned_on_the_plan(engine, school, plan_id):
    call(handover.handover_note_add, actor_of(school.id("mentor")), plan_id=plan_id, body=SECRET)
    _move_to_mentor2(school)
    view = call(plan_read.plan_view, actor_of(school.id("mentor2")), plan_id=plan_id)
    assert [(h.body, h.author) for h in view.handovers] == [(SECRET, "Mentor Person")]
    assert SECRET not in {n.body for n in view.notes}  # pinned apart, not among the notes
    (note,) = rows(engine, PlanNote, PlanNote.handover)
    assert note.visibility == "staff"
    assert audit(engine, action="note.handover", outcome="ok")


def test_the_old_mentor_is_asked_for_a_handover_when_a_new_mentor_is_connected(school, plan_id):
    admin = actor_of(school.id("admin"))
    call(
        relationships.mentor_connect,
        admin,
        mentor_id=school.id("mentor2"),
        learner_ids=[school.id("learner")],
    )
    asked = call(notification_list, actor_of(school.id("mentor")))
    assert [(n.plan_id, "handover note" in n.text) for n in asked] == [(plan_id, True)]
    # Connecting the same mentor again asks nobody again.
    call(
        relationships.mentor_connect,
        admin,
        mentor_id=school.id("mentor2"),
        learner_ids=[school.id("learner")],
    )
    assert len(call(notification_list, actor_of(school.id("mentor")))) == 1
    assert call(notification_list, actor_of(school.id("mentor2"))) == []


def test_families_never_read_a_handover_note(school, plan_id):
    call(handover.handover_note_add, actor_of(school.id("mentor")), plan_id=plan_id, body=SECRET)
    for who in ("learner", "parent"):
        view = call(plan_read.plan_view, actor_of(school.id(who)), plan_id=plan_id)
        assert view.handovers == [] and SECRET not in {n.body for n in view.notes}
        assert SECRET not in repr(view)
    # Staff of the learner do: the teacher of their class too.
    teacher_view = call(plan_read.plan_view, actor_of(school.id("teacher")), plan_id=plan_id)
    assert [h.body for h in teacher_view.handovers] == [SECRET]


def test_a_handover_note_cannot_be_turned_into_a_family_note(engine, school, plan_id):
    mentor = actor_of(school.id("mentor"))
    note_id = call(handover.handover_note_add, mentor, plan_id=plan_id, body=SECRET)
    for visibility in ("family", "private"):
        with pytest.raises(ValidationFailed) as info:
            call(plan_activity.note_set_visibility, mentor, note_id=note_id, visibility=visibility)
        assert info.value.message == handover.MSG_HANDOVER_STAFF_ONLY
    assert [n.visibility for n in rows(engine, PlanNote, PlanNote.id == note_id)] == ["staff"]


def test_only_the_mentor_writes_a_handover_and_nothing_is_stored_otherwise(engine, school, plan_id):
    for who in ("teacher", "parent", "learner", "mentor2", "admin"):
        with pytest.raises(PermissionDenied):
            call(handover.handover_note_add, actor_of(school.id(who)), plan_id=plan_id, body="x")
    mentor = actor_of(school.id("mentor"))
    for bad in ("", "   ", "x" * 5001, {"body": "x"}, ["x"]):
        with pytest.raises(ValidationFailed):
            call(handover.handover_note_add, mentor, plan_id=plan_id, body=bad)
    for forged in ("abc", -1, {"id": plan_id}):
        with pytest.raises(ValidationFailed):
            call(handover.handover_note_add, mentor, plan_id=forged, body="x")
    assert count(engine, PlanNote) == 0
    assert audit(engine, action="handover.write", outcome="denied")
