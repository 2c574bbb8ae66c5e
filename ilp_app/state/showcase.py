"""The year-end showcase: composed by the plan's owner (/plans/[plan_id]/showcase) and presented
full screen (/plans/[plan_id]/showcase/present), one slide per chosen goal.

The view model comes from the services already cut to what the person looking may see: a
family gets it only once shared, and never more than the owner chose. The composer's choices
(every reflection and approved piece) reach only the owner's own page.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.domain.evidence import MAX_CLOSING_REFLECTION
from ilp_app.services.evidence import showcase as service
from ilp_app.services.evidence.showcase import ShowcaseView, Slide
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.evidence_follow import PlanPartFollow
from ilp_app.state.session import SessionState

#: Keys that move through the slides (the arrow keys, and what a presenter's clicker sends).
#: (Space and Enter are left to the focused button, so one press never moves two slides.)
NEXT_KEYS = frozenset({"ArrowRight", "ArrowDown", "PageDown"})
PREVIOUS_KEYS = frozenset({"ArrowLeft", "ArrowUp", "PageUp"})


class ShowcaseState(PlanPartFollow, SessionState):
    loaded: bool = False
    view: ShowcaseView | None = None
    closing: str = ""
    shared: bool = False
    error: str = ""
    slide_index: int = 0  # 0: the title; 1..n: the goals; n+1: the closing reflection

    # --- what the page shows ---

    @rx.var
    def slide_count(self) -> int:
        if self.view is None:
            return 0
        return 1 + len(self.view.slides) + (1 if self.view.closing_reflection else 0)

    @rx.var
    def slide(self) -> Slide | None:
        """The goal on screen, when the current slide is one."""
        if self.view is None or not 1 <= self.slide_index <= len(self.view.slides):
            return None
        return self.view.slides[self.slide_index - 1]

    @rx.var
    def on_title(self) -> bool:
        return self.slide_index == 0

    @rx.var
    def on_closing(self) -> bool:
        return self.view is not None and self.slide_index == len(self.view.slides) + 1

    # --- loading ---

    def _show(self, me) -> list | None:
        try:
            with unit_of_work() as s:
                view = service.showcase_view(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=self.plan_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        self.view, self.loaded = view, True
        self.closing, self.shared = view.closing_reflection, view.shared
        self._go(self.slide_index)
        return None

    @rx.event
    async def load(self):
        """The showcase of the plan named in the URL (the services decide who may see it),
        followed live: an approved piece reaches an open family page without a reload."""
        self.error, self.slide_index = "", 0
        return await self._open_and_follow()

    # --- composing (the owner only; the services check every call) ---

    def _do(self, service_fn, *, success: str = "", **kwargs) -> list:
        me = self._current()
        try:
            perform(me, service_fn, self._client_ip(), plan_id=self.plan_id, **kwargs)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                self.reset()
                return self._refusal(me, error)
            self.error = error.message
            return [rx.toast.error(error.message), *(self._show(me) or [])]
        self.error = ""
        shown = self._show(me) or []
        return [rx.toast.success(success, duration=2000), *shown] if success else shown

    @rx.event
    @off_loop
    def toggle(self, part: str, ref_id: int):
        return self._do(service.showcase_toggle, part=part, ref_id=ref_id)

    @rx.event
    @off_loop
    def move(self, goal_id: int, direction: str):
        return self._do(service.showcase_move, goal_id=goal_id, direction=direction)

    @rx.event
    def set_closing(self, value: str):
        self.closing = value[: MAX_CLOSING_REFLECTION + 1] if isinstance(value, str) else ""

    @rx.event
    def set_shared(self, value: bool):
        self.shared = value is True

    @rx.event
    @off_loop
    def save(self):
        return self._do(
            service.showcase_save,
            success="Showcase saved.",
            closing_reflection=self.closing,
            shared=self.shared,
        )

    # --- presenting ---

    def _go(self, index: int) -> None:
        self.slide_index = max(0, min(index, self.slide_count - 1))

    @rx.event
    def next_slide(self):
        self._go(self.slide_index + 1)

    @rx.event
    def previous_slide(self):
        self._go(self.slide_index - 1)

    @rx.event
    def key(self, key: str, _modifiers: dict | None = None):
        """Arrow keys (and a clicker's keys) move through the slides; Home and End jump."""
        if not isinstance(key, str):
            return
        if key in NEXT_KEYS:
            self._go(self.slide_index + 1)
        elif key in PREVIOUS_KEYS:
            self._go(self.slide_index - 1)
        elif key == "Home":
            self._go(0)
        elif key == "End":
            self._go(self.slide_count - 1)
