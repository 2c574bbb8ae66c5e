"""The school's plan templates: save a plan's structure, keep a library, apply it, offer its changes.

A template holds structure only (see :mod:`ilp_app.domain.templates`). Applying one makes an
independent draft plan per learner that remembers the template and its revision; when the
template improves later, each plan is offered the individual changes (:func:`template_updates`),
which its mentor accepts or dismisses one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    GoalObjective,
    LearningObjective,
    Period,
    Plan,
    PlanFocusArea,
    PlanTemplate,
    Task,
    TaskLink,
    TemplateItem,
    TemplateUpdateDecision,
    User,
)
from ilp_app.domain import templates as rules
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.permissions import Action, Actor, LearnerRef, PlanRef, can
from ilp_app.domain.plans import MAX_FOCUS_AREAS, PlanStatus, clean_id
from ilp_app.domain.templates import (
    Decision,
    DecisionRecord,
    ItemDraft,
    ItemKind,
    PendingUpdate,
    PlanCopy,
    TemplateNode,
    UpdateKind,
)
from ilp_app.services import plan_read
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.overview import group_authorize, group_learner_ids, staff_groups
from ilp_app.services.periods import period_current
from ilp_app.services.plan_access import PlanContext, plan_load
from ilp_app.services.plan_edit import (
    MSG_NO_PERIOD,
    MSG_TOO_MANY_AREAS,
    _changed,
    _delete_goals,
    _next_position,
)

MSG_TEMPLATE_NOT_FOUND = "That template does not exist."
MSG_ITEM_NOT_FOUND = "That part of the template does not exist."
MSG_TEMPLATE_ARCHIVED = "This template is archived. Restore it before applying it."
MSG_TOO_MANY_ITEMS = f"A template holds at most {rules.MAX_TEMPLATE_ITEMS} items."
MSG_NO_TEMPLATE = "This plan was not made from a template."
MSG_UPDATE_GONE = "That update is no longer waiting: the template or the plan has changed since. Here is the current list."
MSG_NO_LEARNERS = "Choose at least one learner."
MSG_TOO_MANY_LEARNERS = "Apply a template to at most {n} learners at a time."
REASON_NOT_MENTEE = "not your mentee"
REASON_HAS_PLAN = "already has a plan for {period}"
REASON_INACTIVE = "account is disabled"
MAX_APPLY_LEARNERS = 500

Progress = Callable[[int, int], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# --- view models --------------------------------------------------------------------------


@dataclass
class TemplateRow:
    """A template in the library list."""

    id: int
    name: str
    description: str
    year_label: str
    archived: bool
    revision: int
    areas: int
    goals: int
    tasks: int
    plans: int
    updated_at: str
    created_by: str


@dataclass
class TemplateLinkView:
    id: int
    text: str
    url: str


@dataclass
class TemplateTaskView:
    id: int
    text: str
    links: list[TemplateLinkView] = field(default_factory=list)


@dataclass
class TemplateGoalView:
    id: int
    text: str
    success_criteria: str
    objective_codes: str
    tasks: list[TemplateTaskView] = field(default_factory=list)


@dataclass
class TemplateAreaView:
    id: int
    text: str
    goals: list[TemplateGoalView] = field(default_factory=list)


@dataclass
class TemplateDetail:
    """One template with its items as a tree (removed items left out)."""

    id: int
    name: str
    description: str
    year_label: str
    archived: bool
    revision: int
    areas: list[TemplateAreaView] = field(default_factory=list)


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
class TemplatePlanRow:
    """A plan made from a template, for someone who may view it."""

    plan_id: int
    learner_name: str
    period_name: str
    status: str
    status_label: str
    pending: int


@dataclass
class TemplateUpdateView:
    """One change in a plan's template that the plan has not answered yet."""

    key: str
    template_item_id: int
    revision: int
    change: str
    change_label: str
    kind: str
    kind_label: str
    text: str
    detail: str
    plan_text: str
    brings: int
    description: str  # what accepting it does, in one sentence naming the item


@dataclass
class TemplatePanel:
    """What the plan page shows about templates: where the plan came from and what is waiting."""

    plan_id: int
    learner_id: int
    template_id: int = 0
    template_name: str = ""
    can_decide: bool = False
    can_save_template: bool = False
    updates: list[TemplateUpdateView] = field(default_factory=list)


@dataclass
class ApplyChoice:
    id: int
    name: str


@dataclass
class ApplyChoices:
    """Whom the actor may apply a template to: their mentees, and the groups they are staff of."""

    learners: list[ApplyChoice] = field(default_factory=list)
    groups: list[ApplyChoice] = field(default_factory=list)


# --- loading ------------------------------------------------------------------------------


