"""The administrator's management of people and relationships, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does; refusals are audited by
the unit of work after its rollback. Access is checked by loading the person's actor afresh,
as the next event of theirs would.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import (
    AuthSession,
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    Plan,
    RoleGrant,
    User,
)
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.access import auth
from ilp_app.services.plans import plan_read
from ilp_app.services.school import directory, people_admin, relationships, users
from ilp_app.services.school.relationships import WHY_ADMIN, WHY_MENTOR
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school, person_elsewhere
from tests.support.services import actor_of, audit, call, count

PASSWORD = "velvet harbour lanterns"
TEMP_PASSWORD = "amber kettle morning"


def links(engine) -> set[tuple[int, int]]:
    with Session(engine) as s:
        return set(s.exec(select(MentorAssignment.mentor_id, MentorAssignment.learner_id)).all())


@pytest.fixture
def school(session):
    built = build_school(session, learners=2)
    session.commit()
    return built


@pytest.fixture
def admin(school):
    return actor_of(school.id("admin"))


@pytest.fixture
def foreign_learner(session, school):
    """A learner at another school: never reachable from this one."""
    user = person_elsewhere(session, Role.LEARNER, email="far@other.school", full_name="Far Away")
    session.commit()
    return user.id


def plan_for(session, school, name: str) -> int:
    plan = Plan(
        site_id=school.site.id,
        learner_id=school.id(name),
        period_id=school.period.id,
        status="active",
    )
    session.add(plan)
    session.commit()
    return plan.id


def new_account(admin, **overrides) -> int:
    fields = {
        "email": "new.mentor@test.school",
        "full_name": "Nora  Berg",
        "roles": ["mentor", "teacher"],
        "preferred_name": "Nora",
        "pronouns": "she/her",
        "pronouns_visibility": "staff",
    }
    return call(people_admin.user_create, admin, **(fields | overrides))


# --- creating and editing accounts ---------------------------------------------------------


def test_a_new_account_has_its_roles_and_no_usable_password_until_one_is_set(engine, school, admin):
    uid = new_account(admin, client_ip="192.0.2.9")
    with Session(engine) as s:
        user = s.get(User, uid)
        assert (user.full_name, user.preferred_name, user.pronouns, user.pronouns_visibility) == (
            "Nora Berg",
            "Nora",
            "she/her",
            "staff",
        )
        assert user.site_id == school.site.id
        assert user.password_hash is None
        roles = set(s.exec(select(RoleGrant.role).where(RoleGrant.user_id == uid)).all())
    assert roles == {"mentor", "teacher"}
    with unit_of_work() as s, pytest.raises(auth.SignInRefused):
        auth.sign_in(session=s, email="new.mentor@test.school", password="")
    created = audit(engine, action="user.create")
    assert [(e.outcome, e.target_id, e.client_ip) for e in created] == [
        ("ok", str(uid), "192.0.2.9")
    ]


def test_a_temporary_password_given_at_creation_must_be_replaced_at_first_sign_in(engine, admin):
    new_account(admin, password=TEMP_PASSWORD)
    with unit_of_work() as s:
        result = auth.sign_in(session=s, email="NEW.MENTOR@test.school", password=TEMP_PASSWORD)
    assert result.must_change_password is True
    assert all(TEMP_PASSWORD not in e.detail for e in audit(engine))


@pytest.mark.parametrize(
    "email", ["mentor@test.school", "MENTOR@Test.School", "  Mentor@test.school "]
)
def test_an_email_already_in_use_is_refused_whatever_its_case(engine, admin, email):
    before = count(engine, User)
    with pytest.raises(ValidationFailed, match=re.escape(people_admin.MSG_EMAIL_TAKEN)):
        new_account(admin, email=email)
    assert count(engine, User) == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"roles": ["wizard"]}, people_admin.MSG_ROLES),
        ({"roles": ["mentor", {"role": "administrator"}]}, people_admin.MSG_ROLES),
        ({"roles": "administrator"}, people_admin.MSG_ROLES),
        ({"roles": []}, people_admin.MSG_NO_ROLE),
        ({"email": "not-an-address"}, people_admin.MSG_EMAIL),
        ({"email": {"$ne": ""}}, people_admin.MSG_EMAIL),
        ({"full_name": "   "}, people_admin.MSG_FULL_NAME),
        ({"full_name": "x" * 201}, people_admin.MSG_FULL_NAME),
        ({"full_name": "Bell\x07"}, people_admin.MSG_FULL_NAME),
        ({"pronouns": "p" * 51}, people_admin.MSG_PRONOUNS),
        ({"pronouns_visibility": "everyone"}, people_admin.MSG_PRONOUN_AUDIENCE),
        ({"password": "short"}, "at least"),
    ],
)
def test_bad_account_fields_are_refused_and_nothing_is_created(engine, admin, overrides, message):
    before = (count(engine, User), count(engine, RoleGrant))
    with pytest.raises(ValidationFailed, match=re.escape(message)):
        new_account(admin, **overrides)
    assert (count(engine, User), count(engine, RoleGrant)) == before


def test_editing_changes_details_and_roles_and_is_audited(engine, school, admin):
    uid = school.id("teacher")
    changed = call(
        people_admin.user_update,
        admin,
        user_id=uid,
        email="T.Eacher@test.school",
        full_name="Tea Cher",
        preferred_name="Tea",
        pronouns="they/them",
        pronouns_visibility="family",
        roles=["teacher", "mentor"],
    )
    assert set(changed) == {"email", "full_name", "preferred_name", "pronouns", "roles"}
    detail = call(people_admin.person_detail, admin, user_id=uid)
    assert (detail.email, detail.full_name, detail.roles) == (
        "T.Eacher@test.school",
        "Tea Cher",
        ["mentor", "teacher"],
    )
    assert actor_of(uid).roles == {Role.MENTOR, Role.TEACHER}
    [event] = audit(engine, action="user.update")
    assert '"roles_added": ["mentor"]' in event.detail


def test_editing_refuses_an_email_another_account_uses_but_keeps_ones_own_in_another_case(
    engine, school, admin
):
    uid = school.id("teacher")
    base = {"full_name": "Teacher Person", "roles": ["teacher"]}
    with pytest.raises(ValidationFailed, match=re.escape(people_admin.MSG_EMAIL_TAKEN)):
        call(people_admin.user_update, admin, user_id=uid, email="PARENT@test.school", **base)
    assert call(
        people_admin.user_update, admin, user_id=uid, email="TEACHER@test.school", **base
    ) == ["email"]


def test_an_administrator_cannot_remove_their_own_administrator_role(engine, school, admin):
    uid = school.id("admin")
    with pytest.raises(ValidationFailed, match=re.escape(people_admin.MSG_SELF_DEMOTION)):
        call(
            people_admin.user_update,
            admin,
            user_id=uid,
            email="admin@test.school",
            full_name="Admin Person",
            roles=["mentor"],
        )
    assert actor_of(uid).roles == {Role.ADMINISTRATOR}
    # Their own name they may change.
    assert call(
        people_admin.user_update,
        admin,
        user_id=uid,
        email="admin@test.school",
        full_name="Head Teacher",
        roles=["administrator", "teacher"],
    ) == ["full_name", "roles"]


def test_removing_a_role_ends_the_sessions_using_it_and_keeps_the_others(
    engine, session, school, admin
):
    uid = school.id("teacher")
    user = session.get(User, uid)
    user.password_hash = security.password_hash(PASSWORD)
    session.add_all([user, RoleGrant(user_id=uid, role="mentor")])
    session.commit()
    tokens = []
    for _ in range(2):
        with unit_of_work() as s:
            tokens.append(
                auth.sign_in(session=s, email="teacher@test.school", password=PASSWORD).token
            )
    with unit_of_work() as s:  # the first session uses the mentor home, the second the teacher one
        auth.role_switch(session=s, digest=security.token_digest(tokens[1]), role="teacher")
    call(
        people_admin.user_update,
        admin,
        user_id=uid,
        email="teacher@test.school",
        full_name="Teacher Person",
        roles=["teacher"],
    )
    with unit_of_work() as s:
        assert auth.current_user(session=s, token=tokens[0]) is None
        still = auth.current_user(session=s, token=tokens[1])
        assert still.actor.roles == {Role.TEACHER}
    assert count(engine, AuthSession, AuthSession.revoke_reason == "role_removed") == 1


def test_disabling_an_account_ends_its_sessions(engine, session, school, admin):
    uid = school.id("mentor")
    user = session.get(User, uid)
    user.password_hash = security.password_hash(PASSWORD)
    session.add(user)
    session.commit()
    with unit_of_work() as s:
        token = auth.sign_in(session=s, email="mentor@test.school", password=PASSWORD).token
    call(users.user_set_active, admin, user_id=uid, active=False)
    with unit_of_work() as s:
        assert auth.current_user(session=s, token=token) is None
    assert call(people_admin.person_detail, admin, user_id=uid).is_active is False


# --- mentors and learners ------------------------------------------------------------------


def test_connecting_in_bulk_counts_new_links_and_repeating_changes_nothing(engine, school, admin):
    mentor2 = school.id("mentor2")
    learners = [school.id("learner"), school.id("l0"), school.id("l1"), school.id("learner2")]
    assert call(relationships.mentor_connect, admin, mentor_id=mentor2, learner_ids=learners) == 3
    assert call(relationships.mentor_connect, admin, mentor_id=mentor2, learner_ids=learners) == 0
    assert (
        call(
            relationships.mentor_connect,
            admin,
            mentor_id=mentor2,
            learner_ids=[school.id("learner")],
        )
        == 0
    )
    assert actor_of(mentor2).mentee_ids == set(learners)
    assert [e.outcome for e in audit(engine, action="relationship.mentor_connect")] == ["ok"] * 3


def test_a_connected_mentor_reaches_the_learner_and_a_disconnected_one_no_longer_does(
    session, school, admin
):
    plan_id = plan_for(session, school, "learner2")
    mentor, learner2 = school.id("mentor"), school.id("learner2")
    with pytest.raises(PermissionDenied):
        call(plan_read.plan_view, actor_of(mentor), plan_id=plan_id)

    assert call(relationships.mentor_connect, admin, mentor_id=mentor, learner_ids=[learner2]) == 1
    view = call(plan_read.plan_view, actor_of(mentor), plan_id=plan_id)
    assert view.can.edit is True
    assert learner2 in [r.id for r in call(directory.mentor_home, actor_of(mentor)).learners]

    assert (
        call(relationships.mentor_disconnect, admin, mentor_id=mentor, learner_ids=[learner2]) == 1
    )
    assert (
        call(relationships.mentor_disconnect, admin, mentor_id=mentor, learner_ids=[learner2]) == 0
    )
    with pytest.raises(PermissionDenied):
        call(plan_read.plan_view, actor_of(mentor), plan_id=plan_id)
    assert learner2 not in [r.id for r in call(directory.mentor_home, actor_of(mentor)).learners]


def test_only_mentors_get_learners_and_only_learners_are_connected(engine, school, admin):
    before = links(engine)
    with pytest.raises(ValidationFailed, match="Teacher Person does not have the mentor role"):
        call(
            relationships.mentor_connect,
            admin,
            mentor_id=school.id("teacher"),
            learner_ids=[school.id("learner")],
        )
    with pytest.raises(ValidationFailed, match="Parent Person is not a learner"):
        call(
            relationships.mentor_connect,
            admin,
            mentor_id=school.id("mentor2"),
            learner_ids=[school.id("learner"), school.id("parent")],
        )
    assert links(engine) == before


def test_a_whole_group_can_be_chosen_for_a_bulk_connection(engine, school, admin):
    group = next(g for g in call(relationships.group_options, admin) if g.name == "9C")
    assert group.learner_count == 3
    members = call(relationships.group_learners, admin, group_id=group.id)
    added = call(
        relationships.mentor_connect,
        admin,
        mentor_id=school.id("mentor2"),
        learner_ids=[m.id for m in members],
    )
    assert added == 3
    assert {m.name for m in members} == {"Learner Person", "L0 Person", "L1 Person"}


# --- parents and children ------------------------------------------------------------------


def test_linking_a_parent_gives_them_the_child_and_unlinking_takes_it_away(engine, school, admin):
    parent2, learner = school.id("parent2"), school.id("learner")
    assert (
        call(
            relationships.guardian_link,
            admin,
            parent_id=parent2,
            learner_id=learner,
            relationship_label=" Step  mother ",
        )
        is True
    )
    assert learner in actor_of(parent2).child_ids
    assert [c.name for c in call(directory.parent_home, actor_of(parent2)).children] == [
        "Learner Person",
        "Learner2 Person",
    ]
    # Linking again only changes the label.
    assert (
        call(
            relationships.guardian_link,
            admin,
            parent_id=parent2,
            learner_id=learner,
            relationship_label="Guardian",
        )
        is False
    )
    detail = call(people_admin.person_detail, admin, user_id=parent2)
    assert ("Learner Person", "Guardian") in [(c.name, c.detail) for c in detail.children]

    assert call(relationships.guardian_unlink, admin, parent_id=parent2, learner_id=learner) is True
    assert learner not in actor_of(parent2).child_ids


def test_only_parents_are_linked_to_children_and_labels_are_short(engine, school, admin):
    before = count(engine, Guardianship)
    with pytest.raises(ValidationFailed, match="does not have the parent role"):
        call(
            relationships.guardian_link,
            admin,
            parent_id=school.id("teacher"),
            learner_id=school.id("learner"),
        )
    with pytest.raises(ValidationFailed, match="not a learner"):
        call(
            relationships.guardian_link,
            admin,
            parent_id=school.id("parent2"),
            learner_id=school.id("mentor"),
        )
    with pytest.raises(ValidationFailed, match="at most 50"):
        call(
            relationships.guardian_link,
            admin,
            parent_id=school.id("parent2"),
            learner_id=school.id("learner"),
            relationship_label="x" * 51,
        )
    assert count(engine, Guardianship) == before


# --- refusals ------------------------------------------------------------------------------


OPERATIONS = {
    "create": lambda school: (
        people_admin.user_create,
        {"email": "x@test.school", "full_name": "X", "roles": ["administrator"]},
    ),
    "edit": lambda school: (
        people_admin.user_update,
        {
            "user_id": school.id("teacher"),
            "email": "x@test.school",
            "full_name": "X",
            "roles": ["administrator"],
        },
    ),
    "detail": lambda school: (people_admin.person_detail, {"user_id": school.id("learner")}),
    "connect": lambda school: (
        relationships.mentor_connect,
        {"mentor_id": school.id("mentor2"), "learner_ids": [school.id("learner")]},
    ),
    "disconnect": lambda school: (
        relationships.mentor_disconnect,
        {"mentor_id": school.id("mentor"), "learner_ids": [school.id("learner")]},
    ),
    "link": lambda school: (
        relationships.guardian_link,
        {"parent_id": school.id("parent2"), "learner_id": school.id("learner")},
    ),
    "unlink": lambda school: (
        relationships.guardian_unlink,
        {"parent_id": school.id("parent"), "learner_id": school.id("learner")},
    ),
    "search": lambda school: (relationships.learner_search, {"query": "Person"}),
}


def snapshot(engine) -> tuple:
    with Session(engine) as s:
        return (
            links(engine),
            set(s.exec(select(Guardianship.parent_id, Guardianship.learner_id)).all()),
            set(s.exec(select(RoleGrant.user_id, RoleGrant.role)).all()),
            set(s.exec(select(User.id, User.email, User.full_name)).all()),
        )


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner"])
def test_people_who_are_not_administrators_are_refused_and_it_is_audited(
    engine, school, operation, who
):
    fn, kwargs = OPERATIONS[operation](school)
    before = snapshot(engine)
    with pytest.raises(PermissionDenied) as info:
        call(fn, actor_of(school.id(who)), client_ip="192.0.2.66", **kwargs)
    assert type(info.value) is PermissionDenied
    assert snapshot(engine) == before
    [denied] = audit(engine, outcome="denied")
    assert (denied.actor_user_id, denied.action, denied.client_ip) == (
        school.id(who),
        "school.manage",
        "192.0.2.66",
    )


def test_nobody_signed_in_is_refused(engine, school):
    fn, kwargs = OPERATIONS["connect"](school)
    with pytest.raises(NotSignedIn):
        call(fn, None, **kwargs)
    with pytest.raises(NotSignedIn):
        call(relationships.why_lines, None, learner_ids=[school.id("learner")])


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# Ids are parsed by one rule: an int or its plain ASCII digits ("7"). Text written any other
# way (digits int() would also read, spaces, a leading zero) is a forgery like the others.
FORGERIES = [
    pytest.param(lambda uid, far: str(uid).translate(ARABIC_INDIC), id="arabic-digits"),
    pytest.param(lambda uid, far: f"{uid} ", id="spaced"),
    pytest.param(lambda uid, far: f"0{uid}", id="leading-zero"),
    pytest.param(lambda uid, far: str(far), id="other-school-text"),
    pytest.param(lambda uid, far: {"id": uid}, id="dict"),
    pytest.param(lambda uid, far: True, id="bool"),
    pytest.param(lambda uid, far: None, id="none"),
    pytest.param(lambda uid, far: float(uid), id="float"),
    pytest.param(lambda uid, far: -uid, id="negative"),
    pytest.param(lambda uid, far: far, id="other-school"),
]


def test_person_ids_sent_as_digits_are_read_like_any_other_id(engine, school, admin):
    mentor2, learner = school.id("mentor2"), school.id("learner")
    assert (
        call(
            relationships.mentor_connect, admin, mentor_id=str(mentor2), learner_ids=[str(learner)]
        )
        == 1
    )
    assert (mentor2, learner) in links(engine)
    assert call(people_admin.person_detail, admin, user_id=str(learner)).id == learner


@pytest.mark.parametrize("forge", FORGERIES)
def test_forged_person_ids_are_refused_with_a_clear_message_and_nothing_changes(
    engine, school, admin, foreign_learner, forge
):
    mentor, learner, parent2 = school.id("mentor2"), school.id("learner"), school.id("parent2")
    attempts = [
        (
            relationships.mentor_connect,
            {"mentor_id": forge(mentor, foreign_learner), "learner_ids": [learner]},
        ),
        (
            relationships.mentor_connect,
            {"mentor_id": mentor, "learner_ids": [forge(learner, foreign_learner)]},
        ),
        (
            relationships.mentor_disconnect,
            {"mentor_id": school.id("mentor"), "learner_ids": [forge(learner, foreign_learner)]},
        ),
        (
            relationships.guardian_link,
            {"parent_id": forge(parent2, foreign_learner), "learner_id": learner},
        ),
        (
            relationships.guardian_link,
            {"parent_id": parent2, "learner_id": forge(learner, foreign_learner)},
        ),
        (people_admin.person_detail, {"user_id": forge(learner, foreign_learner)}),
        (
            people_admin.user_update,
            {
                "user_id": forge(learner, foreign_learner),
                "email": "x@test.school",
                "full_name": "X",
                "roles": ["learner"],
            },
        ),
    ]
    before = snapshot(engine)
    for fn, kwargs in attempts:
        with pytest.raises((ValidationFailed, NotFound)) as info:
            call(fn, admin, **kwargs)
        assert info.value.message in (
            relationships.MSG_PERSON_NOT_FOUND,
            people_admin.MSG_USER_NOT_FOUND,
        )
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "learner_ids",
    [
        pytest.param("1,2", id="text"),
        pytest.param({"ids": [1]}, id="dict"),
        pytest.param([], id="empty"),
        pytest.param(None, id="none"),
        pytest.param(list(range(1, 502)), id="too-many"),
    ],
)
def test_forged_learner_lists_are_refused(engine, school, admin, learner_ids):
    before = links(engine)
    with pytest.raises(ValidationFailed):
        call(
            relationships.mentor_connect,
            admin,
            mentor_id=school.id("mentor2"),
            learner_ids=learner_ids,
        )
    assert links(engine) == before


# --- why a staff member sees a learner -----------------------------------------------------


def test_why_lines_give_each_staff_member_their_own_reasons_and_nothing_for_unrelated_learners(
    session, school, admin, foreign_learner
):
    learner, learner2 = school.id("learner"), school.id("learner2")
    tutor = Group(site_id=school.site.id, name="9 Tutor", kind="tutor")
    session.add(tutor)
    session.flush()
    session.add_all(
        [
            Enrollment(group_id=tutor.id, user_id=school.id("teacher"), role="teacher"),
            Enrollment(group_id=tutor.id, user_id=learner, role="learner"),
        ]
    )
    session.commit()
    ids = [learner, learner2, foreign_learner]

    assert call(relationships.why_lines, actor_of(school.id("mentor")), learner_ids=ids) == {
        learner: [WHY_MENTOR]
    }
    assert call(relationships.why_lines, actor_of(school.id("teacher")), learner_ids=ids) == {
        learner: ["You lead their tutor group 9 Tutor", "You teach them in 9C"]
    }
    assert call(relationships.why_lines, admin, learner_ids=ids) == {
        learner: [WHY_ADMIN],
        learner2: [WHY_ADMIN],
    }
    assert (
        call(relationships.why_lines, actor_of(school.id("mentor2")), learner_ids=[learner]) == {}
    )
    for family in ("parent", "learner"):
        assert call(relationships.why_lines, actor_of(school.id(family)), learner_ids=ids) == {}


def test_a_teacher_enrolment_without_the_teacher_role_gives_no_reason(session, school):
    # The rules need the role *and* the link; the explanation must not claim more.
    session.add(
        Enrollment(
            group_id=session.exec(select(Group.id)).first(),
            user_id=school.id("mentor2"),
            role="teacher",
        )
    )
    session.commit()
    assert (
        call(
            relationships.why_lines,
            actor_of(school.id("mentor2")),
            learner_ids=[school.id("learner")],
        )
        == {}
    )


def test_staff_homes_and_plans_carry_the_reason_and_families_see_none(session, school):
    plan_id = plan_for(session, school, "learner")
    rows = call(directory.mentor_home, actor_of(school.id("mentor"))).learners
    assert {r.why for r in rows} == {WHY_MENTOR}
    rows = call(directory.teacher_home, actor_of(school.id("teacher"))).learners
    assert {r.why for r in rows} == {"You teach them in 9C"}
    assert (
        call(plan_read.plan_view, actor_of(school.id("mentor")), plan_id=plan_id).why == WHY_MENTOR
    )
    for family in ("parent", "learner"):
        assert call(plan_read.plan_view, actor_of(school.id(family)), plan_id=plan_id).why == ""
    assert [r.why for r in call(directory.parent_home, actor_of(school.id("parent"))).children] == [
        ""
    ]
    assert call(directory.learner_home, actor_of(school.id("learner"))).me.why == ""
