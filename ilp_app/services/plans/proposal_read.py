"""Reads of a plan's proposals, shaped for the person looking, and who added goals and tasks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ilp_app.db.models import Goal, PlanFocusArea, Proposal, Site, Task, User
from ilp_app.domain.overview import first_name
from ilp_app.domain.permissions import Action, can
from ilp_app.domain.proposals import KIND_LABELS, ProposalKind, ProposalStatus
from ilp_app.i18n import gettext
from ilp_app.i18n.formatting import format_day, format_moment
from ilp_app.services.plans.plan_access import PlanContext


@dataclass
class ProposalView:
    id: int
    kind: str
    kind_label: str
    under: str  # the focus area (of a goal) or the goal (of a task) it was proposed under
    text: str
    success_criteria: str
    target_date: str
    status: str
    status_label: str
    pending: bool
    author: str
    created_at: str
    decline_reason: str = ""
    decided_by: str = ""
    accepted_as: str = ""  # what the mentor accepted, when it differs from what was proposed
    can_edit: bool = False
    can_decide: bool = False


def _day(value) -> str:
    return value.isoformat() if value else ""


def proposal_views(session: Session, ctx: PlanContext) -> list[ProposalView]:
    """The plan's proposals (waiting first, then newest), for someone who may view the plan."""
    rows = session.exec(
        select(Proposal)
        .where(Proposal.plan_id == ctx.plan.id, Proposal.status != ProposalStatus.WITHDRAWN.value)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    ).all()
    if not rows:
        return []
    people = {r.author_id for r in rows} | {r.decided_by_id for r in rows if r.decided_by_id}
    names = {
        u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(people))).all()
    }
    areas = dict(
        session.exec(
            select(PlanFocusArea.id, PlanFocusArea.name).where(PlanFocusArea.plan_id == ctx.plan.id)
        ).all()
    )
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.plan_id == ctx.plan.id)).all()}
    made_tasks = {
        t.id: t
        for t in session.exec(
            select(Task).where(
                Task.plan_id == ctx.plan.id,
                Task.id.in_([r.result_id for r in rows if r.kind == "task" and r.result_id]),
            )
        ).all()
    }
    may_edit = can(ctx.actor, Action.PROPOSAL_EDIT, ctx.ref)
    may_decide = can(ctx.actor, Action.PROPOSAL_DECIDE, ctx.ref)
    views = []
    for r in rows:
        status = ProposalStatus(r.status)
        pending = status is ProposalStatus.PENDING
        accepted_as = ""
        if status is ProposalStatus.ACCEPTED_CHANGED:
            made = goals.get(r.result_id) if r.kind == "goal" else made_tasks.get(r.result_id)
            if made is not None:
                accepted_as = made.statement if r.kind == "goal" else made.title
                day = made.target_date if r.kind == "goal" else made.due_date
                if day:
                    accepted_as = gettext("%(text)s (by %(day)s)") % {
                        "text": accepted_as,
                        "day": format_day(day),
                    }
        parent_goal = goals.get(r.goal_id)
        views.append(
            ProposalView(
                id=r.id,
                kind=r.kind,
                kind_label=gettext(KIND_LABELS[ProposalKind(r.kind)]),
                under=areas.get(r.focus_area_id, "")
                if r.kind == "goal"
                else (parent_goal.statement if parent_goal else ""),
                text=r.text,
                success_criteria=r.success_criteria,
                target_date=_day(r.target_date),
                status=status.value,
                status_label=status.label,
                pending=pending,
                author=names.get(r.author_id, ""),
                created_at=format_moment(r.created_at),
                decline_reason=r.decline_reason,
                decided_by=names.get(r.decided_by_id, ""),
                accepted_as=accepted_as,
                can_edit=pending and may_edit and r.author_id == ctx.actor.user_id,
                can_decide=pending and may_decide,
            )
        )
    views.sort(key=lambda v: not v.pending)  # stable: waiting first, each part newest first
    return views


def added_by_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """First names of the learners who added goals or tasks, for "Added by Åsa"."""
    user_ids = {u for u in user_ids if u}
    if not user_ids:
        return {}
    return {
        u.id: first_name(u.preferred_name, u.full_name)
        for u in session.exec(select(User).where(User.id.in_(user_ids))).all()
    }


def own_tasks_wait(session: Session, site_id: int) -> bool:
    """Whether the school has learners' own tasks wait for the mentor (the default)."""
    site = session.get(Site, site_id)
    return site is None or site.learner_tasks_need_approval
