"""Live updates between browsers, through Reflex shared states.

Only *viewers* link to a shared state, and only after the services authorised them:

* ``GroupBoard`` (token ``group<id>``): the staff overview rows of one group.
* ``ProjectorBoard`` (token ``projector<id>``): the class-safe tiles of the same group.
* ``PlanPulse`` (token ``learner<id>``): the browsers showing a learner's plan. When the plan
  changes, each of them reloads its own copy, filtered for whoever signed in there.
* ``InboxPulse`` (token ``user<id>``): one person's unread notification count.
* ``RosterPulse`` (token ``roster<id>``): the browsers showing a staff member's home. When an
  administrator connects or disconnects their learners, each reloads its list (see :func:`roster_changed`).

Learners never link to a group: their events write to the boards through
``app.modify_state`` (see :func:`publish`), so a tick costs one delta per *viewer*, not one per
learner in the class. The boards are caches, rebuilt from the database whenever a viewer joins.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from ilp_app.db.engine import session_scope
from ilp_app.db.models import Group
from ilp_app.services import notifications, overview
from ilp_app.services.overview import OverviewRow, ProjectorTile

log = logging.getLogger("ilp.live")


class GroupBoard(rx.SharedState):
    group_id: int = 0
    group_name: str = ""
    rows: list[OverviewRow] = []


class ProjectorBoard(rx.SharedState):
    group_id: int = 0
    group_name: str = ""
    tiles: list[ProjectorTile] = []


class PlanPulse(rx.SharedState):
    version: int = 0


class InboxPulse(rx.SharedState):
    unread: int = 0


class RosterPulse(rx.SharedState):
    version: int = 0


LIVE_STATES = (GroupBoard, ProjectorBoard, PlanPulse, InboxPulse, RosterPulse)


def group_token(group_id: int) -> str:
    return f"group{group_id}"


def projector_token(group_id: int) -> str:
    return f"projector{group_id}"


def learner_token(learner_id: int) -> str:
    return f"learner{learner_id}"


def user_token(user_id: int) -> str:
    return f"user{user_id}"


def roster_token(user_id: int) -> str:
    return f"roster{user_id}"


async def link(state: rx.State, cls: type[rx.SharedState], token: str) -> rx.SharedState:
    """Link this client's ``cls`` to ``token`` (call only after authorising the viewer)."""
    shared = await state.get_state(cls)
    return await shared._link_to(token)


async def unlink_all(state: rx.State) -> list:
    """Leave every shared state (on sign-out); returns the events that restore private copies."""
    events = []
    for cls in LIVE_STATES:
        shared = await state.get_state(cls)
        if shared._linked_to:
            events.extend(await shared._unlink() or [])
    return events


def _app():
    from ilp_app.ilp_app import app  # the app object exists once the server runs

    return app


def _replace(items: list, key: str, fresh: dict) -> list | None:
    """``items`` with the entries whose ``key`` is in ``fresh`` replaced; None if none matched."""
    hit = False
    out = []
    for item in items:
        new = fresh.get(getattr(item, key))
        if new is not None:
            hit = True
            out.append(new)
        else:
            out.append(item)
    return out if hit else None


#: Private states that show a learner's plan; each has ``_follow(learner_id)`` to reload it.
_plan_followers: list[type[rx.State]] = []


def follow_plans_with(cls: type[rx.State]) -> None:
    _plan_followers.append(cls)


async def publish(
    *, learner_ids: set[int], user_ids: set[int], skip: dict[int, set[str]] | None = None
) -> None:
    """Tell every open screen about committed changes: boards, plan pages, notification counters.

    ``skip`` maps a learner to browsers that already show the change (the ones that made it).
    """
    if not learner_ids and not user_ids:
        return
    skip = skip or {}
    with session_scope() as s:
        boards: dict[int, Group] = {}
        for lid in learner_ids:
            for gid in overview.learner_group_ids(session=s, learner_id=lid):
                boards.setdefault(gid, s.get(Group, gid))
        rows: dict[int, OverviewRow] = {}
        tiles: dict[int, ProjectorTile] = {}
        if boards:
            # A learner's row is the same on every board, so it is built once.
            data = overview.group_board_rebuild(
                session=s, group=next(iter(boards.values())), learner_ids=sorted(learner_ids)
            )
            rows = {r.learner_id: r for r in data.rows}
            tiles = {t.learner_id: t for t in data.tiles}
        unread = {uid: notifications.unread_count(session=s, user_id=uid) for uid in user_ids}
    app = _app()
    for gid in boards:
        async with app.modify_state(
            rx.BaseStateToken(ident=group_token(gid), cls=GroupBoard)
        ) as root:
            board = await root.get_state(GroupBoard)
            if (
                board.group_id == gid
                and (new := _replace(board.rows, "learner_id", rows)) is not None
            ):
                board.rows = new
        async with app.modify_state(
            rx.BaseStateToken(ident=projector_token(gid), cls=ProjectorBoard)
        ) as root:
            board = await root.get_state(ProjectorBoard)
            if (
                board.group_id == gid
                and (new := _replace(board.tiles, "learner_id", tiles)) is not None
            ):
                board.tiles = new
    for lid in learner_ids:
        async with app.modify_state(
            rx.BaseStateToken(ident=learner_token(lid), cls=PlanPulse)
        ) as root:
            pulse = await root.get_state(PlanPulse)
            pulse.version += 1
            followers = set(pulse._linked_from) - skip.get(lid, set())
        # Each browser reloads its own copy: what a parent may see differs from what a mentor may.
        gone = set()
        for client in followers:
            for cls in _plan_followers:
                async with app.modify_state(rx.BaseStateToken(ident=client, cls=cls)) as root:
                    if (await root.get_state(cls))._follow(lid) is False:
                        gone.add(client)
        if gone:  # signed out or expired: stop reloading plans for them
            async with app.modify_state(
                rx.BaseStateToken(ident=learner_token(lid), cls=PlanPulse)
            ) as root:
                (await root.get_state(PlanPulse))._linked_from.difference_update(gone)
    for uid, count in unread.items():
        async with app.modify_state(
            rx.BaseStateToken(ident=user_token(uid), cls=InboxPulse)
        ) as root:
            inbox = await root.get_state(InboxPulse)
            inbox.unread = count


