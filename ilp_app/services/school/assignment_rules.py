"""Rules that assign plans: written, previewed and applied by administrators.

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

import sqlalchemy as sa
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
from ilp_app.domain.assignment_rules import (
    MAX_RULE_NAME,
    MAX_YEAR_LABEL,
    LearnerFacts,
    RuleCondition,
    RuleDecision,
    RuleStatus,
    condition_words,
    parse_context_kind,
    parse_status,
    rule_decide,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import form_fields, parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PlanStatus
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_edit import MSG_NO_PERIOD
from ilp_app.services.templates.template_apply import copy_add
from ilp_app.services.templates.template_store import (
    children_by_parent,
    objective_ids_by_code,
    template_nodes,
)

MSG_RULE_NOT_FOUND = "That rule does not exist."
MSG_TEMPLATE_CHOICE = "Choose a template of the school's library that is not archived."
MSG_GROUP_CHOICE = "Choose one of the school's groups, or any group."
MSG_NOT_ACTIVE = "Make the rule active before applying it."

Progress = Callable[[int, int], None]

_FORM_FIELDS = {"name", "template_id", "year_label", "group_id", "context_kind", "status"}


@dataclass(frozen=True)
class RuleRow:
    id: int
    name: str
    status: str
    template_name: str
    condition: str
    plans_made: int


@dataclass(frozen=True)
class RuleChoice:
    id: int
    name: str


@dataclass(frozen=True)
class RuleChoices:
    """What a rule's form offers: templates, groups and the years the school's groups use."""

    templates: list[RuleChoice]
    groups: list[RuleChoice]
    years: list[str]


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


# --- loading ---------------------------------------------------------------------------------


def _manager(actor: Actor | None, client_ip: str) -> Actor:
    return authorize(actor, Action.RULE_MANAGE, None, client_ip=client_ip)


def _rule_load(
    session: Session, actor: Actor, rule_id: object, *, for_update: bool = False
) -> AssignmentRule:
    rid = parse_id(rule_id, what="rule")
    rule = session.get(AssignmentRule, rid, with_for_update=for_update)
    if rule is None or rule.site_id != actor.site_id:
        raise NotFound(MSG_RULE_NOT_FOUND)
    return rule


def _condition(rule: AssignmentRule) -> RuleCondition:
    return RuleCondition(
        year_label=rule.year_label, group_id=rule.group_id, context_kind=rule.context_kind
    )


def _group_names(session: Session, site_id: int) -> dict[int, str]:
    return dict(
        session.exec(select(Group.id, Group.name).where(Group.site_id == site_id)).all()  # type: ignore[arg-type]
    )


def rule_list(*, session: Session, actor: Actor | None, client_ip: str = "") -> list[RuleRow]:
    """The school's rules, with their condition in words and how many plans each has made."""
    actor = _manager(actor, client_ip)
    rules = session.exec(
        select(AssignmentRule)
        .where(AssignmentRule.site_id == actor.site_id)
        .order_by(AssignmentRule.name, AssignmentRule.id)
    ).all()
    templates = dict(
        session.exec(
            select(PlanTemplate.id, PlanTemplate.name).where(PlanTemplate.site_id == actor.site_id)
        ).all()
    )
    made = dict(
        session.exec(
            select(Plan.rule_id, sa.func.count(Plan.id))
            .where(Plan.site_id == actor.site_id, Plan.rule_id.is_not(None))
            .group_by(Plan.rule_id)
        ).all()
    )
    groups = _group_names(session, actor.site_id)
    return [
        RuleRow(
            id=r.id,
            name=r.name,
            status=r.status,
            template_name=templates.get(r.template_id, ""),
            condition=condition_words(_condition(r), group_name=groups.get(r.group_id, "")),
            plans_made=made.get(r.id, 0),
        )
        for r in rules
    ]


def rule_choices(*, session: Session, actor: Actor | None, client_ip: str = "") -> RuleChoices:
    """The templates, groups and years a rule may name."""
    actor = _manager(actor, client_ip)
    templates = session.exec(
        select(PlanTemplate.id, PlanTemplate.name)
        .where(PlanTemplate.site_id == actor.site_id, PlanTemplate.archived.is_(False))
        .order_by(PlanTemplate.name)
    ).all()
    groups = session.exec(
        select(Group.id, Group.name)
        .where(Group.site_id == actor.site_id, Group.retired_at.is_(None))
        .order_by(Group.name)
    ).all()
    years = session.exec(
        select(Group.year_label)
        .where(Group.site_id == actor.site_id, Group.retired_at.is_(None), Group.year_label != "")
        .distinct()
        .order_by(Group.year_label)
    ).all()
    return RuleChoices(
        templates=[RuleChoice(i, n) for i, n in templates],
        groups=[RuleChoice(i, n) for i, n in groups],
        years=list(years),
    )


