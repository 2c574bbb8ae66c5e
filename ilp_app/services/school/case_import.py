"""Importing a CASE 1.0 package into the school's learning-objective library.

One package is one framework. Importing it again updates it in place: frameworks and
objectives are matched by their CASE identifier, so their ids (and every goal linked to them)
stay the same. Items that left the package are archived, never deleted, because goals may still
link to them. Every import, refused or not, is recorded as an :class:`ImportRun` with its report.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import ImportRun, LearningObjective, ObjectiveFramework, Site
from ilp_app.domain.case_package import (
    CaseItem,
    CaseParse,
    Finding,
    Severity,
    assign_codes,
    fallback_code,
    parse_case_package,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Action, Actor
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize

KIND = "case"
MAX_FILENAME = 255
MAX_SUBJECT = 100  # LearningObjective.subject
MSG_NOT_A_FILE = "Choose a CASE JSON file to import."
MSG_INVALID = (
    "The package was not imported: fix the problems listed and try again. Nothing was changed."
)
#: A code no person types: rows hold it for a moment while codes are swapped between them.
_PARKED = "\u2063parked-{}"


@dataclass(frozen=True)
class FindingView:
    path: str
    message: str
    severity: str


@dataclass
class CaseImportResult:
    """What an import did, for the page and the tests."""

    run_id: int
    status: str  # "done" | "invalid"
    filename: str
    framework_id: int = 0
    framework_title: str = ""
    items: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    restored: int = 0
    findings: list[FindingView] = field(default_factory=list)
    more_findings: int = 0

    @property
    def summary(self) -> dict:
        keys = (
            "framework_id",
            "framework_title",
            "items",
            "created",
            "updated",
            "unchanged",
            "archived",
            "restored",
        )
        return {key: getattr(self, key) for key in keys}


def _clean_filename(filename: object) -> str:
    if not isinstance(filename, str):
        return ""
    name = os.path.basename(filename.replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable())[:MAX_FILENAME]


def _views(findings: list[Finding]) -> list[FindingView]:
    return [
        FindingView(path=f.path, message=f.message, severity=f.severity.value) for f in findings
    ]


def _record(
    session: Session, actor: Actor, result: CaseImportResult, started: datetime, client_ip: str
) -> None:
    run = ImportRun(
        site_id=actor.site_id,
        kind=KIND,
        filename=result.filename,
        started_by_id=actor.user_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        status=result.status,
        summary=json.dumps(result.summary if result.status == "done" else {}, ensure_ascii=False),
        report=json.dumps(
            {"findings": [asdict(f) for f in result.findings], "more": result.more_findings},
            ensure_ascii=False,
        ),
    )
    session.add(run)
    session.flush()
    result.run_id = run.id
    detail = {
        "filename": result.filename,
        "status": result.status,
        "errors": sum(f.severity == Severity.ERROR.value for f in result.findings),
    }
    if result.status == "done":
        detail |= result.summary
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="objectives.case_import",
        outcome="ok" if result.status == "done" else "failed",
        target_type="import_run",
        target_id=run.id,
        detail=detail,
        client_ip=client_ip,
    )


def case_import(
    *,
    session: Session,
    actor: Actor | None,
    data: object,
    filename: object = "",
    client_ip: str = "",
) -> CaseImportResult:
    """Import (or re-import) a CASE JSON package into the actor's school, in the caller's transaction.

    A package with errors changes no objective: the result has status "invalid" and the findings,
    and only the import run itself is recorded.

    Raises:
        PermissionDenied: the actor may not manage the school.
        ValidationFailed: no file content was given at all.
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    if not isinstance(data, bytes | bytearray):
        raise ValidationFailed(MSG_NOT_A_FILE)
    started = datetime.now(UTC)
    name = _clean_filename(filename)
    parsed = parse_case_package(bytes(data))
    if not parsed.ok:
        result = CaseImportResult(
            run_id=0,
            status="invalid",
            filename=name,
            findings=_views(parsed.findings),
            more_findings=parsed.more_findings,
        )
        _record(session, actor, result, started, client_ip)
        return result
    # One import per school at a time: the second waits here instead of racing on codes.
    session.exec(select(Site.id).where(Site.id == actor.site_id).with_for_update()).first()
    result = _store(session, actor, parsed, name)
    _record(session, actor, result, started, client_ip)
    return result


def _framework(session: Session, actor: Actor, parsed: CaseParse) -> ObjectiveFramework:
    doc = parsed.document
    framework = session.exec(
        select(ObjectiveFramework).where(
            ObjectiveFramework.site_id == actor.site_id,
            ObjectiveFramework.case_identifier == doc.identifier,
        )
    ).first()
    if framework is None:
        framework = ObjectiveFramework(
            site_id=actor.site_id, case_identifier=doc.identifier, title=doc.title
        )
    framework.title, framework.creator, framework.version = doc.title, doc.creator, doc.version
    framework.subject, framework.adoption_status, framework.uri = (
        doc.subject,
        doc.adoption_status,
        doc.uri,
    )
    framework.last_change, framework.imported_at = doc.last_change, datetime.now(UTC)
    session.add(framework)
    session.flush()
    return framework


