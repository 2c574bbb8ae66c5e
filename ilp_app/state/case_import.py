"""Importing a CASE package of learning objectives (administrators), on the objectives page.

The package is read in memory from the upload stream (never written to the public upload
folder); only an administrator's bytes are held, and at most the size limit of them.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.case_package import MAX_PACKAGE_BYTES
from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.permissions import Action, can
from ilp_app.i18n import gettext
from ilp_app.services.school import case_import
from ilp_app.services.school.case_import import CaseImportResult, FindingView, ImportRunRow
from ilp_app.services.uow import unit_of_work

UPLOAD_ID = "case-package"
MSG_ONE_FILE = "Choose one CASE JSON file at a time."


def _run_import(actor, data: bytes, filename: str, client_ip: str) -> CaseImportResult:
    with unit_of_work() as s:
        return case_import.case_import(
            session=s, actor=actor, data=data, filename=filename, client_ip=client_ip
        )


class CaseImporting(rx.State, mixin=True):
    """The import, its report and the list of past imports (mixed into ``ObjectivesState``)."""

    importing: bool = False
    report_status: str = ""  # "" | "done" | "invalid"
    report_lines: list[str] = []
    report_findings: list[FindingView] = []
    runs: list[ImportRunRow] = []

    @rx.event(background=True)
    async def import_case(self, chunks: rx.UploadChunkIterator):
        """Read the uploaded package into memory (at most the size limit), then import it off the event loop."""
        async with self:
            if self.importing:
                return
            me = self._current()
            actor, client_ip = (me.actor if me else None), self._client_ip()
            self.importing = True
            self.report_status, self.report_lines, self.report_findings = "", [], []
        events: list = []
        # Only an administrator's bytes are held; anyone else's are dropped as they arrive, and refused below.
        keep = can(actor, Action.SCHOOL_MANAGE)
        try:
            data, names, size = bytearray(), set(), 0
            async for chunk in chunks:
                names.add(chunk.filename)
                size += len(chunk.data)
                if keep:
                    data.extend(chunk.data)
                if len(names) > 1 or size > MAX_PACKAGE_BYTES:
                    break  # the rest of the upload is refused; the import reports the size
            if len(names) > 1:
                raise ValidationFailed(MSG_ONE_FILE)
            result = await asyncio.to_thread(
                _run_import,
                actor,
                bytes(data[: MAX_PACKAGE_BYTES + 1]),
                next(iter(names), ""),
                client_ip,
            )
        except DomainError as error:
            async with self:
                self.importing = False
                if actor is None or isinstance(error, NotSignedIn) or not self.can_manage:
                    events = self._fail(me, error)
                else:
                    events = [rx.toast.error(error.message)]
            yield events
            return
        finally:
            async with self:
                self.importing = False
        async with self:
            self._report(result)
            if result.status == "done":
                self.framework_id, self.query = result.framework_id, ""
            events = [
                *(self._reload(keep_expanded=False) or []),
                rx.clear_selected_files(UPLOAD_ID),
            ]
            events.append(
                rx.toast.success(gettext("Package imported."))
                if result.status == "done"
                else rx.toast.error(gettext("The package was not imported."))
            )
        yield events

    def _report(self, result: CaseImportResult) -> None:
        self.report_status = result.status
        self.report_findings = result.findings
        if result.status == "done":
            self.report_lines = [
                f"“{result.framework_title}” imported from {result.filename or 'the file'}: {result.items} items.",
                f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged, "
                f"{result.archived} archived (no longer in the package), {result.restored} back in it.",
            ]
        else:
            self.report_lines = [case_import.MSG_INVALID]
        if result.more_findings:
            self.report_lines.append(f"{result.more_findings} more problems are not listed.")

    @rx.event
    def clear_report(self):
        self.report_status, self.report_lines, self.report_findings = "", [], []