def _template(session: Session, actor: Actor | None, template_id: object, *, action: Action = Action.TEMPLATE_MANAGE,
              client_ip: str = "", for_update: bool = False) -> PlanTemplate:
    """The template with ``template_id`` of the actor's school, once the actor may ``action``."""
    if action is Action.TEMPLATE_MANAGE or actor is None:
        # Applying is authorised per learner (TEMPLATE_APPLY takes a learner), by the caller.
        authorize(actor, action, None, client_ip=client_ip)
    tid = clean_id(template_id, what="template")
    template = session.get(PlanTemplate, tid, with_for_update=for_update)
    if template is None or template.site_id != actor.site_id:
        raise NotFound(MSG_TEMPLATE_NOT_FOUND)
    return template


def _item(session: Session, template: PlanTemplate, item_id: object) -> TemplateItem:
    iid = clean_id(item_id, what="template item")
    item = session.get(TemplateItem, iid)
    if item is None or item.template_id != template.id or item.removed:
        raise NotFound(MSG_ITEM_NOT_FOUND)
    return item


def _node(item: TemplateItem) -> TemplateNode:
    return TemplateNode(
        id=item.id, parent_id=item.parent_id, kind=ItemKind(item.kind), text=item.text, detail=item.detail,
        objective_codes=tuple(c for c in item.objective_codes.split(",") if c), revision=item.revision,
        removed=item.removed, position=item.position,
    )


def _nodes(session: Session, template_id: int) -> list[TemplateNode]:
    """Every item of a template in tree order, removed ones included."""
    items = session.exec(select(TemplateItem).where(TemplateItem.template_id == template_id)).all()
    return rules.tree_order(_node(i) for i in items)


