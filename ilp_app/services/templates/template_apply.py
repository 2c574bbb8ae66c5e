"""Applying a template: an independent draft plan per learner, for the current period.

Each plan remembers the template and the revision it was made from, so that later changes
to the template can be offered to it (:mod:`ilp_app.services.templates.template_updates`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    GoalObjective,
    Period,
    Plan,
    PlanFocusArea,
    PlanTemplate,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.domain.plans import PLAN_KIND_LEARNER, PlanStatus
from ilp_app.domain.templates import ItemKind, TemplateNode
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_edit import MSG_NO_PERIOD
from ilp_app.services.reports.overview import group_authorize, group_learner_ids, staff_groups
from ilp_app.services.templates.template_store import (
    children_by_parent,
    objective_ids_by_code,
    objective_names,
    template_kind_check,
    template_load,
    template_nodes,
)

MSG_TEMPLATE_ARCHIVED = "This template is archived. Restore it before applying it."
MSG_NO_LEARNERS = "Choose at least one learner."
MSG_TOO_MANY_LEARNERS = "Apply a template to at most {n} learners at a time."
REASON_NOT_MENTEE = "not your mentee"
REASON_HAS_PLAN = "already has a plan for {period}"
REASON_INACTIVE = "account is disabled"
MAX_APPLY_LEARNERS = 500

Progress = Callable[[int, int], None]


class AppliedPlan(NamedTuple):
    learner_id: int
    name: str
    plan_id: int


class SkippedLearner(NamedTuple):
    learner_id: int
    name: str  # empty when the actor may not know who the learner is
    reason: str


@dataclass
class ApplySummary:
    created: list[AppliedPlan] = field(default_factory=list)
    skipped: list[SkippedLearner] = field(default_factory=list)
    period_name: str = ""
    template_name: str = ""


@dataclass
class ApplyChoice:
    id: int
    name: str


@dataclass
class ApplyChoices:
    """Whom the actor may apply a template to: their mentees, and the groups they are staff of."""

    learners: list[ApplyChoice] = field(default_factory=list)
    groups: list[ApplyChoice] = field(default_factory=list)


# --- applying a template ---------------------------------------------------------------------------


def copy_add(
    session: Session,
    *,
    plan_id: int,
    node: TemplateNode,
    parent_row: int | None,
    position: int,
    children: dict[int | None, list[TemplateNode]],
    objectives: dict[str, int],
    include: Callable[[TemplateNode], bool],
) -> list[int]:
    """Copy ``node`` (and the children ``include`` accepts) into a plan; returns the template items copied.

    Dates are left empty: they depend on the period the plan is for.
    """
    if node.kind is ItemKind.AREA:
        row = PlanFocusArea(
            plan_id=plan_id, name=node.text, position=position, template_item_id=node.id
        )
    elif node.kind is ItemKind.GOAL:
        row = Goal(
            plan_id=plan_id,
            focus_area_id=parent_row,
            statement=node.text,
            success_criteria=node.detail,
            position=position,
            template_item_id=node.id,
        )
    elif node.kind is ItemKind.TASK:
        row = Task(
            plan_id=plan_id,
            goal_id=parent_row,
            title=node.text,
            position=position,
            template_item_id=node.id,
        )
    else:
        row = TaskLink(task_id=parent_row, plan_id=plan_id, title=node.text, url=node.detail)
    session.add(row)
    session.flush()
    if node.kind is ItemKind.GOAL:
        # Codes the school no longer has are skipped rather than failing the whole plan.
        for oid in sorted({objectives[c] for c in node.objective_codes if c in objectives}):
            session.add(GoalObjective(goal_id=row.id, objective_id=oid))
    copied = [node.id]
    for index, child in enumerate(c for c in children[node.id] if include(c)):
        copied += copy_add(
            session,
            plan_id=plan_id,
            node=child,
            parent_row=row.id,
            position=index,
            children=children,
            objectives=objectives,
            include=include,
        )
    return copied


def _learner_ids(value: object) -> list[int]:
    raw = value if isinstance(value, list | tuple) else [value]
    ids = list(dict.fromkeys(parse_id(v, what="learner") for v in raw if v not in (None, "")))
    if not ids:
        raise ValidationFailed(MSG_NO_LEARNERS)
    if len(ids) > MAX_APPLY_LEARNERS:
        raise ValidationFailed(MSG_TOO_MANY_LEARNERS.format(n=MAX_APPLY_LEARNERS))
    return ids


def _copy_areas(
    session: Session, *, plan_id: int, nodes: list[TemplateNode], objectives: dict[str, int]
) -> None:
    children = children_by_parent(n for n in nodes if not n.removed)
    for position, area in enumerate(children[None]):
        copy_add(
            session,
            plan_id=plan_id,
            node=area,
            parent_row=None,
            position=position,
            children=children,
            objectives=objectives,
            include=lambda _n: True,
        )


def template_copy_into(
    session: Session, *, plan_id: int, template: PlanTemplate, site_id: int
) -> None:
    """Copy a template's items into a new, empty plan. Callers authorise and check the kind."""
    _copy_areas(
        session,
        plan_id=plan_id,
        nodes=template_nodes(session, template.id),
        objectives=objective_ids_by_code(session, site_id),
    )


