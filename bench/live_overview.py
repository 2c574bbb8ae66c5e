"""Live group overview under load: how fast a learner's tick reaches the mentor's overview.

Starts the production build (``tests.support.appserver.running_app``) on a fresh SQLite demo
school with N extra learners in group 8A, then drives it at the protocol level (python-socketio,
namespace ``/_event``, the frames a browser sends), no browser:

* one mentor viewer on ``/groups/<8A>`` (linked to the shared ``GroupBoard``),
* N learners on ``/learner``, each ticking 3 tasks (A: not started -> ongoing, B: not started ->
  ongoing, A: ongoing -> completed) and sending 3 trivial events
  (``GroupPageState.set_sort``, no database work) at seeded random moments.

Measured per N: tick -> overview (send until the viewer's ``GroupBoard.rows`` delta shows the
tick), the learner's own tick round trip (send until its plan delta shows the new status), and
the baseline round trip of the trivial event, in the same run. Ticks whose effect never reached
the viewer within 10 s are lost; at the end the database is checked for every tick.

    .venv/bin/python -m bench.live_overview                      # N=30 and N=120, SQLite, 1 worker
    .venv/bin/python -m bench.live_overview --n 30               # one size
    .venv/bin/python -m bench.live_overview --redis redis://127.0.0.1:6379/5 --workers 2

Figures only, no pass/fail. The clients run in this process, on the same machine as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# Session tokens are created here with ``auth.sign_in`` and checked by the server: both must key
# their digests with the same secret, so it is fixed before any ilp_app module reads settings.
BENCH_SECRET = secrets.token_urlsafe(48)

NS = "/_event"
ROOT = "reflex___state____state"
SESSION = f"{ROOT}.ilp_app___state___session____session_state"
PLAN = f"{SESSION}.ilp_app___state___plan____plan_state"
GROUP_PAGE = f"{SESSION}.ilp_app___state___group____group_page_state"
INBOX = f"{SESSION}.ilp_app___state___inbox____inbox_state"
HYDRATE = f"{ROOT}.hydrate_and_load"
TOKEN_VAR = f"{SESSION}.session_token_rx_state_"

DEMO_PASSWORD = "ilp-demo-2026"
MENTOR = "mentor@demo.school"
TASKS_PER_PLAN = 10
TIMEOUT = 10.0  # a tick not on the overview within this is lost; also the round-trip limit
SORTS = ("progress", "name", "activity")  # each differs from the one before (start: "name")


# --- the school -------------------------------------------------------------------------------


@dataclass
class BenchLearner:
    user_id: int
    email: str
    token: str
    plan_id: int
    task_ids: list[int]


@dataclass
class School:
    group_id: int
    mentor_token: str
    learners: list[BenchLearner]


def build_school(db_url: str, n: int) -> School:
    """Demo school plus ``n`` learners in 8A (mentored by mentor@demo.school), and sign-ins."""
    from tests.support.appserver import prepare_database

    prepare_database(db_url)

    from datetime import UTC, datetime

    from sqlmodel import select

    from ilp_app.db.engine import make_engine, session_scope, use_engine
    from ilp_app.db.models import (
        Enrollment,
        Goal,
        Group,
        MentorAssignment,
        Plan,
        PlanFocusArea,
        RoleGrant,
        Task,
        User,
    )
    from ilp_app.domain.plans import PlanStatus
    from ilp_app.domain.roles import Role
    from ilp_app.services import auth
    from ilp_app.services.periods import period_current

    engine = make_engine(db_url)
    use_engine(engine)
    try:
        now = datetime.now(UTC)
        made: list[tuple[int, str, int, list[int]]] = []
        with session_scope() as s:
            mentor = s.exec(select(User).where(User.email == MENTOR)).one()
            group = s.exec(select(Group).where(Group.name == "8A", Group.kind == "tutor")).one()
            period = period_current(session=s, site_id=mentor.site_id)
            for i in range(n):
                user = User(
                    site_id=mentor.site_id,
                    email=f"bench{i:03d}@demo.school",
                    full_name=f"Bench Learner {i:03d}",
                    is_active=True,
                    password_hash=mentor.password_hash,  # same password as the demo accounts
                    password_changed_at=now,
                    created_at=now,
                    updated_at=now,
                )
                s.add(user)
                s.flush()
                s.add(RoleGrant(user_id=user.id, role=Role.LEARNER.value))
                s.add(Enrollment(group_id=group.id, user_id=user.id, role="learner"))
                s.add(MentorAssignment(mentor_id=mentor.id, learner_id=user.id, created_at=now))
                plan = Plan(
                    site_id=mentor.site_id,
                    learner_id=user.id,
                    period_id=period.id,
                    status=PlanStatus.ACTIVE.value,
                    created_by_id=mentor.id,
                    created_at=now,
                    updated_at=now,
                    activated_at=now,
                )
                s.add(plan)
                s.flush()
                area = PlanFocusArea(plan_id=plan.id, name="Academic", position=0)
                s.add(area)
                s.flush()
                goal = Goal(
                    plan_id=plan.id,
                    focus_area_id=area.id,
                    statement="Finish my ten practice tasks",
                    success_criteria="All ten ticked off",
                    position=0,
                    created_at=now,
                    updated_at=now,
                )
                s.add(goal)
                s.flush()
                tasks = [
                    Task(
                        plan_id=plan.id,
                        goal_id=goal.id,
                        title=f"Practice task {j + 1}",
                        position=j,
                        created_at=now,
                    )
                    for j in range(TASKS_PER_PLAN)
                ]
                s.add_all(tasks)
                s.flush()
                made.append((user.id, user.email, plan.id, [t.id for t in tasks]))
            group_id = group.id
        with session_scope() as s:  # real sign-ins (argon2 verify, ~20 ms each)
            mentor_token = auth.sign_in(session=s, email=MENTOR, password=DEMO_PASSWORD).token
            learners = [
                BenchLearner(
                    uid,
                    email,
                    auth.sign_in(session=s, email=email, password=DEMO_PASSWORD).token,
                    pid,
                    tids,
                )
                for uid, email, pid, tids in made
            ]
        return School(group_id=group_id, mentor_token=mentor_token, learners=learners)
    finally:
        use_engine(None)
        engine.dispose()


def verify_database(db_url: str, school: School) -> dict[str, int]:
    """What the database holds after the run: ticks implied by task statuses, and audited ticks."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    ids = [lr.user_id for lr in school.learners]
    try:
        with engine.connect() as c:
            statuses = c.execute(
                sa.text(
                    "SELECT t.status, count(*) FROM task t JOIN plan p ON p.id = t.plan_id "
                    "WHERE p.learner_id IN (SELECT value FROM json_each(:ids)) GROUP BY t.status"
                ),
                {"ids": str(ids)},
            ).all()
            audited = c.execute(
                sa.text(
                    "SELECT count(*) FROM auditevent WHERE action = 'task.progress' "
                    "AND outcome = 'ok' AND actor_user_id IN (SELECT value FROM json_each(:ids))"
                ),
                {"ids": str(ids)},
            ).scalar_one()
    finally:
        engine.dispose()
    by_status = dict(statuses)
    return {
        "stored": by_status.get("ongoing", 0) + 2 * by_status.get("completed", 0),
        "audited": audited,
    }


