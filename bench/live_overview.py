"""Live group overview under load: how fast a learner's tick reaches the mentor's overview.

Starts the production build (``tests.support.appserver.running_app``) on a fresh demo school
with C classes of 30 extra learners (the first class is 8A with mentor@demo.school; each other
class gets its own tutor group and mentor), then drives it at the protocol level
(python-socketio, namespace ``/_event``, the frames a browser sends; ``tests.support.protocol``),
no browser:

* one mentor viewer per class on ``/groups/<id>`` (its own ``GroupPageState.rows``),
* every learner on ``/learner``, ticking 3 tasks (A: not started -> ongoing, B: not started ->
  ongoing, A: ongoing -> completed) and sending 3 trivial events (``GroupPageState.set_sort``,
  no database work) at seeded random moments,
* every tab sends the heartbeats a browser sends (the intervals of ``services.live.live_registry``).

Measured per scenario: tick -> overview (send until the class viewer's ``rows`` delta shows
the tick), the learner's own tick round trip (send until its plan delta shows the new status),
and the baseline round trip of the trivial event, in the same run; lost ticks (not on the
overview within 10 s); ticks stored in the database; CPU of the server processes (``/proc``);
with Redis, the bytes the server reads from and writes to Redis per event sent.

    .venv/bin/python -m bench.live_overview                      # 1 class, then 4 classes; 1 worker
    .venv/bin/python -m bench.live_overview --redis private --workers 2
    .venv/bin/python -m bench.live_overview --school --redis private

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
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ilp_app.services.live.live_registry import HEARTBEAT_SECONDS as BOARD_BEAT
from ilp_app.services.live.live_registry import INBOX_HEARTBEAT_SECONDS as INBOX_BEAT
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS as PLAN_BEAT
from tests.support.protocol import GROUP_PAGE, PLAN, SESSION, Tab

# Session tokens are created here with ``auth.sign_in`` and checked by the server: both must key
# their digests with the same secret, so it is fixed before any ilp_app module reads settings.
BENCH_SECRET = secrets.token_urlsafe(48)

INBOX = f"{SESSION}.ilp_app___state___inbox____inbox_state"
DEMO_PASSWORD = "ilp-demo-2026"
MENTOR = "mentor@demo.school"
CLASS_SIZE = 30
TASKS_PER_PLAN = 10
TIMEOUT = 10.0  # a tick not on the overview within this is lost; also the round-trip limit
SORTS = ("progress", "name", "activity")  # each differs from the one before (start: "name")
SCHOOL_DB = "postgresql://postgres@127.0.0.1:5432/ilp_bench_school"


# --- the school -------------------------------------------------------------------------------


@dataclass
class BenchLearner:
    user_id: int
    token: str
    task_ids: list[int]
    group: int  # index of the class


@dataclass
class School:
    group_ids: list[int]
    mentor_tokens: list[str]
    learners: list[BenchLearner]


def reset_database(db_url: str) -> None:
    """Empty a PostgreSQL database (``DROP SCHEMA public CASCADE``) so the seed starts clean."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(sa.text("DROP SCHEMA public CASCADE"))
            c.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def build_school(db_url: str, classes: int, per_class: int = CLASS_SIZE) -> School:
    """Demo school plus ``classes`` tutor groups of ``per_class`` learners, and sign-ins.

    The first class is 8A (mentor@demo.school, whose own demo learners stay on the board); each
    other class is a new tutor group with a new mentor.
    """
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
    from ilp_app.services.access import auth
    from ilp_app.services.plans.periods import period_current

    engine = make_engine(db_url)
    use_engine(engine)
    now = datetime.now(UTC)

    def person(s, site_id: int, pw: str, email: str, name: str, role: Role) -> User:
        user = User(
            site_id=site_id,
            email=email,
            full_name=name,
            is_active=True,
            password_hash=pw,  # the demo accounts' password
            password_changed_at=now,
            created_at=now,
            updated_at=now,
        )
        s.add(user)
        s.flush()
        s.add(RoleGrant(user_id=user.id, role=role.value))
        return user

    try:
        made: list[tuple[int, str, list[int], int]] = []
        mentor_emails, group_ids = [MENTOR], []
        with session_scope() as s:
            mentor = s.exec(select(User).where(User.email == MENTOR)).one()
            site, pw = mentor.site_id, mentor.password_hash
            period = period_current(session=s, site_id=site)
            for c in range(classes):
                if c == 0:
                    group = s.exec(
                        select(Group).where(Group.name == "8A", Group.kind == "tutor")
                    ).one()
                    mentor_id = mentor.id
                else:
                    group = Group(site_id=site, name=f"Bench {c:02d}", kind="tutor")
                    s.add(group)
                    email = f"bench-mentor{c:02d}@demo.school"
                    mentor_id = person(s, site, pw, email, f"Bench Mentor {c:02d}", Role.MENTOR).id
                    mentor_emails.append(email)
                    s.flush()
                group_ids.append(group.id)
                for i in range(per_class):
                    n = c * per_class + i
                    email = f"bench{n:03d}@demo.school"
                    user = person(s, site, pw, email, f"Bench Learner {n:03d}", Role.LEARNER)
                    s.add(Enrollment(group_id=group.id, user_id=user.id, role="learner"))
                    s.add(MentorAssignment(mentor_id=mentor_id, learner_id=user.id, created_at=now))
                    plan = Plan(
                        site_id=site,
                        learner_id=user.id,
                        period_id=period.id,
                        status=PlanStatus.ACTIVE.value,
                        created_by_id=mentor_id,
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
                    made.append((user.id, email, [t.id for t in tasks], c))

        def token(s, email: str) -> str:  # a real sign-in (argon2 verify, ~20 ms)
            return auth.sign_in(session=s, email=email, password=DEMO_PASSWORD).token

        with session_scope() as s:
            mentor_tokens = [token(s, e) for e in mentor_emails]
            learners = [BenchLearner(uid, token(s, e), tids, c) for uid, e, tids, c in made]
        return School(group_ids=group_ids, mentor_tokens=mentor_tokens, learners=learners)
    finally:
        use_engine(None)
        engine.dispose()


def verify_database(db_url: str, school: School) -> dict[str, int]:
    """What the database holds after the run: ticks implied by task statuses, and audited ticks."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    ids = sa.bindparam("ids", [lr.user_id for lr in school.learners], expanding=True)
    try:
        with engine.connect() as c:
            statuses = c.execute(
                sa.text(
                    "SELECT t.status, count(*) FROM task t JOIN plan p ON p.id = t.plan_id "
                    "WHERE p.learner_id IN :ids GROUP BY t.status"
                ).bindparams(ids)
            ).all()
            audited = c.execute(
                sa.text(
                    "SELECT count(*) FROM auditevent WHERE action = 'task.progress' "
                    "AND outcome = 'ok' AND actor_user_id IN :ids"
                ).bindparams(ids)
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


class Client(Tab):
    """A ``Tab`` that times deltas as they arrive, instead of keeping every frame."""

    def __init__(self, base_url: str, path: str, session_token: str):
        from ilp_app.routes import SESSION_COOKIE

        super().__init__(base_url, path, cookie=f"{SESSION_COOKIE}={session_token}")
        self.waiters: list[tuple[object, asyncio.Future]] = []
        self.sent = 0

    async def open(self) -> Client:
        await super().open()
        await self.send(f"{INBOX}.watch")  # the page layout's on_mount
        return self

    async def send(self, name: str, payload: dict | None = None) -> None:
        self.sent += 1
        await super().send(name, payload)

    def expect(self, pred) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append((pred, fut))
        return fut

    async def _on_event(self, data) -> None:
        now = time.perf_counter()
        delta = data.get("delta") if isinstance(data, dict) else None
        if not delta:
            return
        self.on_delta(delta, now)
        for w in list(self.waiters):
            pred, fut = w
            if fut.done():
                self.waiters.remove(w)
            elif pred(delta):
                fut.set_result(now)
                self.waiters.remove(w)

    def on_delta(self, delta: dict, now: float) -> None:
        """Hook for subclasses (called for every delta, before the waiters)."""

    async def beat(self, events: list[tuple[str, float]], stop: asyncio.Event, rng) -> None:
        """The page's heartbeats (``components.live.heartbeat``), at a random phase, until stop."""
        due = {name: time.perf_counter() + rng.uniform(0, every) for name, every in events}
        while not stop.is_set():
            now = time.perf_counter()
            for name, every in events:
                if now >= due[name]:
                    due[name] = now + every
                    with contextlib.suppress(Exception):
                        await self.send(name, {"_tick": str(now)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.05, min(due.values()) - now))


def _board_rows(delta: dict):
    return delta.get(GROUP_PAGE, {}).get("rows_rx_state_")


@dataclass
class PendingTick:
    learner: int  # user id
    k: int  # 1, 2, 3: the learner's k-th tick
    sent: float


class Viewer(Client):
    """A mentor's overview tab; resolves ticks as their effect shows in its ``rows``."""

    def __init__(self, *args, learner_ids: set[int]):
        super().__init__(*args)
        self.learner_ids = learner_ids
        self.pending: list[PendingTick] = []
        self.latency: list[float] = []
        self.row_deltas = 0
        self.late = 0

    def on_delta(self, delta: dict, now: float) -> None:
        rows = _board_rows(delta)
        if rows is None:
            return
        self.row_deltas += 1
        # progress score: +1 per tick (ongoing 1, completed 2)
        score = {
            r.get("learner_id"): r.get("ongoing", 0) + 2 * r.get("completed", 0)
            for r in rows
            if r.get("learner_id") in self.learner_ids
        }
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


# --- what the server spends -------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (``/proc/<pid>/stat``)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def runqueue_wait(pids: list[int]) -> float:
    """Seconds these processes' threads waited for a CPU so far (``/proc/<pid>/task/*/schedstat``).

    On a shared machine this shows how much of the latency is other work's, not the app's.
    """
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def session_pids(leader: int) -> list[int]:
    """Every process of the app's session (supervisor and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.getsid(int(entry.name)) == leader:
                    found.append(int(entry.name))
    return found


def redis_counters(url: str) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(url)
    try:
        stats = client.info("stats")
        commands = client.info("commandstats")
    finally:
        client.close()
    return {
        "in": stats["total_net_input_bytes"],
        "out": stats["total_net_output_bytes"],
        "commands": sum(v["calls"] for v in commands.values()),
    }


@contextlib.contextmanager
def private_redis(workdir: Path):
    """A Redis of this run only (its counters then count this app alone); db 11 in it."""
    from tests.support.appserver import free_port

    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/11"
        for _ in range(100):
            with contextlib.suppress(Exception):
                redis_counters(url)
                break
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
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
    row_deltas: int = 0
    events: int = 0  # every event the clients sent during the load window
    window: float = 0.0  # seconds of the load window
    cpu: float = 0.0  # CPU seconds of the server processes in the window
    waited: float = 0.0  # seconds their threads waited for a CPU in the window
    redis_cpu: float = 0.0
    redis: dict[str, int] = field(default_factory=dict)  # counter deltas in the window
    loop_lag_p95: float = 0.0
    load_avg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before / after the load
    notes: list[str] = field(default_factory=list)


async def _loop_lag(samples: list[float], stop: asyncio.Event) -> None:
    """How late this client process wakes up (its own overload would inflate every figure)."""
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append(time.perf_counter() - t - 0.01)


async def drive(base_url: str, school: School, res: Result, *, seed: int, spread: float, probe):
    gids = school.group_ids
    viewers = [
        Viewer(
            base_url,
            f"/groups/{gid}",
            school.mentor_tokens[c],
            learner_ids={lr.user_id for lr in school.learners if lr.group == c},
        )
        for c, gid in enumerate(gids)
    ]
    gate = asyncio.Semaphore(10)

    async def open_viewer(v: Viewer) -> None:
        async with gate:
            ready = v.expect(
                lambda d: (
                    (rows := _board_rows(d)) is not None
                    and v.learner_ids <= {r.get("learner_id") for r in rows}
                )
            )
            await v.open()
            await asyncio.wait_for(ready, 60)

    await asyncio.gather(*(open_viewer(v) for v in viewers))
    learners = [Client(base_url, "/learner", lr.token) for lr in school.learners]

    async def open_page(client: Client, lr: BenchLearner) -> None:
        async with gate:
            loaded = client.expect(lambda d: _task_status(lr.task_ids[0])(d) is not None)
            await client.open()
            await asyncio.wait_for(loaded, 60)

    await asyncio.gather(
        *(open_page(c, lr) for c, lr in zip(learners, school.learners, strict=True))
    )
    tabs = [*viewers, *learners]
    stop = asyncio.Event()
    rng = random.Random(seed)
    beats = [
        asyncio.create_task(
            v.beat(
                [(f"{GROUP_PAGE}.heartbeat", BOARD_BEAT), (f"{INBOX}.watch", INBOX_BEAT)], stop, rng
            )
        )
        for v in viewers
    ] + [
        asyncio.create_task(
            c.beat([(f"{PLAN}.heartbeat", PLAN_BEAT), (f"{INBOX}.watch", INBOX_BEAT)], stop, rng)
        )
        for c in learners
    ]
    await asyncio.sleep(1.0)  # let the page loads settle

    lag: list[float] = []
    lag_task = asyncio.create_task(_loop_lag(lag, stop))
    sent_before = sum(t.sent for t in tabs)
    before = probe()
    t0 = time.perf_counter()

    async def learner_run(i: int, client: Client, lr: BenchLearner) -> None:
        rng = random.Random(f"{seed}/{res.n}/{i}")
        viewer = viewers[lr.group]
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
                task_id, status, after = ticks[k]
                k += 1
                done = client.expect(lambda d, t=task_id, s=after: _task_status(t)(d) == s)
                sent = time.perf_counter()
                viewer.pending.append(PendingTick(lr.user_id, k, sent))
                res.ticks_sent += 1
                await client.send(f"{PLAN}.tick", {"task_id": task_id, "status": status})
                into = res.tick_rt
            else:
                value = next(sorts)
                done = client.expect(
                    lambda d, v=value: d.get(GROUP_PAGE, {}).get("sort_key_rx_state_") == v
                )
                sent = time.perf_counter()
                await client.send(f"{GROUP_PAGE}.set_sort", {"value": value})
                into = res.base_rt
            try:
                into.append(await asyncio.wait_for(done, TIMEOUT) - sent)
            except TimeoutError:
                res.rt_timeouts += 1
                res.unsent += 3 - k
                res.notes.append(f"learner {i}: {step} got no answer in {TIMEOUT:.0f} s; stopped")
                return
            await asyncio.sleep(rng.uniform(0.3, 1.2))  # the learner looks at the screen

    await asyncio.gather(
        *(
            learner_run(i, c, lr)
            for i, (c, lr) in enumerate(zip(learners, school.learners, strict=True))
        )
    )
    # Ticks not yet on an overview get the rest of their 10 s.
    while (pending := [p for v in viewers for p in v.pending]) and (
        time.perf_counter() - max(p.sent for p in pending) < TIMEOUT
    ):
        await asyncio.sleep(0.05)
    after = probe()
    res.window = time.perf_counter() - t0
    res.events = sum(t.sent for t in tabs) - sent_before
    res.cpu, res.redis_cpu = after["cpu"] - before["cpu"], after["redis_cpu"] - before["redis_cpu"]
    res.waited = after["waited"] - before["waited"]
    if "redis" in before:
        res.redis = {k: after["redis"][k] - before["redis"][k] for k in before["redis"]}
    stop.set()
    await asyncio.gather(lag_task, *beats)
    for v in viewers:
        res.overview.extend(v.latency)
        res.lost += len(v.pending) + v.late
        res.late += v.late
        res.row_deltas += v.row_deltas
    res.loop_lag_p95 = pct(lag, 95)
    await asyncio.gather(*(t.close() for t in tabs))


def flush_redis(url: str) -> None:
    """Empty the benchmark's own Redis database (FLUSHDB of that database only)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


class Spy:
    """``py-spy record`` of the app's processes (collapsed stacks) over the load window only."""

    def __init__(self, leader: int, out: str):
        self.leader, self.out, self.proc = leader, out, None

    def start(self) -> None:
        from tests.support.appserver import VENV_BIN

        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "py-spy"),
                "record",
                "--pid",
                str(self.leader),
                "--subprocesses",
                "--format",
                "raw",
                "--rate",
                "200",
                "--nonblocking",
                "--output",
                self.out,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # before the load starts: let it attach

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def run_one(classes: int, args) -> Result:
    from tests.support.appserver import running_app

    n = classes * CLASS_SIZE
    label = f"{classes}×{CLASS_SIZE}"
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        redis_url, redis_pid = args.redis, 0
        if redis_url == "private":
            redis_url, redis_pid = stack.enter_context(private_redis(workdir))
        if args.database_url:
            db_url = args.database_url
            reset_database(db_url)
        else:
            db_url = f"sqlite:///{workdir / 'bench.db'}"
        t0 = time.monotonic()
        school = build_school(db_url, classes)
        print(
            f"[{label}] school ready: {n} learners in {classes} classes ({time.monotonic() - t0:.1f} s)"
        )
        env = {"ILP_SECRET_KEY": BENCH_SECRET}
        if redis_url:
            env.update({"REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": str(args.workers)})
            flush_redis(redis_url)
        t0 = time.monotonic()
        try:
            with running_app(workdir, database_url=db_url, extra_env=env) as app:
                print(f"[{label}] app up at {app.base_url} ({time.monotonic() - t0:.1f} s)")
                pids = session_pids(app.pid)

                spy = Spy(app.pid, args.profile) if args.profile else None

                def probe() -> dict:
                    if spy is not None and spy.proc is None:
                        spy.start()  # the first probe opens the load window, the second closes it
                    elif spy is not None:
                        spy.stop()
                    out = {
                        "cpu": cpu_seconds(pids),
                        "waited": runqueue_wait(pids),
                        "redis_cpu": cpu_seconds([redis_pid] if redis_pid else []),
                    }
                    if redis_url:
                        out["redis"] = redis_counters(redis_url)
                    return out

                res = Result(label=label, n=n)
                load_before = os.getloadavg()[0]
                t1 = time.monotonic()
                with contextlib.ExitStack() as stop_spy:
                    if spy is not None:
                        stop_spy.callback(spy.stop)
                    asyncio.run(
                        drive(
                            app.base_url,
                            school,
                            res,
                            seed=args.seed,
                            spread=args.spread,
                            probe=probe,
                        )
                    )
                res.load_avg = (load_before, os.getloadavg()[0])
                print(f"[{label}] load done ({time.monotonic() - t1:.1f} s)")
                db = verify_database(db_url, school)
                res.stored, res.audited = db["stored"], db["audited"]
                return res
        finally:
            if args.log_dir:
                keep = Path(args.log_dir)
                keep.mkdir(parents=True, exist_ok=True)
                for log in workdir.glob("app-*.log"):
                    shutil.copy(log, keep / f"{classes}x{CLASS_SIZE}-{log.name}")


