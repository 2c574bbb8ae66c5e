"""What the roster import page shows of a checked or imported file: a title, what happens
next, the problems found (repeats grouped), and the counts per kind of record."""

from __future__ import annotations

from dataclasses import dataclass

from ilp_app.domain.oneroster import ERROR, FATAL, WARNING, group_findings
from ilp_app.services.roster.roster_import import RosterReport

SHOWN_FINDINGS = 200
KIND_LABELS = {
    "people": "People",
    "groups": "Groups (classes)",
    "periods": "Periods",
    "enrollments": "Enrollments",
    "links": "Parent links",
}
SEVERITY_TONES = {FATAL: "red", ERROR: "red", WARNING: "amber"}


@dataclass(frozen=True)
class ReportView:
    status: str  # "checked" | "invalid" | "done"
    title: str
    detail: str
    findings: list[dict[str, str]]
    findings_more: int
    counts: list[dict[str, str]]


def report_view(report: RosterReport) -> ReportView:
    """The page's text and rows for ``report``."""
    errors, warnings, fatal = report.tally(ERROR), report.tally(WARNING), report.tally(FATAL)
    left_out = (
        f"{errors} row{'s' if errors != 1 else ''} with errors {{}} left out. " if errors else ""
    )
    if report.status == "invalid":
        title = f"{report.filename} cannot be imported"
        detail = "Fix the problems marked Fatal and check the file again. Nothing was changed."
    elif report.status == "done":
        created = report.counts.get("people", {}).get("created", 0)
        title = f"Imported {report.filename}"
        detail = (
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
        title = f"{report.filename}: OneRoster {report.version} for {report.org_name}"
        detail = left_out.format("will be") + (
            "Nothing has been changed yet: check the counts, then import."
            if report.changes()
            else "Everything in this file is already in the school: importing it would change nothing."
        )
    if not fatal and not errors and not warnings:
        detail = "No problems found. " + detail
    # Repeated findings show once, with their count and lines ("Warning × 5", "2, 4–7").
    groups = group_findings(report.findings)
    findings = [
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
    findings_more = sum(g.count for g in groups[SHOWN_FINDINGS:])
    counts = [
        {
            "kind": KIND_LABELS[kind],
            "in_file": "—",
            "left_out": "—",
            **{k: f"{v:,}" for k, v in report.counts[kind].items()},
        }
        for kind in KIND_LABELS
        if report.counts.get(kind)
    ]
    return ReportView(report.status, title, detail, findings, findings_more, counts)
