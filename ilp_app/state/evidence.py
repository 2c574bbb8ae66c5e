"""A plan's evidence of learning (/plans/[plan_id]/evidence), for whoever may read the plan.

The list arrives from the services already filtered for the person looking: a parent's page
never receives a piece the mentor has not approved, not even its title. Uploads stream in
chunks (a background event): bytes past the size limit are counted and dropped as they arrive,
and an accepted file goes straight to the service, which checks what it is and stores it
privately. Every handler asks the services again; buttons are a convenience, not the check.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.evidence import MAX_EVIDENCE_BYTES, MSG_ONE_FILE, MSG_TOO_LARGE
from ilp_app.i18n import N_, gettext
from ilp_app.services.evidence import evidence as service
from ilp_app.services.evidence import evidence_read as reader
from ilp_app.services.evidence import showcase
from ilp_app.services.evidence.evidence_read import EvidenceItem, EvidenceTarget
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop, perform
from ilp_app.state.evidence_follow import PlanPartFollow
from ilp_app.state.session import SessionState

UPLOAD_ID = "evidence-file"
MSG_ADDED = N_("Evidence added. Your mentor will look at it before your family sees it.")
MSG_FAILED = N_("Something went wrong on our side. Nothing was added; please try again.")
MSG_CHOOSE_FILE = N_("Choose a file to add.")
_MAX_FIELD = 2000  # what a text box may hold before the service gives its own message


def _page(me, plan_id: object, client_ip: str) -> tuple[list[EvidenceItem], list[EvidenceTarget]]:
    with unit_of_work() as s:
        actor = me.actor if me else None
        items = reader.evidence_list(session=s, actor=actor, plan_id=plan_id, client_ip=client_ip)
        targets = reader.evidence_targets(session=s, actor=actor, plan_id=plan_id)
        return items, targets


class EvidenceState(PlanPartFollow, SessionState):
    loaded: bool = False
    items: list[EvidenceItem] = []
    targets: list[EvidenceTarget] = []
    shown_plan_id: int = 0
    target: str = ""
    title: str = ""
    link_url: str = ""
    error: str = ""
    uploading: bool = False

    @rx.var
    def can_add(self) -> bool:
        return len(self.targets) > 0

    def _still_signed_in(self, me) -> bool:
        """Whether the person who started an upload is still the one signed in on this tab."""
        now = self._current()
        return me is not None and now is not None and now.actor.user_id == me.actor.user_id

    # --- loading ---

    def _show(self, me) -> list | None:
        """Read the plan's evidence as ``me`` may see it (blocking)."""
        try:
            items, targets = _page(me, self.plan_id, self._client_ip())
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        self.shown_plan_id = int(str(self.plan_id))
        self.items, self.targets, self.loaded = items, targets, True
        if self.target not in {t.value for t in targets}:
            self.target = targets[0].value if targets else ""
        return None

    @rx.event
    async def load(self):
        """The plan named in the URL (the id only selects; the services decide), followed live."""
        self.error, self.title, self.link_url = "", "", ""
        return await self._open_and_follow()

    # --- the form's fields (explicit setters: a forged value is cut to text, never trusted) ---

    @rx.event
    def set_target(self, value: str):
        self.target = value[:20] if isinstance(value, str) else ""

    @rx.event
    def set_title(self, value: str):
        self.title = value[:_MAX_FIELD] if isinstance(value, str) else ""

    @rx.event
    def set_link_url(self, value: str):
        self.link_url = value[:_MAX_FIELD] if isinstance(value, str) else ""

    # --- changes ---

    def _do(self, service_fn, *, success: str = "", **kwargs) -> list:
        """One change through the services (blocking), then the list as it now is."""
        me = self._current()
        try:
            _, touched = perform(me, service_fn, self._client_ip(), **kwargs)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                self.reset()
                return self._refusal(me, error)
            self.error = error.message
            return [rx.toast.error(error.message), *(self._show(me) or [])]
        self._announce(touched)
        self.error = ""
        shown = self._show(me) or []
        return [rx.toast.success(gettext(success), duration=2500), *shown] if success else shown

    def _announce(self, touched: tuple[set[int], set[int]]) -> None:
        """Tell the open plan pages and inboxes a committed change touched (bells ring live)."""
        learners, users = touched
        live.announce(
            learner_ids=learners, user_ids=users, skip_client=self.router.session.client_token
        )

    @rx.event
    @off_loop
    def add_link(self):
        events = self._do(
            service.evidence_add_link,
            success=MSG_ADDED,
            plan_id=self.plan_id,
            target=self.target,
            title=self.title,
            url=self.link_url,
        )
        if not self.error:
            self.title = self.link_url = ""
        return events

    @rx.event
    @off_loop
    def approve(self, evidence_id: int):
        return self._do(
            service.evidence_approve,
            success=N_("Approved: the family can see it."),
            evidence_id=evidence_id,
        )

    @rx.event
    @off_loop
    def remove(self, evidence_id: int):
        return self._do(service.evidence_remove, success=N_("Removed."), evidence_id=evidence_id)

    @rx.event
    @off_loop
    def toggle_showcase(self, evidence_id: int):
        return self._do(
            showcase.showcase_toggle,
            plan_id=self.plan_id,
            part="evidence",
            ref_id=evidence_id,
        )

    @rx.event
    def reject_files(self, rejections: list):
        """The browser refused a chosen file (too large, or several)."""
        self.error = MSG_TOO_LARGE

    @rx.event(background=True)
    async def upload(self, chunks: rx.UploadChunkIterator):
        """Receive one file (dropping anything past the limit as it streams), then add it."""
        async with self:
            me = self._current()
            busy = self.uploading
            if not busy:
                self.uploading, self.error = True, ""
            plan_id, target, title = self.plan_id, self.target, self.title
            client_ip = self._client_ip()
        names: list[str] = []
        size, parts = 0, []
        async for chunk in chunks:
            if chunk.filename not in names:
                names.append(chunk.filename)
            size += len(chunk.data)
            if size <= MAX_EVIDENCE_BYTES:
                parts.append(chunk.data)
        if busy:
            return
        message = ""
        if len(names) > 1:
            message = MSG_ONE_FILE
        elif size > MAX_EVIDENCE_BYTES:
            message = MSG_TOO_LARGE
        elif not names:
            message = MSG_CHOOSE_FILE
        events: list = []
        if not message:
            try:
                _, touched = await asyncio.to_thread(
                    perform,
                    me,
                    service.evidence_add_file,
                    client_ip,
                    plan_id=plan_id,
                    target=target,
                    title=title,
                    data=b"".join(parts),
                )
                self._announce(touched)
            except (ValidationFailed, DomainError) as error:
                message = error.message
            except Exception as exc:  # nothing was committed
                message, events = MSG_FAILED, self._unexpected(exc)
        async with self:
            self.uploading = False
            if not self._still_signed_in(me):
                return
            if message:
                self.error = message = gettext(message)
                events = [rx.toast.error(message), *events]
            else:
                self.error, self.title = "", ""
                events = [rx.toast.success(gettext(MSG_ADDED), duration=2500)]
            events.extend(await asyncio.to_thread(self._show, me) or [])
        yield [*events, rx.clear_selected_files(UPLOAD_ID)]
