"""The school's plan templates: save a plan's structure, keep a library, edit a template's items.

A template holds structure only (see :mod:`ilp_app.domain.templates`). Applying one
(:mod:`ilp_app.services.templates.template_apply`) makes an independent draft plan per learner that
remembers the template and its revision; when the template improves later, each plan is offered
the individual changes (:mod:`ilp_app.services.templates.template_updates`), which its mentor accepts or
dismisses one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Plan, PlanTemplate, TemplateItem, User
from ilp_app.domain import templates as rules
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import MAX_FOCUS_AREAS, PLAN_KIND_LEARNER, PLAN_KIND_STAFF
from ilp_app.domain.templates import ItemKind
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans import plan_read
from ilp_app.services.plans.plan_edit import MSG_TOO_MANY_AREAS
from ilp_app.services.school.transitions import group_years
from ilp_app.services.templates.template_store import (
    children_by_parent,
    item_drafts,
    items_store,
    objective_codes_check,
    objective_names,
    template_item_load,
    template_load,
    template_new,
    template_nodes,
    template_years,
    template_years_set,
    utc_now,
)

MSG_TOO_MANY_ITEMS = f"A template holds at most {rules.MAX_TEMPLATE_ITEMS} items."


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# --- view models --------------------------------------------------------------------------


@dataclass
class TemplateRow:
    """A template in the library list."""

    id: int
    name: str
    description: str
    years: list[str]  # the group years it suits (none: any year)
    plan_kind: str  # "learner" | "staff"
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
    years: list[str]
    plan_kind: str
    archived: bool
    revision: int
    areas: list[TemplateAreaView] = field(default_factory=list)


# --- the library ------------------------------------------------------------------------------


def template_from_plan(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    name: object,
    description: object = "",
    years: object = (),
    client_ip: str = "",
) -> int:
    """Save a plan's structure as a new template of the school; returns the template's id.

    Only focus areas, goals (with success criteria and learning objectives), tasks and links
    are copied; statuses, dates, ratings, reflections, notes, the log and names never are.
    """
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    clean = rules.clean_template_meta(name, description, years)
    # The years a template suits are ones the school's groups are in, not free text.
    clean = (*clean[:2], group_years(clean[2], session=session, site_id=actor.site_id))
    view = plan_read.plan_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    learner = session.get(User, view.learner_id)
    drafts = rules.template_items_from_plan(
        view.focus_areas,
        learner_names=[learner.full_name, learner.preferred_name] if learner else [],
    )
    # A staff plan's structure makes a staff template, a learner's plan's a learner template.
    kind = PLAN_KIND_STAFF if view.staff else PLAN_KIND_LEARNER
    template = template_new(session, actor, *clean, plan_kind=kind)
    count = items_store(session, template.id, drafts, revision=template.revision)
    if count > rules.MAX_TEMPLATE_ITEMS:
        raise ValidationFailed(MSG_TOO_MANY_ITEMS)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.create_from_plan",
        target_type="template",
        target_id=template.id,
        detail={"plan_id": view.id},
        client_ip=client_ip,
    )
    return template.id


def template_list(
    *, session: Session, actor: Actor | None, include_archived: bool = False, client_ip: str = ""
) -> list[TemplateRow]:
    """The school's templates by name; archived ones only when asked for."""
    authorize(actor, Action.TEMPLATE_MANAGE, None, client_ip=client_ip)
    stmt = select(PlanTemplate).where(PlanTemplate.site_id == actor.site_id)
    if not include_archived:
        stmt = stmt.where(~PlanTemplate.archived)
    templates = session.exec(
        stmt.order_by(PlanTemplate.archived, PlanTemplate.name, PlanTemplate.id)
    ).all()
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
            select(Plan.template_id, sa.func.count())
            .where(Plan.template_id.in_(ids))
            .group_by(Plan.template_id)
        ).all():
            plans[tid] = n
    names = objective_names(session, [t.created_by_id for t in templates])
    years = template_years(session, ids)
    return [
        TemplateRow(
            id=t.id,
            name=t.name,
            description=t.description,
            years=years.get(t.id, []),
            plan_kind=t.plan_kind,
            archived=t.archived,
            revision=t.revision,
            areas=counts[(t.id, "area")],
            goals=counts[(t.id, "goal")],
            tasks=counts[(t.id, "task")],
            plans=plans[t.id],
            updated_at=_day(t.updated_at),
            created_by=names.get(t.created_by_id, ""),
        )
        for t in templates
    ]


