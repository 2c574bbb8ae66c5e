"""A lesson in the shape of real use, at the protocol level, on one or several hosts.

Several tabs per person (homes, the overview twice, a duplicated tab that carries the same
client token, the projector, a parent's two tabs), a tab killed without a goodbye, tabs
closed, a session signed out in one tab while the others stay open, a reconnect, a late
joiner, and, once every tab is gone, a fresh viewer. Tabs are spread over the hosts given,
so with several hosts (and Redis) pushes cross workers. Every tick must reach every open
viewer that may see it within a second; the signed-out session must get nothing more.
"""

from __future__ import annotations

import asyncio
import itertools
import json

import sqlalchemy as sa

from tests.support.protocol import (
    PLAN,
    Tab,
    mentions,
    sign_in_cookie,
    sign_out_cookie,
)

LIVE_SECONDS = 1.0
ROWS = ("rows_rx_", "tiles_rx_", "plan_rx_")


def group_8a(db: sa.Engine) -> int:
    with db.connect() as c:
        return c.execute(sa.text("SELECT id FROM learner_group WHERE name = '8A'")).scalar_one()


def learner_id(db: sa.Engine, email: str = "learner@demo.school") -> int:
    with db.connect() as c:
        return c.execute(
            sa.text('SELECT id FROM "user" WHERE email = :e'), {"e": email}
        ).scalar_one()


def open_task(db: sa.Engine, email: str = "learner@demo.school") -> tuple[int, str, int]:
    """(task id, status, plan id) of an unfinished task in the learner's active plan.

    Other tests tick the same learner's tasks; when all are completed, one is set back first.
    """
    query = (
        "SELECT t.id, t.status, p.id FROM task t JOIN plan p ON p.id = t.plan_id "
        'JOIN "user" u ON u.id = p.learner_id WHERE u.email = :e '
        "AND p.status = 'active' {extra} ORDER BY t.id LIMIT 1"
    )
    with db.begin() as c:
        row = c.execute(
            sa.text(query.format(extra="AND t.status != 'completed'")), {"e": email}
        ).first()
        if row is None:
            task_id = c.execute(sa.text(query.format(extra="")), {"e": email}).first()[0]
            c.execute(
                sa.text("UPDATE task SET status = 'not_started' WHERE id = :t"), {"t": task_id}
            )
            row = c.execute(
                sa.text(query.format(extra="AND t.status != 'completed'")), {"e": email}
            ).first()
        return tuple(row)


async def tick(tab: Tab, task_id: int, status: str) -> None:
    await tab.send(f"{PLAN}.tick", {"task_id": task_id, "status": status})


def _shows_rows(frame: dict) -> bool:
    return any(key in json.dumps(frame) for key in ROWS)


def _shows_learners(frame: dict) -> bool:
    """Whether a frame carries learners' data (an emptied page carries none)."""
    for values in (frame.get("delta") or {}).values():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key.startswith(ROWS) and value not in ([], None, {}):
                return True
    return False


async def lesson_soak(base_urls: list[str], db: sa.Engine) -> None:
    """See the module docstring. Raises AssertionError at the first viewer that falls behind."""
    hosts = itertools.cycle(base_urls)
    gid = group_8a(db)
    first = base_urls[0]
    mentor_cookie = sign_in_cookie(first, "mentor@demo.school")
    other_mentor_cookie = sign_in_cookie(first, "mentor@demo.school")  # a second device
    parent_cookie = sign_in_cookie(first, "parent@demo.school")

    async def tab(path: str, cookie: str, token: str | None = None) -> Tab:
        return await Tab(next(hosts), path, cookie=cookie, token=token).open()

    learner = await tab("/learner", sign_in_cookie(first, "learner@demo.school"))
    homes = [await tab("/mentor", mentor_cookie) for _ in range(3)]
    overview = await tab(f"/groups/{gid}", mentor_cookie)
    duplicate = await tab(f"/groups/{gid}", mentor_cookie, token=overview.token)
    projector = await tab(f"/groups/{gid}/projector", mentor_cookie)
    parents = [await tab("/parent", parent_cookie) for _ in range(2)]
    for page in parents:  # the parent shows Åsa (their first child may be her brother)
        await asyncio.sleep(0.5)
        await page.send(f"{PLAN}.select_child", {"learner_id": str(learner_id(db))})
    doomed = await tab(f"/groups/{gid}", mentor_cookie)
    leaving = await tab(f"/groups/{gid}", other_mentor_cookie)
    viewers = [overview, duplicate, projector, *parents]
    for page in [*viewers, leaving]:
        assert await page.wait_for(mentions("Åsa"), 15) is not None, page.path
    assert duplicate.token != overview.token  # the duplicate was given a token of its own

    async def tick_reaches(tabs: list[Tab], *, not_to: tuple[Tab, ...] = ()) -> None:
        task_id, status, _ = open_task(db)
        marks = [len(t.frames) for t in tabs]
        quiet_marks = [len(t.frames) for t in not_to]
        await tick(learner, task_id, status)
        for page, mark in zip(tabs, marks, strict=True):
            waited = await page.wait_for(_shows_rows, 5, since=mark)
            assert waited is not None and waited < LIVE_SECONDS, (page.path, waited)
        await asyncio.sleep(LIVE_SECONDS)
        for page, mark in zip(not_to, quiet_marks, strict=True):
            # Emptying the page is allowed (and expected); any learner's data is not.
            assert not any(_shows_learners(f) for f in page.frames[mark:]), page.path

    await tick_reaches([*viewers, leaving])
    await doomed.kill()  # closed without a goodbye
    for home in homes[:2]:
        await home.close()
    await tick_reaches(viewers)

    # Signed out on the other device, whose overview stays open: it gets nothing more, while
    # the first device's tabs go on.
    sign_out_cookie(first, other_mentor_cookie)
    await tick_reaches(viewers, not_to=(leaving,))

    # The overview's connection drops and the browser reconnects with the same tab token.
    token = overview.token
    await overview.kill()
    overview = await tab(f"/groups/{gid}", mentor_cookie, token=token)
    assert await overview.wait_for(mentions("Åsa"), 15) is not None
    viewers[0] = overview

    late = await tab(f"/groups/{gid}", mentor_cookie)
    assert await late.wait_for(mentions("Åsa"), 15) is not None
    await tick_reaches([*viewers, late], not_to=(leaving,))
    for page in [*viewers, late, homes[2], leaving]:
        await page.close()
    fresh = await tab(f"/groups/{gid}", mentor_cookie)
    assert await fresh.wait_for(mentions("Åsa"), 15) is not None
    await tick_reaches([fresh])
    await fresh.close()
    await learner.close()