def _children(nodes: Iterable[TemplateNode]) -> dict[int | None, list[TemplateNode]]:
    """Items by parent, in tree order (``nodes`` already are)."""
    children: dict[int | None, list[TemplateNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    return children


def _objective_ids(session: Session, site_id: int) -> dict[str, int]:
    """The site's current objectives by code (archived ones are no longer linked to new goals)."""
    return {code: oid for code, oid in session.exec(
        select(LearningObjective.code, LearningObjective.id).where(
            LearningObjective.site_id == site_id, ~LearningObjective.archived)).all()}


def _check_codes(session: Session, site_id: int, codes: tuple[str, ...]) -> None:
    if codes:
        unknown = [c for c in codes if c not in _objective_ids(session, site_id)]
        if unknown:
            raise ValidationFailed(f"Unknown learning objective: {', '.join(unknown)}.")


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


# --- storing items --------------------------------------------------------------------------


def _store(session: Session, template_id: int, drafts: Iterable[ItemDraft], *, revision: int,
           parent_id: int | None = None) -> int:
    """Store ``drafts`` (with their children) under ``parent_id``; returns how many items were stored."""
    count = 0
    for position, draft in enumerate(drafts):
        item = TemplateItem(template_id=template_id, parent_id=parent_id, kind=draft.kind.value, position=position,
                            text=draft.text, detail=draft.detail, objective_codes=",".join(draft.objective_codes),
                            revision=revision)
        session.add(item)
        session.flush()
        count += 1 + _store(session, template_id, draft.children, revision=revision, parent_id=item.id)
    return count


def _drafts(nodes: list[TemplateNode]) -> list[ItemDraft]:
    """The items still in a template, as drafts (to copy them into another template)."""
    children = _children(n for n in nodes if not n.removed)

    def build(node: TemplateNode) -> ItemDraft:
        return ItemDraft(node.kind, node.text, node.detail, node.objective_codes,
                         tuple(build(c) for c in children[node.id]))

    return [build(n) for n in children[None]]


def _new_template(session: Session, actor: Actor, name: str, description: str, year_label: str) -> PlanTemplate:
    template = PlanTemplate(site_id=actor.site_id, name=name, description=description, year_label=year_label,
                            created_by_id=actor.user_id)
    session.add(template)
    session.flush()
    return template


# --- the library ------------------------------------------------------------------------------


def template_from_plan(*, session: Session, actor: Actor | None, plan_id: object, name: object,
                       description: object = "", year_label: object = "", client_ip: str = "") -> int:
    """Save a plan's structure as a new template of the school; returns the template's id.

    Only focus areas, goals (with success criteria and learning objectives), tasks and links
    are copied; statuses, dates, ratings, reflections, notes, the log and names never are.
    """
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    clean = rules.clean_template_meta(name, description, year_label)
    view = plan_read.plan_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    learner = session.get(User, view.learner_id)
    drafts = rules.template_items_from_plan(
        view.focus_areas, learner_names=[learner.full_name, learner.preferred_name] if learner else [])
    template = _new_template(session, actor, *clean)
    count = _store(session, template.id, drafts, revision=template.revision)
    if count > rules.MAX_TEMPLATE_ITEMS:
        raise ValidationFailed(MSG_TOO_MANY_ITEMS)
    audit_record(session=session, actor_user_id=actor.user_id, action="template.create_from_plan",
                 target_type="template", target_id=template.id, detail={"plan_id": view.id}, client_ip=client_ip)
    return template.id


def template_list(*, session: Session, actor: Actor | None, include_archived: bool = False,
                  client_ip: str = "") -> list[TemplateRow]:
    """The school's templates by name; archived ones only when asked for."""
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    stmt = select(PlanTemplate).where(PlanTemplate.site_id == actor.site_id)
    if not include_archived:
        stmt = stmt.where(~PlanTemplate.archived)
    templates = session.exec(stmt.order_by(PlanTemplate.archived, PlanTemplate.name, PlanTemplate.id)).all()
    ids = [t.id for t in templates]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    plans: dict[int, int] = defaultdict(int)
    if ids:
        for tid, kind, n in session.exec(
            select(TemplateItem.template_id, TemplateItem.kind, sa.func.count())
            .where(TemplateItem.template_id.in_(ids), ~TemplateItem.removed)
            .group_by(TemplateItem.template_id, TemplateItem.kind)
        ).all():
            counts[(tid, kind)] = n
        for tid, n in session.exec(
            select(Plan.template_id, sa.func.count()).where(Plan.template_id.in_(ids)).group_by(Plan.template_id)
        ).all():
            plans[tid] = n
    names = _names(session, [t.created_by_id for t in templates])
    return [
        TemplateRow(id=t.id, name=t.name, description=t.description, year_label=t.year_label, archived=t.archived,
                    revision=t.revision, areas=counts[(t.id, "area")], goals=counts[(t.id, "goal")],
                    tasks=counts[(t.id, "task")], plans=plans[t.id], updated_at=_day(t.updated_at),
                    created_by=names.get(t.created_by_id, ""))
        for t in templates
    ]


def template_view(*, session: Session, actor: Actor | None, template_id: object, client_ip: str = "") -> TemplateDetail:
    """One template with its focus areas, goals, tasks and links as a tree."""
    template = _template(session, actor, template_id, client_ip=client_ip)
    children = _children(n for n in _nodes(session, template.id) if not n.removed)
    areas = [
        TemplateAreaView(id=a.id, text=a.text, goals=[
            TemplateGoalView(id=g.id, text=g.text, success_criteria=g.detail,
                             objective_codes=", ".join(g.objective_codes), tasks=[
                                 TemplateTaskView(id=t.id, text=t.text, links=[
                                     TemplateLinkView(id=li.id, text=li.text, url=li.detail) for li in children[t.id]])
                                 for t in children[g.id]])
            for g in children[a.id]])
        for a in children[None]
    ]
    return TemplateDetail(id=template.id, name=template.name, description=template.description,
                          year_label=template.year_label, archived=template.archived, revision=template.revision,
                          areas=areas)


def template_duplicate(*, session: Session, actor: Actor | None, template_id: object, name: object = None,
                       client_ip: str = "") -> int:
    """A copy of a template (as a new, unrelated template); returns the copy's id."""
    source = _template(session, actor, template_id, client_ip=client_ip)
    wanted = name if name not in (None, "") else f"Copy of {source.name}"[:rules.MAX_TEMPLATE_NAME]
    clean = rules.clean_template_meta(wanted, source.description, source.year_label)
    copy = _new_template(session, actor, *clean)
    _store(session, copy.id, _drafts(_nodes(session, source.id)), revision=copy.revision)
    audit_record(session=session, actor_user_id=actor.user_id, action="template.duplicate", target_type="template",
                 target_id=copy.id, detail={"from": source.id}, client_ip=client_ip)
    return copy.id


def template_update_meta(*, session: Session, actor: Actor | None, template_id: object, name: object,
                         description: object = "", year_label: object = "", client_ip: str = "") -> None:
    """Rename a template, or change its description or intended year (not a structural change)."""
    template = _template(session, actor, template_id, client_ip=client_ip)
    template.name, template.description, template.year_label = rules.clean_template_meta(name, description, year_label)
    template.updated_at = _now()
    session.add(template)
    audit_record(session=session, actor_user_id=actor.user_id, action="template.edit", target_type="template",
                 target_id=template.id, client_ip=client_ip)


def _set_archived(session: Session, actor: Actor | None, template_id: object, archived: bool, client_ip: str) -> None:
    template = _template(session, actor, template_id, client_ip=client_ip)
    template.archived = archived
    template.updated_at = _now()
    session.add(template)
    action = "template.archive" if archived else "template.unarchive"
    audit_record(session=session, actor_user_id=actor.user_id, action=action, target_type="template",
                 target_id=template.id, client_ip=client_ip)


def template_archive(*, session: Session, actor: Actor | None, template_id: object, client_ip: str = "") -> None:
    """Hide a template from the library and from applying; plans made from it keep their updates."""
    _set_archived(session, actor, template_id, True, client_ip)


def template_unarchive(*, session: Session, actor: Actor | None, template_id: object, client_ip: str = "") -> None:
    _set_archived(session, actor, template_id, False, client_ip)


# --- editing a template's structure ------------------------------------------------------------


def _bump(session: Session, template: PlanTemplate) -> int:
    """Start a new revision of the template; the items this change touches are stamped with it."""
    template.revision += 1
    template.updated_at = _now()
    session.add(template)
    return template.revision


def template_item_add(*, session: Session, actor: Actor | None, template_id: object, kind: object,
                      parent_id: object = None, text: object, detail: object = "", objective_codes: object = "",
                      client_ip: str = "") -> int:
    """Add a focus area (no parent), goal (under an area), task (under a goal) or link (under a task)."""
    template = _template(session, actor, template_id, client_ip=client_ip, for_update=True)
    item_kind = rules.parse_kind(kind)
    parent = None if parent_id in (None, "", 0) else _item(session, template, parent_id)
    rules.check_parent(item_kind, ItemKind(parent.kind) if parent else None)
    clean_text, clean_detail, codes = rules.clean_item(item_kind, text, detail, objective_codes)
    _check_codes(session, actor.site_id, codes)
    total = session.exec(select(sa.func.count()).select_from(TemplateItem)
                         .where(TemplateItem.template_id == template.id)).one()
    if total >= rules.MAX_TEMPLATE_ITEMS:
        raise ValidationFailed(MSG_TOO_MANY_ITEMS)
    if item_kind is ItemKind.AREA:
        areas = session.exec(select(sa.func.count()).select_from(TemplateItem).where(
            TemplateItem.template_id == template.id, TemplateItem.parent_id.is_(None), ~TemplateItem.removed)).one()
        if areas >= MAX_FOCUS_AREAS:
            raise ValidationFailed(MSG_TOO_MANY_AREAS)
    parent_filter = (TemplateItem.parent_id == parent.id) if parent else TemplateItem.parent_id.is_(None)
    last = session.exec(select(sa.func.max(TemplateItem.position))
                        .where(TemplateItem.template_id == template.id, parent_filter)).one()
    item = TemplateItem(template_id=template.id, parent_id=parent.id if parent else None, kind=item_kind.value,
                        position=(last if last is not None else -1) + 1, text=clean_text, detail=clean_detail,
                        objective_codes=",".join(codes), revision=_bump(session, template))
    session.add(item)
    session.flush()
    audit_record(session=session, actor_user_id=actor.user_id, action="template.item_add", target_type="template",
                 target_id=template.id, detail={"item": item.id, "kind": item.kind}, client_ip=client_ip)
    return item.id


def template_item_edit(*, session: Session, actor: Actor | None, template_id: object, item_id: object,
                       text: object, detail: object = "", objective_codes: object = None, client_ip: str = "") -> bool:
    """Change an item's text (and success criteria, objectives or address). False when nothing changed."""
    template = _template(session, actor, template_id, client_ip=client_ip, for_update=True)
    item = _item(session, template, item_id)
    kind = ItemKind(item.kind)
    if objective_codes is None:
        objective_codes = item.objective_codes
    clean_text, clean_detail, codes = rules.clean_item(kind, text, detail, objective_codes)
    _check_codes(session, actor.site_id, codes)
    new = (clean_text, clean_detail, ",".join(codes))
    if new == (item.text, item.detail, item.objective_codes):
        return False  # no new revision: plans would be offered a change that changes nothing
    item.text, item.detail, item.objective_codes = new
    item.revision = _bump(session, template)
    session.add(item)
    audit_record(session=session, actor_user_id=actor.user_id, action="template.item_edit", target_type="template",
                 target_id=template.id, detail={"item": item.id}, client_ip=client_ip)
    return True


def template_item_remove(*, session: Session, actor: Actor | None, template_id: object, item_id: object,
                         client_ip: str = "") -> None:
    """Remove an item and everything under it. Rows stay (marked removed) so plans can be told."""
    template = _template(session, actor, template_id, client_ip=client_ip, for_update=True)
    item = _item(session, template, item_id)
    revision = _bump(session, template)
    children = _children(_nodes(session, template.id))
    pending = [item.id]
    while pending:
        current = session.get(TemplateItem, pending.pop())
        if not current.removed:
            current.removed = True
            current.revision = revision
            session.add(current)
        pending.extend(c.id for c in children[current.id])
    audit_record(session=session, actor_user_id=actor.user_id, action="template.item_remove", target_type="template",
                 target_id=template.id, detail={"item": item.id}, client_ip=client_ip)


# --- applying a template ---------------------------------------------------------------------------


def _add_copy(session: Session, *, plan_id: int, node: TemplateNode, parent_row: int | None, position: int,
              children: dict[int | None, list[TemplateNode]], objectives: dict[str, int],
              include: Callable[[TemplateNode], bool]) -> list[int]:
    """Copy ``node`` (and the children ``include`` accepts) into a plan; returns the template items copied.

    Dates are left empty: they depend on the period the plan is for.
    """
    if node.kind is ItemKind.AREA:
        row = PlanFocusArea(plan_id=plan_id, name=node.text, position=position, template_item_id=node.id)
    elif node.kind is ItemKind.GOAL:
        row = Goal(plan_id=plan_id, focus_area_id=parent_row, statement=node.text, success_criteria=node.detail,
                   position=position, template_item_id=node.id)
    elif node.kind is ItemKind.TASK:
        row = Task(plan_id=plan_id, goal_id=parent_row, title=node.text, position=position, template_item_id=node.id)
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
        copied += _add_copy(session, plan_id=plan_id, node=child, parent_row=row.id, position=index,
                            children=children, objectives=objectives, include=include)
    return copied


def _learner_ids(value: object) -> list[int]:
    raw = value if isinstance(value, list | tuple) else [value]
    ids = list(dict.fromkeys(clean_id(v, what="learner") for v in raw if v not in (None, "")))
    if not ids:
        raise ValidationFailed(MSG_NO_LEARNERS)
    if len(ids) > MAX_APPLY_LEARNERS:
        raise ValidationFailed(MSG_TOO_MANY_LEARNERS.format(n=MAX_APPLY_LEARNERS))
    return ids


def _copy_template(session: Session, *, actor: Actor, template: PlanTemplate, nodes: list[TemplateNode],
                   objectives: dict[str, int], learner_id: int, period: Period) -> int:
    """One learner's draft plan from the template; returns the plan's id."""
    plan = Plan(site_id=actor.site_id, learner_id=learner_id, period_id=period.id, status=PlanStatus.DRAFT.value,
                created_by_id=actor.user_id, template_id=template.id, template_revision=template.revision)
    session.add(plan)
    session.flush()
    children = _children(n for n in nodes if not n.removed)
    for position, area in enumerate(children[None]):
        _add_copy(session, plan_id=plan.id, node=area, parent_row=None, position=position, children=children,
                  objectives=objectives, include=lambda _n: True)
    audit_record(session=session, actor_user_id=actor.user_id, action="plan.create_from_template",
                 target_type="plan", target_id=plan.id, detail={"template_id": template.id})
    return plan.id


def template_apply(*, session: Session, actor: Actor | None, template_id: object, learner_ids: object,
                   progress: Progress | None = None, client_ip: str = "") -> ApplySummary:
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
    template = _template(session, actor, template_id, action=Action.TEMPLATE_APPLY, client_ip=client_ip)
    if template.archived:
        raise ValidationFailed(MSG_TEMPLATE_ARCHIVED)
    ids = _learner_ids(learner_ids)
    period = period_current(session=session, site_id=actor.site_id)
    if period is None:
        raise ValidationFailed(MSG_NO_PERIOD)
    nodes = _nodes(session, template.id)
    objectives = _objective_ids(session, actor.site_id)
    users = {u.id: u for u in session.exec(
        select(User).where(User.id.in_(ids), User.site_id == actor.site_id)).all()}
    has_plan = set(session.exec(
        select(Plan.learner_id).where(Plan.learner_id.in_(ids), Plan.period_id == period.id)).all())
    summary = ApplySummary(period_name=period.name, template_name=template.name)
    total = len(ids)
    if progress:
        progress(0, total)
    for done, lid in enumerate(ids, start=1):
        user = users.get(lid)
        if user is None or not can(actor, Action.TEMPLATE_APPLY, LearnerRef(lid)):
            # Name only those the actor may know: a forged id learns nothing about who it is.
            known = user is not None and can(actor, Action.LEARNER_VIEW, LearnerRef(lid))
            summary.skipped.append(SkippedLearner(lid, user.display_name if known else "", REASON_NOT_MENTEE))
            audit_record(session=session, actor_user_id=actor.user_id, action="template.apply", outcome="denied",
                         target_type="learner", target_id=lid, detail={"template_id": template.id},
                         client_ip=client_ip)
        elif not user.is_active:
            summary.skipped.append(SkippedLearner(lid, user.display_name, REASON_INACTIVE))
        elif lid in has_plan:
            summary.skipped.append(SkippedLearner(lid, user.display_name, REASON_HAS_PLAN.format(period=period.name)))
        else:
            plan_id = _copy_template(session, actor=actor, template=template, nodes=nodes, objectives=objectives,
                                     learner_id=lid, period=period)
            summary.created.append(AppliedPlan(lid, user.display_name, plan_id))
        if progress:
            progress(done, total)
    audit_record(session=session, actor_user_id=actor.user_id, action="template.apply", target_type="template",
                 target_id=template.id,
                 detail={"created": len(summary.created), "skipped": len(summary.skipped), "period": period.name},
                 client_ip=client_ip)
    return summary


def template_apply_group(*, session: Session, actor: Actor | None, template_id: object, group_id: object,
                         progress: Progress | None = None, client_ip: str = "") -> ApplySummary:
    """Apply a template to every learner of a group the actor is staff of (see :func:`template_apply`)."""
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    ids = group_learner_ids(session=session, group_id=group.id)
    names = _names(session, ids)
    ordered = sorted(ids, key=lambda i: (names.get(i, "").casefold(), i))
    if not ordered:
        raise ValidationFailed("That group has no learners.")
    return template_apply(session=session, actor=actor, template_id=template_id, learner_ids=ordered,
                          progress=progress, client_ip=client_ip)


def template_apply_choices(*, session: Session, actor: Actor | None, client_ip: str = "") -> ApplyChoices:
    """The learners the actor may apply a template to, and the groups they may apply one to."""
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    mentees = [lid for lid in actor.mentee_ids if can(actor, Action.TEMPLATE_APPLY, LearnerRef(lid))]
    learners = []
    if mentees:
        learners = [ApplyChoice(id=u.id, name=u.display_name) for u in session.exec(
            select(User).where(User.id.in_(mentees), User.is_active, User.site_id == actor.site_id)).all()]
    groups = [ApplyChoice(id=gid, name=name) for gid, name in staff_groups(session=session, actor=actor)] \
        if mentees else []
    return ApplyChoices(learners=sorted(learners, key=lambda c: c.name.casefold()), groups=groups)


# --- updates from the template, per plan ---------------------------------------------------------


@dataclass(frozen=True)
class _Copy:
    """A plan row made from a template item."""

    kind: ItemKind
    row_id: int
    text: str
    detail: str


def _plan_copies(session: Session, plan_ids: list[int], nodes: list[TemplateNode]) -> dict[int, dict[int, _Copy]]:
    """Per plan, its rows made from template items, by template item id."""
    found: dict[int, dict[int, _Copy]] = {pid: {} for pid in plan_ids}
    if not plan_ids:
        return found
    for a in session.exec(select(PlanFocusArea).where(PlanFocusArea.plan_id.in_(plan_ids),
                                                      PlanFocusArea.template_item_id.is_not(None))
                          .order_by(PlanFocusArea.id)).all():
        found[a.plan_id].setdefault(a.template_item_id, _Copy(ItemKind.AREA, a.id, a.name, ""))
    for g in session.exec(select(Goal).where(Goal.plan_id.in_(plan_ids), Goal.template_item_id.is_not(None))
                          .order_by(Goal.id)).all():
        found[g.plan_id].setdefault(g.template_item_id, _Copy(ItemKind.GOAL, g.id, g.statement, g.success_criteria))
    tasks = session.exec(select(Task).where(Task.plan_id.in_(plan_ids), Task.template_item_id.is_not(None))
                         .order_by(Task.id)).all()
    for t in tasks:
        found[t.plan_id].setdefault(t.template_item_id, _Copy(ItemKind.TASK, t.id, t.title, ""))
    link_nodes = [n for n in nodes if n.kind is ItemKind.LINK]
    if link_nodes and tasks:
        # Links carry no template id: a plan link belongs to a template link under the same task
        # when it has the same address (or, after the address changed in the template, the same title).
        task_of = {(t.plan_id, t.template_item_id): t.id for t in tasks}
        links: dict[int, list[TaskLink]] = defaultdict(list)
        for link in session.exec(select(TaskLink).where(TaskLink.task_id.in_(list(task_of.values())))
                                 .order_by(TaskLink.id)).all():
            links[link.task_id].append(link)
        for pid in plan_ids:
            claimed: set[int] = set()
            for node in link_nodes:
                candidates = [li for li in links.get(task_of.get((pid, node.parent_id)), []) if li.id not in claimed]
                match = next((li for li in candidates if li.url == node.detail), None) or next(
                    (li for li in candidates if li.title == node.text), None)
                if match is not None:
                    claimed.add(match.id)
                    found[pid][node.id] = _Copy(ItemKind.LINK, match.id, match.title, match.url)
    return found


def _decisions(session: Session, plan_ids: list[int]) -> dict[int, list[DecisionRecord]]:
    found: dict[int, list[DecisionRecord]] = defaultdict(list)
    if plan_ids:
        for d in session.exec(select(TemplateUpdateDecision)
                              .where(TemplateUpdateDecision.plan_id.in_(plan_ids))).all():
            found[d.plan_id].append(DecisionRecord(d.template_item_id, d.revision, d.decision))
    return found


def _pending(plan: Plan, nodes: list[TemplateNode], copies: dict[int, _Copy],
             decisions: list[DecisionRecord]) -> list[PendingUpdate]:
    return rules.pending_updates(
        template_items=nodes,
        plan_copies=[PlanCopy(tid, c.text, c.detail) for tid, c in copies.items()],
        taken_revision=plan.template_revision,
        decisions=decisions,
    )


def _describe(u: PendingUpdate) -> str:
    what = u.kind.label.lower()
    if u.change is UpdateKind.NEW:
        more = f", with {len(u.brings)} more item{'s' if len(u.brings) != 1 else ''} in it" if u.brings else ""
        return f"Add {what} “{u.text}”{more}"
    if u.change is UpdateKind.REMOVED:
        inside = " and everything in it, reflections and ratings included" if u.kind in (
            ItemKind.AREA, ItemKind.GOAL) else ""
        return f"Remove {what} “{u.plan_text or u.text}”{inside}"
    if u.plan_text != u.text:
        return f"Change {what} “{u.plan_text}” to “{u.text}”"
    return f"Update {what} “{u.text}”"


def _update_view(u: PendingUpdate) -> TemplateUpdateView:
    return TemplateUpdateView(
        key=u.key, template_item_id=u.template_item_id, revision=u.revision, change=u.change.value,
        change_label=u.change.label, kind=u.kind.value, kind_label=u.kind.label, text=u.text, detail=u.detail,
        plan_text=u.plan_text, brings=len(u.brings), description=_describe(u),
    )


def _plan_template(session: Session, plan: Plan) -> PlanTemplate | None:
    if plan.template_id is None:
        return None
    template = session.get(PlanTemplate, plan.template_id)
    return template if template is not None and template.site_id == plan.site_id else None


def template_plans(*, session: Session, actor: Actor | None, template_id: object,
                   client_ip: str = "") -> list[TemplatePlanRow]:
    """The plans made from a template that the actor may view, with how many updates wait in each."""
    template = _template(session, actor, template_id, client_ip=client_ip)
    rows = session.exec(
        select(Plan, Period, User).join(Period, Period.id == Plan.period_id).join(User, User.id == Plan.learner_id)
        .where(Plan.template_id == template.id).order_by(Period.starts_on.desc(), User.full_name)
    ).all()
    visible = [(p, per, u) for p, per, u in rows
               if can(actor, Action.PLAN_VIEW, PlanRef(p.id, p.learner_id, PlanStatus(p.status)))]
    nodes = _nodes(session, template.id)
    plan_ids = [p.id for p, _, _ in visible]
    copies = _plan_copies(session, plan_ids, nodes)
    decisions = _decisions(session, plan_ids)
    return [
        TemplatePlanRow(plan_id=p.id, learner_name=u.display_name, period_name=per.name, status=p.status,
                        status_label=PlanStatus(p.status).label,
                        pending=len(_pending(p, nodes, copies[p.id], decisions[p.id])))
        for p, per, u in visible
    ]


def template_updates(*, session: Session, actor: Actor | None, plan_id: object,
                     client_ip: str = "") -> list[TemplateUpdateView]:
    """The changes in a plan's template that the plan has neither taken nor dismissed."""
    ctx = plan_load(session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip)
    return _updates_of(session, ctx.plan)


def _updates_of(session: Session, plan: Plan) -> list[TemplateUpdateView]:
    template = _plan_template(session, plan)
    if template is None:
        return []
    nodes = _nodes(session, template.id)
    pending = _pending(plan, nodes, _plan_copies(session, [plan.id], nodes)[plan.id],
                       _decisions(session, [plan.id])[plan.id])
    return [_update_view(u) for u in pending]


def template_plan_panel(*, session: Session, actor: Actor | None, plan_id: object,
                        client_ip: str = "") -> TemplatePanel:
    """For the plan page: the plan's template, its waiting updates, and what the viewer may do."""
    ctx = plan_load(session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip)
    template = _plan_template(session, ctx.plan)
    panel = TemplatePanel(plan_id=ctx.plan.id, learner_id=ctx.plan.learner_id,
                          can_decide=can(actor, Action.PLAN_EDIT, ctx.ref),
                          can_save_template=can(actor, Action.TEMPLATE_MANAGE, None))
    if template is not None:
        panel.template_id, panel.template_name = template.id, template.name
        if panel.can_decide:
            panel.updates = _updates_of(session, ctx.plan)
    return panel


def _answer(session: Session, actor: Actor | None, plan_id: object, template_item_id: object, revision: object,
            client_ip: str) -> tuple[PlanContext, PendingUpdate, list[TemplateNode], dict[int, _Copy], set]:
    ctx = plan_load(session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_EDIT, client_ip=client_ip,
                    for_update=True)
    template = _plan_template(session, ctx.plan)
    if template is None:
        raise NotFound(MSG_NO_TEMPLATE)
    iid = clean_id(template_item_id, what="update")
    rev = clean_id(revision, what="update")
    nodes = _nodes(session, template.id)
    copies = _plan_copies(session, [ctx.plan.id], nodes)[ctx.plan.id]
    decisions = _decisions(session, [ctx.plan.id])[ctx.plan.id]
    update = next((u for u in _pending(ctx.plan, nodes, copies, decisions)
                   if u.template_item_id == iid and u.revision == rev), None)
    if update is None:
        raise ValidationFailed(MSG_UPDATE_GONE)
    return ctx, update, nodes, copies, {(d.template_item_id, d.revision) for d in decisions}


def _record(session: Session, ctx: PlanContext, answered: set, item_id: int, revision: int, decision: Decision) -> None:
    if (item_id, revision) not in answered:
        answered.add((item_id, revision))
        session.add(TemplateUpdateDecision(plan_id=ctx.plan.id, template_item_id=item_id, revision=revision,
                                           decision=decision.value, decided_by_id=ctx.actor.user_id))


def _remove_copy(session: Session, copy: _Copy) -> None:
    if copy.kind is ItemKind.AREA:
        _delete_goals(session, list(session.exec(select(Goal.id).where(Goal.focus_area_id == copy.row_id)).all()))
        session.exec(sa.delete(PlanFocusArea).where(PlanFocusArea.id == copy.row_id))
    elif copy.kind is ItemKind.GOAL:
        _delete_goals(session, [copy.row_id])
    elif copy.kind is ItemKind.TASK:
        session.exec(sa.delete(TaskLink).where(TaskLink.task_id == copy.row_id))
        session.exec(sa.delete(Task).where(Task.id == copy.row_id))
    else:
        session.exec(sa.delete(TaskLink).where(TaskLink.id == copy.row_id))


def _change_copy(session: Session, ctx: PlanContext, copy: _Copy, node: TemplateNode) -> None:
    if copy.kind is ItemKind.AREA:
        row = session.get(PlanFocusArea, copy.row_id)
        row.name = node.text
    elif copy.kind is ItemKind.GOAL:
        row = session.get(Goal, copy.row_id)
        row.statement, row.success_criteria, row.updated_at = node.text, node.detail, _now()
        objectives = _objective_ids(session, ctx.plan.site_id)
        session.exec(sa.delete(GoalObjective).where(GoalObjective.goal_id == row.id))
        for oid in sorted({objectives[c] for c in node.objective_codes if c in objectives}):
            session.add(GoalObjective(goal_id=row.id, objective_id=oid))
    elif copy.kind is ItemKind.TASK:
        row = session.get(Task, copy.row_id)
        row.title = node.text
    else:
        row = session.get(TaskLink, copy.row_id)
        row.title, row.url = node.text, node.detail
    session.add(row)


def _add_new(session: Session, ctx: PlanContext, update: PendingUpdate, nodes: list[TemplateNode],
             copies: dict[int, _Copy]) -> list[int]:
    by_id = {n.id: n for n in nodes}
    node = by_id[update.template_item_id]
    pid = ctx.plan.id
    if node.kind is ItemKind.AREA:
        areas = session.exec(select(sa.func.count()).select_from(PlanFocusArea)
                             .where(PlanFocusArea.plan_id == pid)).one()
        if areas >= MAX_FOCUS_AREAS:
            raise ValidationFailed(MSG_TOO_MANY_AREAS)
        parent_row, position = None, _next_position(session, PlanFocusArea, plan_id=pid)
    else:
        parent_row = copies[node.parent_id].row_id
        position = {
            ItemKind.GOAL: lambda: _next_position(session, Goal, focus_area_id=parent_row),
            ItemKind.TASK: lambda: _next_position(session, Task, goal_id=parent_row),
            ItemKind.LINK: lambda: 0,
        }[node.kind]()
    brought = set(update.brings)
    return _add_copy(session, plan_id=pid, node=node, parent_row=parent_row, position=position,
                     children=_children(n for n in nodes if not n.removed),
                     objectives=_objective_ids(session, ctx.plan.site_id), include=lambda n: n.id in brought)


def template_update_accept(*, session: Session, actor: Actor | None, plan_id: object, template_item_id: object,
                           revision: object, client_ip: str = "") -> None:
    """Pull one change from the template into the plan: add, change or remove that item."""
    ctx, update, nodes, copies, answered = _answer(session, actor, plan_id, template_item_id, revision, client_ip)
    by_id = {n.id: n for n in nodes}
    if update.change is UpdateKind.NEW:
        for item_id in _add_new(session, ctx, update, nodes, copies):
            _record(session, ctx, answered, item_id, by_id[item_id].revision, Decision.ACCEPTED)
    else:
        if update.change is UpdateKind.CHANGED:
            _change_copy(session, ctx, copies[update.template_item_id], by_id[update.template_item_id])
        else:
            _remove_copy(session, copies[update.template_item_id])
        _record(session, ctx, answered, update.template_item_id, update.revision, Decision.ACCEPTED)
    # Touches the plan (plan_touch), tells the family of an active plan, and audits.
    _changed(session, ctx, "plan.template_update_accept", "template_item", update.template_item_id)


def template_update_dismiss(*, session: Session, actor: Actor | None, plan_id: object, template_item_id: object,
                            revision: object, client_ip: str = "") -> None:
    """Decline one change from the template: the plan stays as it is and the change is not offered again."""
    ctx, update, _nodes_, _copies, answered = _answer(session, actor, plan_id, template_item_id, revision, client_ip)
    _record(session, ctx, answered, update.template_item_id, update.revision, Decision.DISMISSED)
    audit_record(session=session, actor_user_id=ctx.actor.user_id, action="plan.template_update_dismiss",
                 target_type="plan", target_id=ctx.plan.id, detail={"item": update.template_item_id,
                                                                     "revision": update.revision},
                 client_ip=client_ip)
