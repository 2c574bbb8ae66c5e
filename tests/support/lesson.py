"""A lesson at the protocol level, for fault tests and the fault drill: learners tick, a mentor
watches the live overview, and every tap's fate is recorded.

Tabs behave as the browser's do: they send the page's heartbeat every five seconds, and when
their socket drops they connect again with the same tab token (which hydrates the page anew).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from tests.support.protocol import GROUP_PAGE, PLAN, Tab, sign_in_cookie, wait_for_frame

NEXT_STATUS = {"not_started": "ongoing", "ongoing": "completed"}
MSG_NOT_SAVED = "Not saved — try again"
#: What a tap may be answered with other than its saved status.
ERROR_TEXTS = (
    "Something went wrong",
    "An error occurred",
    "Contact the website administrator",
    "Too many actions at once",
)
HEARTBEAT_SECONDS = 5.0


def engine_for(url: str) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True)


def group_id(db: sa.Engine, name: str = "8A") -> int:
    with db.connect() as c:
        return c.execute(
            sa.text("SELECT id FROM learner_group WHERE name = :n"), {"n": name}
        ).scalar_one()


MIN_OPEN_TASKS = 3


def learners_of(db: sa.Engine, gid: int) -> list[tuple[int, str]]:
    """(user id, email) of the learners enrolled in the group who have an active plan with
    tasks left to tick (at least :data:`MIN_OPEN_TASKS`: a lesson taps each a few times)."""
    with db.connect() as c:
        return [
            tuple(r)
            for r in c.execute(
                sa.text(
                    'SELECT u.id, u.email FROM "user" u '
                    "JOIN enrollment e ON e.user_id = u.id "
                    "JOIN plan p ON p.learner_id = u.id AND p.status = 'active' "
                    "JOIN task t ON t.plan_id = p.id AND t.status != 'completed' "
                    "WHERE e.group_id = :g AND e.role = 'learner' AND u.is_active "
                    f"GROUP BY u.id, u.email HAVING count(t.id) >= {MIN_OPEN_TASKS} ORDER BY u.id"
                ),
                {"g": gid},
            )
        ]


def open_tasks(db: sa.Engine, user_id: int) -> list[tuple[int, str]]:
    """(task id, status) of the learner's unfinished tasks in the active plan."""
    with db.connect() as c:
        return [
            tuple(r)
            for r in c.execute(
                sa.text(
                    "SELECT t.id, t.status FROM task t JOIN plan p ON p.id = t.plan_id "
                    "WHERE p.learner_id = :u AND p.status = 'active' "
                    "AND t.status != 'completed' ORDER BY t.id"
                ),
                {"u": user_id},
            )
        ]


def task_statuses(db: sa.Engine, task_ids: list[int]) -> dict[int, str]:
    if not task_ids:
        return {}
    with db.connect() as c:
        rows = c.execute(
            sa.text("SELECT id, status FROM task WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": task_ids},
        )
        return {tid: status for tid, status in rows}


