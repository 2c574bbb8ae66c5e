"""Printed plans: what goes on paper, for whom, and the download route.

A printed plan is handed to the family, so it carries only notes meant for the learner and
parents, whoever prints it: staff and private notes never reach the PDF, even when the person
printing may read them on screen. Everything else comes from ``plan_read.plan_view``, so the
printout is authorised and filtered exactly like the screen.

Wiring: add :func:`routes` next to ``ilp_app.api.routes()`` (same cookie, same transformer);
a "Print plan" link points at :func:`plan_pdf_url`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from sqlmodel import Session

from ilp_app.db.models import Site
from ilp_app.domain.permissions import Actor
from ilp_app.domain.plans import NoteVisibility
from ilp_app.pdf.plan_pdf import (
    PrintableFocusArea,
    PrintableGoal,
    PrintableNote,
    PrintablePlan,
    PrintableReflection,
    PrintableTask,
    render_plans,
)
from ilp_app.services.overview import group_authorize, group_learner_ids
from ilp_app.services.plan_read import PlanView, plan_current_id, plan_view

PLAN_PDF_PATH = "/api/plans/{plan_id}.pdf"

#: The only note visibility that is ever printed: a printout goes home with the family.
PRINTED_NOTE_VISIBILITY = NoteVisibility.FAMILY.value



def plan_pdf_url(plan_id) -> str:
    """Where a plan's PDF is downloaded (``plan_id`` may be a number or a frontend var)."""
    return f"/api/plans/{plan_id}.pdf"


def _date(stamp: str) -> str:
    return stamp[:10]  # plan_read gives "YYYY-MM-DD HH:MM UTC"; paper needs the day


def printable_plan(view: PlanView, *, school_name: str) -> PrintablePlan:
    """The paper version of a plan view: family notes only, nothing else of the staff's."""
    return PrintablePlan(
        school_name=school_name,
        period_name=view.period_name,
        period_starts=view.period_starts,
        period_ends=view.period_ends,
        learner_name=view.learner_name,
        learner_pronouns=view.learner_pronouns or "",
        focus_areas=[
            PrintableFocusArea(name=area.name, goals=[
                PrintableGoal(
                    statement=goal.statement, success_criteria=goal.success_criteria,
                    target_date=goal.target_date, self_rating=goal.self_rating,
                    mentor_rating=goal.mentor_rating, objective_codes=[o.code for o in goal.objectives],
                    tasks=[PrintableTask(title=t.title, status_label=t.status_label, due_date=t.due_date)
                           for t in goal.tasks],
                    reflections=[PrintableReflection(date=_date(r.created_at), text=r.body)
                                 for r in goal.reflections],
                )
                for goal in area.goals
            ])
            for area in view.focus_areas
        ],
        notes=[PrintableNote(date=_date(n.created_at), text=n.body)
               for n in view.notes if n.visibility == PRINTED_NOTE_VISIBILITY],
    )


def _school_name(session: Session, actor: Actor) -> str:
    site = session.get(Site, actor.site_id)
    return site.name if site else ""


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60] or "x"


def pdf_filename(view: PlanView) -> str:
    """``plan-<learner>-<period>.pdf`` in plain ASCII, safe inside a Content-Disposition header."""
    return f"plan-{_ascii_slug(view.learner_name)}-{_ascii_slug(view.period_name)}.pdf"


def plan_pdf(*, session: Session, actor: Actor | None, plan_id: object, client_ip: str = "") -> tuple[str, bytes]:
    """One plan as a PDF for the family, if ``actor`` may view it.

    Returns:
        The download file name and the PDF bytes.

    Raises:
        NotSignedIn, PermissionDenied, NotFound, ValidationFailed: as ``plan_read.plan_view``.
    """
    view = plan_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    plan = printable_plan(view, school_name=_school_name(session, actor))
    return pdf_filename(view), render_plans([plan])


def group_pdf(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, bytes]:
    """Every learner's current plan in a group the actor is staff of, each from a new page.

    Learners without a plan the actor may see are left out. ``progress(done, total)`` is
    called after each plan is loaded, for a progress bar on long groups.
    """
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    school = _school_name(session, actor)
    learner_ids = group_learner_ids(session=session, group_id=group.id)
    plans = []
    for done, learner_id in enumerate(learner_ids, start=1):
        plan_id = plan_current_id(session=session, actor=actor, learner_id=learner_id, client_ip=client_ip)
        if plan_id:
            plans.append(printable_plan(plan_view(session=session, actor=actor, plan_id=plan_id,
                                                  client_ip=client_ip), school_name=school))
        if progress is not None:
            progress(done, len(learner_ids))
    plans.sort(key=lambda p: p.learner_name.casefold())
    return f"plans-{_ascii_slug(group.name)}.pdf", render_plans(plans)
