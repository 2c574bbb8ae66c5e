"""Reading a plan's evidence: what the person looking may see of it, and what they may do.

Families are given a piece only once the mentor has approved it, so the list a parent's page
receives never holds a pending piece, not even its title.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ilp_app import routes
from ilp_app.db.models import Evidence, Goal, Plan, ShowcaseItem, Task, User
from ilp_app.domain.evidence import EVIDENCE_KIND_LABELS, EvidenceKind
from ilp_app.domain.permissions import Action, Actor, EvidenceRef, can
from ilp_app.i18n import gettext
from ilp_app.i18n.formatting import school_zone
from ilp_app.services.plans.plan_access import plan_load, plan_ref


def evidence_url(evidence_id) -> str:
    """Where a piece's file is downloaded (``evidence_id`` may be a number or a frontend var)."""
    return routes.url_for(routes.API_EVIDENCE_FILE, evidence_id=evidence_id)


@dataclass
class EvidenceItem:
    """One piece as a page shows it to the person looking (never the stored file name)."""

    id: int
    goal_id: int
    goal: str
    task: str
    kind: str
    kind_label: str
    title: str
    url: str  # a link's address, or the authorised download of a file
    added_by: str
    created_at: str
    approved: bool
    in_showcase: bool
    can_approve: bool
    can_remove: bool
    can_showcase: bool


@dataclass
class EvidenceTarget:
    """A goal or task evidence may be attached to: ``value`` is "g<goal id>" or "t<task id>"."""

    value: str
    label: str


def evidence_ref(plan: Plan, row: Evidence) -> EvidenceRef:
    return EvidenceRef(
        plan=plan_ref(plan), added_by_id=row.added_by_id, approved=row.approved_at is not None
    )


def evidence_rows(session: Session, actor: Actor, plan: Plan) -> list[Evidence]:
    """The plan's pieces ``actor`` may see, goal by goal, oldest first."""
    rows = session.exec(
        select(Evidence).where(Evidence.plan_id == plan.id).order_by(Evidence.id)
    ).all()
    return [r for r in rows if can(actor, Action.EVIDENCE_VIEW, evidence_ref(plan, r))]


def evidence_list(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> list[EvidenceItem]:
    """What the person looking may see of a plan's evidence, with what they may do to each."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_VIEW,
        client_ip=client_ip,
    )
    rows = evidence_rows(session, ctx.actor, ctx.plan)
    goals = {
        g.id: g.statement
        for g in session.exec(select(Goal).where(Goal.plan_id == ctx.plan.id)).all()
    }
    tasks = {
        t.id: t.title for t in session.exec(select(Task).where(Task.plan_id == ctx.plan.id)).all()
    }
    people = {
        u.id: (u.preferred_name or u.full_name.split(" ")[0])
        for u in session.exec(
            select(User).where(User.id.in_({r.added_by_id for r in rows if r.added_by_id}))
        ).all()
    }
    shown = set(
        session.exec(
            select(ShowcaseItem.ref_id).where(
                ShowcaseItem.kind == "evidence",
                ShowcaseItem.ref_id.in_([r.id for r in rows] or [-1]),
            )
        ).all()
    )
    items = []
    for r in rows:
        ref = evidence_ref(ctx.plan, r)
        link = r.kind == EvidenceKind.LINK.value
        items.append(
            EvidenceItem(
                id=r.id,
                goal_id=r.goal_id,
                goal=goals.get(r.goal_id, ""),
                task=tasks.get(r.task_id, "") if r.task_id else "",
                kind=r.kind,
                kind_label=gettext(EVIDENCE_KIND_LABELS.get(EvidenceKind(r.kind), r.kind)),
                title=r.title,
                url=r.url if link else evidence_url(r.id),
                added_by=people.get(r.added_by_id, ""),
                # The school's day, written in the reader's language by their browser.
                created_at=r.created_at.astimezone(school_zone()).date().isoformat(),
                approved=r.approved_at is not None,
                in_showcase=r.id in shown,
                can_approve=r.approved_at is None and can(actor, Action.EVIDENCE_APPROVE, ref),
                can_remove=can(actor, Action.EVIDENCE_REMOVE, ref),
                can_showcase=r.approved_at is not None
                and can(actor, Action.SHOWCASE_EDIT, ref.plan),
            )
        )
    return items


def evidence_targets(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> list[EvidenceTarget]:
    """The goals and tasks evidence may be attached to, for someone who may attach it."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_VIEW,
        client_ip=client_ip,
    )
    if not can(actor, Action.EVIDENCE_ADD, ctx.ref):
        return []
    goals = session.exec(
        select(Goal).where(Goal.plan_id == ctx.plan.id).order_by(Goal.focus_area_id, Goal.position)
    ).all()
    tasks = session.exec(
        select(Task).where(Task.plan_id == ctx.plan.id).order_by(Task.position)
    ).all()
    out = []
    for goal in goals:
        out.append(
            EvidenceTarget(
                value=f"g{goal.id}",
                label=(gettext("Goal: %(text)s") % {"text": goal.statement})[:150],
            )
        )
        out.extend(
            EvidenceTarget(
                value=f"t{t.id}", label=(gettext("Task: %(text)s") % {"text": t.title})[:150]
            )
            for t in tasks
            if t.goal_id == goal.id
        )
    return out


def plan_owner_id(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> int:
    """Whose plan this is (the learner, or the staff member), if ``actor`` may read it.

    The evidence and showcase pages follow that person's live channel once authorised here.
    """
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    return ctx.plan.learner_id
