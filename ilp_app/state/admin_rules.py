"""The rules that assign plans: write, preview, then apply with progress.

Handlers only select and forward: :mod:`ilp_app.services.school.assignment_rules` authorises,
validates and audits. "Apply" applies the rule whose preview this page is showing, remembered on
the server; the browser never names the rule it applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import reflex as rx

from ilp_app.domain.assignment_rules import CONTEXT_KIND_LABELS
from ilp_app.domain.errors import DomainError, NotSignedIn, PermissionDenied
from ilp_app.services.school import assignment_rule_runs as runs
from ilp_app.services.school import assignment_rules as service
from ilp_app.services.school.assignment_rule_runs import RuleRun
from ilp_app.services.school.assignment_rules import RuleRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.progress import Progress
from ilp_app.state.session import SessionState

log = logging.getLogger("ilp.state")

#: How often the page hears how far an apply has got.
PROGRESS_INTERVAL_S = 0.25
#: Rows of a preview shown on the page; the counts always cover everyone.
PREVIEW_ROWS = 200
MSG_FAILED = "Something went wrong on our side. No plans were made; please try again."

_EMPTY_FORM = {
    "name": "",
    "status": "draft",
    "template_id": "",
    "year_label": "",
    "group_id": "",
    "context_kind": "",
}


def _rows(rows) -> list[dict[str, str]]:
    return [
        {"id": str(r.learner_id), "name": r.name, "groups": r.groups, "reason": r.reason}
        for r in rows[:PREVIEW_ROWS]
    ]


def _apply(actor, rule_id: int, progress: Progress, client_ip: str) -> RuleRun:
    with unit_of_work() as s:
        return runs.rule_apply(
            session=s, actor=actor, rule_id=rule_id, progress=progress, client_ip=client_ip
        )


def run_rules_after_import(actor, client_ip: str) -> None:
    """The school's active rules, once a roster import has committed, in a transaction of their own.

    The import stands whatever happens here: a rule that cannot run is logged, and the
    administrator can apply it from the rules page.
    """
    try:
        with unit_of_work() as s:
            run = runs.rules_apply_active(session=s, actor=actor, client_ip=client_ip)
    except Exception as exc:
        log.warning("assignment rules after a roster import did not run: %r", exc)
    else:
        if run.created:
            log.info("assignment rules after a roster import made %d plans", len(run.created))


class AdminRulesState(SessionState):
    loaded: bool = False
    rules: list[RuleRow] = []
    templates: list[dict[str, str]] = []
    groups: list[dict[str, str]] = []
    years: list[str] = []
    context_kinds: list[dict[str, str]] = [
        {"value": k, "label": v.capitalize()} for k, v in CONTEXT_KIND_LABELS.items()
    ]
    # The rule form: "" (closed), "add" or "edit", prefilled from what the server holds.
    dialog: str = ""
    dialog_values: dict[str, str] = dict(_EMPTY_FORM)
    dialog_error: str = ""
    form_key: int = 0
    # The preview on show, then the apply's progress and what it made.
    preview_name: str = ""
    preview_title: str = ""
    preview_assign: list[dict[str, str]] = []
    preview_skip: list[dict[str, str]] = []
    preview_assign_count: int = 0
    preview_skip_count: int = 0
    applying: bool = False
    apply_done: int = 0
    apply_total: int = 0
    result: str = ""

    _dialog_rule: int = 0
    _preview_rule: int = 0

    @rx.var
    def apply_percent(self) -> int:
        return round(100 * self.apply_done / self.apply_total) if self.apply_total else 0

    @rx.var
    def preview_more(self) -> int:
        return max(0, self.preview_assign_count - len(self.preview_assign))

    # --- loading ---

    def _refresh(self, me) -> None:
        actor, ip = (me.actor if me else None), self._client_ip()
        with unit_of_work() as s:
            self.rules = service.rule_list(session=s, actor=actor, client_ip=ip)
            choices = service.rule_choices(session=s, actor=actor, client_ip=ip)
        self.templates = [{"value": str(c.id), "label": c.name} for c in choices.templates]
        self.groups = [{"value": str(c.id), "label": c.name} for c in choices.groups]
        self.years = choices.years
        self.loaded = True

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    def _clear_preview(self) -> None:
        self._preview_rule = 0
        self.preview_name = self.preview_title = self.result = ""
        self.preview_assign, self.preview_skip = [], []
        self.preview_assign_count = self.preview_skip_count = 0

    @rx.event
    @off_loop
    def load(self):
        """/admin/rules: the school's rules, for its administrators only."""
        self.dialog, self._dialog_rule = "", 0
        self._clear_preview()
        me = self._current()
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return None

    # --- the rule form ---

    @rx.event
    def open_add(self):
        self.dialog, self._dialog_rule, self.dialog_error = "add", 0, ""
        self.dialog_values = dict(_EMPTY_FORM)
        self.form_key += 1

    @rx.event
    @off_loop
    def open_edit(self, rule_id: int):
        me = self._current()
        try:
            with unit_of_work() as s:
                values = service.rule_values(
                    session=s,
                    actor=me.actor if me else None,
                    rule_id=rule_id,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self.dialog, self._dialog_rule, self.dialog_error = "edit", int(rule_id), ""
        self.dialog_values = values
        self.form_key += 1
        return None

    @rx.event
    def on_dialog_open_change(self, is_open: bool):
        if is_open is not True:
            self.dialog, self._dialog_rule, self.dialog_error = "", 0, ""

    @rx.event
    @off_loop
    def submit_rule(self, form_data: dict):
        """Save the form's rule; bad input is explained in the form and saves nothing."""
        if self.dialog not in ("add", "edit"):
            return None
        me = self._current()
        try:
            with unit_of_work() as s:
                service.rule_save(
                    session=s,
                    actor=me.actor if me else None,
                    form=form_data,
                    rule_id=self._dialog_rule if self.dialog == "edit" else None,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            self.dialog_error = error.message
            return None
        edited = self._dialog_rule
        self.dialog, self._dialog_rule, self.dialog_error = "", 0, ""
        if edited and edited == self._preview_rule:
            self._clear_preview()  # the preview on show no longer says what the rule does
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return rx.toast.success("Rule saved.", duration=2500)

    # --- preview and apply ---

    @rx.event
    @off_loop
    def preview(self, rule_id: int):
        """Show who the rule would give a plan to now, and why."""
        if self.applying:
            return None
        me = self._current()
        try:
            with unit_of_work() as s:
                found = runs.rule_preview(
                    session=s,
                    actor=me.actor if me else None,
                    rule_id=rule_id,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._fail(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        self._preview_rule = found.rule_id
        self.result = ""
        self.apply_done = self.apply_total = 0
        self.preview_name = found.rule_name
        self.preview_title = (
            f"“{found.rule_name}” would give {len(found.assign)} "
            f"learner{'s' if len(found.assign) != 1 else ''} a draft plan from "
            f"“{found.template_name}” for {found.period_name}."
        )
        self.preview_assign, self.preview_skip = _rows(found.assign), _rows(found.skip)
        self.preview_assign_count, self.preview_skip_count = len(found.assign), len(found.skip)
        return None

    @rx.event(background=True)
    async def apply_preview(self):
        """Apply the previewed rule in one transaction, showing progress, then what it made."""
        async with self:
            if self.applying or not self._preview_rule:
                return
            me = self._current()
            if me is None:
                events = self._fail(me, NotSignedIn("Please sign in again."))
            else:
                events = None
                self.applying, self.result = True, ""
                self.apply_done = self.apply_total = 0
                rule_id, actor, ip = self._preview_rule, me.actor, self._client_ip()
        if events is not None:
            yield events
            return
        progress = Progress()
        job = asyncio.ensure_future(asyncio.to_thread(_apply, actor, rule_id, progress, ip))
        while not job.done():
            await asyncio.wait({job}, timeout=PROGRESS_INTERVAL_S)
            async with self:
                self.apply_done, self.apply_total = progress.read()
        async with self:
            self.applying = False
            try:
                run = job.result()
            except PermissionDenied as error:
                events = self._fail(me, error)
            except DomainError as error:
                events = [rx.toast.error(error.message)]
            except Exception as exc:  # the transaction rolled back: nothing was made
                events = [rx.toast.error(MSG_FAILED), *self._unexpected(exc)]
            else:
                made = len(run.created)
                self.apply_done = self.apply_total = max(made, 1)
                self.result = (
                    f"Made {made} draft plan{'s' if made != 1 else ''} for {run.period_name}; "
                    f"{run.skipped} learner{'s' if run.skipped != 1 else ''} left as they were."
                )
                self.preview_assign, self.preview_assign_count = [], 0
                # The result stands even if the list cannot be refreshed; it catches up on the next load.
                with contextlib.suppress(DomainError):
                    self._refresh(me)
        if events:
            yield events
