"""Running rules that assign plans: preview, apply, and apply every active rule.

A rule gives every learner its condition reaches a draft plan from its template for the current
period. It never makes a second plan for a learner and period and never touches an existing plan;
each plan it makes names the rule (``Plan.rule_id``). Applying runs in the caller's transaction,
so either every plan of the run is made or none is. Active rules run again after each roster
import (:func:`rules_apply_active`) or on demand.

The facts a condition is decided on are loaded with one query per kind of fact for the whole
school, never one per learner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import (
    AssignmentRule,
    Enrollment,
    Group,
    LearnerContextItem,
    MentorAssignment,
    Period,
    Plan,
    PlanTemplate,
    RoleGrant,
    User,
)
from ilp_app.domain.assignment_rules import LearnerFacts, RuleDecision, RuleStatus, rule_decide
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Actor
from ilp_app.domain.plans import PLAN_KIND_LEARNER, PlanStatus
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_edit import MSG_NO_PERIOD
from ilp_app.services.school.assignment_rules import (
    MSG_TEMPLATE_CHOICE,
    group_names,
    rule_condition,
    rule_load,
    rule_manager,
)
from ilp_app.services.templates.template_apply import copy_add
from ilp_app.services.templates.template_store import (
    children_by_parent,
    objective_ids_by_code,
    template_nodes,
)

MSG_NOT_ACTIVE = "Make the rule active before applying it."

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PreviewRow:
    learner_id: int
    name: str
    groups: str
    reason: str


@dataclass
class RulePreview:
    """Who a rule would give a plan to now, and whom it reaches but leaves alone, with why."""

    rule_id: int
    rule_name: str
    template_name: str
    period_name: str
    assign: list[PreviewRow] = field(default_factory=list)
    skip: list[PreviewRow] = field(default_factory=list)


@dataclass
class RuleRun:
    """What applying a rule (or every active rule) did."""

    created: list[PreviewRow] = field(default_factory=list)
    skipped: int = 0
    period_name: str = ""


@dataclass(frozen=True)
class _Learner:
    facts: LearnerFacts
    name: str
    groups: str


def _school_learners(session: Session, site_id: int, period_id: int) -> list[_Learner]:
    """Every learner of the school with the facts rules decide on, in five set-wise queries."""
    users = session.exec(
        select(User.id, User.full_name, User.preferred_name, User.is_active)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            User.site_id == site_id,
            User.erased_at.is_(None),
            RoleGrant.role == Role.LEARNER.value,
        )
    ).all()
    memberships = session.exec(
        select(Enrollment.user_id, Group.id, Group.name, Group.year_label)
        .join(Group, Group.id == Enrollment.group_id)
        .where(
            Group.site_id == site_id,
            Group.retired_at.is_(None),
            Enrollment.role == "learner",
        )
        .order_by(Group.name)
    ).all()
    kinds = session.exec(
        select(LearnerContextItem.learner_id, LearnerContextItem.kind)
        .join(User, User.id == LearnerContextItem.learner_id)
        .where(User.site_id == site_id)
        .distinct()
    ).all()
    planned = set(
        session.exec(
            select(Plan.learner_id).where(Plan.site_id == site_id, Plan.period_id == period_id)
        ).all()
    )
    mentored = set(
        session.exec(
            select(MentorAssignment.learner_id)
            .join(User, User.id == MentorAssignment.mentor_id)
            .where(User.site_id == site_id, User.is_active)
            .distinct()
        ).all()
    )
    groups: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for uid, gid, gname, year in memberships:
        groups[uid].append((gid, gname, year))
    kinds_of: dict[int, set[str]] = defaultdict(set)
    for lid, kind in kinds:
        kinds_of[lid].add(kind)
    learners = []
    for uid, full_name, preferred, active in users:
        mine = groups.get(uid, [])
        facts = LearnerFacts(
            learner_id=uid,
            years=frozenset(y for _g, _n, y in mine if y),
            group_ids=frozenset(g for g, _n, _y in mine),
            context_kinds=frozenset(kinds_of.get(uid, ())),
            has_plan=uid in planned,
            has_mentor=uid in mentored,
            active=bool(active),
        )
        learners.append(_Learner(facts, preferred or full_name, ", ".join(n for _g, n, _y in mine)))
    return sorted(learners, key=lambda x: (x.name.casefold(), x.facts.learner_id))


def _decisions(
    session: Session, actor: Actor, rule: AssignmentRule, period: Period
) -> list[tuple[_Learner, RuleDecision]]:
    group_name = group_names(session, actor.site_id).get(rule.group_id, "")
    found = []
    for learner in _school_learners(session, actor.site_id, period.id):
        decision = rule_decide(
            rule_condition(rule), learner.facts, period_name=period.name, group_name=group_name
        )
        if decision is not None:
            found.append((learner, decision))
    return found


def _period(session: Session, actor: Actor) -> Period:
    period = period_current(session=session, site_id=actor.site_id)
    if period is None:
        raise ValidationFailed(MSG_NO_PERIOD)
    return period


def rule_preview(
    *, session: Session, actor: Actor | None, rule_id: object, client_ip: str = ""
) -> RulePreview:
    """Who the rule would give a plan to now, and why; those it reaches but skips, and why.

    Nothing is written.
    """
    actor = rule_manager(actor, client_ip)
    rule = rule_load(session, actor, rule_id)
    period = _period(session, actor)
    template = session.get(PlanTemplate, rule.template_id)
    preview = RulePreview(
        rule_id=rule.id,
        rule_name=rule.name,
        template_name=template.name if template else "",
        period_name=period.name,
    )
    for learner, decision in _decisions(session, actor, rule, period):
        row = PreviewRow(learner.facts.learner_id, learner.name, learner.groups, decision.reason)
        (preview.assign if decision.assign else preview.skip).append(row)
    return preview


def _plan_from_template(
    session: Session,
    *,
    actor: Actor,
    rule: AssignmentRule,
    template: PlanTemplate,
    children: dict,
    objectives: dict[str, int],
    learner_id: int,
    period: Period,
) -> int:
    plan = Plan(
        site_id=actor.site_id,
        learner_id=learner_id,
        period_id=period.id,
        status=PlanStatus.DRAFT.value,
        created_by_id=actor.user_id,
        template_id=template.id,
        template_revision=template.revision,
        rule_id=rule.id,
    )
    session.add(plan)
    session.flush()
    for position, area in enumerate(children[None]):
        copy_add(
            session,
            plan_id=plan.id,
            node=area,
            parent_row=None,
            position=position,
            children=children,
            objectives=objectives,
            include=lambda _n: True,
        )
    return plan.id


def _apply(
    session: Session,
    actor: Actor,
    rule: AssignmentRule,
    period: Period,
    progress: Progress | None,
    client_ip: str,
) -> RuleRun:
    template = session.get(PlanTemplate, rule.template_id)
    if template is None or template.archived or template.plan_kind != PLAN_KIND_LEARNER:
        raise ValidationFailed(MSG_TEMPLATE_CHOICE)
    decisions = _decisions(session, actor, rule, period)
    wanted = [(learner, d) for learner, d in decisions if d.assign]
    run = RuleRun(skipped=len(decisions) - len(wanted), period_name=period.name)
    children = children_by_parent(n for n in template_nodes(session, template.id) if not n.removed)
    objectives = objective_ids_by_code(session, actor.site_id)
    if progress:
        progress(0, len(wanted))
    for done, (learner, decision) in enumerate(wanted, start=1):
        _plan_from_template(
            session,
            actor=actor,
            rule=rule,
            template=template,
            children=children,
            objectives=objectives,
            learner_id=learner.facts.learner_id,
            period=period,
        )
        run.created.append(
            PreviewRow(learner.facts.learner_id, learner.name, learner.groups, decision.reason)
        )
        if progress:
            progress(done, len(wanted))
    rule.last_applied_at = datetime.now(UTC)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="rule.apply",
        target_type="assignment_rule",
        target_id=rule.id,
        detail={"created": len(run.created), "skipped": run.skipped, "period_id": period.id},
        client_ip=client_ip,
    )
    return run


def rule_apply(
    *,
    session: Session,
    actor: Actor | None,
    rule_id: object,
    progress: Progress | None = None,
    client_ip: str = "",
) -> RuleRun:
    """Make the plans the preview lists, in the caller's transaction.

    The rule's row is locked first, so two administrators applying it at once run one after the
    other and the second finds every plan already made. A plan made meanwhile by someone else
    fails the run on the (learner, period) uniqueness: then nothing is made.

    Raises:
        ValidationFailed: the rule is a draft, its template is archived, or there is no period.
    """
    actor = rule_manager(actor, client_ip)
    rule = rule_load(session, actor, rule_id, for_update=True)
    if rule.status != RuleStatus.ACTIVE.value:
        raise ValidationFailed(MSG_NOT_ACTIVE)
    return _apply(session, actor, rule, _period(session, actor), progress, client_ip)


def rules_apply_active(*, session: Session, actor: Actor | None, client_ip: str = "") -> RuleRun:
    """Apply every active rule of the actor's school, oldest first (after a roster import).

    A learner two rules reach gets the plan of the older rule; the later rule finds the plan and
    leaves it.
    """
    actor = rule_manager(actor, client_ip)
    rules = session.exec(
        select(AssignmentRule)
        .where(
            AssignmentRule.site_id == actor.site_id,
            AssignmentRule.status == RuleStatus.ACTIVE.value,
        )
        .order_by(AssignmentRule.id)
        .with_for_update()
    ).all()
    total = RuleRun()
    if not rules:
        return total
    period = _period(session, actor)
    total.period_name = period.name
    for rule in rules:
        template = session.get(PlanTemplate, rule.template_id)
        if template is None or template.archived or template.plan_kind != PLAN_KIND_LEARNER:
            # The rule waits until it is given another template; the trail says why it did not run.
            audit_record(
                session=session,
                actor_user_id=actor.user_id,
                action="rule.apply",
                outcome="failed",
                target_type="assignment_rule",
                target_id=rule.id,
                detail={"reason": "template archived"},
                client_ip=client_ip,
            )
            continue
        run = _apply(session, actor, rule, period, None, client_ip)
        total.created += run.created
        total.skipped += run.skipped
    return total
