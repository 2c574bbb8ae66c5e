"""Updates from a template for the plans made from it: what waits, and accepting or dismissing it.

When a template improves after plans were made from it, each plan is offered the individual
changes (:func:`template_updates`), which its mentor accepts or dismisses one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
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
    TemplateUpdateDecision,
    User,
)
from ilp_app.domain import templates as rules
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, PlanRef, can
from ilp_app.domain.plans import MAX_FOCUS_AREAS, PlanStatus
from ilp_app.domain.templates import (
    Decision,
    DecisionRecord,
    ItemKind,
    PendingUpdate,
    PlanCopy,
    TemplateNode,
    UpdateKind,
)
from ilp_app.services.audit import audit_record
from ilp_app.services.plans.plan_access import PlanContext, plan_load
from ilp_app.services.plans.plan_edit import (
    MSG_TOO_MANY_AREAS,
    change_record,
    goals_delete,
    next_position,
)
from ilp_app.services.templates.template_apply import copy_add
from ilp_app.services.templates.template_store import (
    children_by_parent,
    objective_ids_by_code,
    template_load,
    template_nodes,
    utc_now,
)

MSG_NO_TEMPLATE = "This plan was not made from a template."
MSG_UPDATE_GONE = "That update is no longer waiting: the template or the plan has changed since. Here is the current list."


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


# --- updates from the template, per plan ---------------------------------------------------------


@dataclass(frozen=True)
class _Copy:
    """A plan row made from a template item."""

    kind: ItemKind
    row_id: int
    text: str
    detail: str


def _plan_copies(
    session: Session, plan_ids: list[int], nodes: list[TemplateNode]
) -> dict[int, dict[int, _Copy]]:
    """Per plan, its rows made from template items, by template item id."""
    found: dict[int, dict[int, _Copy]] = {pid: {} for pid in plan_ids}
    if not plan_ids:
        return found
    for a in session.exec(
        select(PlanFocusArea)
        .where(PlanFocusArea.plan_id.in_(plan_ids), PlanFocusArea.template_item_id.is_not(None))
        .order_by(PlanFocusArea.id)
    ).all():
        found[a.plan_id].setdefault(a.template_item_id, _Copy(ItemKind.AREA, a.id, a.name, ""))
    for g in session.exec(
        select(Goal)
        .where(Goal.plan_id.in_(plan_ids), Goal.template_item_id.is_not(None))
        .order_by(Goal.id)
    ).all():
        found[g.plan_id].setdefault(
            g.template_item_id, _Copy(ItemKind.GOAL, g.id, g.statement, g.success_criteria)
        )
    tasks = session.exec(
        select(Task)
        .where(Task.plan_id.in_(plan_ids), Task.template_item_id.is_not(None))
        .order_by(Task.id)
    ).all()
    for t in tasks:
        found[t.plan_id].setdefault(t.template_item_id, _Copy(ItemKind.TASK, t.id, t.title, ""))
    link_nodes = [n for n in nodes if n.kind is ItemKind.LINK]
    if link_nodes and tasks:
        # Links carry no template id: a plan link belongs to a template link under the same task
        # when it has the same address (or, after the address changed in the template, the same title).
        task_of = {(t.plan_id, t.template_item_id): t.id for t in tasks}
        links: dict[int, list[TaskLink]] = defaultdict(list)
        for link in session.exec(
            select(TaskLink)
            .where(TaskLink.task_id.in_(list(task_of.values())))
            .order_by(TaskLink.id)
        ).all():
            links[link.task_id].append(link)
        for pid in plan_ids:
            claimed: set[int] = set()
            for node in link_nodes:
                candidates = [
                    li
                    for li in links.get(task_of.get((pid, node.parent_id)), [])
                    if li.id not in claimed
                ]
                match = next((li for li in candidates if li.url == node.detail), None) or next(
                    (li for li in candidates if li.title == node.text), None
                )
                if match is not None:
                    claimed.add(match.id)
                    found[pid][node.id] = _Copy(ItemKind.LINK, match.id, match.title, match.url)
    return found


def _decisions(session: Session, plan_ids: list[int]) -> dict[int, list[DecisionRecord]]:
    found: dict[int, list[DecisionRecord]] = defaultdict(list)
    if plan_ids:
        for d in session.exec(
            select(TemplateUpdateDecision).where(TemplateUpdateDecision.plan_id.in_(plan_ids))
        ).all():
            found[d.plan_id].append(DecisionRecord(d.template_item_id, d.revision, d.decision))
    return found


def _pending(
    plan: Plan, nodes: list[TemplateNode], copies: dict[int, _Copy], decisions: list[DecisionRecord]
) -> list[PendingUpdate]:
    return rules.pending_updates(
        template_items=nodes,
        plan_copies=[PlanCopy(tid, c.text, c.detail) for tid, c in copies.items()],
        taken_revision=plan.template_revision,
        decisions=decisions,
    )


def _describe(u: PendingUpdate) -> str:
    what = u.kind.label.lower()
    if u.change is UpdateKind.NEW:
        more = (
            f", with {len(u.brings)} more item{'s' if len(u.brings) != 1 else ''} in it"
            if u.brings
            else ""
        )
        return f"Add {what} “{u.text}”{more}"
    if u.change is UpdateKind.REMOVED:
        inside = (
            " and everything in it, reflections and ratings included"
            if u.kind in (ItemKind.AREA, ItemKind.GOAL)
            else ""
        )
        return f"Remove {what} “{u.plan_text or u.text}”{inside}"
    if u.plan_text != u.text:
        return f"Change {what} “{u.plan_text}” to “{u.text}”"
    return f"Update {what} “{u.text}”"


def _update_view(u: PendingUpdate) -> TemplateUpdateView:
    return TemplateUpdateView(
        key=u.key,
        template_item_id=u.template_item_id,
        revision=u.revision,
        change=u.change.value,
        change_label=u.change.label,
        kind=u.kind.value,
        kind_label=u.kind.label,
        text=u.text,
        detail=u.detail,
        plan_text=u.plan_text,
        brings=len(u.brings),
        description=_describe(u),
    )


def _plan_template(session: Session, plan: Plan) -> PlanTemplate | None:
    if plan.template_id is None:
        return None
    template = session.get(PlanTemplate, plan.template_id)
    return template if template is not None and template.site_id == plan.site_id else None


def template_plans(
    *, session: Session, actor: Actor | None, template_id: object, client_ip: str = ""
) -> list[TemplatePlanRow]:
    """The plans made from a template that the actor may view, with how many updates wait in each."""
    template = template_load(session, actor, template_id, client_ip=client_ip)
    rows = session.exec(
        select(Plan, Period, User)
        .join(Period, Period.id == Plan.period_id)
        .join(User, User.id == Plan.learner_id)
        .where(Plan.template_id == template.id)
        .order_by(Period.starts_on.desc(), User.full_name)
    ).all()
    visible = [
        (p, per, u)
        for p, per, u in rows
        if can(actor, Action.PLAN_VIEW, PlanRef(p.id, p.learner_id, PlanStatus(p.status)))
    ]
    nodes = template_nodes(session, template.id)
    plan_ids = [p.id for p, _, _ in visible]
    copies = _plan_copies(session, plan_ids, nodes)
    decisions = _decisions(session, plan_ids)
    return [
        TemplatePlanRow(
            plan_id=p.id,
            learner_name=u.display_name,
            period_name=per.name,
            status=p.status,
            status_label=PlanStatus(p.status).label,
            pending=len(_pending(p, nodes, copies[p.id], decisions[p.id])),
        )
        for p, per, u in visible
    ]


def template_updates(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> list[TemplateUpdateView]:
    """The changes in a plan's template that the plan has neither taken nor dismissed."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    return _updates_of(session, ctx.plan)


