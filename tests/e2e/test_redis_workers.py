"""Production shape: Reflex state in Redis, several backend workers, still one coherent app."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, wait_for_path
from tests.support.appserver import running_app

REDIS_URL = os.environ.get("ILP_TEST_REDIS_URL", "").strip()


@pytest.fixture(scope="module")
def redis_app(tmp_path_factory):
    if not REDIS_URL:
        reason = "Redis not configured: set ILP_TEST_REDIS_URL (CI sets it) to run this"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with running_app(
        tmp_path_factory.mktemp("redis-app"),
        extra_env={"REFLEX_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"},
    ) as app:
        yield app


def test_app_runs_two_workers_on_redis_and_sign_in_works(redis_app, browser):
    workers = [cmd for cmd in redis_app.processes() if "python" in cmd or "granian" in cmd]
    # The supervisor plus two workers.
    assert len(workers) >= 3, workers

    import redis

    pages = []
    for email, path in (("mentor@demo.school", "/mentor"), ("parent@demo.school", "/parent"),
                        ("learner@demo.school", "/learner"), ("admin@demo.school", "/admin")):
        ctx = browser.new_context(base_url=redis_app.base_url)
        page = ctx.new_page()
        sign_in(page, email)
        wait_for_path(page, path)
        pages.append((ctx, page))
    expect(pages[0][1].get_by_role("heading", name="Åsa", level=3)).to_be_visible()
    expect(pages[1][1].get_by_role("radio", name="Ole Ødegård")).to_be_visible()
    # The state really lives in Redis, not in a worker's memory.
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0
    # A reload may land on either worker: the signed-in session still holds.
    pages[0][1].reload()
    expect(pages[0][1].get_by_role("heading", name="Åsa", level=3)).to_be_visible()
    for ctx, _ in pages:
        ctx.close()
