"""The learner context header on plan pages, and the mentor's "Edit context" dialog.

Loaded by the plan state once it has shown a plan (``_show_learner``), so it always follows the
plan on screen: switching plans or children replaces it, and a refused load clears it. Public
vars hold only what the services returned for this viewer: a parent's copy never holds a staff
item. Ids from the browser (an item to edit or remove) only select; the services check that the
item belongs to the learner shown here and that the viewer may change it.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.parsing import form_mapping
from ilp_app.i18n import N_, gettext
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.plans import learner_context as context
from ilp_app.services.plans.learner_context import ContextGroup, ContextHeader, ContextItemView
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.session import SessionState

KIND_OPTIONS = [{"value": k, "label": label} for k, label in context.KIND_LABELS.items()]
VISIBILITY_OPTIONS = [
    {"value": v, "label": label} for v, label in context.VISIBILITY_LABELS.items()
]
_EMPTY_FORM = {"kind": "prior_attainment", "label": "", "value": "", "visibility": "staff"}


class LearnerContextState(SessionState):
    # Whose context is shown (0 = none): the header is shown only on that learner's plan.
    shown_learner_id: int = 0
    display_name: str = ""
    pronouns: str = ""
    pronouns_visibility: str = ""  # only for staff viewers
    year: str = ""
    groups: list[ContextGroup] = []
    items: list[ContextItemView] = []
    staff_view: bool = False
    can_edit: bool = False
    # The "Edit context" dialog: open or not, the item being changed (0 = a new one), its form values.
    editing: bool = False
    edit_item_id: int = 0
    form_values: dict[str, str] = dict(_EMPTY_FORM)
    form_error: str = ""
    form_version: int = 0  # changes whenever the form must start again from ``form_values``

    kind_options: list[dict[str, str]] = KIND_OPTIONS
    visibility_options: list[dict[str, str]] = VISIBILITY_OPTIONS

    # --- loading ---

    def _apply(self, header: ContextHeader) -> None:
        self.shown_learner_id = header.learner_id
        self.display_name = header.display_name
        self.pronouns = header.pronouns
        self.pronouns_visibility = header.pronouns_visibility
        self.year = header.year
        self.groups = header.groups
        self.items = header.items
        self.staff_view = header.staff_view
        self.can_edit = header.can_edit
        if not header.can_edit:
            self._close()

    def _clear(self) -> None:
        self.shown_learner_id = 0
        self.display_name = ""
        self.pronouns = ""
        self.pronouns_visibility = ""
        self.year = ""
        self.groups = []
        self.items = []
        self.staff_view = False
        self.can_edit = False
        self._close()

    def _close(self) -> None:
        self.editing = False
        self._reset_form()

    def _load(self, learner_id: int, me: CurrentUser | None) -> None:
        with unit_of_work() as s:
            header = context.context_header(
                session=s,
                actor=me.actor if me else None,
                learner_id=learner_id,
                client_ip=self._client_ip(),
            )
        self._apply(header)

    def _show_learner(self, learner_id: int, me: CurrentUser | None = None) -> None:
        """Show ``learner_id``'s context (0: show none). Called by the plan state after it showed a plan.

        A refusal clears what was shown: the plan state has already told the viewer why.
        """
        if learner_id != self.shown_learner_id:
            self._clear()
        if not learner_id:
            return
        try:
            self._load(learner_id, me or self._current())
        except DomainError:
            self._clear()

    def _follow(self, learner_id: int) -> bool:
        """Another browser changed this learner: reload the header if it is the one shown here."""
        if not self.shown_learner_id or self.shown_learner_id != learner_id:
            return True
        me = self._current()
        if me is None:
            self._clear()
            return False
        try:
            self._load(learner_id, me)
        except DomainError:
            self._clear()
        return True

    # --- changes ---

    def _change(
        self, service, *, success: str, in_form: bool = False, **kwargs
    ) -> tuple[object, bool]:
        """Run one change for the learner shown here, then show the context as it now is.

        Returns the events for this browser, and whether anything was saved.
        """
        me = self._current()
        learner_id = self.shown_learner_id
        try:
            if not learner_id:
                raise ValidationFailed("Open a learner's plan first.")
            with unit_of_work() as s:
                service(
                    session=s,
                    actor=me.actor if me else None,
                    learner_id=learner_id,
                    client_ip=self._client_ip(),
                    **kwargs,
                )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                self._clear()
                return self._refusal(me, error), False
            self._show_learner(learner_id, me)  # what the viewer may see now, or nothing
            if in_form and self.editing:
                self.form_error = error.message
                return None, False
            return rx.toast.error(error.message), False
        self._show_learner(learner_id, me)
        return rx.toast.success(gettext(success), duration=1500), True

    def _announce(self) -> None:
        """Tell the other screens showing this learner's plan (this one already shows the change)."""
        if self.shown_learner_id:
            live.announce(
                learner_ids={self.shown_learner_id},
                user_ids=set(),
                skip_client=self.router.session.client_token,
            )

    @rx.event
    def open_editor(self):
        if not self.can_edit:
            return
        self._close()
        self.editing = True

    @rx.event
    def close_editor(self):
        self._close()

    @rx.event
    def start_edit(self, item_id: int):
        """Fill the dialog's form with an item shown here (looked up here, not taken from the browser)."""
        item = next((i for i in self.items if isinstance(item_id, int) and i.id == item_id), None)
        if not self.can_edit or item is None:
            return
        self.edit_item_id = item.id
        self.form_values = {
            "kind": item.kind,
            "label": item.label,
            "value": item.value,
            "visibility": item.visibility,
        }
        self.form_error = ""
        self.form_version += 1

    def _reset_form(self) -> None:
        self.edit_item_id = 0
        self.form_values = dict(_EMPTY_FORM)
        self.form_error = ""
        self.form_version += 1

    @rx.event
    def cancel_edit(self):
        self._reset_form()

    @rx.event
    async def save_item(self, form_data: dict):
        self.form_error = ""
        try:
            form = form_mapping(form_data)
        except ValidationFailed as error:
            self.form_error = error.message
            return
        fields = {k: form.get(k, "") for k in ("kind", "label", "value", "visibility")}
        if self.edit_item_id:
            events, changed = await asyncio.to_thread(
                self._change,
                context.context_item_update,
                item_id=self.edit_item_id,
                success=N_("Item saved."),
                in_form=True,
                **fields,
            )
        else:
            events, changed = await asyncio.to_thread(
                self._change,
                context.context_item_add,
                success=N_("Item added."),
                in_form=True,
                **fields,
            )
        if changed:
            self._reset_form()
        yield events
        if changed:
            self._announce()

    @rx.event
    async def remove_item(self, item_id: int):
        if item_id == self.edit_item_id:
            self._reset_form()
        events, changed = await asyncio.to_thread(
            self._change, context.context_item_remove, item_id=item_id, success=N_("Item removed.")
        )
        yield events
        if changed:
            self._announce()

    @rx.event
    async def set_pronouns_visibility(self, visibility: str):
        events, changed = await asyncio.to_thread(
            self._change,
            context.pronouns_visibility_set,
            visibility=visibility,
            success=N_("Saved who sees the pronouns."),
        )
        yield events
        if changed:
            self._announce()
