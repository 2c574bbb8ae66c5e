"""Templates on screen: the school's library page, and a plan's "updates from template" list.

Every handler asks the services, which authorise on the server; ids from the browser only
select. Applying to a group runs in a background event: the one transaction runs in a worker
thread while the event publishes its progress, so other clicks are not held up.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.services.templates import template_apply as apply_service
from ilp_app.services.templates import template_updates as updates_service
from ilp_app.services.templates import templates as template_service
from ilp_app.services.templates.template_apply import ApplyChoice, ApplySummary
from ilp_app.services.templates.template_updates import TemplatePlanRow, TemplateUpdateView
from ilp_app.services.templates.templates import TemplateDetail, TemplateRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.session import SessionState

#: How often the page hears how far an apply has got.
PROGRESS_INTERVAL_S = 0.25

MSG_CHOOSE_TARGET = "Choose a learner or a group."
_DIALOGS = {"meta", "add", "edit", "apply"}


class _Progress:
    """Learners done so far, written by the worker thread and read by the event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self.done, self.total


def _apply_in_one_transaction(
    actor, template_id: int, target: str, target_id: int, progress: _Progress, client_ip: str
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


class TemplateLibraryState(SessionState):
    """The template library page ("/templates"), and saving a plan as a template from the plan page."""

    loaded: bool = False
    show_archived: bool = False
    rows: list[TemplateRow] = []
    selected: TemplateDetail | None = None
    selected_plans: list[TemplatePlanRow] = []
    learner_choices: list[ApplyChoice] = []
    group_choices: list[ApplyChoice] = []
    # One dialog at a time: its kind ("" = closed), what it acts on, and its prefilled values.
    dialog: str = ""
    dialog_target: int = 0
    dialog_values: dict[str, str] = {}
    dialog_error: str = ""
    # Applying: progress while it runs, then what happened.
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

    @rx.var
    def has_selection(self) -> bool:
        return self.selected is not None

    # --- loading ---

    def _refresh(self, me) -> None:
        actor = me.actor if me else None
        with unit_of_work() as s:
            self.rows = template_service.template_list(
                session=s,
                actor=actor,
                include_archived=self.show_archived,
                client_ip=self._client_ip(),
            )
            choices = apply_service.template_apply_choices(session=s, actor=actor)
            selected = self.selected.id if self.selected is not None else 0
            if selected and any(t.id == selected for t in self.rows):
                self.selected = template_service.template_view(
                    session=s, actor=actor, template_id=selected
                )
                self.selected_plans = updates_service.template_plans(
                    session=s, actor=actor, template_id=selected
                )
            else:
                self.selected, self.selected_plans = None, []
        self.learner_choices, self.group_choices = choices.learners, choices.groups
        self.loaded = True

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    def _reload(self):
        me = self._current()
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return None

    @rx.event
    @off_loop
    def load(self):
        """/templates: the school's templates, and whom this person may apply them to."""
        return self._reload()

    @rx.event
    @off_loop
    def set_show_archived(self, value: bool):
        self.show_archived = value is True
        return self._reload()

    @rx.event
    @off_loop
    def open_template(self, template_id: int):
        me = self._current()
        try:
            with unit_of_work() as s:
                actor = me.actor if me else None
                self.selected = template_service.template_view(
                    session=s, actor=actor, template_id=template_id, client_ip=self._client_ip()
                )
                self.selected_plans = updates_service.template_plans(
                    session=s, actor=actor, template_id=template_id
                )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            return rx.toast.error(error.message)
        return None

    @rx.event
    def close_template(self):
        self.selected, self.selected_plans = None, []

    # --- changes ---

    def _act(self, service, *, success: str = "", **kwargs):
        """Run one service for the signed-in person, then show the library as it now is."""
        me = self._current()
        try:
            with unit_of_work() as s:
                result = service(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip(), **kwargs
                )
            self._refresh(me)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return None, self._fail(me, error)
            return None, [rx.toast.error(error.message)]
        return result, [rx.toast.success(success, duration=2000)] if success else []

    @rx.event
    @off_loop
    def duplicate(self, template_id: int):
        new_id, events = self._act(
            template_service.template_duplicate, template_id=template_id, success="Template copied."
        )
        if new_id:
            events = [*events, TemplateLibraryState.open_template(new_id)]
        return events

    @rx.event
    @off_loop
    def archive(self, template_id: int):
        return self._act(
            template_service.template_archive, template_id=template_id, success="Template archived."
        )[1]

    @rx.event
    @off_loop
    def unarchive(self, template_id: int):
        return self._act(
            template_service.template_unarchive,
            template_id=template_id,
            success="Template restored.",
        )[1]

    @rx.event
    @off_loop
    def remove_item(self, item_id: int):
        if self.selected is None:
            return None
        return self._act(
            template_service.template_item_remove,
            template_id=self.selected.id,
            item_id=item_id,
            success="Removed from the template.",
        )[1]

    @rx.event
    @off_loop
    def save_plan_as_template(self, form_data: dict):
        """From the plan page: a hidden ``plan_id`` with the name, description and year or grade."""
        try:
            form = form_mapping(form_data)
        except ValidationFailed as error:
            return rx.toast.error(error.message)
        me = self._current()
        try:
            with unit_of_work() as s:
                template_service.template_from_plan(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=form.get("plan_id"),
                    name=form.get("name"),
                    description=form.get("description", ""),
                    year_label=form.get("year_label", ""),
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._refusal(me, error)
            return rx.toast.error(error.message)
        return rx.toast.success(
            "Saved as a template. You find it in the template library.", duration=4000
        )

    # --- dialogs: details, add an item, edit an item, apply ---

    @rx.event
    def open_dialog(self, kind: str, target: int, values: dict):
        if kind not in _DIALOGS:
            return
        self.dialog = kind
        self.dialog_target = (
            target if isinstance(target, int) and not isinstance(target, bool) else 0
        )
        clean = values if isinstance(values, dict) else {}
        self.dialog_values = {k: str(v)[:2000] for k, v in clean.items() if isinstance(k, str)}
        self.dialog_error = ""
        if kind == "apply":
            self.summary_title, self.summary_created, self.summary_skipped = "", [], []
            self.apply_done = self.apply_total = 0

    @rx.event
    def close_dialog(self):
        if self.applying:
            return  # the summary is shown here once the plans are made
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = "", 0, {}, ""

    def _dialog_call(self, form: dict):
        values, target = self.dialog_values, self.dialog_target
        template_id = self.selected.id if self.selected is not None else 0
        if self.dialog == "meta":
            return template_service.template_update_meta, {
                "template_id": target,
                "name": form.get("name"),
                "description": form.get("description", ""),
                "year_label": form.get("year_label", ""),
            }
        if self.dialog == "add":
            return template_service.template_item_add, {
                "template_id": template_id,
                "kind": values.get("kind"),
                "parent_id": target or None,
                "text": form.get("text"),
                "detail": form.get("detail", ""),
                "objective_codes": form.get("objective_codes", ""),
            }
        return template_service.template_item_edit, {
            "template_id": template_id,
            "item_id": target,
            "text": form.get("text"),
            "detail": form.get("detail", ""),
            "objective_codes": form.get("objective_codes", ""),
        }

    @rx.event
    @off_loop
    def submit_dialog(self, form_data: dict):
        if self.dialog not in ("meta", "add", "edit"):
            return None
        me = self._current()
        try:
            service, kwargs = self._dialog_call(form_mapping(form_data))
            with unit_of_work() as s:
                service(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip(), **kwargs
                )
            self._refresh(me)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            self.dialog_error = error.message
            return None
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = "", 0, {}, ""
        return rx.toast.success("Saved.", duration=1500)

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
        progress = _Progress()
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
            events = [rx.toast.success(success, duration=1500)]
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