# --- protocol clients -------------------------------------------------------------------------


def _find(value, pred):
    """The first dict (depth first) in ``value`` for which ``pred`` holds."""
    if isinstance(value, dict):
        if pred(value):
            return value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            if (hit := _find(item, pred)) is not None:
                return hit
    return None


@dataclass
class Waiter:
    pred: object
    fut: asyncio.Future


class Client:
    """One browser tab, as frames on the event socket."""

    def __init__(self, base_url: str, session_token: str, path: str, query: dict | None = None):
        import socketio

        self.base_url = base_url
        self.session_token = session_token
        self.router = {"pathname": path, "asPath": path}
        if query:
            self.router["query"] = query
        self.sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        self.sio.on("event", self._on_event, namespace=NS)
        self.waiters: list[Waiter] = []
        self.errors = 0

    async def connect(self) -> None:
        # The browser puts hydrate_and_load (with its cookies) into the CONNECT packet; the
        # server answers with the snapshot and runs the page's on_load.
        auth = {
            "event": {
                "name": HYDRATE,
                "payload": {"vars": {TOKEN_VAR: self.session_token}},
                "router_data": self.router,
            }
        }
        await self.sio.connect(
            f"{self.base_url}?token={uuid.uuid4()}",
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NS],
            auth=auth,
            headers={"Origin": self.base_url},
            wait_timeout=30,
        )
        await self.send(f"{INBOX}.watch")  # the page layout's on_mount

    async def send(self, name: str, payload: dict | None = None) -> None:
        event = {"name": name, "payload": payload or {}, "router_data": self.router}
        await self.sio.emit("event", event, namespace=NS)

    def expect(self, pred) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append(Waiter(pred, fut))
        return fut

    async def _on_event(self, data) -> None:
        now = time.perf_counter()
        delta = data.get("delta") if isinstance(data, dict) else None
        if not delta:
            return
        self.on_delta(delta, now)
        for w in list(self.waiters):
            if w.fut.done():
                self.waiters.remove(w)
            elif w.pred(delta):
                w.fut.set_result(now)
                self.waiters.remove(w)

    def on_delta(self, delta: dict, now: float) -> None:
        """Hook for subclasses (called for every delta, before the waiters)."""

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


