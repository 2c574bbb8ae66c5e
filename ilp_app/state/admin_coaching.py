"""The administrator's coaching page: the school's prompts and sentence starters, and whether
learners' own tasks wait for the mentor.

Handlers only select and forward: :mod:`ilp_app.services.school.coaching` authorises,
validates and audits every change.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.coaching import PromptKind, Situation
from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.parsing import form_mapping
from ilp_app.services.school import coaching
from ilp_app.services.school.coaching import PromptRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState


class AdminCoachingState(SessionState):
    loaded: bool = False
    rows: list[PromptRow] = []
    tasks_need_approval: bool = True
    form_key: int = 0  # bumped after a saved line, so the add form starts empty again

    situations: list[dict[str, str]] = [{"value": s.value, "label": s.label} for s in Situation]
    kinds: list[dict[str, str]] = [{"value": k.value, "label": k.label} for k in PromptKind]

    def _refresh(self, me) -> None:
        actor = me.actor if me else None
        with unit_of_work() as s:
            self.rows = coaching.coaching_library(
                session=s, actor=actor, client_ip=self._client_ip()
            )
            self.tasks_need_approval = coaching.learner_tasks_need_approval(session=s, actor=actor)
        self.loaded = True

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        """/admin/coaching: for the school's administrators only."""
        me = self._current()
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return None

    def _change(self, build, *, success: str) -> list:
        """One change (``build()`` gives the service and its arguments), then the page anew."""
        me = self._current()
        try:
            service, kwargs = build()
            with unit_of_work() as s:
                service(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip(), **kwargs
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                return self._fail(me, error)
            return [rx.toast.error(error.message)]
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return [rx.toast.success(success, duration=2500)]

    @rx.event
    @off_loop
    def add_line(self, form_data: dict):
        def build():
            f = form_mapping(form_data)
            return coaching.coaching_prompt_add, {
                "situation": f.get("situation"),
                "kind": f.get("kind"),
                "text": f.get("text"),
            }

        events = self._change(build, success="Added to the library.")
        self.form_key += 1
        return events

    @rx.event
    @off_loop
    def save_line(self, form_data: dict):
        def build():
            f = form_mapping(form_data)
            return coaching.coaching_prompt_edit, {
                "prompt_id": f.get("prompt_id"),
                "text": f.get("text"),
            }

        return self._change(build, success="Saved.")

    @rx.event
    @off_loop
    def remove_line(self, prompt_id: int):
        return self._change(
            lambda: (coaching.coaching_prompt_delete, {"prompt_id": prompt_id}),
            success="Removed from the library.",
        )

    @rx.event
    @off_loop
    def restore_defaults(self):
        return self._change(
            lambda: (coaching.coaching_defaults_restore, {}),
            success="The default lines are back.",
        )

    @rx.event
    @off_loop
    def set_tasks_need_approval(self, value: bool):
        return self._change(
            lambda: (coaching.site_set_learner_tasks_need_approval, {"need": value}),
            success="Saved.",
        )
