"""Rules that assign plans: written by administrators (see ``assignment_rule_runs`` for running them).

A rule has a condition over year, group and the kinds of a learner's context items, a template,
and a status: a draft is only previewed; an active rule may be applied and runs after each
roster import. Every template and group a rule names must be the administrator's school's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    AssignmentRule,
    Group,
    Plan,
    PlanTemplate,
)
from ilp_app.domain.assignment_rules import (
    MAX_RULE_NAME,
    MAX_YEAR_LABEL,
    RuleCondition,
    RuleStatus,
    condition_words,
    parse_context_kind,
    parse_status,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import form_fields, parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PLAN_KIND_LEARNER
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.templates.template_store import template_kind_check

MSG_RULE_NOT_FOUND = "That rule does not exist."
MSG_TEMPLATE_CHOICE = "Choose a template of the school's library that is not archived."
MSG_GROUP_CHOICE = "Choose one of the school's groups, or any group."

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


# --- loading ---------------------------------------------------------------------------------


def rule_manager(actor: Actor | None, client_ip: str) -> Actor:
    """The actor, once the permissions module lets them manage rules (refusals are audited)."""
    return authorize(actor, Action.RULE_MANAGE, None, client_ip=client_ip)


def rule_load(
    session: Session, actor: Actor, rule_id: object, *, for_update: bool = False
) -> AssignmentRule:
    """The actor's school's rule with ``rule_id`` (a forged or foreign id: :class:`NotFound`)."""
    rid = parse_id(rule_id, what="rule")
    rule = session.get(AssignmentRule, rid, with_for_update=for_update)
    if rule is None or rule.site_id != actor.site_id:
        raise NotFound(MSG_RULE_NOT_FOUND)
    return rule


def rule_condition(rule: AssignmentRule) -> RuleCondition:
    """The rule's condition as the domain decides it."""
    return RuleCondition(
        year_label=rule.year_label, group_id=rule.group_id, context_kind=rule.context_kind
    )


def group_names(session: Session, site_id: int) -> dict[int, str]:
    """Every group of the school by id, for saying a condition in words."""
    return dict(
        session.exec(select(Group.id, Group.name).where(Group.site_id == site_id)).all()  # type: ignore[arg-type]
    )


def rule_list(*, session: Session, actor: Actor | None, client_ip: str = "") -> list[RuleRow]:
    """The school's rules, with their condition in words and how many plans each has made."""
    actor = rule_manager(actor, client_ip)
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
    groups = group_names(session, actor.site_id)
    return [
        RuleRow(
            id=r.id,
            name=r.name,
            status=r.status,
            template_name=templates.get(r.template_id, ""),
            condition=condition_words(rule_condition(r), group_name=groups.get(r.group_id, "")),
            plans_made=made.get(r.id, 0),
        )
        for r in rules
    ]


def rule_choices(*, session: Session, actor: Actor | None, client_ip: str = "") -> RuleChoices:
    """The templates, groups and years a rule may name."""
    actor = rule_manager(actor, client_ip)
    templates = session.exec(
        select(PlanTemplate.id, PlanTemplate.name)
        .where(
            PlanTemplate.site_id == actor.site_id,
            PlanTemplate.archived.is_(False),
            PlanTemplate.plan_kind == PLAN_KIND_LEARNER,
        )
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
    actor = rule_manager(actor, client_ip)
    rule = rule_load(session, actor, rule_id)
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
    # A rule makes learners' plans: a staff template is refused, even by a forged id.
    template_kind_check(template, PLAN_KIND_LEARNER)
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
    actor = rule_manager(actor, client_ip)
    values = _parsed(session, actor, form)
    if rule_id is None:
        rule = AssignmentRule(site_id=actor.site_id, created_by_id=actor.user_id, **values)
        session.add(rule)
    else:
        rule = rule_load(session, actor, rule_id)
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
