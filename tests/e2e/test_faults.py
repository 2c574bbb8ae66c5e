"""Faults in production shape: two workers, state in Redis, PostgreSQL; frames only, no browser.

The app runs through the production command (``python -m ilp_app.serve``) against a private
Redis and a private PostgreSQL cluster, so that a worker can be killed, Redis restarted and
PostgreSQL frozen without touching the machine's shared servers. One app serves the module;
the last test restarts it without worker respawn, as the positive control of the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from ilp_app.services.live.live_registry import KEY_PREFIX as REGISTRY_PREFIX
from tests.support import lesson
from tests.support.appserver import RunningApp, free_port, prepare_database, running_app
from tests.support.fault_servers import (
    PrivatePostgres,
    PrivateRedis,
    postgres_bin_dir,
    private_postgres,
    private_redis,
    redis_server_binary,
)
from tests.support.protocol import GROUP_PAGE, PLAN, run

WORKERS = 2


def _require(found: object, reason: str) -> None:
    if not found:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@dataclass
class Deployment:
    app: RunningApp
    redis: PrivateRedis
    pg: PrivatePostgres
    db: object
    workdir: Path
    port: int
    stack: contextlib.ExitStack

    def restart(self, serve_args: tuple[str, ...]) -> None:
        """Stop the app and start it again (same port and build) with other options."""
        self.stack.close()
        self.stack = contextlib.ExitStack()
        self.app = self.stack.enter_context(self._start(serve_args))

    def _start(self, serve_args: tuple[str, ...]):
        env = {"REFLEX_REDIS_URL": self.redis.url, "GRANIAN_WORKERS": str(WORKERS)}
        return running_app(
            self.workdir,
            database_url=self.pg.url,
            extra_env=env,
            serve_args=serve_args,
            port=self.port,
        )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    _require(redis_server_binary(), "redis-server not installed (apt-get install redis-server)")
    _require(postgres_bin_dir(), "PostgreSQL server not installed (apt-get install postgresql)")
    with private_redis() as redis, private_postgres() as pg:
        prepare_database(pg.url)
        db = lesson.engine_for(pg.url)
        workdir = tmp_path_factory.mktemp("faults")
        dep = Deployment(None, redis, pg, db, workdir, free_port(), contextlib.ExitStack())
        dep.app = dep.stack.enter_context(dep._start(()))
        try:
            yield dep
        finally:
            dep.stack.close()
            db.dispose()


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/ping", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def _wait_workers(app: RunningApp, count: int, timeout: float = 120.0) -> dict[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = app.workers()
        if len(workers) >= count:
            return workers
        time.sleep(0.5)
    return app.workers()


async def _a_lesson(dep: Deployment, n_learners: int):
    gid = lesson.group_id(dep.db)
    people = lesson.learners_of(dep.db, gid)[:n_learners]
    overview = await lesson.open_overview(dep.app.base_url, gid)
    learners = [await lesson.open_learner(dep.app.base_url, dep.db, u, e) for u, e in people]
    assert await overview.wait_for(lesson.mentions_rows, 15) is not None
    return gid, overview, learners


async def _close(*tabs) -> None:
    for tab in tabs:
        await tab.close()


def test_a_killed_worker_is_replaced_while_the_other_keeps_serving(deployment):
    dep = deployment
    workers = _wait_workers(dep.app, WORKERS)
    assert len(workers) == WORKERS, workers

    async def scenario():
        gid, overview, learners = await _a_lesson(dep, 4)
        for learner in learners:  # control: before the fault, every tap is saved
            assert (await learner.tap()).outcome == "saved"
        os.kill(workers[1], signal.SIGKILL)
        # A tap sent in the instant the worker dies is lost with its socket, before the tab
        # notices: it is never answered, so the page never shows it saved (the learner taps
        # again). The taps below are sent once the tabs have noticed, before the replacement
        # worker is up: the other worker must take them.
        await asyncio.sleep(1.0)
        during = await asyncio.gather(*(learner.tap(timeout=30) for learner in learners))
        newcomer = await lesson.open_learner(
            dep.app.base_url, dep.db, learners[0].user_id, learners[0].email
        )
        assert await newcomer.tab.wait_for(lesson.mentions_plan, 20) is not None
        assert len(await asyncio.to_thread(_wait_workers, dep.app, WORKERS, 60)) == WORKERS
        after = await asyncio.gather(*(learner.tap(timeout=30) for learner in learners))
        taps = [t for t in (*during, *after) if t is not None]
        assert [t.outcome for t in taps] == ["saved"] * len(taps), taps
        assert lesson.stored_taps(dep.db, taps) == len(taps)
        ids = [learner.user_id for learner in learners]
        assert await lesson.overview_matches(overview, dep.db, ids, 15) is not None
        await _close(newcomer.tab, overview, *(learner.tab for learner in learners))

    run(scenario(), timeout=180)
    replaced = _wait_workers(dep.app, WORKERS, 60)
    assert len(replaced) == WORKERS and workers[1] not in replaced.values(), replaced
    assert _answers(dep.app.base_url)


def test_after_a_redis_restart_the_next_tap_is_applied_and_the_overview_catches_up(deployment):
    dep = deployment

    async def scenario():
        gid, overview, learners = await _a_lesson(dep, 3)
        for learner in learners:  # control: the state is in this Redis
            assert (await learner.tap()).outcome == "saved"
        import redis

        store = redis.Redis.from_url(dep.redis.url)
        assert store.dbsize() > 0
        before = store.info("server")["run_id"]
        await asyncio.to_thread(dep.redis.restart, 2.0)
        assert store.info("server")["run_id"] != before  # a new, empty Redis
        taps = await asyncio.gather(*(learner.tap(timeout=30) for learner in learners))
        assert [t.outcome for t in taps] == ["saved"] * len(taps), taps
        assert lesson.stored_taps(dep.db, taps) == len(taps)
        ids = [learner.user_id for learner in learners]
        caught_up = await lesson.overview_matches(overview, dep.db, ids, 15)
        assert caught_up is not None, lesson.latest_rows(overview.frames)
        await _close(overview, *(learner.tab for learner in learners))

    run(scenario(), timeout=180)


def test_a_stalled_database_loses_no_tap_and_holds_up_no_event_without_database_work(
    deployment,
):
    dep = deployment

    async def scenario():
        gid, overview, learners = await _a_lesson(dep, 2)
        # Control: both kinds of event are answered quickly before the stall.
        assert (await learners[0].tap()).outcome == "saved"
        mark = len(overview.frames)
        await overview.send(f"{GROUP_PAGE}.set_sort", {"value": "progress"})
        assert await overview.wait_for(lesson.mentions_text("progress"), 3, since=mark)
        with dep.pg.stalled():
            stall_tap = asyncio.ensure_future(learners[1].tap(timeout=30))
            await asyncio.sleep(1.0)
            mark = len(overview.frames)
            await overview.send(f"{GROUP_PAGE}.set_sort", {"value": "activity"})
            # The stall goes on for 5 s after this wait, whatever its length: an event held up
            # by the database could only be answered after the stall, never within it.
            sorted_in = await overview.wait_for(lesson.mentions_text("activity"), 4.5, since=mark)
            await asyncio.sleep(5.0)
        tap = await stall_tap
        assert tap.outcome in {"saved", "not saved"}, tap
        if tap.outcome == "saved":
            assert lesson.stored_taps(dep.db, [tap]) == 1
        assert sorted_in is not None, "an event with no database work waited for the database"
        await _close(overview, *(learner.tab for learner in learners))

    run(scenario(), timeout=180)


async def _sorted(overviews, value: str, timeout: float) -> list[float | None]:
    marks = [len(o.frames) for o in overviews]
    for o in overviews:
        await o.send(f"{GROUP_PAGE}.set_sort", {"value": value})
    sorted_by = lesson.mentions_text(f'"sort_key_rx_state_": "{value}"')
    return await asyncio.gather(
        *(o.wait_for(sorted_by, timeout, since=m) for o, m in zip(overviews, marks, strict=True))
    )


async def _a_sort_while_stalled(dep: Deployment, overviews, start_waiting) -> list[float | None]:
    """Sort each overview once as a control; then, with the database stalled, start something
    that waits for it (``start_waiting()``) and sort again. Per overview, seconds until the sort
    was answered, or None if it waited for the database (the stall lasts 4 s past this wait)."""
    assert None not in await _sorted(overviews, "progress", 5)
    with dep.pg.stalled():
        await start_waiting()
        await asyncio.sleep(2.0)  # its session check has given up waiting; its read waits on
        answered = await _sorted(overviews, "activity", 3.0)
        await asyncio.sleep(4.0)
    return answered


def test_a_beat_that_must_reload_during_a_stall_holds_up_no_other_event_of_its_tab(deployment):
    """The overview's beat finds it missed a push while the database is stalled: it reloads
    the board, which waits for the database, but a sort chosen meanwhile is answered at once,
    and the board catches up once the database answers."""
    dep = deployment

    async def scenario():
        import redis

        gid, overview, learners = await _a_lesson(dep, 1)
        store = redis.Redis.from_url(dep.redis.url)

        async def missed_push_then_beat():
            # A change this tab never received: its next beat must read the board again.
            store.incr(f"{REGISTRY_PREFIX}version:group:{gid}")
            await overview.send(f"{GROUP_PAGE}.heartbeat", {"_tick": "now"})

        mark = len(overview.frames)
        (sorted_in,) = await _a_sort_while_stalled(dep, [overview], missed_push_then_beat)
        assert sorted_in is not None, "the beat's database read held up the tab's other events"
        # The beat's own read finishes once the database answers: the board is shown afresh.
        assert await overview.wait_for(lesson.mentions_text("last_updated"), 15, since=mark)
        await _close(overview, *(learner.tab for learner in learners))

    run(scenario(), timeout=180)


def test_a_handler_waiting_for_a_stalled_database_holds_up_no_other_tab(deployment):
    """A plain handler that reads the database (a learner opening their plan's history) waits
    in a thread while the database is stalled; the worker goes on answering everyone else.

    Tabs are spread over the two workers by the operating system: with eight overviews open,
    the chance that none shares the learner's worker is 1 in 256."""
    dep = deployment

    async def scenario():
        gid, overview, learners = await _a_lesson(dep, 1)
        others = [await lesson.open_overview(dep.app.base_url, gid) for _ in range(7)]
        for tab in others:  # each has loaded its board before the stall
            assert await tab.wait_for(lambda f: bool(lesson.latest_rows([f])), 15) is not None
        history_mark = len(learners[0].tab.frames)

        async def open_history():
            await learners[0].tab.send(f"{PLAN}.load_history", {})

        answered = await _a_sort_while_stalled(dep, [overview, *others], open_history)
        assert None not in answered, (
            f"a database read on the event loop held up other tabs: {answered}"
        )
        # The history itself arrives once the database answers.
        opened = await learners[0].tab.wait_for(
            lesson.mentions_text("history_open"), 15, since=history_mark
        )
        assert opened is not None
        await _close(overview, *others, *(learner.tab for learner in learners))

    run(scenario(), timeout=180)


def test_without_respawn_a_killed_worker_stops_the_whole_app(deployment):
    """Positive control of the first test: the same kill, with Granian's respawn off."""
    dep = deployment
    dep.restart(("--no-respawn",))
    workers = _wait_workers(dep.app, WORKERS)
    assert _answers(dep.app.base_url)
    os.kill(workers[1], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and dep.app.workers():
        time.sleep(0.5)
    # Granian stops every worker of this app after the first one dies, and starts none again.
    assert dep.app.workers() == {}
