"""OneRoster CSV import for administrators: check a package, then import it in one transaction.

:func:`roster_validate` reads the zip, checks every row and compares it with the school, and
returns the report (findings per file, line and column, and how many records would be created,
updated, retired or left as they are, with how many rows each file holds and how many of them
are left out) without writing anything. :func:`roster_import` does the
same checks, then writes the changes in the caller's transaction, so a failure anywhere leaves
the school as it was. A package with a fatal problem writes no roster data at all: only the
record of the attempt (an :class:`~ilp_app.db.models.ImportRun` marked "invalid") and its audit
event are kept.

Imported accounts get no password: an administrator issues a temporary one from the accounts
page when the person should start signing in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import ImportRun, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.oneroster import ERROR, FATAL, WARNING, Finding, read_package, sort_findings
from ilp_app.domain.oneroster_rows import roster_from_package
from ilp_app.domain.permissions import Action, Actor
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.roster.roster_apply import Progress, roster_apply
from ilp_app.services.roster.roster_existing import existing_load
from ilp_app.services.roster.roster_plan import KINDS, roster_plan

KIND = "oneroster"
MAX_STORED_FINDINGS = 1000
MAX_FILENAME = 255
MSG_NO_FILE = "Choose a OneRoster zip file first."
#: What an address in a stored finding is replaced with.
REDACTED_EMAIL = "[email address]"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

STATUS_LABELS = {
    "running": "Running",
    "invalid": "Not imported (fatal problem)",
    "failed": "Failed, nothing changed",
    "done": "Imported",
}


@dataclass(frozen=True)
class RosterReport:
    """What a check or an import found and (would) change."""

    filename: str
    status: str  # "checked" | "invalid" | "done"
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    org_name: str = ""
    findings: tuple[Finding, ...] = ()
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    run_id: int | None = None

    @property
    def fatal(self) -> bool:
        return any(f.severity == FATAL for f in self.findings)

    def tally(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def changes(self) -> int:
        return sum(
            c["created"] + c["updated"] + c["retired"] + c["adopted"] for c in self.counts.values()
        )


@dataclass(frozen=True)
class ImportRunRow:
    id: int
    filename: str
    started_at: str
    status: str
    status_label: str
    started_by: str
    summary: str


def _clean_input(data: object, filename: object) -> tuple[bytes, str]:
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValidationFailed(MSG_NO_FILE)
    name = filename if isinstance(filename, str) else ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:MAX_FILENAME] or "upload.zip"
    return bytes(data), name


def _check(session: Session, actor: Actor, data: bytes, filename: str, now: datetime):
    package = read_package(data)
    existing = existing_load(session=session, site_id=actor.site_id)
    roster = roster_from_package(package, existing.known())
    plan = (
        None
        if roster.fatal
        else roster_plan(roster=roster, existing=existing, now=now, actor_id=actor.user_id)
    )
    findings = sort_findings(roster.findings + (plan.findings if plan else []))
    counts = plan.summary() if plan else {k: {} for k in KINDS}
    if plan:
        for kind, arrived in roster.arrivals().items():
            counts[kind].update(arrived)
    report = RosterReport(
        filename=filename,
        status="invalid" if roster.fatal else "checked",
        version=roster.version,
        modes={k: v for k, v in roster.modes.items() if v != "absent"},
        org_name=roster.org_name,
        findings=tuple(findings),
        counts=counts,
    )
    return report, plan


def roster_validate(
    *, session: Session, actor: Actor | None, data: object, filename: object, client_ip: str = ""
) -> RosterReport:
    """Check a OneRoster zip against the administrator's school; nothing is written.

    Raises:
        PermissionDenied: the actor may not manage the school.
        ValidationFailed: no file was given.
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    data, filename = _clean_input(data, filename)
    report, _ = _check(session, actor, data, filename, datetime.now(UTC))
    return report


