"""The template suggested on a learner's plan (for instance one just continued into the next
period), and adding that template's focus areas to the plan.

A learner in a transition year is offered their year's transition template first, with why
("Year 9 starts upper-secondary planning"); see :mod:`ilp_app.domain.transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ilp_app.db.models import Plan, PlanFocusArea
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Action, Actor, LearnerRef
from ilp_app.domain.plans import MAX_FOCUS_AREAS, PLAN_KIND_LEARNER
from ilp_app.services.guard import authorize
from ilp_app.services.plans.plan_access import plan_load
from ilp_app.services.plans.plan_edit import change_record
from ilp_app.services.school.transitions import template_suggestions
from ilp_app.services.templates.template_apply import MSG_TEMPLATE_ARCHIVED, copy_add
from ilp_app.services.templates.template_store import (
    children_by_parent,
    objective_ids_by_code,
    template_kind_check,
    template_load,
    template_nodes,
)

MSG_TOO_MANY_AREAS_FROM_TEMPLATE = (
    "This plan has room for {room} more focus area(s); the template brings {count}. "
    "Remove some first, or start the plan from the template."
)


@dataclass(frozen=True)
class PlanSuggestion:
    template_id: int
    name: str
    reason: str
    transition: bool


def plan_suggestion(*, session: Session, plan: Plan) -> PlanSuggestion | None:
    """For whoever may edit this learner's plan, in a transition year only: the year's template to
    bring in, unless the plan was made from it already. Callers authorise the plan first.

    (A plan page in any other year stays as it is: the home offers a year's templates when a
    plan is created.)"""
    if plan.kind != PLAN_KIND_LEARNER:
        return None
    found = template_suggestions(
        session=session, site_id=plan.site_id, learner_ids=[plan.learner_id]
    )
    for s in found.get(plan.learner_id, []):
        if s.transition and s.template_id != plan.template_id:
            return PlanSuggestion(s.template_id, s.name, s.reason, s.transition)
    return None


def template_add_to_plan(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    template_id: object,
    client_ip: str = "",
) -> int:
    """Add a template's focus areas (with their goals, tasks and links) after the plan's own.

    Returns how many focus areas were added. The plan then counts as made from the template,
    if it was made from none, so later improvements of the template reach it.
    """
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_EDIT, client_ip=client_ip
    )
    authorize(actor, Action.TEMPLATE_APPLY, LearnerRef(ctx.plan.learner_id), client_ip=client_ip)
    template = template_load(
        session, actor, template_id, action=Action.TEMPLATE_APPLY, client_ip=client_ip
    )
    if template.archived:
        raise ValidationFailed(MSG_TEMPLATE_ARCHIVED)
    template_kind_check(template, ctx.plan.kind)
    nodes = template_nodes(session, template.id)
    children = children_by_parent(n for n in nodes if not n.removed)
    areas = children[None]
    existing = session.exec(
        select(PlanFocusArea.position).where(PlanFocusArea.plan_id == ctx.plan.id)
    ).all()
    room = MAX_FOCUS_AREAS - len(existing)
    if len(areas) > room:
        raise ValidationFailed(
            MSG_TOO_MANY_AREAS_FROM_TEMPLATE.format(room=max(room, 0), count=len(areas))
        )
    objectives = objective_ids_by_code(session, actor.site_id)
    start = max(existing, default=-1) + 1
    for offset, area in enumerate(areas):
        copy_add(
            session,
            plan_id=ctx.plan.id,
            node=area,
            parent_row=None,
            position=start + offset,
            children=children,
            objectives=objectives,
            include=lambda _n: True,
        )
    if ctx.plan.template_id is None:
        ctx.plan.template_id, ctx.plan.template_revision = template.id, template.revision
    # A change to the plan's content: a new version, history, notifications and the audit trail.
    change_record(
        session,
        ctx,
        "plan.add_template",
        "plan",
        ctx.plan.id,
        after={"template": template.name, "focus areas": ", ".join(a.text for a in areas)},
    )
    return len(areas)