def _updates_of(session: Session, plan: Plan) -> list[TemplateUpdateView]:
    template = _plan_template(session, plan)
    if template is None:
        return []
    nodes = template_nodes(session, template.id)
    pending = _pending(
        plan,
        nodes,
        _plan_copies(session, [plan.id], nodes)[plan.id],
        _decisions(session, [plan.id])[plan.id],
    )
    return [_update_view(u) for u in pending]


def template_plan_panel(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> TemplatePanel:
    """For the plan page: the plan's template, its waiting updates, and what the viewer may do."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    template = _plan_template(session, ctx.plan)
    panel = TemplatePanel(
        plan_id=ctx.plan.id,
        learner_id=ctx.plan.learner_id,
        can_decide=can(actor, Action.PLAN_EDIT, ctx.ref),
        can_save_template=can(actor, Action.TEMPLATE_MANAGE, None),
    )
    if template is not None:
        panel.template_id, panel.template_name = template.id, template.name
        if panel.can_decide:
            panel.updates = _updates_of(session, ctx.plan)
    return panel


def _answer(
    session: Session,
    actor: Actor | None,
    plan_id: object,
    template_item_id: object,
    revision: object,
    client_ip: str,
) -> tuple[PlanContext, PendingUpdate, list[TemplateNode], dict[int, _Copy], set]:
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        for_update=True,
    )
    template = _plan_template(session, ctx.plan)
    if template is None:
        raise NotFound(MSG_NO_TEMPLATE)
    iid = parse_id(template_item_id, what="update")
    rev = parse_id(revision, what="update")
    nodes = template_nodes(session, template.id)
    copies = _plan_copies(session, [ctx.plan.id], nodes)[ctx.plan.id]
    decisions = _decisions(session, [ctx.plan.id])[ctx.plan.id]
    update = next(
        (
            u
            for u in _pending(ctx.plan, nodes, copies, decisions)
            if u.template_item_id == iid and u.revision == rev
        ),
        None,
    )
    if update is None:
        raise ValidationFailed(MSG_UPDATE_GONE)
    return ctx, update, nodes, copies, {(d.template_item_id, d.revision) for d in decisions}


def _record(
    session: Session,
    ctx: PlanContext,
    answered: set,
    item_id: int,
    revision: int,
    decision: Decision,
) -> None:
    if (item_id, revision) not in answered:
        answered.add((item_id, revision))
        session.add(
            TemplateUpdateDecision(
                plan_id=ctx.plan.id,
                template_item_id=item_id,
                revision=revision,
                decision=decision.value,
                decided_by_id=ctx.actor.user_id,
            )
        )


def _remove_copy(session: Session, copy: _Copy) -> None:
    if copy.kind is ItemKind.AREA:
        goals_delete(
            session,
            list(session.exec(select(Goal.id).where(Goal.focus_area_id == copy.row_id)).all()),
        )
        session.exec(sa.delete(PlanFocusArea).where(PlanFocusArea.id == copy.row_id))
    elif copy.kind is ItemKind.GOAL:
        goals_delete(session, [copy.row_id])
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
        row.statement, row.success_criteria, row.updated_at = node.text, node.detail, utc_now()
        objectives = objective_ids_by_code(session, ctx.plan.site_id)
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


def _add_new(
    session: Session,
    ctx: PlanContext,
    update: PendingUpdate,
    nodes: list[TemplateNode],
    copies: dict[int, _Copy],
) -> list[int]:
    by_id = {n.id: n for n in nodes}
    node = by_id[update.template_item_id]
    pid = ctx.plan.id
    if node.kind is ItemKind.AREA:
        areas = session.exec(
            select(sa.func.count()).select_from(PlanFocusArea).where(PlanFocusArea.plan_id == pid)
        ).one()
        if areas >= MAX_FOCUS_AREAS:
            raise ValidationFailed(MSG_TOO_MANY_AREAS)
        parent_row, position = None, next_position(session, PlanFocusArea, plan_id=pid)
    else:
        parent_row = copies[node.parent_id].row_id
        position = {
            ItemKind.GOAL: lambda: next_position(session, Goal, focus_area_id=parent_row),
            ItemKind.TASK: lambda: next_position(session, Task, goal_id=parent_row),
            ItemKind.LINK: lambda: 0,
        }[node.kind]()
    brought = set(update.brings)
    return copy_add(
        session,
        plan_id=pid,
        node=node,
        parent_row=parent_row,
        position=position,
        children=children_by_parent(n for n in nodes if not n.removed),
        objectives=objective_ids_by_code(session, ctx.plan.site_id),
        include=lambda n: n.id in brought,
    )


def template_update_accept(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    template_item_id: object,
    revision: object,
    client_ip: str = "",
) -> None:
    """Pull one change from the template into the plan: add, change or remove that item."""
    ctx, update, nodes, copies, answered = _answer(
        session, actor, plan_id, template_item_id, revision, client_ip
    )
    by_id = {n.id: n for n in nodes}
    if update.change is UpdateKind.NEW:
        for item_id in _add_new(session, ctx, update, nodes, copies):
            _record(session, ctx, answered, item_id, by_id[item_id].revision, Decision.ACCEPTED)
    else:
        if update.change is UpdateKind.CHANGED:
            _change_copy(
                session, ctx, copies[update.template_item_id], by_id[update.template_item_id]
            )
        else:
            _remove_copy(session, copies[update.template_item_id])
        _record(session, ctx, answered, update.template_item_id, update.revision, Decision.ACCEPTED)
    # Touches the plan (plan_touch), tells the family of an active plan, and audits.
    change_record(
        session, ctx, "plan.template_update_accept", "template_item", update.template_item_id
    )


def template_update_dismiss(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    template_item_id: object,
    revision: object,
    client_ip: str = "",
) -> None:
    """Decline one change from the template: the plan stays as it is and the change is not offered again."""
    ctx, update, _nodes_, _copies, answered = _answer(
        session, actor, plan_id, template_item_id, revision, client_ip
    )
    _record(session, ctx, answered, update.template_item_id, update.revision, Decision.DISMISSED)
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action="plan.template_update_dismiss",
        target_type="plan",
        target_id=ctx.plan.id,
        detail={"item": update.template_item_id, "revision": update.revision},
        client_ip=client_ip,
    )