def _copy_template(
    session: Session,
    *,
    actor: Actor,
    template: PlanTemplate,
    nodes: list[TemplateNode],
    objectives: dict[str, int],
    learner_id: int,
    period: Period,
) -> int:
    """One learner's draft plan from the template; returns the plan's id."""
    plan = Plan(
        site_id=actor.site_id,
        learner_id=learner_id,
        period_id=period.id,
        status=PlanStatus.DRAFT.value,
        created_by_id=actor.user_id,
        template_id=template.id,
        template_revision=template.revision,
    )
    session.add(plan)
    session.flush()
    _copy_areas(session, plan_id=plan.id, nodes=nodes, objectives=objectives)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="plan.create_from_template",
        target_type="plan",
        target_id=plan.id,
        detail={"template_id": template.id},
    )
    return plan.id


def template_apply(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    learner_ids: object,
    progress: Progress | None = None,
    client_ip: str = "",
) -> ApplySummary:
    """Make a draft plan from a template for each learner, for the current period.

    Learners the actor does not mentor, and learners who already have a plan for the period,
    are skipped with the reason. Everything happens in the caller's transaction: if anything
    fails, no plan is made.

    Args:
        learner_ids: the learners, in the order to process them.
        progress: called with (learners done, learners in all) after each learner.
    """
    if actor is None:
        authorize(actor, Action.TEMPLATE_APPLY, None, client_ip=client_ip)
    template = template_load(
        session, actor, template_id, action=Action.TEMPLATE_APPLY, client_ip=client_ip
    )
    if template.archived:
        raise ValidationFailed(MSG_TEMPLATE_ARCHIVED)
    template_kind_check(template, PLAN_KIND_LEARNER)
    ids = _learner_ids(learner_ids)
    period = period_current(session=session, site_id=actor.site_id)
    if period is None:
        raise ValidationFailed(MSG_NO_PERIOD)
    nodes = template_nodes(session, template.id)
    objectives = objective_ids_by_code(session, actor.site_id)
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(User.id.in_(ids), User.site_id == actor.site_id)
        ).all()
    }
    has_plan = set(
        session.exec(
            select(Plan.learner_id).where(Plan.learner_id.in_(ids), Plan.period_id == period.id)
        ).all()
    )
    summary = ApplySummary(period_name=period.name, template_name=template.name)
    total = len(ids)
    if progress:
        progress(0, total)
    for done, lid in enumerate(ids, start=1):
        user = users.get(lid)
        if user is None or not can(actor, Action.TEMPLATE_APPLY, LearnerRef(lid)):
            # Name only those the actor may know: a forged id learns nothing about who it is.
            known = user is not None and can(actor, Action.LEARNER_VIEW, LearnerRef(lid))
            summary.skipped.append(
                SkippedLearner(lid, user.display_name if known else "", REASON_NOT_MENTEE)
            )
            audit_record(
                session=session,
                actor_user_id=actor.user_id,
                action="template.apply",
                outcome="denied",
                target_type="learner",
                target_id=lid,
                detail={"template_id": template.id},
                client_ip=client_ip,
            )
        elif not user.is_active:
            summary.skipped.append(SkippedLearner(lid, user.display_name, REASON_INACTIVE))
        elif lid in has_plan:
            summary.skipped.append(
                SkippedLearner(lid, user.display_name, REASON_HAS_PLAN.format(period=period.name))
            )
        else:
            plan_id = _copy_template(
                session,
                actor=actor,
                template=template,
                nodes=nodes,
                objectives=objectives,
                learner_id=lid,
                period=period,
            )
            summary.created.append(AppliedPlan(lid, user.display_name, plan_id))
        if progress:
            progress(done, total)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.apply",
        target_type="template",
        target_id=template.id,
        detail={
            "created": len(summary.created),
            "skipped": len(summary.skipped),
            "period": period.name,
        },
        client_ip=client_ip,
    )
    return summary


def template_apply_group(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    group_id: object,
    progress: Progress | None = None,
    client_ip: str = "",
) -> ApplySummary:
    """Apply a template to every learner of a group the actor is staff of (see :func:`template_apply`)."""
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    ids = group_learner_ids(session=session, group_id=group.id)
    names = objective_names(session, ids)
    ordered = sorted(ids, key=lambda i: (names.get(i, "").casefold(), i))
    if not ordered:
        raise ValidationFailed("That group has no learners.")
    return template_apply(
        session=session,
        actor=actor,
        template_id=template_id,
        learner_ids=ordered,
        progress=progress,
        client_ip=client_ip,
    )


def template_apply_choices(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> ApplyChoices:
    """The learners the actor may apply a template to, and the groups they may apply one to."""
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    mentees = [
        lid for lid in actor.mentee_ids if can(actor, Action.TEMPLATE_APPLY, LearnerRef(lid))
    ]
    learners = []
    if mentees:
        learners = [
            ApplyChoice(id=u.id, name=u.display_name)
            for u in session.exec(
                select(User).where(
                    User.id.in_(mentees), User.is_active, User.site_id == actor.site_id
                )
            ).all()
        ]
    groups = (
        [ApplyChoice(id=gid, name=name) for gid, name in staff_groups(session=session, actor=actor)]
        if mentees
        else []
    )
    return ApplyChoices(learners=sorted(learners, key=lambda c: c.name.casefold()), groups=groups)
