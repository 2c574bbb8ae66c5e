"""A template's items as stored: loading them (as a tree of nodes) and storing new ones.

Shared by the library (:mod:`ilp_app.services.templates.templates`), applying a template
(:mod:`ilp_app.services.templates.template_apply`) and the updates offered to plans made from one
(:mod:`ilp_app.services.templates.template_updates`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import (
    LearningObjective,
    PlanTemplate,
    PlanTemplateYear,
    TemplateItem,
    User,
)
from ilp_app.domain import templates as rules
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PLAN_KIND_LEARNER, PLAN_KIND_STAFF
from ilp_app.domain.templates import ItemDraft, ItemKind, TemplateNode
from ilp_app.domain.transitions import natural_key
from ilp_app.services.guard import authorize

MSG_TEMPLATE_NOT_FOUND = "That template does not exist."
MSG_ITEM_NOT_FOUND = "That part of the template does not exist."
MSG_STAFF_TEMPLATE_ONLY = "That is a learner's plan template. Choose a staff plan template."
MSG_LEARNER_TEMPLATE_ONLY = "That is a staff plan template. Choose a template for learners' plans."


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- loading ------------------------------------------------------------------------------


def template_load(
    session: Session,
    actor: Actor | None,
    template_id: object,
    *,
    action: Action = Action.TEMPLATE_MANAGE,
    client_ip: str = "",
    for_update: bool = False,
) -> PlanTemplate:
    """The template with ``template_id`` of the actor's school, once the actor may ``action``."""
    if action is Action.TEMPLATE_MANAGE or actor is None:
        # Applying is authorised per learner (TEMPLATE_APPLY takes a learner), by the caller.
        authorize(actor, action, None, client_ip=client_ip)
    tid = parse_id(template_id, what="template")
    template = session.get(PlanTemplate, tid, with_for_update=for_update)
    if template is None or template.site_id != actor.site_id:
        raise NotFound(MSG_TEMPLATE_NOT_FOUND)
    return template


def template_kind_check(template: PlanTemplate, plan_kind: str) -> None:
    """Refuse a template of the other kind: staff templates make staff plans only, and learner
    templates learners' plans only (a forged id is told so and changes nothing)."""
    if template.plan_kind != plan_kind:
        raise ValidationFailed(
            MSG_STAFF_TEMPLATE_ONLY if plan_kind == PLAN_KIND_STAFF else MSG_LEARNER_TEMPLATE_ONLY
        )


def template_item_load(session: Session, template: PlanTemplate, item_id: object) -> TemplateItem:
    iid = parse_id(item_id, what="template item")
    item = session.get(TemplateItem, iid)
    if item is None or item.template_id != template.id or item.removed:
        raise NotFound(MSG_ITEM_NOT_FOUND)
    return item


def _node(item: TemplateItem) -> TemplateNode:
    return TemplateNode(
        id=item.id,
        parent_id=item.parent_id,
        kind=ItemKind(item.kind),
        text=item.text,
        detail=item.detail,
        objective_codes=tuple(c for c in item.objective_codes.split(",") if c),
        revision=item.revision,
        removed=item.removed,
        position=item.position,
    )


def template_nodes(session: Session, template_id: int) -> list[TemplateNode]:
    """Every item of a template in tree order, removed ones included."""
    items = session.exec(select(TemplateItem).where(TemplateItem.template_id == template_id)).all()
    return rules.tree_order(_node(i) for i in items)


def children_by_parent(nodes: Iterable[TemplateNode]) -> dict[int | None, list[TemplateNode]]:
    """Items by parent, in tree order (``nodes`` already are)."""
    children: dict[int | None, list[TemplateNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    return children


def objective_ids_by_code(session: Session, site_id: int) -> dict[str, int]:
    """The site's current objectives by code (archived ones are no longer linked to new goals)."""
    return {
        code: oid
        for code, oid in session.exec(
            select(LearningObjective.code, LearningObjective.id).where(
                LearningObjective.site_id == site_id, ~LearningObjective.archived
            )
        ).all()
    }


def objective_codes_check(session: Session, site_id: int, codes: tuple[str, ...]) -> None:
    if codes:
        unknown = [c for c in codes if c not in objective_ids_by_code(session, site_id)]
        if unknown:
            raise ValidationFailed(f"Unknown learning objective: {', '.join(unknown)}.")


def objective_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


# --- storing items --------------------------------------------------------------------------


def items_store(
    session: Session,
    template_id: int,
    drafts: Iterable[ItemDraft],
    *,
    revision: int,
    parent_id: int | None = None,
) -> int:
    """Store ``drafts`` (with their children) under ``parent_id``; returns how many items were stored."""
    count = 0
    for position, draft in enumerate(drafts):
        item = TemplateItem(
            template_id=template_id,
            parent_id=parent_id,
            kind=draft.kind.value,
            position=position,
            text=draft.text,
            detail=draft.detail,
            objective_codes=",".join(draft.objective_codes),
            revision=revision,
        )
        session.add(item)
        session.flush()
        count += 1 + items_store(
            session, template_id, draft.children, revision=revision, parent_id=item.id
        )
    return count


def item_drafts(nodes: list[TemplateNode]) -> list[ItemDraft]:
    """The items still in a template, as drafts (to copy them into another template)."""
    children = children_by_parent(n for n in nodes if not n.removed)

    def build(node: TemplateNode) -> ItemDraft:
        return ItemDraft(
            node.kind,
            node.text,
            node.detail,
            node.objective_codes,
            tuple(build(c) for c in children[node.id]),
        )

    return [build(n) for n in children[None]]


def template_years(session: Session, template_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each template's years, in natural order ("Year 8" before "Year 10")."""
    ids = list(set(template_ids))
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        for tid, year in session.exec(
            select(PlanTemplateYear.template_id, PlanTemplateYear.year_label).where(
                PlanTemplateYear.template_id.in_(ids)
            )
        ).all():
            found[tid].append(year)
    return {tid: sorted(years, key=natural_key) for tid, years in found.items()}


def template_years_set(session: Session, template: PlanTemplate, years: Iterable[str]) -> None:
    """Make ``years`` (already checked against the school's group years) the template's set.
    Staff are in no group year: a staff template keeps none."""
    wanted = set(years) if template.plan_kind == PLAN_KIND_LEARNER else set()
    stored = {
        y.year_label: y
        for y in session.exec(
            select(PlanTemplateYear).where(PlanTemplateYear.template_id == template.id)
        ).all()
    }
    for label, row in stored.items():
        if label not in wanted:
            session.delete(row)
    for label in sorted(wanted - set(stored)):
        session.add(PlanTemplateYear(template_id=template.id, year_label=label))
    session.flush()


def template_new(
    session: Session,
    actor: Actor,
    name: str,
    description: str,
    years: Iterable[str],
    *,
    plan_kind: str = PLAN_KIND_LEARNER,
) -> PlanTemplate:
    template = PlanTemplate(
        site_id=actor.site_id,
        name=name,
        description=description,
        plan_kind=plan_kind,
        created_by_id=actor.user_id,
    )
    session.add(template)
    session.flush()
    template_years_set(session, template, years)
    return template
