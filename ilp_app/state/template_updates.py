"""On a plan page: the template the plan came from, and the template changes waiting for it.

The mentor takes a change into the plan or dismisses it; every screen showing the plan then
reloads it.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, PermissionDenied
from ilp_app.i18n import gettext
from ilp_app.services.templates import template_updates as updates_service
from ilp_app.services.templates.template_updates import TemplateUpdateView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.session import SessionState


class TemplateUpdatesState(SessionState):
    """On a plan page: the template the plan came from, and the template changes waiting for it."""

    shown_plan_id: int = 0
    template_name: str = ""
    can_decide: bool = False
    can_save_template: bool = False
    updates: list[TemplateUpdateView] = []

    _learner_id: int = 0

    def _load(self, plan_id: object) -> None:
        me = self._current()
        with unit_of_work() as s:
            try:
                panel = updates_service.template_plan_panel(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=plan_id,
                    client_ip=self._client_ip(),
                )
            except PermissionDenied as denied:
                denied.audit = None  # the plan page's own load records the refused open, once
                raise
        self.shown_plan_id, self._learner_id = panel.plan_id, panel.learner_id
        self.template_name, self.can_decide = panel.template_name, panel.can_decide
        self.can_save_template, self.updates = panel.can_save_template, panel.updates

    @rx.event
    @off_loop
    def load(self):
        """Plan page on_load: the plan named in the URL (``/plans/[plan_id]``)."""
        try:
            self._load(getattr(self, "plan_id", ""))
        except DomainError:
            self.reset()  # the plan page itself says why the plan cannot be shown

    @rx.event
    @off_loop
    def load_for(self, plan_id: int):
        """The same for a page that knows its plan otherwise (e.g. a learner's own page)."""
        try:
            self._load(plan_id)
        except DomainError:
            self.reset()

    async def _answer(self, service, template_item_id: object, revision: object, success: str):
        me = self._current()
        changed = None
        try:
            _, changed = await asyncio.to_thread(
                perform,
                me,
                service,
                self._client_ip(),
                plan_id=self.shown_plan_id,
                template_item_id=template_item_id,
                revision=revision,
            )
            events = [rx.toast.success(gettext(success), duration=1500)]
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                self.reset()
                return self._refusal(me, error)
            events = [rx.toast.error(error.message)]
        try:
            await asyncio.to_thread(self._load, self.shown_plan_id)
        except DomainError:
            self.reset()
        if changed is not None:
            # Every screen showing the plan reloads it, this one included: the plan itself changed.
            live.announce(learner_ids=changed[0], user_ids=changed[1])
        return events

    @rx.event
    async def accept(self, template_item_id: int, revision: int):
        return await self._answer(
            updates_service.template_update_accept,
            template_item_id,
            revision,
            "Taken into the plan.",
        )

    @rx.event
    async def dismiss(self, template_item_id: int, revision: int):
        return await self._answer(
            updates_service.template_update_dismiss, template_item_id, revision, "Dismissed."
        )

    def _follow(self, learner_id: int) -> None:
        """Another screen changed this learner's plan: show the list as it now is."""
        if not self.shown_plan_id or learner_id != self._learner_id:
            return
        try:
            self._load(self.shown_plan_id)
        except DomainError:
            self.reset()