def rule_values(
    *, session: Session, actor: Actor | None, rule_id: object, client_ip: str = ""
) -> dict[str, str]:
    """A rule's fields as its form is prefilled with them."""
    actor = _manager(actor, client_ip)
    rule = _rule_load(session, actor, rule_id)
    return {
        "name": rule.name,
        "status": rule.status,
        "template_id": str(rule.template_id),
        "year_label": rule.year_label,
        "group_id": str(rule.group_id or ""),
        "context_kind": rule.context_kind,
    }


# --- writing ---------------------------------------------------------------------------------


def _parsed(session: Session, actor: Actor, form: object) -> dict:
    fields = form_fields(form, _FORM_FIELDS)
    name = parse_text(fields.get("name"), field="Name", max_length=MAX_RULE_NAME)
    status = parse_status(fields.get("status", RuleStatus.DRAFT.value))
    try:
        template_id = parse_id(fields.get("template_id"), what="template")
    except ValidationFailed:
        raise ValidationFailed(MSG_TEMPLATE_CHOICE) from None
    template = session.get(PlanTemplate, template_id)
    if template is None or template.site_id != actor.site_id or template.archived:
        raise ValidationFailed(MSG_TEMPLATE_CHOICE)
    year = parse_text(
        fields.get("year_label", ""), field="Year", max_length=MAX_YEAR_LABEL, required=False
    )
    group_id = None
    if fields.get("group_id", "") not in ("", None):
        try:
            group_id = parse_id(fields.get("group_id"), what="group")
        except ValidationFailed:
            raise ValidationFailed(MSG_GROUP_CHOICE) from None
        group = session.get(Group, group_id)
        if group is None or group.site_id != actor.site_id or group.retired_at is not None:
            raise ValidationFailed(MSG_GROUP_CHOICE)
    return {
        "name": name,
        "status": status.value,
        "template_id": template.id,
        "year_label": year,
        "group_id": group_id,
        "context_kind": parse_context_kind(fields.get("context_kind", "")),
    }


def rule_save(
    *,
    session: Session,
    actor: Actor | None,
    form: object,
    rule_id: object = None,
    client_ip: str = "",
) -> int:
    """Create a rule (``rule_id`` None) or change one; returns its id.

    Raises:
        ValidationFailed: a field is missing or out of range, or names another school's template
            or group; nothing is saved.
    """
    actor = _manager(actor, client_ip)
    values = _parsed(session, actor, form)
    if rule_id is None:
        rule = AssignmentRule(site_id=actor.site_id, created_by_id=actor.user_id, **values)
        session.add(rule)
    else:
        rule = _rule_load(session, actor, rule_id)
        for key, value in values.items():
            setattr(rule, key, value)
        rule.updated_at = datetime.now(UTC)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="rule.create" if rule_id is None else "rule.edit",
        target_type="assignment_rule",
        target_id=rule.id,
        detail={"status": rule.status, "template_id": rule.template_id},
        client_ip=client_ip,
    )
    return rule.id


# --- deciding ------------------------------------------------------------------------------------


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
    group_name = _group_names(session, actor.site_id).get(rule.group_id, "")
    found = []
    for learner in _school_learners(session, actor.site_id, period.id):
        decision = rule_decide(
            _condition(rule), learner.facts, period_name=period.name, group_name=group_name
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
    actor = _manager(actor, client_ip)
    rule = _rule_load(session, actor, rule_id)
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
    if template is None or template.archived:
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
    actor = _manager(actor, client_ip)
    rule = _rule_load(session, actor, rule_id, for_update=True)
    if rule.status != RuleStatus.ACTIVE.value:
        raise ValidationFailed(MSG_NOT_ACTIVE)
    return _apply(session, actor, rule, _period(session, actor), progress, client_ip)


def rules_apply_active(*, session: Session, actor: Actor | None, client_ip: str = "") -> RuleRun:
    """Apply every active rule of the actor's school, oldest first (after a roster import).

    A learner two rules reach gets the plan of the older rule; the later rule finds the plan and
    leaves it.
    """
    actor = _manager(actor, client_ip)
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
        if template is None or template.archived:
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