def progress(db: sa.Engine, user_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per learner: (completed, ongoing) tasks of the active plan, as stored."""
    with db.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT p.learner_id, "
                "SUM(CASE WHEN t.status = 'completed' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN t.status = 'ongoing' THEN 1 ELSE 0 END) "
                "FROM task t JOIN plan p ON p.id = t.plan_id "
                "WHERE p.status = 'active' AND p.learner_id IN :ids GROUP BY p.learner_id"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": user_ids},
        )
        return {uid: (int(done), int(going)) for uid, done, going in rows}


class LiveTab:
    """A tab that reconnects the way the browser does, and sends its page's heartbeat."""

    def __init__(self, base_url: str, path: str, *, cookie: str, heartbeat: str | None = None):
        self.base_url, self.path, self.cookie, self.heartbeat = base_url, path, cookie, heartbeat
        self.tab: Tab | None = None
        self.frames: list[dict] = []
        self.reconnects = 0
        self.token: str | None = None
        self._changed = asyncio.Event()
        self._keeper: asyncio.Task | None = None
        self._closing = False

    async def _connect(self) -> None:
        tab = Tab(self.base_url, self.path, cookie=self.cookie, token=self.token)
        tab.frames, tab._changed = self.frames, self._changed  # one history across reconnects
        await tab.open()
        self.tab, self.token = tab, tab.token

    async def open(self) -> LiveTab:
        await self._connect()
        self._keeper = asyncio.get_running_loop().create_task(self._keep())
        return self

    @property
    def connected(self) -> bool:
        return self.tab is not None and self.tab.sio.connected

    async def _keep(self) -> None:
        next_beat = time.monotonic() + HEARTBEAT_SECONDS
        while not self._closing:
            await asyncio.sleep(0.25)
            if not self.connected:
                with contextlib.suppress(Exception):
                    await self.tab.close()
                try:
                    await self._connect()
                    self.reconnects += 1
                except Exception:
                    await asyncio.sleep(0.5)  # the browser backs off a little, then tries again
                continue
            if self.heartbeat and time.monotonic() >= next_beat:
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
                with contextlib.suppress(Exception):
                    await self.tab.send(self.heartbeat, {})

    async def wait_connected(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while not self.connected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return self.connected

    async def send(self, name: str, payload: dict | None = None) -> bool:
        """Send once the socket is up (as the browser queues events while reconnecting)."""
        if not await self.wait_connected():
            return False
        try:
            await self.tab.send(name, payload)
        except Exception:
            return False
        return True

    async def wait_for(self, pred, timeout: float, *, since: int = 0) -> float | None:
        return await wait_for_frame(self.frames, self._changed, pred, timeout, since=since)

    async def close(self) -> None:
        self._closing = True
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        if self.tab is not None:
            await self.tab.close()


def _plan_task_status(frame: dict, task_id: int) -> str | None:
    for values in (frame.get("delta") or {}).values():
        plan = values.get("plan_rx_state_") if isinstance(values, dict) else None
        if not isinstance(plan, dict):
            continue
        for area in plan.get("focus_areas", []):
            for goal in area.get("goals", []):
                for task in goal.get("tasks", []):
                    if task.get("id") == task_id:
                        return task.get("status")
    return None


def latest_rows(frames: list[dict]) -> dict[int, tuple[int, int]]:
    """The overview as the viewer last saw it: learner id -> (completed, ongoing)."""
    for frame in reversed(frames):
        for values in (frame.get("delta") or {}).values():
            rows = values.get("rows_rx_state_") if isinstance(values, dict) else None
            if isinstance(rows, list):
                return {r["learner_id"]: (r["completed"], r["ongoing"]) for r in rows}
    return {}


@dataclass
class Tap:
    learner: int
    task_id: int
    status: str  # what the learner saw before the tap
    sent_at: float
    outcome: str = "unanswered"  # saved, not saved, error, signed out, unanswered, unsent
    answered_in: float | None = None
    detail: str = ""  # the error text the tap was answered with


@dataclass
class LearnerTab:
    user_id: int
    email: str
    tab: LiveTab
    tasks: list[tuple[int, str]]
    taps: list[Tap] = field(default_factory=list)

    async def tap(self, *, timeout: float = 15.0) -> Tap | None:
        """Tap the next unfinished task and wait for the answer."""
        while self.tasks and self.tasks[0][1] == "completed":
            self.tasks.pop(0)
        if not self.tasks:
            return None
        task_id, status = self.tasks[0]
        tap = Tap(self.user_id, task_id, status, time.monotonic())
        self.taps.append(tap)
        mark = len(self.tab.frames)
        if not await self.tab.send(f"{PLAN}.tick", {"task_id": task_id, "status": status}):
            tap.outcome = "unsent"
            return tap
        wanted = NEXT_STATUS[status]

        def answered(frame: dict) -> bool:
            text = json.dumps(frame, ensure_ascii=False)
            return (
                _plan_task_status(frame, task_id) == wanted
                or MSG_NOT_SAVED in text
                or any(e in text for e in ERROR_TEXTS)
                or '"/login' in text
            )

        waited = await self.tab.wait_for(answered, timeout, since=mark)
        if waited is None:
            return tap
        tap.answered_in = waited
        text = json.dumps(self.tab.frames[mark:], ensure_ascii=False)
        if MSG_NOT_SAVED in text:
            tap.outcome = "not saved"
        elif '"/login' in text:
            tap.outcome = "signed out"
        elif any(e in text for e in ERROR_TEXTS):
            tap.outcome = "error"
            tap.detail = next(e for e in ERROR_TEXTS if e in text)
        else:
            tap.outcome = "saved"
            self.tasks[0] = (task_id, wanted)
        return tap


async def open_learner(base_url: str, db: sa.Engine, user_id: int, email: str) -> LearnerTab:
    cookie = await asyncio.to_thread(sign_in_cookie, base_url, email)
    tab = await LiveTab(base_url, "/learner", cookie=cookie, heartbeat=f"{PLAN}.heartbeat").open()
    return LearnerTab(user_id, email, tab, open_tasks(db, user_id))


async def open_overview(base_url: str, gid: int, email: str = "mentor@demo.school") -> LiveTab:
    cookie = await asyncio.to_thread(sign_in_cookie, base_url, email)
    return await LiveTab(
        base_url, f"/groups/{gid}", cookie=cookie, heartbeat=f"{GROUP_PAGE}.heartbeat"
    ).open()


async def overview_matches(
    overview: LiveTab, db: sa.Engine, user_ids: list[int], timeout: float
) -> float | None:
    """Seconds until the overview shows what is stored for every one of ``user_ids``."""
    start = time.monotonic()
    while True:
        stored = progress(db, user_ids)
        shown = latest_rows(overview.frames)
        if all(shown.get(uid) == stored.get(uid) for uid in user_ids):
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return None
        await asyncio.sleep(0.25)


def stored_taps(db: sa.Engine, taps: list[Tap]) -> int:
    """How many taps the database holds: moves of a task past the status a tap saw.

    A tap that was refused and tapped again (the same task, the same status) counts once.
    """
    order = {"not_started": 0, "ongoing": 1, "completed": 2}
    moves = {(t.task_id, t.status) for t in taps}
    now = task_statuses(db, sorted({task for task, _ in moves}))
    return sum(1 for task, seen in moves if order[now.get(task, "not_started")] > order[seen])


def distinct_moves(taps: list[Tap]) -> int:
    return len({(t.task_id, t.status) for t in taps})


def mentions_text(text: str):
    return lambda frame: text in json.dumps(frame, ensure_ascii=False)


def mentions_rows(frame: dict) -> bool:
    return "rows_rx_state_" in json.dumps(frame)


def mentions_plan(frame: dict) -> bool:
    return any(
        isinstance(v, dict) and isinstance(v.get("plan_rx_state_"), dict)
        for v in (frame.get("delta") or {}).values()
    )
