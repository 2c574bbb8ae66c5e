"""The roster import page: upload a OneRoster zip, read its report, import it with progress.

The upload streams in chunks (a background event), so a file over the limit is counted and
dropped as it arrives instead of being held; an accepted file is kept in a private temporary
file (owner-only, outside the public upload folder) until it is imported or replaced. Only its
path, a backend var, lives in the state. Checking and importing run in worker threads; the
import reports how far it has got while its one transaction runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.oneroster import (
    MAX_UPLOAD_BYTES,
    MSG_TOO_LARGE,
)
from ilp_app.domain.permissions import Action, can
from ilp_app.services.roster import roster_import as service
from ilp_app.services.roster.roster_import import ImportRunRow, RosterReport
from ilp_app.services.uow import unit_of_work
from ilp_app.state import roster_uploads as uploads
from ilp_app.state.admin_rules import run_rules_after_import
from ilp_app.state.blocking import off_loop
from ilp_app.state.progress import Progress
from ilp_app.state.roster_report import report_view
from ilp_app.state.session import SessionState

log = logging.getLogger("ilp.state")

UPLOAD_ID = "roster-zip"
PROGRESS_INTERVAL_S = 0.25

MSG_ONE_FILE = "Upload one zip file at a time."
MSG_UPLOAD_FIRST = "Check a file before importing it."
MSG_UPLOAD_GONE = "The checked file is no longer here; choose it and check it again."
MSG_FAILED = "Something went wrong on our side. Nothing was imported; please try again."
MSG_REJECTED = f"Choose one .zip file of at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."


def _validate(actor, data: bytes, filename: str, client_ip: str) -> RosterReport:
    with unit_of_work() as s:
        return service.roster_validate(
            session=s, actor=actor, data=data, filename=filename, client_ip=client_ip
        )


def _import(actor, data: bytes, filename: str, client_ip: str, progress: Progress) -> RosterReport:
    try:
        with unit_of_work() as s:
            report = service.roster_import(
                session=s,
                actor=actor,
                data=data,
                filename=filename,
                client_ip=client_ip,
                progress=progress,
            )
    except DomainError:
        raise
    except Exception:
        # The import rolled back; the attempt is still recorded, in a transaction of its own.
        with contextlib.suppress(Exception), unit_of_work() as s:
            service.roster_import_failed(
                session=s, actor=actor, filename=filename, client_ip=client_ip
            )
        raise
    run_rules_after_import(actor, client_ip)
    return report


def _runs(actor, client_ip: str) -> list[ImportRunRow]:
    with unit_of_work() as s:
        return service.import_run_list(session=s, actor=actor, client_ip=client_ip)


class AdminImportState(SessionState):
    """Roster import ("/admin/import"): administrators only; every handler re-checks on the server."""

    loaded: bool = False
    runs: list[ImportRunRow] = []
    file_name: str = ""
    error: str = ""
    checking: bool = False
    importing: bool = False
    progress_done: int = 0
    progress_total: int = 0
    report_status: str = ""  # "" | "checked" | "invalid" | "done"
    report_title: str = ""
    report_detail: str = ""
    findings: list[dict[str, str]] = []
    findings_more: int = 0
    counts: list[dict[str, str]] = []
    _upload_path: str = ""

    @rx.var
    def progress_percent(self) -> int:
        return round(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @rx.var
    def can_import(self) -> bool:
        return self.report_status == "checked" and not self.importing and not self.checking

    # --- view models ---

    def _show(self, report: RosterReport) -> None:
        view = report_view(report)
        self.report_status, self.report_title = view.status, view.title
        self.report_detail, self.findings = view.detail, view.findings
        self.findings_more, self.counts = view.findings_more, view.counts

    def _clear_report(self) -> None:
        self.report_status = self.report_title = self.report_detail = ""
        self.findings, self.findings_more, self.counts = [], 0, []
        self.progress_done = self.progress_total = 0

    def _forget_upload(self) -> None:
        uploads.discard(self._upload_path)
        self._upload_path = ""

    def _refuse(self, me, error: DomainError) -> list:
        self._forget_upload()
        self.reset()
        return self._refusal(me, error)

    def _before_reset(self) -> None:
        # Signing out empties the page: the roster file it was holding goes with it.
        self._forget_upload()

    def _still_signed_in(self, me) -> bool:
        """Whether the person who started a background step is still the one signed in here.

        A check or an import outlives the event that started it: if the tab was signed out (or
        someone else signed in) meanwhile, its result must not appear on this page.
        """
        now = self._current()
        return me is not None and now is not None and now.actor.user_id == me.actor.user_id

    # --- events ---

    @rx.event
    @off_loop
    def load(self):
        me = self._current()
        with contextlib.suppress(OSError):
            uploads.sweep(uploads.upload_dir())
        try:
            self.runs = _runs(me.actor if me else None, self._client_ip())
        except DomainError as error:
            return self._refuse(me, error)
        self.loaded = True
        return None

    @rx.event
    def reject_files(self, rejections: list):
        """The browser refused a dropped file (wrong type, too large, or several)."""
        self.error = MSG_REJECTED
        self._clear_report()

    @rx.event
    def clear(self):
        self._forget_upload()
        self._clear_report()
        self.file_name = self.error = ""

    @rx.event(background=True)
    async def check_file(self, chunks: rx.UploadChunkIterator):
        """Receive the zip (dropping anything past the limit as it streams in), keep it privately, check it."""
        async with self:
            me = self._current()
            actor, client_ip = (me.actor if me else None), self._client_ip()
            busy = self.checking or self.importing
            if not busy:
                self.checking, self.error, self.file_name = True, "", ""
                self._clear_report()
                self._forget_upload()
        # Only an administrator's bytes are kept; anyone else's upload is read to its end and dropped.
        keep = not busy and can(actor, Action.SCHOOL_MANAGE)
        names: list[str] = []
        size, parts = 0, []
        async for chunk in chunks:
            if chunk.filename not in names:
                names.append(chunk.filename)
            size += len(chunk.data)
            if keep and size <= MAX_UPLOAD_BYTES:
                parts.append(chunk.data)
        if busy:
            return
        name = names[0] if names else ""
        report, path, message, events = None, "", "", []
        if len(names) > 1:
            message = MSG_ONE_FILE
        elif size > MAX_UPLOAD_BYTES:
            message = MSG_TOO_LARGE
        else:
            data = b"".join(parts)
            try:
                report = await asyncio.to_thread(_validate, actor, data, name, client_ip)
                if report.status == "checked":
                    path = await asyncio.to_thread(uploads.store, data)
            except PermissionDenied as error:
                async with self:
                    events = self._refuse(me, error)
                yield events
                return
            except DomainError as error:
                message = error.message
            except Exception as exc:  # a check writes nothing
                message, events = MSG_FAILED, self._unexpected(exc)
        async with self:
            if not self._still_signed_in(me):
                uploads.discard(path)
                if me is None:  # nobody was signed in to begin with: only the busy flag to undo
                    self.checking = False
                return
            self.checking = False
            self.file_name = name[:255]
            if report is None:
                self.error = message
            else:
                self._upload_path = path
                self._show(report)
        if events:
            yield events

    @rx.event(background=True)
    async def run_import(self):
        """Import the checked file in one transaction, publishing its progress until it ends."""
        async with self:
            ready = (
                self.report_status == "checked"
                and self._upload_path
                and not (self.importing or self.checking)
            )
            if not ready:
                self.error = MSG_UPLOAD_FIRST if not self.importing else ""
                return
            me = self._current()
            actor, client_ip = (me.actor if me else None), self._client_ip()
            path, name = self._upload_path, self.file_name
            self.importing, self.error = True, ""
            self.progress_done = self.progress_total = 0
        data = await asyncio.to_thread(uploads.read, path)
        if data is None:
            async with self:
                self.importing, self.error = False, MSG_UPLOAD_GONE
                self._upload_path = ""
                self._clear_report()
            return
        progress = Progress()
        job = asyncio.ensure_future(
            asyncio.to_thread(_import, actor, data, name, client_ip, progress)
        )
        while not job.done():
            await asyncio.wait({job}, timeout=PROGRESS_INTERVAL_S)
            async with self:
                self.progress_done, self.progress_total = progress.read()
        events = []
        async with self:
            if not self._still_signed_in(me):
                # Whatever happened, this page no longer holds the file: it goes, and the page stays as it is.
                uploads.discard(path)
                if job.exception() is not None:
                    log.warning("roster import after sign-out failed: %r", job.exception())
                return
            self.importing = False
            try:
                report = job.result()
            except PermissionDenied as error:
                events = self._refuse(me, error)
            except DomainError as error:
                self.error = error.message
            except Exception as exc:  # the transaction rolled back: nothing was imported
                self.error, events = MSG_FAILED, self._unexpected(exc)
            else:
                uploads.discard(path)
                if self._upload_path == path:
                    self._upload_path = ""
                self._show(report)
                # The report stands even if the list cannot be refreshed; it catches up on the next load.
                with contextlib.suppress(DomainError):
                    self.runs = _runs(actor, client_ip)
        if events:
            yield events
