"""Reaching the sign-in page, or signing in, clears what an earlier person left in the tab.

Every page state is sent to the browser in full at each page load, so what a signed-out (or
expired) person's pages held must go. Redis loads only the states an event needs: the sign-in
event loads the login page's state, not the page states of the person before, which must still
be emptied. The Redis tests run against ``ILP_TEST_REDIS_URL`` (skipped without).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlmodel import Session

from ilp_app import security
from ilp_app.db.models import AuthSession, User
from ilp_app.services import auth
from ilp_app.services.uow import unit_of_work
from ilp_app.state.learner_report import LearnerReportState
from ilp_app.state.login import LoginState
from tests.support.school import build_school
from tests.support.services import signed_in

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


async def test_signing_in_empties_page_states_the_sign_in_did_not_load(
    engine, school, redis_states
):
    from reflex.istate.manager.token import BaseStateToken

    manager, tab = redis_states
    # A parent opened their child's overview; the tab was left signed in, and the session ran out.
    async with manager.modify_state(BaseStateToken(ident=tab, cls=LearnerReportState)) as root:
        report = await root.get_state(LearnerReportState)
        report.session_token = _token_for(engine, school.id("parent"), "parent")
        assert report._show(str(school.id("learner"))) is None
        assert report.overview is not None
    with Session(engine) as s:
        other = s.get(User, school.id("parent2"))
        other.password_hash = security.password_hash(OTHER_PASSWORD)
        email = other.email
        s.add(other)
        s.commit()

    # Another parent signs in on the same tab: only the login page's state is loaded for it.
    async with manager.modify_state(BaseStateToken(ident=tab, cls=LoginState)) as root:
        login = await root.get_state(LoginState)
        async for _ in login.submit({"email": email, "password": OTHER_PASSWORD}):
            pass
        assert login.error == ""

    async with manager.modify_state(BaseStateToken(ident=tab, cls=LearnerReportState)) as root:
        report = await root.get_state(LearnerReportState)
        assert report.overview is None and not report.loaded


async def test_the_sign_in_page_empties_the_pages_of_a_session_that_ended(engine, school):
    report = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert report._show(str(school.id("learner"))) is None and report.overview is not None
    token = report.session_token
    with unit_of_work() as s:  # the session ends elsewhere (expired, or signed out in another tab)
        auth.sign_out(session=s, token=token)
    login = await report.get_state(LoginState)
    await login.load()
    assert report.overview is None and not report.loaded
    # The browser's cookie is left alone: another tab may have signed in with a new one meanwhile.
    assert report.session_token == token
