"""The live group overview and the classroom projector view.

Each tab holds its own copy of the rows (or tiles) and watches the group's live channel
(``state.live``); a push lands in :meth:`GroupPageState._receive`, which checks that whoever
is signed in at this tab may still see the group before it shows anything.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from ilp_app.domain.errors import DomainError
from ilp_app.domain.permissions import Action, GroupRef, can
from ilp_app.services.live import live_feed
from ilp_app.services.plans import lifecycle
from ilp_app.services.reports import overview
from ilp_app.services.reports.overview import OverviewRow, ProjectorTile
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import get_settings
from ilp_app.state import live
from ilp_app.state.blocking import perform
from ilp_app.state.guard import session_checks
from ilp_app.state.session import SessionState

SORTS = ("name", "progress", "activity", "status")
FILTERS = ("all", "quiet", "red", "amber", "green", "no-plan")


def _board(actor, group_id: object, client_ip: str) -> overview.GroupBoardData:
    with unit_of_work() as s:
        return overview.group_board(session=s, actor=actor, group_id=group_id, client_ip=client_ip)


def _clock() -> str:
    """The time of the last update, as the people in the room read it (school time, HH:MM)."""
    return datetime.now(ZoneInfo(get_settings().school_timezone)).strftime("%H:%M")


def _merge(items: list, key: str, fresh: dict, gone: set[int]) -> list:
    return [fresh.get(getattr(i, key), i) for i in items if getattr(i, key) not in gone]


class GroupPageState(SessionState):
    """One viewer's copy of a group's overview, and their own sort and filter."""

    loaded: bool = False
    board_group_id: int = 0
    group_name: str = ""
    rows: list[OverviewRow] = []
    legend: list[dict[str, str]] = []  # the school's status rules, in words
    quiet_days: int = 21  # the "no activity for a while" filter's days (the school's red)
    last_updated: str = ""
    sort_key: str = "name"
    filter_key: str = "all"
    can_move: bool = False
    move_summary: list[str] = []
    moving: bool = False
    _channel: str = ""
    _version: int = 0

    @classmethod
    def _channel_kind(cls) -> str:
        return live_feed.GROUP

    def _fill(self, data: overview.GroupBoardData) -> None:
        self.rows = data.rows
        self.legend, self.quiet_days = data.legend, data.quiet_days

    def _apply(self, fresh: dict, gone: set[int]) -> None:
        self.rows = _merge(self.rows, "learner_id", fresh, gone)

    async def _open(self) -> list | None:
        """Load the whole board from the database, then watch its channel."""
        me = self._current()
        return await self._show_board(me, await self._read_board(me))

    async def _read_board(self, me) -> overview.GroupBoardData | DomainError:
        """The board as the services give it to ``me`` (off the event loop; changes no var)."""
        try:
            return await asyncio.to_thread(
                _board, me.actor if me else None, self.group_id, self._client_ip()
            )
        except DomainError as error:
            return error

    async def _show_board(
        self, me, data: overview.GroupBoardData | DomainError, version: int | None = None
    ) -> list | None:
        """Show a board read by :meth:`_read_board` (or its refusal), and watch its channel.

        ``version`` is the channel's version read before the board was; without it the
        version is read now.
        """
        if isinstance(data, DomainError):
            await self._stop_watching()
            self.reset()
            return self._refusal(me, data)
        name = live_feed.channel(self._channel_kind(), data.group_id)
        if name != self._channel:
            await self._stop_watching()
        self._channel = name
        joined = await live.join(self, name)
        self._version = joined if version is None else version
        self.board_group_id = data.group_id
        self.group_name = data.group_name
        self._fill(data)
        self.can_move = can(me.actor, Action.GROUP_NEXT_PERIOD, GroupRef(data.group_id))
        self.last_updated = _clock()
        self.loaded = True
        return None

    async def _stop_watching(self) -> None:
        await live.leave(self, self._channel)
        self._channel = ""

    async def _receive(self, name: str, item: object, version: int) -> bool:
        """A push from another tab's change. Returns False to stop watching."""
        if name != self._channel or not self.loaded:
            return False
        me = await session_checks(self._digest)  # a stalled database holds the page up 1 s at most
        if not live_feed.channel_allowed(me.actor if me else None, name):
            self.reset()  # signed out, disabled, or no longer staff of the group: show nothing
            return False
        fresh, gone = item
        self._apply(fresh, gone)
        self._version = version
        self.last_updated = _clock()
        return True

    @rx.event
    async def open_board(self):
        return await self._open()

    @rx.event
    async def leave_board(self):
        """The overview was left (another page opened): stop receiving the group's updates."""
        await self._stop_watching()

    @rx.event(background=True)
    async def heartbeat(self, _tick: str = ""):
        """Every few seconds while the page is open: stay registered, and catch up if behind.

        A tab whose push went missing, whose registry entry expired, or whose state was lost
        (a restarted store) reloads the board here, without a page reload. The board is read
        without holding the tab: a slow database holds up no other event of this page (a
        sort, a filter), only this catching up.
        """
        channel, version = self._channel, -1
        if channel:
            version = await live.join(self, channel)
            if version < 0 or version == self._version:
                return None
        me = self._event_user()
        data = await self._read_board(me)
        async with self:
            if self._channel != channel:
                return None  # the page was opened, left or refused meanwhile
            return await self._show_board(me, data, version if channel else None)

    @rx.event
    async def move_group(self):
        """Start the next period for every mentee in this group, all in one transaction."""
        me = self._current()
        self.moving = True
        yield
        try:
            summary, outbox = await asyncio.to_thread(
                perform,
                me,
                lifecycle.plan_next_period_group,
                self._client_ip(),
                group_id=self.group_id,
            )
        except DomainError as error:
            self.moving = False
            yield rx.toast.error(error.message)
            return
        self.moving = False
        self.move_summary = [
            f"Moved {len(summary.moved)} learners to the next period.",
            *(f"Skipped {name}: {why}." for name, why in summary.skipped),
        ]
        live.announce(learner_ids=outbox[0], user_ids=outbox[1])

    @rx.event
    def close_summary(self):
        self.move_summary = []

    @rx.event
    def set_sort(self, value: str):
        self.sort_key = value if value in SORTS else "name"

    @rx.event
    def set_filter(self, value: str):
        self.filter_key = value if value in FILTERS else "all"


class ProjectorPageState(GroupPageState):
    """The class-safe tiles of a group, for the classroom projector."""

    tiles: list[ProjectorTile] = []
    initials_only: str = rx.LocalStorage("0", name="ilp_projector_initials")

    @classmethod
    def _channel_kind(cls) -> str:
        return live_feed.PROJECTOR

    def _fill(self, data: overview.GroupBoardData) -> None:
        self.tiles = data.tiles

    def _apply(self, fresh: dict, gone: set[int]) -> None:
        self.tiles = _merge(self.tiles, "learner_id", fresh, gone)

    @rx.event
    async def open_projector(self):
        return await self._open()

    @rx.event
    async def leave_projector(self):
        await self._stop_watching()

    @rx.event
    def toggle_initials(self):
        self.initials_only = "0" if self.initials_only == "1" else "1"
