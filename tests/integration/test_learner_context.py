"""The learner context header through the services, on SQLite and PostgreSQL.

Who sees which items and the pronouns, who may change them, and that bad input or a forged
item id changes nothing.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from ilp_app.db.models import AuditEvent, Enrollment, Group, LearnerContextItem, User
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.plans import learner_context as ctx
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.school import directory
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school
from tests.support.services import call

STAFF_TEXT = "Dyslexia: extra time in written tests (STAFF-ONLY-7f3)"
FAMILY_TEXT = "Loves football and drawing (FAMILY-OK-2c9)"


@pytest.fixture
def school(session):
    school = build_school(session)
    site_id = school.site.id
    tutor = Group(site_id=site_id, name="9A", kind="tutor", year_label="Year 9")
    session.add(tutor)
    session.flush()
    session.add(Enrollment(group_id=tutor.id, user_id=school.id("learner"), role="learner"))
    maths = session.exec(select(Group).where(Group.name == "9C")).one()
    maths.course, maths.year_label = "Mathematics, lower secondary", "Year 9"
    learner = school.people["learner"]
    learner.preferred_name, learner.pronouns = "Sunny", "they/them"
    session.add_all([maths, learner])
    session.commit()
    return school


@pytest.fixture
def items(school, actors):
    """A staff-only support need and a family-visible note, added by the mentor."""
    lid = school.id("learner")
    staff_id = call(
        ctx.context_item_add,
        actors["mentor"],
        learner_id=lid,
        kind="support_needs",
        value=STAFF_TEXT,
        visibility="staff",
    )
    family_id = call(
        ctx.context_item_add,
        actors["mentor"],
        learner_id=lid,
        kind="other",
        label="Interests",
        value=FAMILY_TEXT,
        visibility="family",
    )
    return staff_id, family_id


def header(school, actor, name="learner"):
    return call(ctx.context_header, actor, learner_id=school.id(name))


def stored_items(session, learner_id) -> list[tuple]:
    """(id, kind, label, value, visibility) of each stored item; the read ends so services can write."""
    session.expire_all()
    rows = [
        (i.id, i.kind, i.label, i.value, i.visibility)
        for i in session.exec(
            select(LearnerContextItem)
            .where(LearnerContextItem.learner_id == learner_id)
            .order_by(LearnerContextItem.id)
        ).all()
    ]
    session.rollback()
    return rows


def audit_events(session, *conditions) -> list[tuple]:
    """(action, outcome, actor id, target id, detail) of matching audit events, oldest first."""
    session.expire_all()
    rows = [
        (e.action, e.outcome, e.actor_user_id, e.target_id, e.detail)
        for e in session.exec(select(AuditEvent).where(*conditions).order_by(AuditEvent.id)).all()
    ]
    session.rollback()
    return rows


def denied_events(session, action) -> list[tuple]:
    """(actor id, target id) of each refused attempt at ``action``."""
    return [
        (e[2], e[3])
        for e in audit_events(session, AuditEvent.outcome == "denied", AuditEvent.action == action)
    ]


def pronouns_visibility(session, user_id) -> str:
    session.expire_all()
    value = session.get(User, user_id).pronouns_visibility
    session.rollback()
    return value


# --- who sees what ---


def test_mentor_sees_every_item_with_its_visibility_and_may_edit(school, actors, items):
    view = header(school, actors["mentor"])
    assert view.display_name == "Sunny"
    assert view.pronouns == "they/them"
    assert [(i.heading, i.value, i.visibility_label, i.staff_only) for i in view.items] == [
        ("Support or additional needs", STAFF_TEXT, "Staff only", True),
        ("Interests", FAMILY_TEXT, "Staff, learner and parents", False),
    ]
    assert view.staff_view and view.can_edit
    assert view.year == "Year 9"
    assert [g.summary for g in view.groups] == [
        "Tutor group 9A · Year 9",
        "9C · Mathematics, lower secondary",
    ]


def test_teacher_of_the_learner_sees_staff_items_but_may_not_edit(school, actors, items):
    view = header(school, actors["teacher"])
    assert [i.value for i in view.items] == [STAFF_TEXT, FAMILY_TEXT]
    assert view.staff_view
    assert view.can_edit is False


@pytest.mark.parametrize("viewer", ["parent", "learner"])
def test_family_sees_only_family_items_and_the_tutor_group(school, actors, items, viewer):
    view = header(school, actors[viewer])
    assert [(i.heading, i.value) for i in view.items] == [("Interests", FAMILY_TEXT)]
    assert STAFF_TEXT not in repr(view)
    # No hint of what staff see: no visibility labels, no staff-only count, no classes.
    assert view.items[0].visibility_label == ""
    assert view.staff_view is False and view.can_edit is False
    assert view.pronouns_visibility == ""
    assert [g.summary for g in view.groups] == ["Tutor group 9A · Year 9"]
    assert view.year == "Year 9"


def test_pronouns_reach_the_family_only_while_the_learner_shares_them(session, school, actors):
    lid = school.id("learner")
    assert header(school, actors["parent"]).pronouns == "they/them"

    call(ctx.pronouns_visibility_set, actors["mentor"], learner_id=lid, visibility="staff")

    view = header(school, actors["parent"])
    assert view.pronouns == ""
    assert "they/them" not in repr(view)
    # The learner still sees what they chose: the choice is about who else sees it.
    assert header(school, actors["learner"]).pronouns == "they/them"
    assert header(school, actors["mentor"]).pronouns == "they/them"
    assert header(school, actors["teacher"]).pronouns == "they/them"
    # The plan and the parent's home follow the same choice; a printout for home leaves them out.
    plan_id = call(plan_edit.plan_create, actors["mentor"], learner_id=lid)
    area_id = call(plan_read.plan_view, actors["mentor"], plan_id=plan_id).focus_areas[0].id
    call(
        plan_edit.goal_add, actors["mentor"], focus_area_id=area_id, statement="Read a book a month"
    )
    call(plan_edit.plan_activate, actors["mentor"], plan_id=plan_id)
    assert call(plan_read.plan_view, actors["parent"], plan_id=plan_id).learner_pronouns == ""
    assert (
        call(plan_read.plan_view, actors["mentor"], plan_id=plan_id).learner_pronouns == "they/them"
    )
    assert [c.pronouns for c in call(directory.parent_home, actors["parent"]).children] == [""]
    with unit_of_work() as s:
        assert ctx.family_pronouns(session=s, learner_id=lid) == ""


def test_an_unrelated_parent_is_refused_and_the_attempt_audited(session, school, actors, items):
    with pytest.raises(PermissionDenied):
        header(school, actors["parent2"])
    assert denied_events(session, "learner.view") == [
        (school.id("parent2"), str(school.id("learner")))
    ]


# --- who may change it ---


@pytest.mark.parametrize("who", ["teacher", "parent", "learner", "mentor2"])
def test_only_the_mentor_or_an_administrator_may_change_the_context(session, school, actors, who):
    lid, who_id = school.id("learner"), school.id(who)
    with pytest.raises(PermissionDenied):
        call(
            ctx.context_item_add,
            actors[who],
            learner_id=lid,
            kind="other",
            label="Note",
            value="x",
            visibility="family",
        )
    with pytest.raises(PermissionDenied):
        call(ctx.pronouns_visibility_set, actors[who], learner_id=lid, visibility="staff")
    assert stored_items(session, lid) == []
    assert pronouns_visibility(session, lid) == "family"
    assert denied_events(session, "context.edit") == [(who_id, str(lid))] * 2

    call(
        ctx.context_item_add,
        actors["admin"],
        learner_id=lid,
        kind="other",
        label="Note",
        value="x",
        visibility="family",
    )
    assert len(stored_items(session, lid)) == 1


def test_changes_are_audited_without_their_text(session, school, actors, items):
    staff_id, _ = items
    call(
        ctx.context_item_update,
        actors["mentor"],
        learner_id=school.id("learner"),
        item_id=staff_id,
        kind="support_needs",
        value=STAFF_TEXT + " updated",
        visibility="staff",
    )
    events = audit_events(session, AuditEvent.action.like("context.%"))
    assert [(action, outcome, actor) for action, outcome, actor, _, _ in events] == [
        ("context.item_add", "ok", school.id("mentor")),
        ("context.item_add", "ok", school.id("mentor")),
        ("context.item_update", "ok", school.id("mentor")),
    ]
    assert '"visibility_before": "staff"' in events[-1][4]
    assert not any("STAFF-ONLY" in detail or "FAMILY-OK" in detail for *_, detail in events)


# --- changing items ---


def test_mentor_edits_an_item_and_can_make_it_staff_only(session, school, actors, items):
    _, family_id = items
    lid = school.id("learner")
    call(
        ctx.context_item_update,
        actors["mentor"],
        learner_id=lid,
        item_id=family_id,
        kind="other",
        label="Interests",
        value="Chess club on Thursdays",
        visibility="staff",
    )
    assert header(school, actors["parent"]).items == []
    mentor_view = header(school, actors["mentor"])
    assert [(i.value, i.staff_only) for i in mentor_view.items][1] == (
        "Chess club on Thursdays",
        True,
    )


def test_mentor_removes_an_item(session, school, actors, items):
    staff_id, family_id = items
    lid = school.id("learner")
    call(ctx.context_item_remove, actors["mentor"], learner_id=lid, item_id=staff_id)
    assert [i[0] for i in stored_items(session, lid)] == [family_id]
    with pytest.raises(NotFound):
        call(ctx.context_item_remove, actors["mentor"], learner_id=lid, item_id=staff_id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "diagnosis"}, ctx.MSG_KIND),
        ({"kind": {"x": 1}}, ctx.MSG_KIND),
        ({"value": "   "}, ctx.MSG_VALUE_REQUIRED),
        ({"value": "x" * 2001}, ctx.MSG_VALUE_TOO_LONG),
        ({"value": ["a list"]}, ctx.MSG_VALUE_REQUIRED),
        ({"kind": "other", "label": ""}, ctx.MSG_LABEL_REQUIRED),
        ({"label": "y" * 81}, ctx.MSG_LABEL_TOO_LONG),
        ({"visibility": "everyone"}, ctx.MSG_VISIBILITY),
        ({"visibility": None}, ctx.MSG_VISIBILITY),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    session, school, actors, items, fields, message
):
    staff_id, _ = items
    lid = school.id("learner")
    good = {
        "kind": "prior_attainment",
        "label": "",
        "value": "Above the expected level",
        "visibility": "family",
    }
    before = stored_items(session, lid)
    with pytest.raises(ValidationFailed) as added:
        call(ctx.context_item_add, actors["mentor"], learner_id=lid, **{**good, **fields})
    with pytest.raises(ValidationFailed) as updated:
        call(
            ctx.context_item_update,
            actors["mentor"],
            learner_id=lid,
            item_id=staff_id,
            **{**good, **fields},
        )
    assert added.value.message == updated.value.message == message
    assert stored_items(session, lid) == before


def test_a_value_of_exactly_2000_characters_is_kept(session, school, actors):
    lid = school.id("learner")
    call(
        ctx.context_item_add,
        actors["mentor"],
        learner_id=lid,
        kind="prior_attainment",
        value="x" * 2000,
        visibility="staff",
    )
    assert len(stored_items(session, lid)[0][3]) == 2000


def test_bad_pronouns_visibility_changes_nothing(session, school, actors):
    lid = school.id("learner")
    with pytest.raises(ValidationFailed) as refused:
        call(ctx.pronouns_visibility_set, actors["mentor"], learner_id=lid, visibility="parents")
    assert refused.value.message == ctx.MSG_VISIBILITY
    assert pronouns_visibility(session, lid) == "family"


def test_a_forged_item_id_of_another_learner_is_refused_and_nothing_changes(
    session, school, actors
):
    other = school.id("learner2")
    their_item = call(
        ctx.context_item_add,
        actors["mentor2"],
        learner_id=other,
        kind="support_needs",
        value="Not for the other mentor",
        visibility="staff",
    )
    mine = school.id("learner")
    with pytest.raises(PermissionDenied):
        call(
            ctx.context_item_update,
            actors["mentor"],
            learner_id=mine,
            item_id=their_item,
            kind="other",
            label="Hijacked",
            value="Overwritten",
            visibility="family",
        )
    with pytest.raises(PermissionDenied):
        call(ctx.context_item_remove, actors["mentor"], learner_id=mine, item_id=their_item)
    assert stored_items(session, other) == [
        (their_item, "support_needs", "", "Not for the other mentor", "staff")
    ]
    assert stored_items(session, mine) == []
    assert denied_events(session, "context.edit") == [(school.id("mentor"), str(other))] * 2
