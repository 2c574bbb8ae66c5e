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
import os
import stat
import tempfile
import threading
import time
from pathlib import Path

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.oneroster import (
    ERROR,
    FATAL,
    MAX_UPLOAD_BYTES,
    MSG_TOO_LARGE,
    WARNING,
    group_findings,
)
from ilp_app.domain.permissions import Action, can
from ilp_app.services.roster import roster_import as service
from ilp_app.services.roster.roster_import import ImportRunRow, RosterReport
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

log = logging.getLogger("ilp.state")

UPLOAD_ID = "roster-zip"
PROGRESS_INTERVAL_S = 0.25
SHOWN_FINDINGS = 200
KEEP_UPLOAD_S = 3600

MSG_ONE_FILE = "Upload one zip file at a time."
MSG_UPLOAD_FIRST = "Check a file before importing it."
MSG_UPLOAD_GONE = "The checked file is no longer here; choose it and check it again."
MSG_FAILED = "Something went wrong on our side. Nothing was imported; please try again."
MSG_REJECTED = f"Choose one .zip file of at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."

KIND_LABELS = {
    "people": "People",
    "groups": "Groups (classes)",
    "periods": "Periods",
    "enrollments": "Enrollments",
    "links": "Parent links",
}
SEVERITY_TONES = {FATAL: "red", ERROR: "red", WARNING: "amber"}


def _upload_dir() -> Path:
    """A private folder for uploads waiting to be imported (never the public upload folder).

    The shared temporary folder is writable by every local account: a link or a folder someone
    else put under this name is refused, so a roster never lands where another account (or the
    public upload folder) can reach it.
    """
    folder = Path(tempfile.gettempdir()) / f"ilp-roster-uploads-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(
            f"{folder} is not a folder of this account; roster uploads are not kept there"
        )
    os.chmod(folder, 0o700)
    return folder


def _sweep(folder: Path) -> None:
    """Delete uploads that were never imported (their page was left, or its session ended)."""
    cutoff = time.time() - KEEP_UPLOAD_S
    for old in folder.glob("*.zip"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def _store(data: bytes) -> str:
    folder = _upload_dir()
    _sweep(folder)
    fd, path = tempfile.mkstemp(dir=folder, suffix=".zip")  # created 0600
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def _discard(path: str) -> None:
    if path:
        with contextlib.suppress(OSError):
            Path(path).unlink()


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes() if path else None
    except OSError:
        return None


class _Progress:
    """Rows written so far, set by the worker thread and read by the event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self.done, self.total


def _validate(actor, data: bytes, filename: str, client_ip: str) -> RosterReport:
    with unit_of_work() as s:
        return service.roster_validate(
            session=s, actor=actor, data=data, filename=filename, client_ip=client_ip
        )


def _import(actor, data: bytes, filename: str, client_ip: str, progress: _Progress) -> RosterReport:
    try:
        with unit_of_work() as s:
            return service.roster_import(
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
        self.report_status = report.status
        errors, warnings, fatal = report.tally(ERROR), report.tally(WARNING), report.tally(FATAL)
        left_out = (
            f"{errors} row{'s' if errors != 1 else ''} with errors {{}} left out. "
            if errors
            else ""
        )
        if report.status == "invalid":
            self.report_title = f"{report.filename} cannot be imported"
            self.report_detail = (
                "Fix the problems marked Fatal and check the file again. Nothing was changed."
            )
        elif report.status == "done":
            created = report.counts.get("people", {}).get("created", 0)
            self.report_title = f"Imported {report.filename}"
            self.report_detail = (
                f"{report.changes():,} records changed. "
                + left_out.format("were")
                + (
                    "Imported people have no password yet: set a temporary password on the Accounts page for each "
                    "person who should sign in."
                    if created
                    else ""
                )
            )
        else:
            self.report_title = (
                f"{report.filename}: OneRoster {report.version} for {report.org_name}"
            )
            self.report_detail = left_out.format("will be") + (
                "Nothing has been changed yet: check the counts, then import."
                if report.changes()
                else "Everything in this file is already in the school: importing it would change nothing."
            )
        if not fatal and not errors and not warnings:
            self.report_detail = "No problems found. " + self.report_detail
        # Repeated findings show once, with their count and lines ("Warning × 5", "2, 4–7").
        groups = group_findings(report.findings)
        self.findings = [
            {
                "file": g.file or "(zip)",
                "line": g.line_text,
                "column": g.column,
                "problem": g.problem,
                "severity": g.label,
                "tone": SEVERITY_TONES.get(g.severity, "red"),
            }
            for g in groups[:SHOWN_FINDINGS]
        ]
        self.findings_more = sum(g.count for g in groups[SHOWN_FINDINGS:])
        self.counts = [
            {
                "kind": KIND_LABELS[kind],
                "in_file": "—",
                "left_out": "—",
                **{k: f"{v:,}" for k, v in report.counts[kind].items()},
            }
            for kind in KIND_LABELS
            if report.counts.get(kind)
        ]

    def _clear_report(self) -> None:
        self.report_status = self.report_title = self.report_detail = ""
        self.findings, self.findings_more, self.counts = [], 0, []
        self.progress_done = self.progress_total = 0

    def _forget_upload(self) -> None:
        _discard(self._upload_path)
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
            _sweep(_upload_dir())
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
                    path = await asyncio.to_thread(_store, data)
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
                _discard(path)
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
        data = await asyncio.to_thread(_read, path)
        if data is None:
            async with self:
                self.importing, self.error = False, MSG_UPLOAD_GONE
                self._upload_path = ""
                self._clear_report()
            return
        progress = _Progress()
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
                _discard(path)
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
                _discard(path)
                if self._upload_path == path:
                    self._upload_path = ""
                self._show(report)
                # The report stands even if the list cannot be refreshed; it catches up on the next load.
                with contextlib.suppress(DomainError):
                    self.runs = _runs(actor, client_ip)
        if events:
            yield events