def template_view(
    *, session: Session, actor: Actor | None, template_id: object, client_ip: str = ""
) -> TemplateDetail:
    """One template with its focus areas, goals, tasks and links as a tree."""
    template = template_load(session, actor, template_id, client_ip=client_ip)
    children = children_by_parent(n for n in template_nodes(session, template.id) if not n.removed)
    areas = [
        TemplateAreaView(
            id=a.id,
            text=a.text,
            goals=[
                TemplateGoalView(
                    id=g.id,
                    text=g.text,
                    success_criteria=g.detail,
                    objective_codes=", ".join(g.objective_codes),
                    tasks=[
                        TemplateTaskView(
                            id=t.id,
                            text=t.text,
                            links=[
                                TemplateLinkView(id=li.id, text=li.text, url=li.detail)
                                for li in children[t.id]
                            ],
                        )
                        for t in children[g.id]
                    ],
                )
                for g in children[a.id]
            ],
        )
        for a in children[None]
    ]
    return TemplateDetail(
        id=template.id,
        name=template.name,
        description=template.description,
        years=template_years(session, [template.id]).get(template.id, []),
        plan_kind=template.plan_kind,
        archived=template.archived,
        revision=template.revision,
        areas=areas,
    )


def template_duplicate(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    name: object = None,
    client_ip: str = "",
) -> int:
    """A copy of a template (as a new, unrelated template); returns the copy's id."""
    source = template_load(session, actor, template_id, client_ip=client_ip)
    wanted = name if name not in (None, "") else f"Copy of {source.name}"[: rules.MAX_TEMPLATE_NAME]
    clean = rules.clean_template_meta(
        wanted, source.description, template_years(session, [source.id]).get(source.id, [])
    )
    copy = template_new(session, actor, *clean, plan_kind=source.plan_kind)
    items_store(
        session, copy.id, item_drafts(template_nodes(session, source.id)), revision=copy.revision
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.duplicate",
        target_type="template",
        target_id=copy.id,
        detail={"from": source.id},
        client_ip=client_ip,
    )
    return copy.id


def template_update_meta(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    name: object,
    description: object = "",
    years: object = (),
    client_ip: str = "",
) -> None:
    """Rename a template, or change its description or the years it suits (not a structural
    change)."""
    template = template_load(session, actor, template_id, client_ip=client_ip)
    clean_name, clean_description, wanted = rules.clean_template_meta(name, description, years)
    # Group years (or ones it had, if their groups have gone since).
    before = template_years(session, [template.id]).get(template.id, [])
    chosen = group_years(wanted, session=session, site_id=actor.site_id, keep=before)
    template.name, template.description = clean_name, clean_description
    template_years_set(session, template, chosen)
    template.updated_at = utc_now()
    session.add(template)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.edit",
        target_type="template",
        target_id=template.id,
        client_ip=client_ip,
    )


def _set_archived(
    session: Session, actor: Actor | None, template_id: object, archived: bool, client_ip: str
) -> None:
    template = template_load(session, actor, template_id, client_ip=client_ip)
    template.archived = archived
    template.updated_at = utc_now()
    session.add(template)
    action = "template.archive" if archived else "template.unarchive"
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=action,
        target_type="template",
        target_id=template.id,
        client_ip=client_ip,
    )


def template_archive(
    *, session: Session, actor: Actor | None, template_id: object, client_ip: str = ""
) -> None:
    """Hide a template from the library and from applying; plans made from it keep their updates."""
    _set_archived(session, actor, template_id, True, client_ip)


def template_unarchive(
    *, session: Session, actor: Actor | None, template_id: object, client_ip: str = ""
) -> None:
    _set_archived(session, actor, template_id, False, client_ip)


# --- editing a template's structure ------------------------------------------------------------


def _bump(session: Session, template: PlanTemplate) -> int:
    """Start a new revision of the template; the items this change touches are stamped with it."""
    template.revision += 1
    template.updated_at = utc_now()
    session.add(template)
    return template.revision


