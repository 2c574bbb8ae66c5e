"""The accounts table: paging, sorting and filters in the database; bulk actions on ticked rows."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ilp_app.db.models import AuthSession, Group, MentorAssignment, OutgoingMail, User
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.access import invitations
from ilp_app.services.school import account_table as svc
from ilp_app.services.school import relationships
from tests.support.school import build_school, person_elsewhere
from tests.support.services import audit, call, count, load_actors, rows


@pytest.fixture
def school(session):
    """The small school plus 60 learners (l0..l59) in 9C: 68 accounts, 62 learners."""
    s = build_school(session, learners=60)
    s.group = session.exec(select(Group)).one().id
    l3 = s.people["l3"]
    l3.is_active = False
    session.add(l3)
    session.commit()
    return s


@pytest.fixture
def actors(session, school):
    return load_actors(session, school, ("admin", "mentor", "teacher", "parent", "learner"))


def _page(actors, **asked):
    return call(svc.account_page, actors["admin"], query=svc.account_query(**asked))


def test_pages_hold_fifty_rows_and_count_them_all(school, actors):
    first = _page(actors)
    assert (len(first.rows), first.total, first.pages, first.page) == (50, 68, 2, 1)
    second = _page(actors, page=2)
    assert len(second.rows) == 18
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}
    # A page past the end shows the last one.
    assert _page(actors, page=99).page == 2


def test_sorting_by_name_and_email_either_way(school, actors):
    names = [r.full_name for r in _page(actors).rows]
    assert names == sorted(names, key=str.lower)
    down = [r.email for r in _page(actors, sort="email", descending=True).rows]
    assert down == sorted(down, reverse=True)
    assert down[0] == "teacher@test.school"


def test_filters_by_role_group_status_and_text(school, actors):
    assert _page(actors, role="learner").total == 62
    assert [r.full_name for r in _page(actors, role="mentor").rows] == [
        "Mentor Person",
        "Mentor2 Person",
    ]
    in_group = _page(actors, group_id=str(school.group))
    assert in_group.total == 62  # the teacher and 61 learners of 9C
    assert all(r.groups == "9C" for r in in_group.rows)
    assert [r.full_name for r in _page(actors, status="disabled").rows] == ["L3 Person"]
    assert _page(actors, status="no_password").total == 68
    assert [r.email for r in _page(actors, text="PARENT2").rows] == ["parent2@test.school"]
    both = _page(actors, role="learner", text="l1")
    assert {r.full_name for r in both.rows} == {"L1 Person"} | {
        f"L{i} Person" for i in range(10, 20)
    }


def test_the_table_shows_roles_groups_and_status(school, actors):
    (row,) = _page(actors, text="l3@").rows
    assert (row.roles, row.groups, row.is_active, row.has_password) == (
        "Learner",
        "9C",
        False,
        False,
    )


@pytest.mark.parametrize(
    "asked",
    [
        {"role": "headmaster"},
        {"role": {"r": 1}},
        {"status": ["active"]},
        {"status": "asleep"},
        {"sort": "password_hash"},
        {"sort": ["name"]},
        {"descending": "yes"},
        {"group_id": "9C"},
        {"page": "0"},
        {"page": -1},
        {"text": "x" * 101},
        {"text": {"$ne": ""}},
    ],
)
def test_a_forged_table_request_gets_a_message(asked):
    with pytest.raises(ValidationFailed):
        svc.account_query(**asked)


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner", "anonymous"])
def test_only_administrators_list_or_disable_accounts(engine, school, actors, who):
    expected = NotSignedIn if who == "anonymous" else PermissionDenied
    with pytest.raises(expected):
        call(svc.account_page, actors[who], query=svc.account_query())
    with pytest.raises(expected):
        call(svc.accounts_disable, actors[who], user_ids=[school.id("learner")])
    assert count(engine, User, ~User.is_active) == 1


def test_disabling_ticked_accounts_ends_their_sessions(engine, school, actors, session):
    session.add(AuthSession(user_id=school.id("l0"), token_hash="x" * 64, active_role="learner"))
    session.commit()
    ids = [school.id("l0"), school.id("l1"), school.id("l3")]
    assert call(svc.accounts_disable, actors["admin"], user_ids=ids) == 2  # l3 already was
    assert count(engine, User, ~User.is_active) == 3
    (ended,) = rows(engine, AuthSession)
    assert ended.revoked_at is not None
    assert audit(engine, action="user.disable")[-1].detail == (
        f'{{"disabled": 2, "user_ids": {sorted(ids)}}}'
    )


def test_a_foreign_or_forged_id_among_the_ticked_disables_nobody(engine, school, actors, session):
    foreign = person_elsewhere(session, Role.LEARNER, email="f@x.school", full_name="F").id
    session.commit()
    mine = school.id("l0")
    for ticked, error in (
        ([mine, foreign], NotFound),
        ([mine, 10**6], NotFound),
        ([mine, "1; drop table user"], ValidationFailed),
        ([mine, {"id": 1}], ValidationFailed),
        ([mine, school.id("admin")], ValidationFailed),  # one's own account
        ("1,2", ValidationFailed),
        ([], ValidationFailed),
        ([mine] * 201 + list(range(1, 201)), ValidationFailed),
    ):
        with pytest.raises(error):
            call(svc.accounts_disable, actors["admin"], user_ids=ticked)
    assert count(engine, User, ~User.is_active) == 1


def test_ticked_learners_are_connected_to_a_mentor_and_foreign_ids_refused(
    engine, school, actors, session
):
    foreign = person_elsewhere(session, Role.LEARNER, email="f@x.school", full_name="F").id
    session.commit()
    before = count(engine, MentorAssignment)
    ids = [school.id("l0"), school.id("l2")]
    assert (
        call(
            relationships.mentor_connect,
            actors["admin"],
            mentor_id=school.id("mentor2"),
            learner_ids=ids,
        )
        == 2
    )
    with pytest.raises(NotFound):
        call(
            relationships.mentor_connect,
            actors["admin"],
            mentor_id=school.id("mentor2"),
            learner_ids=[school.id("l1"), foreign],
        )
    assert count(engine, MentorAssignment) == before + 2


def test_ticked_accounts_are_invited_and_a_foreign_id_is_skipped(engine, school, actors, session):
    foreign = person_elsewhere(session, Role.PARENT, email="f@x.school", full_name="F").id
    session.commit()
    result = call(
        invitations.invite,
        actors["admin"],
        user_ids=[school.id("parent"), foreign, school.id("l3")],
        origin="https://ilp.test",
    )
    assert result.invited == 1
    assert len(result.skipped) == 2
    assert [m.to_address for m in rows(engine, OutgoingMail)] == ["parent@test.school"]