def _summary_json(report: RosterReport) -> str:
    return json.dumps(
        {
            "version": report.version,
            "modes": report.modes,
            "org": report.org_name,
            "counts": report.counts,
            "findings": {s: report.tally(s) for s in (FATAL, ERROR, WARNING)},
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _stored_finding(finding: Finding) -> dict:
    """A finding as the import record keeps it: where and what, without anyone's email address.

    The administrator reads the addresses in the report on screen; the record outlives it (until
    retention removes it) and only needs to say where in the file each problem was.
    """
    return {**finding.as_dict(), "problem": _EMAIL.sub(REDACTED_EMAIL, finding.problem)}


def _report_json(report: RosterReport) -> str:
    kept = [_stored_finding(f) for f in report.findings[:MAX_STORED_FINDINGS]]
    return json.dumps(
        {"findings": kept, "omitted": max(0, len(report.findings) - MAX_STORED_FINDINGS)},
        ensure_ascii=False,
    )


def roster_import(
    *,
    session: Session,
    actor: Actor | None,
    data: object,
    filename: object,
    client_ip: str = "",
    progress: Progress | None = None,
) -> RosterReport:
    """Import a OneRoster zip into the administrator's school, in the caller's transaction.

    Rows with errors are left out (the report says which); a fatal problem writes no roster
    data. Either way the attempt is recorded as an import run and audited.

    Args:
        progress: called with (rows written, rows to write) while the import writes.

    Raises:
        PermissionDenied: the actor may not manage the school.
        ValidationFailed: no file was given.
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    data, filename = _clean_input(data, filename)
    started = datetime.now(UTC)
    report, plan = _check(session, actor, data, filename, started)
    if plan is not None:
        roster_apply(
            session=session, site_id=actor.site_id, plan=plan, now=started, progress=progress
        )
        report = RosterReport(**{**report.__dict__, "status": "done"})
    run = ImportRun(
        site_id=actor.site_id,
        kind=KIND,
        filename=filename,
        started_by_id=actor.user_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        status=report.status,
        summary=_summary_json(report),
        report=_report_json(report),
    )
    session.add(run)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="roster.import",
        outcome="ok" if report.status == "done" else "failed",
        target_type="import_run",
        target_id=run.id,
        client_ip=client_ip,
        detail={
            "file": filename,
            "status": report.status,
            "counts": report.counts,
            "errors": report.tally(ERROR),
            "fatal": report.tally(FATAL),
        },
    )
    return RosterReport(**{**report.__dict__, "run_id": run.id})


def roster_import_failed(
    *, session: Session, actor: Actor | None, filename: object, client_ip: str = ""
) -> None:
    """Record an import that stopped on an unexpected error (its transaction was rolled back)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    name = _clean_input(b"-", filename)[1]
    now = datetime.now(UTC)
    run = ImportRun(
        site_id=actor.site_id,
        kind=KIND,
        filename=name,
        started_by_id=actor.user_id,
        started_at=now,
        finished_at=now,
        status="failed",
        summary="{}",
        report="{}",
    )
    session.add(run)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="roster.import",
        outcome="failed",
        target_type="import_run",
        target_id=run.id,
        client_ip=client_ip,
        detail={"file": name},
    )


def _summary_text(run: ImportRun) -> str:
    try:
        summary = json.loads(run.summary or "{}")
    except ValueError:
        return ""
    counts = summary.get("counts") or {}
    people = counts.get("people") or {}
    if not people:
        return ""
    parts = [
        f"{people.get('created', 0):,} people created",
        f"{people.get('updated', 0) + people.get('adopted', 0):,} updated",
        f"{people.get('retired', 0):,} retired",
    ]
    errors = (summary.get("findings") or {}).get(ERROR, 0)
    if errors:
        parts.append(f"{errors} row{'s' if errors != 1 else ''} with errors left out")
    return ", ".join(parts)


def import_run_list(
    *, session: Session, actor: Actor | None, client_ip: str = "", limit: int = 10
) -> list[ImportRunRow]:
    """The school's most recent roster imports, newest first."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    rows = session.exec(
        select(ImportRun, User.full_name)
        .join(User, User.id == ImportRun.started_by_id, isouter=True)
        .where(ImportRun.site_id == actor.site_id, ImportRun.kind == KIND)
        .order_by(sa.desc(ImportRun.started_at), sa.desc(ImportRun.id))
        .limit(limit)
    ).all()
    return [
        ImportRunRow(
            id=run.id,
            filename=run.filename,
            started_at=run.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            status=run.status,
            status_label=STATUS_LABELS.get(run.status, run.status),
            started_by=name or "",
            summary=_summary_text(run),
        )
        for run, name in rows
    ]
