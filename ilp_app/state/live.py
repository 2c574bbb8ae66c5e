"""Live updates: push committed changes into the private state of every tab that watches them.

The path of a change (a learner's tick, say):

1. The event's service commits; the state calls :func:`announce` with the learners and people
   the change touched (``services.outbox``).
2. :class:`LivePush` reads what the screens need in one unit of work, off the event loop
   (``services.live.live_feed.feed_build``).
3. For each channel in that feed, it raises the channel's version and pushes the item into
   every registered viewer's own page state with ``app.modify_state``; the page's ``_receive``
   re-checks the viewer's session and permission first, and says whether to keep it.

Viewers join a channel (:func:`join`) only after the services authorised the page, and refresh
their entry with a heartbeat (:func:`heartbeat`), which also tells them when they missed a push.
There are no shared states: every tab holds its own copy, and no client can connect under a
channel's name. The first change is pushed at once; changes that follow within
:data:`COALESCE_SECONDS` of the start of a push go out together with the next one.

The app binds this module at start-up (:func:`bind`); nothing here imports the app.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass, field

import reflex as rx

from ilp_app.db.engine import read_scope
from ilp_app.services.live import live_feed
from ilp_app.services.live.live_registry import Viewer, ViewerRegistry

log = logging.getLogger("ilp.live")

#: Changes that arrive while a push is going out wait at most this long to go out together.
COALESCE_SECONDS = 0.1


@dataclass
class _Batch:
    learners: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)
    rosters: set[int] = field(default_factory=set)
    erased: dict[int, set[int]] = field(default_factory=dict)
    skip: dict[str, set[str]] = field(default_factory=dict)  # channel -> tabs that already show it

    def __bool__(self) -> bool:
        return bool(self.learners or self.users or self.rosters or self.erased)


def _feed(batch: _Batch) -> live_feed.Feed:
    # Only reads: on SQLite it runs beside the taps being saved instead of waiting for them.
    with read_scope() as s:
        return live_feed.feed_build(
            session=s,
            learner_ids=batch.learners,
            user_ids=batch.users,
            roster_user_ids=batch.rosters,
            erased=batch.erased,
        )


class LivePush:
    """Pushes batches of changes to the viewers in ``registry`` through ``modify_state``."""

    def __init__(self, *, modify_state, registry: ViewerRegistry, is_connected=None):
        self.modify_state = modify_state
        self.registry = registry
        self.is_connected = is_connected
        self._pending = _Batch()
        self._task: asyncio.Task | None = None
        # The app's event loop: announcements made from a worker thread (a handler that runs
        # off the loop) are handed to it.
        self.loop: asyncio.AbstractEventLoop | None = None
        self._classes: dict[str, type[rx.State]] = {}

    # --- announcing ---

    def announce(
        self,
        *,
        learner_ids=(),
        user_ids=(),
        roster_user_ids=(),
        erased: dict[int, set[int]] | None = None,
        skip_client: str = "",
    ) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a worker thread: batch it on the event loop, in order
            if self.loop is None:
                log.error("a change was announced before the app's event loop was known")
                return
            self.loop.call_soon_threadsafe(
                functools.partial(
                    self.announce,
                    learner_ids=set(learner_ids),
                    user_ids=set(user_ids),
                    roster_user_ids=set(roster_user_ids),
                    erased={gid: set(lids) for gid, lids in (erased or {}).items()},
                    skip_client=skip_client,
                )
            )
            return
        self.loop = loop
        batch = self._pending
        batch.learners.update(learner_ids)
        batch.users.update(user_ids)
        batch.rosters.update(roster_user_ids)
        for gid, lids in (erased or {}).items():
            batch.erased.setdefault(gid, set()).update(lids)
        if skip_client:
            for lid in learner_ids:
                batch.skip.setdefault(live_feed.channel(live_feed.PLAN, lid), set()).add(
                    skip_client
                )
        if batch and (self._task is None or self._task.done()):
            self._task = loop.create_task(self._pump())

    async def _pump(self) -> None:
        """Push at once, then whatever arrived meanwhile, at most one push per window.

        The window runs from the start of a push: a push that took longer than the window is
        followed at once by the changes that arrived during it.
        """
        while self._pending:
            batch, self._pending = self._pending, _Batch()
            started = time.monotonic()
            try:
                await self.deliver(batch)
            except Exception:  # the change is saved; heartbeats bring the screens up to date
                log.exception("live push failed")
            await asyncio.sleep(max(0.0, COALESCE_SECONDS - (time.monotonic() - started)))

    async def settle(self) -> None:
        """Wait until every announced change has been pushed (for tests and shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    # --- delivering ---

    async def deliver(self, batch: _Batch) -> None:
        """Read the batch's feed once, then push every channel of it, all at the same time."""
        feed = await asyncio.to_thread(_feed, batch)
        failed = [
            error
            for error in await asyncio.gather(
                *(self._deliver_channel(name, item, batch) for name, item in feed.items()),
                return_exceptions=True,
            )
            if error is not None
        ]
        if failed:  # one channel's registry error no longer holds back the others
            raise failed[0]

    async def _deliver_channel(self, name: str, item: object, batch: _Batch) -> None:
        version = await self.registry.bump(name)
        skip = batch.skip.get(name, ())
        viewers = await self.registry.viewers(name)
        await asyncio.gather(
            *(
                self._mark_current(name, v, version)
                if v.client_token in skip
                else self._deliver_one(name, v, item, version)
                for v in viewers
            )
        )

    async def _mark_current(self, name: str, viewer: Viewer, version: int) -> None:
        """The tab that made the change shows it already: it only takes the new version.

        Otherwise its next heartbeat would see the version move and reload the whole page.
        """
        try:
            cls = self._state_class(viewer.state)
            if cls is None:
                return
            async with self.modify_state(
                rx.BaseStateToken(ident=viewer.client_token, cls=cls)
            ) as root:
                page = await root.get_state(cls)
                if page._channel == name:
                    page._version = version
        except Exception:
            log.exception("could not mark a viewer of %s as current", name)

    async def _deliver_one(self, name: str, viewer: Viewer, item: object, version: int) -> None:
        try:
            cls = self._state_class(viewer.state)
            if cls is None or (
                self.is_connected is not None and not await self.is_connected(viewer.client_token)
            ):
                keep = False  # a closed tab: never recreate its state just to push into it
            else:
                async with self.modify_state(
                    rx.BaseStateToken(ident=viewer.client_token, cls=cls)
                ) as root:
                    page = await root.get_state(cls)
                    keep = await page._receive(name, item, version)
            if not keep:
                await self.registry.leave(name, viewer)
        except Exception:
            log.exception("live push to one viewer of %s failed", name)

    def _state_class(self, full_name: str) -> type[rx.State] | None:
        cls = self._classes.get(full_name)
        if cls is None:
            try:
                cls = rx.State.get_class_substate(tuple(full_name.split(".")[1:]))
            except ValueError:
                return None
            self._classes[full_name] = cls
        return cls


_live: LivePush | None = None


def bind(push: LivePush) -> None:
    """Called once by the app at start-up."""
    global _live
    _live = push


async def started() -> None:
    """At start-up, on the app's event loop (a lifespan task): remember the loop."""
    if _live is not None:
        _live.loop = asyncio.get_running_loop()


def current() -> LivePush | None:
    return _live


# --- what states call ---


def announce(
    *,
    learner_ids=(),
    user_ids=(),
    roster_user_ids=(),
    erased: dict[int, set[int]] | None = None,
    skip_client: str = "",
) -> None:
    """After a committed change: tell every screen that watches what it touched."""
    if _live is not None:
        _live.announce(
            learner_ids=learner_ids,
            user_ids=user_ids,
            roster_user_ids=roster_user_ids,
            erased=erased,
            skip_client=skip_client,
        )


def roster_changed(user_ids: set[int]) -> None:
    """After an administrator's change: the open homes of these people reload their learners."""
    announce(roster_user_ids=set(user_ids))


def learner_erased(learner_id: int, group_ids: set[int]) -> None:
    """After an erasure: the learner leaves the open boards of the groups they were in."""
    announce(erased={gid: {learner_id} for gid in group_ids})


def _viewer(state: rx.State) -> Viewer:
    # Through the state, not its type: a background event holds a proxy of the state.
    return Viewer(state.router.session.client_token, state.get_full_name())


async def join(state: rx.State, name: str) -> int:
    """Register this tab's ``state`` as a viewer of channel ``name`` (after authorising it).

    Returns the channel's version, which the page keeps to notice a missed push.
    """
    if _live is None:
        return 0
    try:
        return await _live.registry.join(name, _viewer(state))
    except Exception:  # the registry is down: the page shows what it loaded, and heals later
        log.exception("could not register a viewer of %s", name)
        return -1


async def leave(state: rx.State, name: str) -> None:
    if _live is None or not name:
        return
    try:
        await _live.registry.leave(name, _viewer(state))
    except Exception:
        log.exception("could not unregister a viewer of %s", name)
