"""The live group overview and the classroom projector view."""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError
from ilp_app.domain.roles import Role
from ilp_app.services import lifecycle, overview
from ilp_app.services.outbox import changed_learners, notified_users
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.session import SessionState

SORTS = ("name", "progress", "activity", "status")
FILTERS = ("all", "quiet", "red", "amber", "green", "no-plan")


class GroupPageState(SessionState):
    """One viewer's private choices; the rows themselves live in the shared ``GroupBoard``."""

    loaded: bool = False
    sort_key: str = "name"
    filter_key: str = "all"
    can_move: bool = False
    move_summary: list[str] = []
    moving: bool = False

    async def _join(self, board_cls, token_of, fill) -> list | None:
        me = self._current()
        try:
            with unit_of_work() as s:
                data = overview.group_board(
                    session=s,
                    actor=me.actor if me else None,
                    group_id=self.group_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        board = await live.link(self, board_cls, token_of(data.group_id))
        # The board is a cache: whoever joins rebuilds it from the database.
        board.group_id = data.group_id
        board.group_name = data.group_name
        fill(board, data)
        self.can_move = me.actor.has(Role.MENTOR)
        self.loaded = True
        return None

    async def _leave(self, board_cls) -> list:
        board = await self.get_state(board_cls)
        return await board._unlink() or [] if board._linked_to else []

    @rx.event
    async def open_board(self):
        return await self._join(
            live.GroupBoard, live.group_token, lambda b, d: setattr(b, "rows", d.rows)
        )

    @rx.event
    async def leave_board(self):
        """The overview was left (another page opened): stop receiving the group's updates."""
        return await self._leave(live.GroupBoard)

    @rx.event
    async def move_group(self):
        """Start the next period for every mentee in this group, all in one transaction."""
        me = self._current()
        self.moving = True
        yield
        try:
            with unit_of_work() as s:
                summary = lifecycle.plan_next_period_group(
                    session=s,
                    actor=me.actor if me else None,
                    group_id=self.group_id,
                    client_ip=self._client_ip(),
                )
                outbox = (changed_learners(s), notified_users(s))
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
    initials_only: str = rx.LocalStorage("0", name="ilp_projector_initials")

    @rx.event
    async def open_projector(self):
        return await self._join(
            live.ProjectorBoard, live.projector_token, lambda b, d: setattr(b, "tiles", d.tiles)
        )

    @rx.event
    async def leave_projector(self):
        return await self._leave(live.ProjectorBoard)

    @rx.event
    def toggle_initials(self):
        self.initials_only = "0" if self.initials_only == "1" else "1"