# --- report -----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms3(values: list[float]) -> str:
    return " / ".join("—" if not values else f"{pct(values, q) * 1000:.0f}" for q in (50, 95, 99))


def report(results: list[Result], mode: str) -> None:
    print()
    print(f"Live overview benchmark — {mode}")
    print()
    print(
        "| classes | tick→overview p50/p95/p99 ms | tick RT p50/p95/p99 ms | baseline RT p50/p95/p99 ms "
        "| overview/base p50, p95 | lost | stored | server CPU |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        b50, b95 = pct(r.base_rt, 50), pct(r.base_rt, 95)
        o50, o95 = pct(r.overview, 50), pct(r.overview, 95)
        ratio = "—" if o50 != o50 else f"{o50 / b50:.1f}×, {o95 / b95:.1f}×"
        print(
            f"| {r.label} | {ms3(r.overview)} | {ms3(r.tick_rt)} | {ms3(r.base_rt)} | {ratio} "
            f"| {r.lost}/{r.ticks_sent} | {r.stored}/{r.ticks_sent} "
            f"| {r.cpu:.1f} s in {r.window:.0f} s ({r.cpu / r.window:.0%} of a core) |"
        )
    print()
    for r in results:
        print(
            f"{r.label}: {r.ticks_sent} ticks, {len(r.base_rt)} baseline events, {r.events} events "
            f"in the window (heartbeats included), {r.row_deltas} row deltas at the viewers, "
            f"server CPU {r.cpu / max(1, r.events) * 1000:.1f} ms per event, server threads "
            f"waited {r.waited:.1f} s for a CPU, "
            f"{r.audited} ticks audited, {r.late} of the lost ticks shown after {TIMEOUT:.0f} s, "
            f"{r.rt_timeouts} round trips over {TIMEOUT:.0f} s ({r.unsent} ticks then not sent), "
            f"client loop lag p95 {r.loop_lag_p95 * 1000:.0f} ms, load average "
            f"{r.load_avg[0]:.1f} -> {r.load_avg[1]:.1f} ({os.cpu_count()} CPUs)"
        )
        if r.redis:
            e = max(1, r.events)
            print(
                f"  Redis per event: server wrote {r.redis['in'] / e / 1024:.1f} KiB, read "
                f"{r.redis['out'] / e / 1024:.1f} KiB, {r.redis['commands'] / e:.1f} commands "
                f"(window totals {r.redis['in'] / 2**20:.1f} MiB in, "
                f"{r.redis['out'] / 2**20:.1f} MiB out; redis-server CPU {r.redis_cpu:.1f} s)"
            )
        for note in r.notes[:10]:
            print(f"  {note}")
    print(
        "tick→overview: learner sends tick until its class viewer's rows delta shows it; "
        "RT: until the sender's own delta;\nbaseline: GroupPageState.set_sort (no DB work), "
        "same learners, same window; lost: not on the overview within 10 s;\n"
        "stored: ticks found in the database (ongoing = 1, completed = 2) of the ticks sent; "
        "CPU: server processes (/proc), load window only."
    )


def code_version() -> str:
    """The commit the app was built from, and whether the working tree differed (read-only git)."""
    from tests.support.appserver import ROOT

    def git(*cmd: str) -> str:
        done = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "ilp_app")
    return f"app at {head}{' + uncommitted changes in ilp_app/' if dirty else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--classes", default="1,4", help="runs: numbers of classes of 30, comma separated"
    )
    parser.add_argument(
        "--school", action="store_true", help="20 classes of 30, 3 workers, PostgreSQL"
    )
    parser.add_argument(
        "--redis",
        default="",
        help="REFLEX_REDIS_URL (enables several workers); 'private' starts a Redis of this run",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="GRANIAN_WORKERS with --redis (default 2; 3 with --school)",
    )
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL database to WIPE and use (default: SQLite)"
    )
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--log-dir", default="", help="keep the app's logs here")
    parser.add_argument(
        "--profile", default="", help="py-spy collapsed stacks of the server to this file"
    )
    parser.add_argument("--spread", type=float, default=4.0, help="learners start within (s)")
    args = parser.parse_args()
    os.environ["ILP_SECRET_KEY"] = BENCH_SECRET  # before any ilp_app import reads settings
    if args.school:
        args.classes = "20"
        args.workers = args.workers or 3
        args.database_url = args.database_url or SCHOOL_DB
        if not args.redis:
            parser.error("--school runs on several workers: give --redis URL (or 'private')")
    args.workers = (args.workers or 2) if args.redis else 1
    sizes = [int(x) for x in args.classes.split(",") if x.strip()]
    mode = (
        f"state in Redis ({'a private server' if args.redis == 'private' else args.redis}), "
        f"{args.workers} workers"
        if args.redis
        else "default state manager, 1 worker"
    )
    database = "PostgreSQL" if args.database_url else "SQLite"
    version = code_version()  # before the builds: others may commit while this runs
    started = time.monotonic()
    results = [run_one(c, args) for c in sizes]
    report(results, f"{mode}, {database}; {version}; total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
