"""After an erasure, nothing brings the learner back: not the account pages, the links, nor the live boards.

An anonymised learner keeps an account (for the school's figures) with the plans emptied of
words. It must stay closed: no re-enabling, no temporary password, no new mentor or parent. An
erased learner's name must leave the group boards and staff homes that other browsers hold open.
"""

from __future__ import annotations

import contextlib

import pytest
import reflex as rx
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.services.live import live_feed
from ilp_app.services.live.live_registry import MemoryRegistry, Viewer
from ilp_app.services.privacy.erasure import erased_name, learner_erase
from ilp_app.services.reports.overview import OverviewRow, ProjectorTile
from ilp_app.services.school import relationships, users
from ilp_app.services.school.people_admin import MSG_ERASED
from ilp_app.state import admin_privacy as privacy_state
from ilp_app.state import live
from ilp_app.state.admin_privacy import AdminPrivacyState
from ilp_app.state.group import GroupPageState, ProjectorPageState
from tests.support.school import build_school
from tests.support.services import call, load_actors, signed_in


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
def actors(session, school):
    return load_actors(session, school, ["admin", "mentor", "mentor2", "parent2"])


@pytest.fixture
def anonymised(engine, school, actors) -> int:
    lid = school.id("learner")
    call(learner_erase, actors["admin"], learner_id=lid, mode="anonymise")
    return lid


def stored(engine, user_id: int) -> User:
    with Session(engine) as s:
        return s.get(User, user_id)


def tutor_group_id(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(Group.id)).one()


def test_an_anonymised_account_cannot_be_enabled_again(engine, actors, anonymised):
    with pytest.raises(ValidationFailed, match=MSG_ERASED):
        call(users.user_set_active, actors["admin"], user_id=anonymised, active=True)
    assert stored(engine, anonymised).is_active is False
    call(
        users.user_set_active, actors["admin"], user_id=anonymised, active=False
    )  # already closed: no change


def test_an_anonymised_account_gets_no_temporary_password(engine, actors, anonymised):
    with pytest.raises(ValidationFailed, match=MSG_ERASED):
        call(
            users.temporary_password_set,
            actors["admin"],
            user_id=anonymised,
            password="Fresh-start-2026!",
        )
    assert stored(engine, anonymised).password_hash is None


def test_an_anonymised_learner_cannot_be_given_a_mentor_or_a_parent(
    engine, school, actors, anonymised
):
    with pytest.raises(ValidationFailed, match="erased"):
        call(
            relationships.mentor_connect,
            actors["admin"],
            mentor_id=school.id("mentor2"),
            learner_ids=[anonymised, school.id("learner2")],
        )
    with pytest.raises(ValidationFailed, match="erased"):
        call(
            relationships.guardian_link,
            actors["admin"],
            parent_id=school.id("parent2"),
            learner_id=anonymised,
        )
    # Nothing was linked: the other learner of the refused request included.
    assert (
        call(
            relationships.mentor_connect,
            actors["admin"],
            mentor_id=school.id("mentor2"),
            learner_ids=[school.id("learner2")],
        )
        == 0
    )


def test_searches_and_whole_groups_leave_anonymised_learners_out(
    engine, school, actors, anonymised
):
    members = call(relationships.group_learners, actors["admin"], group_id=tutor_group_id(engine))
    assert anonymised not in [m.id for m in members]
    assert call(relationships.learner_search, actors["admin"], query="Erased learner") == []
    assert erased_name(anonymised) == stored(engine, anonymised).full_name


def test_anonymising_clears_the_roster_keys_of_the_enrollments_it_keeps(engine, school, actors):
    lid = school.id("learner")
    with Session(engine) as s:
        learner = s.get(User, lid)
        learner.source_id = "SIS-4471"
        [enrollment] = s.exec(select(Enrollment).where(Enrollment.user_id == lid)).all()
        enrollment.source_id = "enr-9C-SIS-4471"
        s.add_all([learner, enrollment])
        s.commit()
    call(learner_erase, actors["admin"], learner_id=lid, mode="anonymise")
    with Session(engine) as s:
        kept = s.exec(select(Enrollment).where(Enrollment.user_id == lid)).all()
    assert [e.source_id for e in kept] == [
        None
    ]  # still in the group, no longer traceable to the roster


# --- the live boards ----------------------------------------------------------------------------


class Boards:
    """The state trees of a running app's tabs, per client token, as ``app.modify_state`` hands them out."""

    def __init__(self) -> None:
        self.roots: dict[str, rx.State] = {}

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        yield self.roots.setdefault(token.ident, rx.State())


async def test_an_erased_learner_leaves_the_open_boards_and_their_teachers_homes(
    engine, school, actors, monkeypatch
):
    gid = tutor_group_id(engine)
    lid, other = school.id("learner"), school.id("learner2")
    app = Boards()
    # The teacher has the group's overview open in one tab and its projector in another.
    overview = await signed_in(GroupPageState, engine, school.id("teacher"), "teacher")
    app.roots["tab-overview"] = overview._get_root_state()
    overview.loaded, overview._channel = True, live_feed.channel(live_feed.GROUP, gid)
    overview.rows = [
        OverviewRow(learner_id=lid, name="Learner Person"),
        OverviewRow(learner_id=other, name="Someone Else"),
    ]
    projector = await signed_in(ProjectorPageState, engine, school.id("teacher"), "teacher")
    app.roots["tab-projector"] = projector._get_root_state()
    projector.loaded, projector._channel = True, live_feed.channel(live_feed.PROJECTOR, gid)
    projector.tiles = [ProjectorTile(learner_id=lid, first_name="Learner", initials="LP")]
    push = live.LivePush(modify_state=app.modify_state, registry=MemoryRegistry())
    await push.registry.join(
        overview._channel, Viewer("tab-overview", GroupPageState.get_full_name())
    )
    await push.registry.join(
        projector._channel, Viewer("tab-projector", ProjectorPageState.get_full_name())
    )

    erased: list[tuple[int, set[int]]] = []
    monkeypatch.setattr(privacy_state.live, "announce", lambda **kw: None)
    rosters: list[set[int]] = []
    monkeypatch.setattr(privacy_state.live, "roster_changed", rosters.append)
    monkeypatch.setattr(
        privacy_state.live,
        "learner_erased",
        lambda learner, groups: erased.append((learner, groups)),
    )
    state = await signed_in(AdminPrivacyState, engine, school.id("admin"), "administrator")
    await state.load()
    await state.search("Learner Person")
    state.open_dialog(lid, "erase")
    fn = type(state).event_handlers["confirm_erasure"].fn
    [_ async for _ in fn(state, {"confirm_name": "Learner Person"})]
    assert erased == [(lid, {gid})]
    assert {
        school.id("mentor"),
        school.id("parent"),
    } in rosters  # their homes reload without the learner
    assert {
        school.id("teacher")
    } in rosters  # so does the home of the teacher of the learner's class

    await push.deliver(live._Batch(erased={gid: {lid}}))
    assert [r.learner_id for r in overview.rows] == [other]
    assert projector.tiles == []
