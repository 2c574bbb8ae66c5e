"""The school settings page: the ILP switch, the school's name, periods and the focus-area catalogue.

Handlers only select and forward: :mod:`ilp_app.services.school.school_admin` authorises, validates and
audits every change. Dialogs are prefilled from what this page loaded (never from values the
browser sends), and confirmations remember on the server what they confirm.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied, ValidationFailed
from ilp_app.domain.parsing import form_mapping
from ilp_app.i18n import N_, gettext
from ilp_app.services.school import school_admin
from ilp_app.services.school.school_admin import FocusAreaRow, PeriodRow, SiteSettings
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

#: What open_dialog may open: forms, and the deletion confirmation. The ILP confirmation opens
#: from the switch (ask_ilp), which says which way it is to go.
_OPENABLE = frozenset({"period_add", "period_edit", "area_edit", "period_delete"})


class AdminSchoolState(SessionState):
    loaded: bool = False
    site: SiteSettings | None = None
    periods: list[PeriodRow] = []
    areas: list[FocusAreaRow] = []
    # One dialog at a time: its kind ("" = closed), the row it is about, its prefilled values.
    dialog: str = ""
    dialog_target: int = 0
    dialog_values: dict[str, str] = {}
    dialog_error: str = ""
    # Bumped after each saved inline form, so its fields start empty again.
    form_key: int = 0

    _ilp_wanted: bool = True

    @rx.var
    def school_name(self) -> str:
        return self.site.name if self.site is not None else ""

    @rx.var
    def ilp_enabled(self) -> bool:
        return self.site.ilp_enabled if self.site is not None else False

    @rx.var
    def quiet_hours(self) -> str:
        """The quiet hours as the form shows them ("21-7"), also its key."""
        site = self.site
        return f"{site.mail_quiet_from}-{site.mail_quiet_until}" if site is not None else ""

    @rx.var
    def status_days(self) -> str:
        """The status thresholds as the form shows them ("7-21"), also its key."""
        site = self.site
        return f"{site.quiet_amber_days}-{site.quiet_red_days}" if site is not None else ""

    # --- loading ---

    def _refresh(self, me) -> None:
        actor = me.actor if me else None
        with unit_of_work() as s:
            self.site = school_admin.site_settings(
                session=s, actor=actor, client_ip=self._client_ip()
            )
            self.periods = school_admin.period_list(session=s, actor=actor)
            self.areas = school_admin.focus_area_catalogue(session=s, actor=actor)
        self.loaded = True

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    @rx.event
    @off_loop
    def load(self):
        """/admin/school: the school's settings, for its administrators only."""
        self.close_dialog()
        me = self._current()
        try:
            self._refresh(me)
        except DomainError as error:
            return self._fail(me, error)
        return None

    def _change(
        self, service, *, success: str, in_dialog: bool = False, **kwargs
    ) -> tuple[bool, list]:
        """Run one change for the signed-in person, then show the settings as they now are.

        Bad input is explained in the open dialog (or a toast) and changed nothing; a refusal
        clears the page and sends the person away.
        """
        me = self._current()
        try:
            with unit_of_work() as s:
                service(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip(), **kwargs
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                return False, self._fail(me, error)
            if in_dialog:
                self.dialog_error = error.message
                return False, []
            return False, [rx.toast.error(error.message)]
        self.close_dialog()
        try:
            self._refresh(me)
        except DomainError as error:
            return False, self._fail(me, error)
        return True, [rx.toast.success(gettext(success), duration=2500)]

    def _act(self, service, **kwargs) -> list:
        return self._change(service, **kwargs)[1]

    # --- dialogs ---

    @rx.event
    def open_dialog(self, kind: str, target: int):
        """Open a form or a confirmation about one of the rows this page shows."""
        if not isinstance(kind, str) or kind not in _OPENABLE:
            return
        target = target if isinstance(target, int) and not isinstance(target, bool) else 0
        values = {"name": "", "starts_on": "", "ends_on": ""}
        if kind in ("period_edit", "period_delete"):
            row = next((p for p in self.periods if p.id == target), None)
            if row is None:
                return
            values = {"name": row.name, "starts_on": row.starts_on, "ends_on": row.ends_on}
        elif kind == "area_edit":
            row = next((a for a in self.areas if a.id == target), None)
            if row is None:
                return
            values = {"name": row.name, "description": row.description}
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = (
            kind,
            target,
            values,
            "",
        )

    @rx.event
    def ask_ilp(self, enabled: bool):
        """The switch was flipped: ask before switching ILPs on or off for the whole school."""
        if not isinstance(enabled, bool):
            return
        self._ilp_wanted = enabled
        self.dialog, self.dialog_target, self.dialog_error = "ilp", 0, ""
        self.dialog_values = {"wanted": "on" if enabled else "off"}

    @rx.event
    def close_dialog(self):
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = "", 0, {}, ""

    @rx.event
    def on_dialog_open_change(self, is_open: bool):
        if is_open is not True:
            self.close_dialog()

    @rx.event
    @off_loop
    def confirm(self):
        """Yes, in the confirmation that is open."""
        if self.dialog == "ilp":
            wanted = self._ilp_wanted
            return self._act(
                school_admin.site_set_ilp_enabled,
                enabled=wanted,
                in_dialog=True,
                success=N_("ILPs are switched on.")
                if wanted
                else "ILPs are switched off. Only the administration stays open.",
            )
        if self.dialog == "period_delete":
            return self._act(
                school_admin.period_delete,
                period_id=self.dialog_target,
                in_dialog=True,
                success=N_("Period deleted."),
            )
        return self.close_dialog()

    @rx.event
    @off_loop
    def submit_dialog(self, form_data: dict):
        """Save the form that is open (period or focus area)."""
        try:
            form = form_mapping(form_data)
        except ValidationFailed as error:
            self.dialog_error = error.message
            return None
        if self.dialog == "period_add":
            return self._act(
                school_admin.period_create,
                name=form.get("name"),
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
                kind=form.get("kind"),
                in_dialog=True,
                success=N_("Period added."),
            )
        if self.dialog == "period_edit":
            return self._act(
                school_admin.period_edit,
                period_id=self.dialog_target,
                name=form.get("name"),
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
                in_dialog=True,
                success=N_("Period saved."),
            )
        if self.dialog == "area_edit":
            return self._act(
                school_admin.focus_area_option_edit,
                option_id=self.dialog_target,
                name=form.get("name"),
                description=form.get("description", ""),
                in_dialog=True,
                success=N_("Focus area saved."),
            )
        return self.close_dialog()

    # --- inline changes ---

    @rx.event
    @off_loop
    def rename_site(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        return self._act(
            school_admin.site_rename, name=form.get("name"), success=N_("School name saved.")
        )

    @rx.event
    @off_loop
    def set_mail_quiet_hours(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        return self._act(
            school_admin.site_set_mail_quiet_hours,
            quiet_from=form.get("quiet_from"),
            quiet_until=form.get("quiet_until"),
            success=N_("Quiet hours saved."),
        )

    @rx.event
    @off_loop
    def set_status_rules(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        return self._act(
            school_admin.site_set_status_rules,
            amber_days=form.get("amber_days"),
            red_days=form.get("red_days"),
            success=N_("Status thresholds saved."),
        )

    @rx.event
    @off_loop
    def add_area(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        saved, events = self._change(
            school_admin.focus_area_option_add,
            name=form.get("name"),
            description=form.get("description", ""),
            success=N_("Focus area added."),
        )
        if saved:
            self.form_key += (
                1  # empty fields for the next one; after a refusal, the text stays to be corrected
            )
        return events

    @rx.event
    @off_loop
    def move_area(self, option_id: int, direction: str):
        return self._act(
            school_admin.focus_area_option_move,
            option_id=option_id,
            direction=direction,
            success=N_("Order saved."),
        )

    @rx.event
    @off_loop
    def set_area_archived(self, option_id: int, archived: bool):
        return self._act(
            school_admin.focus_area_option_set_archived,
            option_id=option_id,
            archived=archived,
            success=N_("Archived: mentors are no longer offered it.")
            if archived is True
            else "Restored: mentors are offered it again.",
        )