def template_item_add(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    kind: object,
    parent_id: object = None,
    text: object,
    detail: object = "",
    objective_codes: object = "",
    client_ip: str = "",
) -> int:
    """Add a focus area (no parent), goal (under an area), task (under a goal) or link (under a task)."""
    template = template_load(session, actor, template_id, client_ip=client_ip, for_update=True)
    item_kind = rules.parse_kind(kind)
    parent = (
        None if parent_id in (None, "", 0) else template_item_load(session, template, parent_id)
    )
    rules.check_parent(item_kind, ItemKind(parent.kind) if parent else None)
    clean_text, clean_detail, codes = rules.clean_item(item_kind, text, detail, objective_codes)
    objective_codes_check(session, actor.site_id, codes)
    total = session.exec(
        select(sa.func.count())
        .select_from(TemplateItem)
        .where(TemplateItem.template_id == template.id)
    ).one()
    if total >= rules.MAX_TEMPLATE_ITEMS:
        raise ValidationFailed(MSG_TOO_MANY_ITEMS)
    if item_kind is ItemKind.AREA:
        areas = session.exec(
            select(sa.func.count())
            .select_from(TemplateItem)
            .where(
                TemplateItem.template_id == template.id,
                TemplateItem.parent_id.is_(None),
                ~TemplateItem.removed,
            )
        ).one()
        if areas >= MAX_FOCUS_AREAS:
            raise ValidationFailed(MSG_TOO_MANY_AREAS)
    parent_filter = (
        (TemplateItem.parent_id == parent.id) if parent else TemplateItem.parent_id.is_(None)
    )
    last = session.exec(
        select(sa.func.max(TemplateItem.position)).where(
            TemplateItem.template_id == template.id, parent_filter
        )
    ).one()
    item = TemplateItem(
        template_id=template.id,
        parent_id=parent.id if parent else None,
        kind=item_kind.value,
        position=(last if last is not None else -1) + 1,
        text=clean_text,
        detail=clean_detail,
        objective_codes=",".join(codes),
        revision=_bump(session, template),
    )
    session.add(item)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.item_add",
        target_type="template",
        target_id=template.id,
        detail={"item": item.id, "kind": item.kind},
        client_ip=client_ip,
    )
    return item.id


def template_item_edit(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    item_id: object,
    text: object,
    detail: object = "",
    objective_codes: object = None,
    client_ip: str = "",
) -> bool:
    """Change an item's text (and success criteria, objectives or address). False when nothing changed."""
    template = template_load(session, actor, template_id, client_ip=client_ip, for_update=True)
    item = template_item_load(session, template, item_id)
    kind = ItemKind(item.kind)
    if objective_codes is None:
        objective_codes = item.objective_codes
    clean_text, clean_detail, codes = rules.clean_item(kind, text, detail, objective_codes)
    objective_codes_check(session, actor.site_id, codes)
    new = (clean_text, clean_detail, ",".join(codes))
    if new == (item.text, item.detail, item.objective_codes):
        return False  # no new revision: plans would be offered a change that changes nothing
    item.text, item.detail, item.objective_codes = new
    item.revision = _bump(session, template)
    session.add(item)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.item_edit",
        target_type="template",
        target_id=template.id,
        detail={"item": item.id},
        client_ip=client_ip,
    )
    return True


def template_item_remove(
    *,
    session: Session,
    actor: Actor | None,
    template_id: object,
    item_id: object,
    client_ip: str = "",
) -> None:
    """Remove an item and everything under it. Rows stay (marked removed) so plans can be told."""
    template = template_load(session, actor, template_id, client_ip=client_ip, for_update=True)
    item = template_item_load(session, template, item_id)
    revision = _bump(session, template)
    children = children_by_parent(template_nodes(session, template.id))
    pending = [item.id]
    while pending:
        current = session.get(TemplateItem, pending.pop())
        if not current.removed:
            current.removed = True
            current.revision = revision
            session.add(current)
        pending.extend(c.id for c in children[current.id])
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="template.item_remove",
        target_type="template",
        target_id=template.id,
        detail={"item": item.id},
        client_ip=client_ip,
    )
