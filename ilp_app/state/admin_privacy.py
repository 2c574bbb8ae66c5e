"""The data-protection page: retention periods, running retention, and a learner's export or erasure.

Only an administrator's browser ever holds anything here: every handler asks the services,
which authorise, and a refusal resets the page. Retention runs and erasures can take a while on
a large school, so they run in background events, off the event loop.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.i18n import gettext
from ilp_app.services.access import auth
from ilp_app.services.privacy import erasure, retention
from ilp_app.services.privacy.erasure import ErasureResult, LearnerMatch
from ilp_app.services.privacy.retention import RetentionRuleView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

MODES = {"anonymise": "Anonymise", "erase": "Erase"}


def _run_retention(digest: str, client_ip: str) -> list[str]:
    with unit_of_work() as s:
        me = auth.current_user(session=s, digest=digest)
        removals = retention.retention_run_now(
            session=s, actor=me.actor if me else None, client_ip=client_ip
        )
    lines = [
        f"{r.label} ({r.period}{'' if r.site_id else ', all schools'}): {r.removed} removed"
        for r in removals
    ]
    return [*lines, f"Total: {sum(r.removed for r in removals)} removed"]


def _erase(
    digest: str, learner_id: int, mode: str, confirm_name: object, client_ip: str
) -> ErasureResult:
    with unit_of_work() as s:
        me = auth.current_user(session=s, digest=digest)
        return erasure.learner_erase(
            session=s,
            actor=me.actor if me else None,
            learner_id=learner_id,
            mode=mode,
            confirm_name=confirm_name,
            client_ip=client_ip,
        )


class AdminPrivacyState(SessionState):
    loaded: bool = False
    rules: list[RetentionRuleView] = []
    rule_error: str = ""
    rule_error_type: str = ""  # the record type the error is about
    running: bool = False
    run_result: list[str] = []
    query: str = ""
    matches: list[LearnerMatch] = []
    # The erasure dialog: "" while closed, else "anonymise" or "erase", for one learner.
    dialog_mode: str = ""
    dialog_learner_id: int = 0
    dialog_learner_name: str = ""
    dialog_error: str = ""
    busy: bool = False

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                rules = retention.retention_rules(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            return self._fail(me, error)
        self.reset()
        self.rules = rules
        self.loaded = True
        return None

    def _find(self, me) -> list | None:
        try:
            with unit_of_work() as s:
                self.matches = erasure.learners_find(
                    session=s,
                    actor=me.actor if me else None,
                    query=self.query,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            return [rx.toast.error(error.message)]
        return None

    @rx.event
    @off_loop
    def search(self, value: str):
        self.query = value[:100] if isinstance(value, str) else ""
        return self._find(self._current())

    @rx.event
    @off_loop
    def save_rule(self, form_data: dict):
        """Save the period typed for one record type (empty: keep forever)."""
        me = self._current()
        form = form_data if isinstance(form_data, dict) else {}
        record_type = form.get("record_type")
        try:
            with unit_of_work() as s:
                self.rules = retention.retention_rule_set(
                    session=s,
                    actor=me.actor if me else None,
                    record_type=record_type,
                    keep_days=form.get("keep_days"),
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            self.rule_error = error.message
            self.rule_error_type = record_type if isinstance(record_type, str) else ""
            return None
        self.rule_error, self.rule_error_type = "", ""
        saved = next((r for r in self.rules if r.record_type == record_type), None)
        return rx.toast.success(
            f"Saved: {saved.label} are kept {saved.keep_text.lower()}." if saved else "Saved."
        )

    @rx.event(background=True)
    async def run_retention(self):
        """Delete now what the school's periods say is too old, then show what went."""
        async with self:
            if self.running or not self.loaded:
                return
            self.running = True
            token, client_ip = self._session_digest(), self._client_ip()
        try:
            lines = await asyncio.to_thread(_run_retention, token, client_ip)
        except Exception as exc:  # what finished before stays deleted; say what went wrong
            async with self:
                self.running = False
                events = (
                    self._fail(self._current(), exc)
                    if isinstance(exc, DomainError)
                    else self._unexpected(exc)
                )
            for event in events:
                yield event
            return
        async with self:
            self.running = False
            self.run_result = lines
        yield rx.toast.success(gettext("Retention applied."))

    @rx.event
    def open_dialog(self, learner_id: int, mode: str):
        match = (
            next((m for m in self.matches if m.id == learner_id), None)
            if isinstance(learner_id, int)
            else None
        )
        if match is None or mode not in MODES:
            return rx.toast.error(gettext("Find the learner again, then choose what to do."))
        self.dialog_mode, self.dialog_learner_id, self.dialog_learner_name = (
            mode,
            match.id,
            match.full_name,
        )
        self.dialog_error = ""
        return None

    def _close_dialog(self) -> None:
        self.dialog_mode, self.dialog_learner_id, self.dialog_learner_name, self.dialog_error = (
            "",
            0,
            "",
            "",
        )

    @rx.event
    def close_dialog(self):
        if not self.busy:
            self._close_dialog()

    @rx.event(background=True)
    async def confirm_erasure(self, form_data: dict):
        """Anonymise or erase the learner in the dialog, once their full name was typed."""
        async with self:
            if self.busy or not self.dialog_mode:
                return
            self.busy = True
            token, client_ip = self._session_digest(), self._client_ip()
            learner_id, mode, name = (
                self.dialog_learner_id,
                self.dialog_mode,
                self.dialog_learner_name,
            )
        typed = form_data.get("confirm_name", "") if isinstance(form_data, dict) else ""
        try:
            result = await asyncio.to_thread(_erase, token, learner_id, mode, typed, client_ip)
        except Exception as error:  # nothing was changed: the erasure is one transaction
            async with self:
                self.busy = False
                if isinstance(error, PermissionDenied):
                    events = self._fail(self._current(), error)
                elif isinstance(
                    error, DomainError
                ):  # a wrong name, or the learner changed meanwhile
                    self.dialog_error, events = error.message, []
                else:
                    events = self._unexpected(error)
            for event in events:
                yield event
            return
        async with self:
            self.busy = False
            self._close_dialog()
            self.matches = [m for m in self.matches if m.id != learner_id]
        live.announce(learner_ids={learner_id}, user_ids=set())
        live.roster_changed(set(result.linked_user_ids))
        live.roster_changed(set(result.teacher_ids) - set(result.linked_user_ids))
        if (
            result.mode == "erase"
        ):  # an anonymised learner stays on the boards, under the erased name
            live.learner_erased(learner_id, set(result.group_ids))
        done = "anonymised" if mode == "anonymise" else "erased"
        yield rx.toast.success(f"{name} was {done}.")
