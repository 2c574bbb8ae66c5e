"""Reports: the group report as CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import re

from sqlmodel import Session

from ilp_app.domain.overview import Rag
from ilp_app.domain.permissions import Actor
from ilp_app.domain.plans import PlanStatus
from ilp_app.i18n import N_, gettext
from ilp_app.services.reports.overview import group_authorize, group_board_rebuild

#: The header row, in the language of the person downloading.
CSV_COLUMNS = (
    N_("Learner"),
    N_("Plan"),
    N_("Completed"),
    N_("Ongoing"),
    N_("Not started"),
    N_("Tasks"),
    N_("Progress %"),
    N_("Goals on track"),
    N_("Goals behind"),
    N_("Last activity"),
    N_("Reflected in the last 30 days"),
    N_("Status"),
)


def _cell(value: object) -> str:
    """Text as a spreadsheet shows it; a leading = + - @ is escaped so no cell runs as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def group_report_csv(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> tuple[str, str]:
    """(filename, CSV text) of a group's per-learner progress, for its mentor and teachers."""
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    board = group_board_rebuild(session=session, group=group)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([gettext(column) for column in CSV_COLUMNS])
    for r in board.rows:
        has_plan = r.plan_id > 0
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.name,
                    PlanStatus(r.plan_status).label if r.plan_status else gettext("none"),
                    r.completed,
                    r.ongoing,
                    r.not_started,
                    r.total,
                    r.percent,
                    r.goals_on_track,
                    r.goals_behind,
                    r.last_activity,
                    gettext("yes") if r.recent_reflection else gettext("no"),
                    Rag(r.rag).label if has_plan else "",
                )
            ]
        )
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", group.name).strip("-") or "group"
    return f"group-{safe}-report.csv", out.getvalue()
