"""The school's template library page: browse, edit, archive, and save a plan as a template.

Every handler asks the services, which authorise on the server; ids from the browser only
select. Applying a template lives in ``template_apply``, the plan page's list of template
changes in ``template_updates``.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.parsing import form_mapping
from ilp_app.domain.templates import form_years
from ilp_app.i18n import N_, gettext
from ilp_app.services.templates import template_apply as apply_service
from ilp_app.services.templates import template_updates as updates_service
from ilp_app.services.templates import templates as template_service
from ilp_app.services.templates.template_apply import ApplyChoice
from ilp_app.services.templates.template_updates import TemplatePlanRow
from ilp_app.services.templates.templates import TemplateDetail, TemplateRow
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState
from ilp_app.state.template_apply import TemplateApplying

_DIALOGS = {"meta", "add", "edit", "apply"}


class TemplateLibraryState(TemplateApplying, SessionState):
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
        return result, [rx.toast.success(gettext(success), duration=2000)] if success else []

    @rx.event
    @off_loop
    def duplicate(self, template_id: int):
        new_id, events = self._act(
            template_service.template_duplicate,
            template_id=template_id,
            success=N_("Template copied."),
        )
        if new_id:
            events = [*events, TemplateLibraryState.open_template(new_id)]
        return events

    @rx.event
    @off_loop
    def archive(self, template_id: int):
        return self._act(
            template_service.template_archive,
            template_id=template_id,
            success=N_("Template archived."),
        )[1]

    @rx.event
    @off_loop
    def unarchive(self, template_id: int):
        return self._act(
            template_service.template_unarchive,
            template_id=template_id,
            success=N_("Template restored."),
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
            success=N_("Removed from the template."),
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
                    years=form_years(form),
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
                "years": form_years(form),
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
        return rx.toast.success(gettext("Saved."), duration=1500)