def _store(session: Session, actor: Actor, parsed: CaseParse, filename: str) -> CaseImportResult:
    framework = _framework(session, actor, parsed)
    rows = list(
        session.exec(
            select(LearningObjective).where(LearningObjective.site_id == actor.site_id)
        ).all()
    )
    identifiers = {item.identifier for item in parsed.items}
    existing = {r.case_identifier: r for r in rows if r.case_identifier in identifiers}
    leaving = [
        r for r in rows if r.framework_id == framework.id and r.case_identifier not in identifiers
    ]
    # Codes held by objectives outside this framework stay theirs; this framework's items are re-coded.
    staying = [
        r for r in rows if r.case_identifier not in identifiers and r.framework_id != framework.id
    ]
    codes, findings = assign_codes(parsed.items, taken={r.code for r in staying})
    findings = [*parsed.warnings, *findings]
    new_codes = {c.casefold() for c in codes.values()}
    # An archived item gives up its code to a current one that needs it.
    held = {r.code.casefold() for r in [*staying, *leaving]} | new_codes
    leaving_codes: dict[int, str] = {}
    row_codes = {r.id: r.code for r in leaving}
    for row in leaving:
        if row.code.casefold() in new_codes:
            attempt = 0
            stand_in = CaseItem(
                identifier=row.case_identifier or str(row.id), full_statement="", index=-1
            )
            code = fallback_code(stand_in, row.code, attempt)
            while code.casefold() in held:
                attempt += 1
                code = (
                    fallback_code(stand_in, row.code, attempt)
                    if attempt < 7
                    else f"{code[:56]}-{attempt}"
                )
            held.add(code.casefold())
            leaving_codes[row.id] = code
    for row in rows:
        if row.framework_id not in (None, framework.id) and row.case_identifier in identifiers:
            findings.append(
                Finding(
                    "",
                    f"{row.code} was part of another framework and now belongs to "
                    f"'{framework.title}'",
                    Severity.WARNING,
                )
            )
    before = {r.case_identifier: _snapshot(r) for r in existing.values()}
    # Park every code that changes, so two rows can swap codes without breaking uniqueness mid-way.
    recoded = [r for r in existing.values() if r.code != codes[r.case_identifier]]
    recoded += [r for r in leaving if r.id in leaving_codes]
    for row in recoded:
        row.code = _PARKED.format(row.id)
        session.add(row)
    if recoded:
        session.flush()
    for row in leaving:
        if row.id in leaving_codes:
            findings.append(
                Finding(
                    "",
                    f"{row_codes[row.id]} is no longer in the package; it is archived under the "
                    f"code '{leaving_codes[row.id]}' so that a current item can have its code",
                    Severity.WARNING,
                )
            )
            row.code = leaving_codes[row.id]
    return _upsert(
        session, actor, parsed, framework, existing, leaving, codes, before, findings, filename
    )


def _upsert(
    session: Session,
    actor: Actor,
    parsed: CaseParse,
    framework: ObjectiveFramework,
    existing: dict[str, LearningObjective],
    leaving: list[LearningObjective],
    codes: dict[str, str],
    before: dict[str, tuple],
    findings: list[Finding],
    filename: str,
) -> CaseImportResult:
    result = CaseImportResult(
        run_id=0,
        status="done",
        filename=filename,
        framework_id=framework.id,
        framework_title=framework.title,
        items=len(parsed.items),
    )
    subject = parsed.document.subject[:MAX_SUBJECT]
    rows: dict[str, LearningObjective] = {}
    for item in parsed.items:
        row = existing.get(item.identifier)
        if row is None:
            row = LearningObjective(
                site_id=actor.site_id, code=codes[item.identifier], statement=item.full_statement
            )
            result.created += 1
        elif row.archived:
            result.restored += 1
        row.code, row.statement, row.subject = codes[item.identifier], item.full_statement, subject
        row.framework_id, row.case_identifier, row.item_type = (
            framework.id,
            item.identifier,
            item.item_type,
        )
        row.position, row.archived = item.position, False
        session.add(row)
        rows[item.identifier] = row
    session.flush()  # new rows get their ids, which their children point to
    for item in parsed.items:
        row = rows[item.identifier]
        row.parent_id = rows[item.parent_identifier].id if item.parent_identifier else None
        if item.identifier in before:
            if _snapshot(row) == before[item.identifier]:
                result.unchanged += 1
            else:
                result.updated += 1
    for row in leaving:
        if not row.archived:
            row.archived = True
            result.archived += 1
        session.add(row)
    session.flush()
    result.findings = _views(findings)
    result.more_findings = parsed.more_findings
    return result


def _snapshot(row: LearningObjective) -> tuple:
    return (
        row.code,
        row.statement,
        row.subject,
        row.framework_id,
        row.item_type,
        row.parent_id,
        row.position,
        row.archived,
    )


@dataclass(frozen=True)
class ImportRunRow:
    id: int
    filename: str
    status: str
    started_at: str
    summary: str


def case_import_runs(
    *, session: Session, actor: Actor | None, limit: int = 5, client_ip: str = ""
) -> list[ImportRunRow]:
    """The school's latest CASE imports, newest first, each with a one-line summary."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    runs = session.exec(
        select(ImportRun)
        .where(ImportRun.site_id == actor.site_id, ImportRun.kind == KIND)
        .order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
        .limit(limit)
    ).all()
    return [
        ImportRunRow(
            id=r.id,
            filename=r.filename,
            status=r.status,
            started_at=r.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            summary=_one_line(r),
        )
        for r in runs
    ]


def _one_line(run: ImportRun) -> str:
    if run.status != "done":
        return "Not imported: the package had errors."
    try:
        s = json.loads(run.summary or "{}")
    except ValueError:
        return ""
    return (
        f"{s.get('framework_title', '')}: {s.get('created', 0)} new, {s.get('updated', 0)} updated, "
        f"{s.get('unchanged', 0)} unchanged, {s.get('archived', 0)} archived"
    )
