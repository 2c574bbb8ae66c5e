"""A tab's page data belongs to the session that filled it: any other session empties it first.

Every page state is sent to the browser in full at each page load, so what a signed-out (or
expired) person's pages held must go before the next event runs, and so before any snapshot.
The event guard does it whenever the connection's session is not the tree's owner. Redis loads
only the states an event needs: page states the event did not load must still be emptied. The
Redis tests run against ``ILP_TEST_REDIS_URL`` (skipped without).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlmodel import Session

from ilp_app import security
from ilp_app.db.models import AuthSession, User
from ilp_app.services.access import auth
from ilp_app.services.uow import unit_of_work
from ilp_app.state.learner_report import LearnerReportState
from tests.support.school import build_school
from tests.support.services import guard_event, sign_in_tab, signed_in, tab_sign_out

REDIS_URL = os.environ.get("ILP_TEST_REDIS_URL", "").strip()
OTHER_PASSWORD = "another-family-2026"


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
async def redis_states():
    """A Redis state manager, and an event context for one browser tab (its client token)."""
    if not REDIS_URL:
        reason = "Redis not configured: set ILP_TEST_REDIS_URL (CI sets it) to run these"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    import redis.asyncio as aredis
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex_base.event.context import EventContext

    async def enqueue(*_args, **_kwargs):
        return None

    manager = StateManagerRedis(redis=aredis.from_url(REDIS_URL))
    tab = f"tab-{uuid.uuid4().hex}"
    with EventContext(token=tab, state_manager=manager, enqueue_impl=enqueue):
        yield manager, tab
    async for key in manager.redis.scan_iter(match=f"*{tab}*"):
        await manager.redis.delete(key)
    await manager.close()


def _token_for(engine, user_id: int, role: str) -> str:
    token = security.token_new()
    with Session(engine) as s:
        s.add(
            AuthSession(user_id=user_id, token_hash=security.token_digest(token), active_role=role)
        )
        s.commit()
    return token


async def test_another_session_arriving_empties_page_states_the_event_did_not_load(
    engine, school, redis_states
):
    from reflex.istate.manager.token import BaseStateToken

    manager, tab = redis_states
    # A parent opened their child's overview in this tab.
    async with manager.modify_state(BaseStateToken(ident=tab, cls=LearnerReportState)) as root:
        report = await root.get_state(LearnerReportState)
        sign_in_tab(report, _token_for(engine, school.id("parent"), "parent"))
        assert report._show(str(school.id("learner"))) is None
        assert report.overview is not None
    with Session(engine) as s:
        other = s.get(User, school.id("parent2"))
        other.password_hash = security.password_hash(OTHER_PASSWORD)
        email = other.email
        s.add(other)
        s.commit()
    with unit_of_work() as s:
        other_token = auth.sign_in(session=s, email=email, password=OTHER_PASSWORD).token

    # Another parent's cookie arrives on the same tab: only the session state is loaded for it.
    from ilp_app.state.session import SessionState

    async with manager.modify_state(BaseStateToken(ident=tab, cls=SessionState)) as root:
        session_state = await root.get_state(SessionState)
        await guard_event(session_state, security.token_digest(other_token))

    async with manager.modify_state(BaseStateToken(ident=tab, cls=LearnerReportState)) as root:
        report = await root.get_state(LearnerReportState)
        assert report.overview is None and not report.loaded


async def test_a_session_that_ended_elsewhere_empties_the_tab_at_its_next_event(engine, school):
    report = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert report._show(str(school.id("learner"))) is None and report.overview is not None
    await guard_event(report)  # still the owner: nothing is emptied
    assert report.overview is not None
    tab_sign_out(report)  # the session ends elsewhere (expired, or signed out in another tab)
    await guard_event(report)
    assert report.overview is None and not report.loaded


async def test_an_event_without_any_session_empties_a_signed_in_tab(engine, school):
    report = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert report._show(str(school.id("learner"))) is None and report.overview is not None
    await guard_event(report, "")  # a replayed tab token, sent without the cookie
    assert report.overview is None and not report.loaded
