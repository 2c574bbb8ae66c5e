"""Applying a template to a learner or a whole group, with progress while it runs.

The apply runs in a background event: the one transaction runs in a worker thread while the
event publishes its progress, so other clicks are not held up. Nothing is made unless every
plan is made.
"""

from __future__ import annotations

import asyncio
import contextlib

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.services.templates import template_apply as apply_service
from ilp_app.services.templates.template_apply import ApplySummary
from ilp_app.services.uow import unit_of_work
from ilp_app.state.progress import Progress

#: How often the page hears how far an apply has got.
PROGRESS_INTERVAL_S = 0.25

MSG_CHOOSE_TARGET = "Choose a learner or a group."


def _apply_in_one_transaction(
    actor, template_id: int, target: str, target_id: int, progress: Progress, client_ip: str
) -> ApplySummary:
    with unit_of_work() as s:
        if target == "group":
            return apply_service.template_apply_group(
                session=s,
                actor=actor,
                template_id=template_id,
                group_id=target_id,
                progress=progress,
                client_ip=client_ip,
            )
        return apply_service.template_apply(
            session=s,
            actor=actor,
            template_id=template_id,
            learner_ids=[target_id],
            progress=progress,
            client_ip=client_ip,
        )


def _parse_target(value: object) -> tuple[str, int]:
    """ "learner-12" or "group-3" from the apply form's select."""
    kind, _, raw = value.partition("-") if isinstance(value, str) else ("", "", "")
    if kind not in ("learner", "group"):
        raise ValidationFailed(MSG_CHOOSE_TARGET)
    return kind, parse_id(raw, what=kind)


class TemplateApplying(rx.State, mixin=True):
    """The apply dialog's run and its summary (mixed into ``TemplateLibraryState``)."""

    # Progress while it runs, then what happened.
    applying: bool = False
    apply_done: int = 0
    apply_total: int = 0
    summary_title: str = ""
    summary_created: list[dict[str, str]] = []
    summary_skipped: list[dict[str, str]] = []

    @rx.var
    def apply_percent(self) -> int:
        return round(100 * self.apply_done / self.apply_total) if self.apply_total else 0

    @rx.var
    def has_summary(self) -> bool:
        return self.summary_title != ""

    @rx.event(background=True)
    async def apply_template(self, form_data: dict):
        """Apply the dialog's template to a learner or a group, showing progress, then the summary."""
        async with self:
            if self.applying or self.dialog != "apply":
                return
            me = self._current()
            if me is None:
                events = self._fail(me, NotSignedIn("Please sign in again."))
            else:
                try:
                    kind, target_id = _parse_target(form_mapping(form_data).get("target"))
                except ValidationFailed as error:
                    self.dialog_error = error.message
                    return
                events = None
                self.applying, self.dialog_error = True, ""
                self.apply_done = self.apply_total = 0
                template_id, actor, client_ip = self.dialog_target, me.actor, self._client_ip()
        if events is not None:
            yield events
            return
        progress = Progress()
        job = asyncio.ensure_future(
            asyncio.to_thread(
                _apply_in_one_transaction, actor, template_id, kind, target_id, progress, client_ip
            )
        )
        while not job.done():
            await asyncio.wait({job}, timeout=PROGRESS_INTERVAL_S)
            async with self:
                self.apply_done, self.apply_total = progress.read()
        async with self:
            self.applying = False
            try:
                summary = job.result()
            except DomainError as error:
                if isinstance(error, NotSignedIn):
                    events = self._fail(me, error)
                else:
                    self.dialog_error = error.message
            except Exception as exc:  # nothing was made: the transaction rolled back
                self.dialog_error = (
                    "Something went wrong on our side. No plans were made; please try again."
                )
                events = self._unexpected(exc)
            else:
                self._show_summary(summary)
                # The summary stands even if the list cannot be refreshed; it catches up on the next load.
                with contextlib.suppress(DomainError):
                    self._refresh(me)
        if events:
            yield events

    def _show_summary(self, summary: ApplySummary) -> None:
        made = len(summary.created)
        self.apply_done = self.apply_total = max(self.apply_total, made + len(summary.skipped))
        self.summary_title = (
            f"Created {made} plan{'s' if made != 1 else ''} from “{summary.template_name}” "
            f"for {summary.period_name}; skipped {len(summary.skipped)}."
        )
        self.summary_created = [
            {"name": c.name, "plan_id": str(c.plan_id)}
            for c in sorted(summary.created, key=lambda c: c.name.casefold())
        ]
        self.summary_skipped = [
            {"name": s.name or "A learner you do not mentor", "reason": s.reason}
            for s in sorted(summary.skipped, key=lambda s: (s.name == "", s.name.casefold()))
        ]
