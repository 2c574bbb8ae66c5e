"""Production shape: state in Redis, two hosts with two workers each, one database.

A tick from a learner connected to one host reaches the mentor's overview and the parent's page
served by the other host: deltas for sockets elsewhere travel through Redis.
"""

import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.appserver import prepare_database, running_app
from tests.support.protocol import run
from tests.support.soak import lesson_soak

REDIS_URL = os.environ.get("ILP_TEST_REDIS_URL", "").strip()
WORKERS = {"GRANIAN_WORKERS": "2"}


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    if not REDIS_URL:
        reason = "Redis not configured: set ILP_TEST_REDIS_URL (CI sets it) to run this"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    workdir = tmp_path_factory.mktemp("redis-hosts")
    db_url = f"sqlite:///{workdir / 'shared.db'}"
    prepare_database(db_url)
    env = {"REFLEX_REDIS_URL": REDIS_URL, **WORKERS, "ILP_SECRET_KEY": "shared-secret-" + "x" * 40}
    with (
        running_app(workdir / "a", database_url=db_url, extra_env=env) as a,
        running_app(workdir / "b", database_url=db_url, extra_env=env) as b,
    ):
        yield a, b, sa.create_engine(db_url)


def test_each_host_runs_two_workers_with_state_in_redis(hosts, browser):
    import redis

    a, b, _ = hosts
    for app in (a, b):
        workers = [cmd for cmd in app.processes() if "reflex" in cmd]
        assert len(workers) >= 3, workers  # the supervisor and two workers
    ctx = browser.new_context(base_url=a.base_url)
    page = ctx.new_page()
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    expect(page.get_by_role("heading", name="My learners", level=1)).to_be_visible()
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0  # the state lives in Redis
    page.reload()  # may land on the other worker: the session holds
    expect(page.get_by_role("heading", name="My learners", level=1)).to_be_visible()
    ctx.close()


def test_a_tick_on_one_host_reaches_the_overview_and_parent_on_the_other(hosts, browser):
    a, b, db = hosts
    with db.connect() as c:
        title, status = c.execute(
            sa.text(
                "SELECT t.title, t.status FROM task t JOIN plan p ON p.id = t.plan_id JOIN user u ON u.id = p.learner_id "
                "WHERE u.email = 'learner@demo.school' AND p.status = 'active' AND t.status = 'not_started' "
                "ORDER BY t.id LIMIT 1"
            )
        ).one()
    contexts = []

    def page_on(app, viewport=None):
        ctx = browser.new_context(
            base_url=app.base_url, viewport=viewport or {"width": 1400, "height": 900}
        )
        contexts.append(ctx)
        return ctx.new_page()

    mentor = page_on(b)
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Live overview of 8A").click()
    card = mentor.get_by_role("listitem").filter(
        has=mentor.get_by_role("heading", name="Åsa", level=2)
    )
    expect(card).to_contain_text("not started")
    before = [
        int(n) for n in re.search(r"(\d+) not started\s*(\d+) ongoing", card.inner_text()).groups()
    ]

    parent = page_on(b, PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name="Åsa").click()
    parent_task = parent.get_by_role("listitem").filter(has_text=title).first
    expect(parent_task).to_contain_text("Not started")

    learner = page_on(a, PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    learner.get_by_role("button", name=f"{title}: Not started. Tap to move it on.").first.click()

    expect(card).to_contain_text(
        re.compile(rf"{before[0] - 1} not started\s*{before[1] + 1} ongoing"), timeout=2_000
    )
    expect(parent_task).to_contain_text("Ongoing", timeout=2_000)
    for ctx in contexts:
        ctx.close()


def test_every_open_viewer_gets_each_tick_with_tabs_spread_over_both_hosts(hosts):
    """The lesson's shape (``tests.support.soak``) with its tabs spread over four workers."""
    a, b, db = hosts
    run(lesson_soak([a.base_url, b.base_url], db))