async def publish_safely(**kwargs) -> None:
    """Like :func:`publish`, but a failure to push never undoes or hides a committed change."""
    try:
        await publish(**kwargs)
    except Exception:  # the change is saved; screens catch up on their next load
        log.exception("live update failed for %s", kwargs.get("learner_ids"))


#: Changes of the last moments, announced together: in a lesson thirty learners tick within
#: seconds of each other, and one board update per window beats one per tick.
COALESCE_SECONDS = 0.1
_batch: dict[str, object] = {"learners": set(), "users": set(), "skip": {}}
_flusher: asyncio.Task | None = None


async def _flush_after_window() -> None:
    global _flusher
    await asyncio.sleep(COALESCE_SECONDS)
    learners, users, skip = _batch["learners"], _batch["users"], _batch["skip"]
    _batch.update(learners=set(), users=set(), skip={})
    _flusher = None
    await publish_safely(learner_ids=learners, user_ids=users, skip=skip)


def announce(*, learner_ids: set[int], user_ids: set[int], skip_client: str = "") -> None:
    """Publish shortly after the current event has finished, together with other recent changes.

    The event that made the change may itself be linked to the boards it changes (a learner
    follows their own plan, a mentor their group); writing to them from inside that event would
    race with the event saving its own copy of them. A task that starts after the event avoids it,
    and the person who acted gets their answer before the broadcast goes out.
    """
    global _flusher
    if not learner_ids and not user_ids:
        return
    _batch["learners"].update(learner_ids)
    _batch["users"].update(user_ids)
    if skip_client:
        for lid in learner_ids:
            _batch["skip"].setdefault(lid, set()).add(skip_client)
    if _flusher is None:
        _flusher = asyncio.get_running_loop().create_task(_flush_after_window())


#: Private states that list a person's learners; each has ``_follow_roster(user_id)`` to reload it.
_roster_followers: list[type[rx.State]] = []


def follow_rosters_with(cls: type[rx.State]) -> None:
    _roster_followers.append(cls)


async def _publish_rosters(user_ids: set[int]) -> None:
    app = _app()
    for uid in sorted(user_ids):
        async with app.modify_state(
            rx.BaseStateToken(ident=roster_token(uid), cls=RosterPulse)
        ) as root:
            pulse = await root.get_state(RosterPulse)
            pulse.version += 1
            followers = set(pulse._linked_from)
        gone = set()
        for client in followers:
            for cls in _roster_followers:
                async with app.modify_state(rx.BaseStateToken(ident=client, cls=cls)) as root:
                    if (await root.get_state(cls))._follow_roster(uid) is False:
                        gone.add(client)
        if gone:  # signed out, or someone else signed in there: stop reloading for them
            async with app.modify_state(
                rx.BaseStateToken(ident=roster_token(uid), cls=RosterPulse)
            ) as root:
                (await root.get_state(RosterPulse))._linked_from.difference_update(gone)


async def _publish_rosters_safely(user_ids: set[int]) -> None:
    try:
        await _publish_rosters(user_ids)
    except Exception:  # the change is saved; homes catch up on their next load
        log.exception("live roster update failed for %s", user_ids)


#: Pushes running after their event ended. The event loop keeps only weak references to tasks, so
#: one nobody holds may be collected before it has run; each stays here until it is done.
_pushes: set[asyncio.Task] = set()


def _push(coroutine) -> None:
    task = asyncio.get_running_loop().create_task(coroutine)
    _pushes.add(task)
    task.add_done_callback(_pushes.discard)


def roster_changed(user_ids: set[int]) -> None:
    """After the current event: the open homes of these people reload the learners they list."""
    if user_ids:
        _push(_publish_rosters_safely(set(user_ids)))


async def _drop_learner(learner_id: int, group_ids: set[int]) -> None:
    """Take a learner who no longer exists off the boards of the groups they were in."""
    app = _app()
    for gid in sorted(group_ids):
        async with app.modify_state(
            rx.BaseStateToken(ident=group_token(gid), cls=GroupBoard)
        ) as root:
            board = await root.get_state(GroupBoard)
            if any(r.learner_id == learner_id for r in board.rows):
                board.rows = [r for r in board.rows if r.learner_id != learner_id]
        async with app.modify_state(
            rx.BaseStateToken(ident=projector_token(gid), cls=ProjectorBoard)
        ) as root:
            board = await root.get_state(ProjectorBoard)
            if any(t.learner_id == learner_id for t in board.tiles):
                board.tiles = [t for t in board.tiles if t.learner_id != learner_id]


async def _drop_learner_safely(learner_id: int, group_ids: set[int]) -> None:
    try:
        await _drop_learner(learner_id, group_ids)
    except Exception:  # the erasure is saved; boards rebuild from the database when next opened
        log.exception("live board update failed after erasing learner %s", learner_id)


def learner_erased(learner_id: int, group_ids: set[int]) -> None:
    """After the current event: an erased learner's name leaves the open boards of their groups.

    :func:`publish` cannot do it: it finds a learner's boards through their enrollments, which
    the erasure deleted, and the boards are cached (and persisted) until a viewer rebuilds them.
    """
    if group_ids:
        _push(_drop_learner_safely(learner_id, set(group_ids)))