def _board_rows(delta: dict):
    for key, values in delta.items():
        if key.endswith("group_board") and "rows_rx_state_" in values:
            return values["rows_rx_state_"]
    return None


@dataclass
class PendingTick:
    learner: int  # index
    k: int  # 1, 2, 3: the learner's k-th tick
    sent: float


class Viewer(Client):
    """The mentor's overview page; resolves ticks as their effect shows in GroupBoard.rows."""

    def __init__(self, *args, learner_ids: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.index_of = learner_ids  # user id -> learner index
        self.pending: list[PendingTick] = []
        self.latency: list[float] = []
        self.board_deltas = 0
        self.late = 0

    def on_delta(self, delta: dict, now: float) -> None:
        super().on_delta(delta, now)
        rows = _board_rows(delta)
        if rows is None:
            return
        self.board_deltas += 1
        score = {}
        for row in rows:
            idx = self.index_of.get(row.get("learner_id"))
            if idx is not None:  # progress score: +1 per tick (ongoing 1, completed 2)
                score[idx] = row.get("ongoing", 0) + 2 * row.get("completed", 0)
        still = []
        for p in self.pending:
            if score.get(p.learner, 0) < p.k:
                still.append(p)
            elif now - p.sent <= TIMEOUT:
                self.latency.append(now - p.sent)
            else:
                self.late += 1  # shown, but after the 10 s: counted as lost
        self.pending = still


def _task_status(task_id: int):
    def find(delta: dict):
        plan = delta.get(PLAN, {}).get("plan_rx_state_")
        task = _find(plan, lambda d: d.get("id") == task_id and "status" in d and "goal_id" in d)
        return task["status"] if task else None

    return find


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    overview: list[float] = field(default_factory=list)
    tick_rt: list[float] = field(default_factory=list)
    base_rt: list[float] = field(default_factory=list)
    ticks_sent: int = 0
    unsent: int = 0  # ticks a learner never sent because its tab stopped answering
    lost: int = 0  # never on the overview, or only after TIMEOUT (``late``)
    late: int = 0
    rt_timeouts: int = 0
    stored: int = 0
    audited: int = 0
    board_deltas: int = 0
    loop_lag_p95: float = 0.0
    load_avg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before / after the load
    notes: list[str] = field(default_factory=list)


async def _loop_lag(samples: list[float], stop: asyncio.Event) -> None:
    """How late this client process wakes up (its own overload would inflate every figure)."""
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append(time.perf_counter() - t - 0.01)


async def drive(base_url: str, school: School, *, seed: int, spread: float) -> Result:
    res = Result(n=len(school.learners))
    index_of = {lr.user_id: i for i, lr in enumerate(school.learners)}
    gid = str(school.group_id)
    viewer = Viewer(
        base_url,
        school.mentor_token,
        f"/groups/{gid}",
        {"group_id": gid},
        learner_ids=index_of,
    )
    board_ready = viewer.expect(
        lambda d: (
            (rows := _board_rows(d)) is not None
            and index_of.keys() <= {r.get("learner_id") for r in rows}
        )
    )
    await viewer.connect()
    await asyncio.wait_for(board_ready, 60)

    learners = [Client(base_url, lr.token, "/learner") for lr in school.learners]
    gate = asyncio.Semaphore(10)

    async def open_page(client: Client, lr: BenchLearner) -> None:
        async with gate:
            loaded = client.expect(lambda d: _task_status(lr.task_ids[0])(d) is not None)
            await client.connect()
            await asyncio.wait_for(loaded, 60)

    await asyncio.gather(
        *(open_page(c, lr) for c, lr in zip(learners, school.learners, strict=True))
    )
    await asyncio.sleep(1.0)  # let the inbox watch events of the page loads settle

    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.create_task(_loop_lag(lag, stop))

    async def learner_run(i: int, client: Client, lr: BenchLearner) -> None:
        rng = random.Random(f"{seed}/{res.n}/{i}")
        a, b = lr.task_ids[0], lr.task_ids[1]
        ticks = [
            (a, "not_started", "ongoing"),
            (b, "not_started", "ongoing"),
            (a, "ongoing", "completed"),
        ]
        plan = ["tick"] * 3 + ["base"] * 3
        rng.shuffle(plan)
        await asyncio.sleep(rng.uniform(0, spread))
        k = 0
        sorts = iter(SORTS)
        for step in plan:
            if step == "tick":
                task_id, before, after = ticks[k]
                k += 1
                done = client.expect(lambda d, t=task_id, s=after: _task_status(t)(d) == s)
                sent = time.perf_counter()
                viewer.pending.append(PendingTick(i, k, sent))
                res.ticks_sent += 1
                await client.send(f"{PLAN}.tick", {"task_id": task_id, "status": before})
                try:
                    res.tick_rt.append(await asyncio.wait_for(done, TIMEOUT) - sent)
                except TimeoutError:
                    res.rt_timeouts += 1
                    res.unsent += 3 - k
                    res.notes.append(
                        f"learner {i}: tick {k} got no answer in {TIMEOUT:.0f} s; stopped"
                    )
                    return
            else:
                value = next(sorts)
                done = client.expect(
                    lambda d, v=value: d.get(GROUP_PAGE, {}).get("sort_key_rx_state_") == v
                )
                sent = time.perf_counter()
                await client.send(f"{GROUP_PAGE}.set_sort", {"value": value})
                try:
                    res.base_rt.append(await asyncio.wait_for(done, TIMEOUT) - sent)
                except TimeoutError:
                    res.rt_timeouts += 1
                    res.unsent += 3 - k
                    res.notes.append(
                        f"learner {i}: set_sort got no answer in {TIMEOUT:.0f} s; stopped"
                    )
                    return
            await asyncio.sleep(rng.uniform(0.3, 1.2))  # the learner looks at the screen

    await asyncio.gather(
        *(
            learner_run(i, c, lr)
            for i, (c, lr) in enumerate(zip(learners, school.learners, strict=True))
        )
    )
    # Ticks not yet on the overview get the rest of their 10 s.
    while viewer.pending and time.perf_counter() - max(p.sent for p in viewer.pending) < TIMEOUT:
        await asyncio.sleep(0.05)
    stop.set()
    await lag_task
    res.overview = viewer.latency
    res.lost = len(viewer.pending) + viewer.late
    res.late = viewer.late
    res.board_deltas = viewer.board_deltas
    res.loop_lag_p95 = pct(lag, 95)
    await asyncio.gather(viewer.close(), *(c.close() for c in learners))
    return res


def prepare_redis(url: str, *, flush: bool, n: int) -> None:
    """Shared states outlive the app in Redis (an hour): plan pulses of learners with the same
    ids keep the client tokens of earlier runs as followers. ``--flush-redis`` starts clean."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        if flush:
            client.flushdb()
        elif size := client.dbsize():
            print(f"[N={n}] note: {url} holds {size} keys from earlier runs (see --flush-redis)")
    finally:
        client.close()


def run_one(n: int, args) -> Result:
    from tests.support.appserver import running_app

    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        workdir = Path(tmp)
        db_url = f"sqlite:///{workdir / 'bench.db'}"
        t0 = time.monotonic()
        school = build_school(db_url, n)
        print(f"[N={n}] school ready: {n} extra learners in 8A ({time.monotonic() - t0:.1f} s)")
        env = {"ILP_SECRET_KEY": BENCH_SECRET}
        if args.redis:
            env.update({"REFLEX_REDIS_URL": args.redis, "GRANIAN_WORKERS": str(args.workers)})
            prepare_redis(args.redis, flush=args.flush_redis, n=n)
        t0 = time.monotonic()
        for attempt in (1, 2):  # the shared .web build may be busy with someone else's tests
            try:
                with running_app(workdir, database_url=db_url, extra_env=env) as app:
                    print(f"[N={n}] app up at {app.base_url} ({time.monotonic() - t0:.1f} s)")
                    t1 = time.monotonic()
                    load_before = os.getloadavg()[0]
                    res = asyncio.run(
                        drive(app.base_url, school, seed=args.seed, spread=args.spread)
                    )
                    res.load_avg = (load_before, os.getloadavg()[0])
                    print(f"[N={n}] load done ({time.monotonic() - t1:.1f} s)")
                    db = verify_database(db_url, school)
                    res.stored, res.audited = db["stored"], db["audited"]
                    return res
            except Exception as exc:  # noqa: BLE001 - reported, then one retry
                if attempt == 2:
                    raise
                print(f"[N={n}] attempt failed ({type(exc).__name__}: {exc}); retrying")
                time.sleep(3)
            finally:
                if args.log_dir:
                    keep = Path(args.log_dir)
                    keep.mkdir(parents=True, exist_ok=True)
                    for log in workdir.glob("app-*.log"):
                        shutil.copy(log, keep / f"N{n}-{log.name}")
    raise AssertionError("unreachable")


# --- report -----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(v: float) -> str:
    return "—" if v != v else f"{v * 1000:.0f}"


def report(results: list[Result], mode: str) -> None:
    print()
    print(f"Live overview benchmark — {mode}")
    head = (
        f"{'N':>4} | {'tick→overview p50/p95':>21} | {'tick RT p50/p95':>15} | "
        f"{'baseline RT p50/p95':>19} | {'tick/base p50, p95':>18} | {'lost':>7} | {'stored':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        t50, t95 = pct(r.tick_rt, 50), pct(r.tick_rt, 95)
        b50, b95 = pct(r.base_rt, 50), pct(r.base_rt, 95)
        print(
            f"{r.n:>4} | {ms(pct(r.overview, 50)) + ' / ' + ms(pct(r.overview, 95)) + ' ms':>21} | "
            f"{ms(t50) + ' / ' + ms(t95) + ' ms':>15} | {ms(b50) + ' / ' + ms(b95) + ' ms':>19} | "
            f"{f'{t50 / b50:.1f}x, {t95 / b95:.1f}x':>18} | "
            f"{f'{r.lost}/{r.ticks_sent}':>7} | {f'{r.stored}/{r.ticks_sent}':>7}"
        )
    print()
    for r in results:
        print(
            f"N={r.n}: {r.ticks_sent} ticks, {len(r.base_rt)} baseline events, "
            f"{r.board_deltas} GroupBoard deltas at the viewer, {r.audited} ticks audited, "
            f"{r.late} of the lost ticks shown after more than {TIMEOUT:.0f} s, "
            f"{r.rt_timeouts} round trips over {TIMEOUT:.0f} s ({r.unsent} ticks then not sent), "
            f"client loop lag p95 {r.loop_lag_p95 * 1000:.0f} ms, "
            f"machine load average {r.load_avg[0]:.1f} -> {r.load_avg[1]:.1f} ({os.cpu_count()} CPUs)"
        )
        for note in r.notes[:10]:
            print(f"  {note}")
    print(
        "tick→overview: learner sends tick until the mentor's GroupBoard.rows delta shows it; "
        "RT: until the sender's own delta;\nbaseline: GroupPageState.set_sort (no DB work), "
        "same learners, same window; lost: not on the overview within 10 s;\n"
        "stored: ticks found in the database (ongoing = 1, completed = 2) of the ticks sent."
    )


def code_version() -> str:
    """The commit the app was built from, and whether the working tree differed (read-only git)."""
    import subprocess

    from tests.support.appserver import ROOT

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "ilp_app")
    return f"app at {head}{' + uncommitted changes in ilp_app/' if dirty else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", default="30,120", help="learner counts, comma separated")
    parser.add_argument("--redis", default="", help="REFLEX_REDIS_URL (enables several workers)")
    parser.add_argument("--workers", type=int, default=2, help="GRANIAN_WORKERS with --redis")
    parser.add_argument(
        "--flush-redis", action="store_true", help="FLUSHDB the --redis database before each size"
    )
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--log-dir", default="", help="keep the app's logs here")
    parser.add_argument("--spread", type=float, default=4.0, help="learners start within (s)")
    args = parser.parse_args()
    os.environ["ILP_SECRET_KEY"] = BENCH_SECRET  # before any ilp_app import reads settings
    sizes = [int(x) for x in args.n.split(",") if x.strip()]
    mode = (
        f"state in Redis {args.redis}, {args.workers} workers"
        if args.redis
        else "default state manager, 1 worker"
    )
    version = code_version()  # before the builds: others may commit while this runs
    started = time.monotonic()
    results = [run_one(n, args) for n in sizes]
    report(results, f"{mode}, SQLite database; {version}; total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
