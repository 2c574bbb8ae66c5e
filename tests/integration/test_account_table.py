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
from ilp_app.state.admin import AdminState
from tests.support.school import build_school, person_elsewhere
from tests.support.services import audit, call, count, load_actors, rows, signed_in


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


async def test_the_page_filters_sorts_and_pages_on_the_server(engine, school):
    state = await signed_in(AdminState, engine, school.id("admin"), "administrator")
    await state.load()
    assert (len(state.rows), state.total, state.pages) == (50, 68, 2)
    await state.go_to_page(2)
    assert (state.page, len(state.rows)) == (2, 18)
    await state.set_filter("role", "mentor")
    assert (state.page, state.total) == (1, 2)
    await state.sort_by("name")  # the sorted column again: the other way round
    assert [r.full_name for r in state.rows] == ["Mentor2 Person", "Mentor Person"]
    assert state.mentors and state.filter_groups


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        ("set_filter", ("role", "headmaster")),
        ("set_filter", ("password_hash", "x")),
        ("set_filter", ("group", {"id": 1})),
        ("sort_by", ("password_hash",)),
        ("go_to_page", (3,)),
        ("go_to_page", ("2",)),
        ("go_to_page", (True,)),
    ],
)
async def test_a_forged_table_event_gets_a_message_and_changes_nothing(
    engine, school, handler, args
):
    state = await signed_in(AdminState, engine, school.id("admin"), "administrator")
    await state.load()
    before = (state.role_filter, state.group_filter, state.sort, state.page, state.total)
    assert await getattr(state, handler)(*args) is not None  # a message
    assert (state.role_filter, state.group_filter, state.sort, state.page, state.total) == before


async def test_bulk_disable_acts_only_on_rows_the_table_showed(engine, school):
    state = await signed_in(AdminState, engine, school.id("admin"), "administrator")
    await state.load()
    await state.set_filter("role", "parent")
    state.toggle_ticked(school.id("l0"))  # not on show: not ticked
    state.tick_page(True)
    assert sorted(state.ticked) == sorted([school.id("parent"), school.id("parent2")])
    await state.disable_ticked()
    assert state.ticked == []
    assert {u.email for u in rows(engine, User, ~User.is_active)} == {
        "l3@test.school",
        "parent@test.school",
        "parent2@test.school",
    }
