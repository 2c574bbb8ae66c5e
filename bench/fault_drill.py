"""Fault drill: a lesson of N learners ticking while a worker is killed, Redis restarted and
PostgreSQL frozen, on the production command with two workers.

Starts a private Redis and a private PostgreSQL cluster (never the machine's shared ones), the
demo school plus N learners in group 8A with ten tasks each, and the app through
``python -m ilp_app.serve``. Every learner taps its next task every two seconds or so, at the
protocol level (``tests.support.lesson``: tabs reconnect and send heartbeats as the browser
does), and the mentor watches 8A's live overview. On a timeline:

* ``kill``: one of the two workers gets SIGKILL (Granian respawns it);
* ``redis``: Redis stops for two seconds and starts empty;
* ``pg``: every PostgreSQL process is frozen (SIGSTOP) for six seconds.

Printed per phase: taps sent, acknowledged as saved, answered "Not saved — try again", other
errors, unanswered (lost with a dying socket), stored; taps acknowledged but not stored (must
be 0); ticks the overview shows at the end; and the time to recover (from the fault until
every learner has had a tap saved again).

    .venv/bin/python -m bench.fault_drill                    # 30 learners, all three faults
    .venv/bin/python -m bench.fault_drill --faults kill,redis --learners 10

Figures only, no pass/fail. Needs redis-server and the PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.support import lesson
from tests.support.appserver import free_port, running_app
from tests.support.fault_servers import private_postgres, private_redis

PHASE_SECONDS = 20.0  # learners tap this long before the first fault and after each one
SETTLE_SECONDS = 20.0  # after the last phase: how long the overview may take to catch up
TASKS_PER_LEARNER = 40  # two taps each: more than a learner taps in the whole drill
PAUSE = (1.5, 3.0)  # seconds a learner looks at the screen between taps


def add_learners(db_url: str, n: int) -> None:
    """The demo school plus ``n`` learners in 8A, each with enough tasks for the whole drill."""
    import bench.live_overview as live_overview

    live_overview.TASKS_PER_PLAN = TASKS_PER_LEARNER
    live_overview.build_school(db_url, n)


async def drill(base_url: str, db, faults: list[str], n: int, deployment) -> dict:
    gid = lesson.group_id(db)
    people = [p for p in lesson.learners_of(db, gid) if p[1].startswith("bench")][:n]
    overview = await lesson.open_overview(base_url, gid)
    learners = await asyncio.gather(
        *(lesson.open_learner(base_url, db, uid, email) for uid, email in people)
    )
    await overview.wait_for(lesson.mentions_rows, 15)
    rng = random.Random(7)
    stop = asyncio.Event()
    answers: list[tuple[float, int]] = []  # (answered at, learner) of saved taps

    async def learner_run(learner: lesson.LearnerTab) -> None:
        await asyncio.sleep(rng.uniform(0, 1.0))
        while not stop.is_set():
            tap = await learner.tap(timeout=30)
            if tap is None:
                break
            if tap.outcome == "saved":
                answers.append((tap.sent_at + tap.answered_in, learner.user_id))
            await asyncio.sleep(rng.uniform(*PAUSE))

    runs = [asyncio.ensure_future(learner_run(lr)) for lr in learners]
    timeline: list[tuple[str, float]] = [("before", time.monotonic())]
    await asyncio.sleep(PHASE_SECONDS)
    for fault in faults:
        timeline.append((fault, time.monotonic()))
        print(f"  {fault}: injecting", flush=True)
        await asyncio.to_thread(deployment.inject, fault)
        await asyncio.sleep(PHASE_SECONDS)
    stop.set()
    await asyncio.gather(*runs)
    ids = [lr.user_id for lr in learners]
    caught_up = await lesson.overview_matches(overview, db, ids, SETTLE_SECONDS)
    shown_rows = lesson.latest_rows(overview.frames)
    result = {
        "timeline": timeline,
        "learners": learners,
        "answers": answers,
        "shown_rows": {uid: shown_rows.get(uid) for uid in ids},
        "caught_up": caught_up,
        "overview_reconnects": overview.reconnects,
        "learner_reconnects": sum(lr.tab.reconnects for lr in learners),
    }
    await asyncio.gather(overview.close(), *(lr.tab.close() for lr in learners))
    return result


class Deployment:
    def __init__(self, app, redis, pg):
        self.app, self.redis, self.pg = app, redis, pg

    def inject(self, fault: str) -> None:
        if fault == "kill":
            workers = self.app.workers()
            os.kill(workers[min(workers)], signal.SIGKILL)
        elif fault == "redis":
            self.redis.restart(2.0)
        elif fault == "pg":
            with self.pg.stalled():
                time.sleep(6.0)
        else:
            raise ValueError(fault)


def report(result: dict, db, learners_n: int, workers: int) -> None:
    timeline = result["timeline"]
    starts = [t for _, t in timeline] + [float("inf")]
    taps = [t for lr in result["learners"] for t in lr.taps]
    print(
        f"\nFault drill: {learners_n} learners tapping every {PAUSE[0]}-{PAUSE[1]} s, "
        f"{workers} workers, Redis, PostgreSQL"
    )
    header = (
        f"{'phase':<8}{'sent':>6}{'saved':>7}{'not saved':>11}{'errors':>8}"
        f"{'unanswered':>12}{'moves':>7}{'stored':>8}{'saved, not stored':>19}"
        f"{'recovered in':>14}"
    )
    print(header)
    for i, (phase, start) in enumerate(timeline):
        mine = [t for t in taps if start <= t.sent_at < starts[i + 1]]
        outcomes = Counter(t.outcome for t in mine)
        stored = lesson.stored_taps(db, mine)
        saved = [t for t in mine if t.outcome == "saved"]
        lost_acks = len(saved) - lesson.stored_taps(db, saved)
        recovered = "-"
        if phase != "before":
            firsts = {}
            for at, uid in result["answers"]:
                if at >= start and uid not in firsts:
                    firsts[uid] = at
            everyone = {lr.user_id for lr in result["learners"]}
            recovered = (
                f"{max(firsts.values()) - start:.1f} s"
                if firsts.keys() >= everyone
                else f"{len(everyone - firsts.keys())} never"
            )
        print(
            f"{phase:<8}{len(mine):>6}{outcomes['saved']:>7}{outcomes['not saved']:>11}"
            f"{outcomes['error'] + outcomes['signed out']:>8}"
            f"{outcomes['unanswered'] + outcomes['unsent']:>12}"
            f"{lesson.distinct_moves(mine):>7}{stored:>8}{lost_acks:>19}"
            f"{recovered:>14}"
        )
    details = Counter(t.detail for t in taps if t.outcome == "error")
    if details:
        print("errors: " + ", ".join(f'{n} × "{text}…"' for text, n in details.most_common()))
    ids = [lr.user_id for lr in result["learners"]]
    stored_progress = lesson.progress(db, ids)
    stored_ticks = sum(d * 2 + g for d, g in stored_progress.values())
    shown = sum(d * 2 + g for d, g in (r for r in result["shown_rows"].values() if r))
    caught = result["caught_up"]
    print(
        f"ticks stored {stored_ticks}, shown on the overview {shown} "
        f"({'matched the database' if caught is not None else 'NOT matching the database'}"
        f"{f' {caught:.1f} s after the last tap' if caught is not None else ''}); "
        f"reconnects: overview {result['overview_reconnects']}, "
        f"learners {result['learner_reconnects']}"
    )
    print(
        "recovered in: from the fault until every learner has had a tap saved again; "
        "unanswered: lost with a dying socket or never answered within 30 s;\n"
        "moves: distinct task moves tapped (a tap refused and tapped again counts once); "
        "stored: moves the database holds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--faults", default="kill,redis,pg", help="comma separated, in order")
    parser.add_argument("--keep-logs", action="store_true", help="keep the app's folder and log")
    args = parser.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    with private_redis() as redis, private_postgres() as pg:
        db_url = "postgresql+psycopg://" + pg.url.removeprefix("postgresql://")
        print(f"school: demo plus {args.learners} learners in 8A", flush=True)
        add_learners(db_url, args.learners)
        db = lesson.engine_for(pg.url)
        workdir = Path(tempfile.mkdtemp(prefix="ilp-drill-"))
        env = {"REFLEX_REDIS_URL": redis.url, "GRANIAN_WORKERS": str(args.workers)}
        t0 = time.monotonic()
        with running_app(
            workdir, database_url=pg.url, extra_env=env, serve_args=(), port=free_port()
        ) as app:
            print(f"app up in {time.monotonic() - t0:.0f} s (frontend built)", flush=True)
            result = asyncio.run(
                drill(app.base_url, db, faults, args.learners, Deployment(app, redis, pg))
            )
        report(result, db, args.learners, args.workers)
        db.dispose()
        if args.keep_logs:
            print(f"app log: {app.log_path}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
