"""The year-end showcase: the plan's owner picks goals, reflections and approved evidence,
orders the goals (one slide each), writes a closing reflection, and may share it with family.

It belongs to a plan, not to a learner: whoever owns the plan (a learner, or a staff member
with a plan of their own) composes it. Everyone else sees only what the owner chose, and a
family only once it is shared; evidence is shown only when the reader may see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import (
    Evidence,
    Goal,
    PlanFocusArea,
    Reflection,
    Showcase,
    ShowcaseItem,
    User,
)
from ilp_app.domain.errors import MSG_DENIED, ValidationFailed
from ilp_app.domain.evidence import MAX_CLOSING_REFLECTION, MSG_NOT_APPROVED, ShowcasePart, move
from ilp_app.domain.parsing import parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor, ShowcaseRef, can
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence import storage
from ilp_app.services.evidence.evidence_read import evidence_ref, evidence_url
from ilp_app.services.guard import denial
from ilp_app.services.plans.plan_access import PlanContext, plan_load

MSG_NOT_IN_PLAN = "That is not part of this plan."
MSG_NOT_SHARED = "This showcase has not been shared with the family yet."


@dataclass
class SlideEvidence:
    id: int
    title: str
    kind: str
    url: str


@dataclass
class Slide:
    """One goal as presented: only what the owner chose for it."""

    goal_id: int
    focus_area: str
    statement: str
    success_criteria: str
    reflections: list[str] = field(default_factory=list)
    evidence: list[SlideEvidence] = field(default_factory=list)


@dataclass
class Choice:
    id: int
    text: str
    chosen: bool


@dataclass
class GoalChoice:
    """A goal of the plan with everything the owner may pick for it (the composer's view)."""

    goal_id: int
    statement: str
    chosen: bool
    reflections: list[Choice] = field(default_factory=list)
    evidence: list[Choice] = field(default_factory=list)


@dataclass
class ShowcaseView:
    plan_id: int
    owner_name: str
    period_name: str
    can_edit: bool
    shared: bool
    closing_reflection: str
    slides: list[Slide] = field(default_factory=list)
    choices: list[GoalChoice] = field(default_factory=list)


def _showcase(session: Session, plan_id: int, *, create: bool) -> Showcase | None:
    row = session.exec(select(Showcase).where(Showcase.plan_id == plan_id)).first()
    if row is None and create:
        row = Showcase(plan_id=plan_id)
        session.add(row)
        session.flush()
    return row


def _view_context(
    session: Session, actor: Actor | None, plan_id: object, client_ip: str
) -> tuple[PlanContext, Showcase | None]:
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    row = _showcase(session, ctx.plan.id, create=False)
    ref = ShowcaseRef(plan=ctx.ref, shared=bool(row and row.shared_with_family))
    if not can(actor, Action.SHOWCASE_VIEW, ref):
        # A parent may follow the plan's "Showcase" link before it is shared: say so plainly.
        family = ctx.actor.parents(ctx.plan.learner_id)
        message = MSG_NOT_SHARED if family else MSG_DENIED
        raise denial(actor, Action.SHOWCASE_VIEW, ctx.ref, client_ip=client_ip, message=message)
    return ctx, row


def showcase_view(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> ShowcaseView:
    """The showcase as ``actor`` may see it: the owner also gets everything they may pick."""
    ctx, row = _view_context(session, actor, plan_id, client_ip)
    plan = ctx.plan
    items = (
        session.exec(
            select(ShowcaseItem)
            .where(ShowcaseItem.showcase_id == row.id)
            .order_by(ShowcaseItem.position, ShowcaseItem.id)
        ).all()
        if row
        else []
    )
    chosen = {(i.kind, i.ref_id) for i in items}
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.plan_id == plan.id)).all()}
    areas = {
        a.id: a.name
        for a in session.exec(select(PlanFocusArea).where(PlanFocusArea.plan_id == plan.id)).all()
    }
    reflections = session.exec(
        select(Reflection).where(Reflection.plan_id == plan.id).order_by(Reflection.created_at)
    ).all()
    pieces = [
        e
        for e in session.exec(
            select(Evidence).where(Evidence.plan_id == plan.id).order_by(Evidence.id)
        ).all()
        if can(ctx.actor, Action.EVIDENCE_VIEW, evidence_ref(plan, e))
    ]
    slides = []
    for item in items:
        goal = goals.get(item.ref_id)
        if item.kind != ShowcasePart.GOAL or goal is None:
            continue
        slides.append(
            Slide(
                goal_id=goal.id,
                focus_area=areas.get(goal.focus_area_id, ""),
                statement=goal.statement,
                success_criteria=goal.success_criteria,
                reflections=[
                    r.body
                    for r in reflections
                    if r.goal_id == goal.id and (ShowcasePart.REFLECTION, r.id) in chosen
                ],
                evidence=[
                    SlideEvidence(
                        id=e.id,
                        title=e.title,
                        kind=e.kind,
                        url=e.url if e.kind == "link" else evidence_url(e.id),
                    )
                    for e in pieces
                    if e.goal_id == goal.id
                    and e.approved_at is not None
                    and (ShowcasePart.EVIDENCE, e.id) in chosen
                ],
            )
        )
    can_edit = can(ctx.actor, Action.SHOWCASE_EDIT, ctx.ref)
    choices = []
    if can_edit:
        ordered = [goals[s.goal_id] for s in slides] + [
            g
            for g in sorted(goals.values(), key=lambda g: (g.focus_area_id, g.position))
            if (ShowcasePart.GOAL, g.id) not in chosen
        ]
        choices = [
            GoalChoice(
                goal_id=g.id,
                statement=g.statement,
                chosen=(ShowcasePart.GOAL, g.id) in chosen,
                reflections=[
                    Choice(r.id, r.body[:200], (ShowcasePart.REFLECTION, r.id) in chosen)
                    for r in reflections
                    if r.goal_id == g.id
                ],
                evidence=[
                    Choice(e.id, e.title, (ShowcasePart.EVIDENCE, e.id) in chosen)
                    for e in pieces
                    if e.goal_id == g.id and e.approved_at is not None
                ],
            )
            for g in ordered
        ]
    owner = session.get(User, plan.learner_id)
    return ShowcaseView(
        plan_id=plan.id,
        owner_name=(owner.preferred_name or owner.full_name) if owner else "",
        period_name=ctx.period.name if ctx.period else "",
        can_edit=can_edit,
        shared=bool(row and row.shared_with_family),
        closing_reflection=row.closing_reflection if row else "",
        slides=slides,
        choices=choices,
    )


def _edit(
    session: Session, actor: Actor | None, plan_id: object, client_ip: str
) -> tuple[PlanContext, Showcase]:
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.SHOWCASE_EDIT,
        client_ip=client_ip,
        for_update=True,
    )
    return ctx, _showcase(session, ctx.plan.id, create=True)


def _audit(session: Session, ctx: PlanContext, action: str) -> None:
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action=action,
        target_type="plan",
        target_id=ctx.plan.id,
    )


def _goal_of(session: Session, ctx: PlanContext, part: ShowcasePart, ref_id: int) -> int:
    """The goal a goal, reflection or evidence id belongs to, if it is of this plan."""
    model = {ShowcasePart.GOAL: Goal, ShowcasePart.REFLECTION: Reflection}.get(part, Evidence)
    row = session.get(model, ref_id)
    if row is None or row.plan_id != ctx.plan.id:
        raise ValidationFailed(MSG_NOT_IN_PLAN)
    if part is ShowcasePart.EVIDENCE and row.approved_at is None:
        raise ValidationFailed(MSG_NOT_APPROVED)
    return row.id if part is ShowcasePart.GOAL else row.goal_id


def showcase_toggle(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    part: object,
    ref_id: object,
    client_ip: str = "",
) -> bool:
    """Put a goal, reflection or approved evidence in the showcase, or take it out.

    Choosing a reflection or evidence puts its goal in too; taking a goal out takes what was
    chosen for it. Returns whether the thing is now in the showcase.
    """
    ctx, row = _edit(session, actor, plan_id, client_ip)
    try:
        kind = ShowcasePart(part)
    except ValueError as error:
        raise ValidationFailed(MSG_NOT_IN_PLAN) from error
    rid = parse_id(ref_id, what=kind.value)
    goal_id = _goal_of(session, ctx, kind, rid)
    items = session.exec(select(ShowcaseItem).where(ShowcaseItem.showcase_id == row.id)).all()
    existing = next((i for i in items if i.kind == kind and i.ref_id == rid), None)
    if existing is not None:
        gone = [existing] + (
            [i for i in items if i.goal_id == goal_id and i is not existing]
            if kind is ShowcasePart.GOAL
            else []
        )
        for item in gone:
            session.delete(item)
        now_in = False
    else:
        top = max((i.position for i in items), default=-1)
        if kind is not ShowcasePart.GOAL and not any(
            i.kind == ShowcasePart.GOAL and i.ref_id == goal_id for i in items
        ):
            top += 1
            session.add(
                ShowcaseItem(
                    showcase_id=row.id,
                    goal_id=goal_id,
                    kind=ShowcasePart.GOAL.value,
                    ref_id=goal_id,
                    position=top,
                )
            )
        session.add(
            ShowcaseItem(
                showcase_id=row.id, goal_id=goal_id, kind=kind.value, ref_id=rid, position=top + 1
            )
        )
        now_in = True
    row.updated_at = datetime.now(UTC)
    session.add(row)
    _audit(session, ctx, "showcase.compose")
    return now_in


def showcase_move(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    goal_id: object,
    direction: object,
    client_ip: str = "",
) -> None:
    """Move a chosen goal's slide one place earlier ("up") or later ("down")."""
    ctx, row = _edit(session, actor, plan_id, client_ip)
    gid = parse_id(goal_id, what="goal")
    slides = session.exec(
        select(ShowcaseItem)
        .where(ShowcaseItem.showcase_id == row.id, ShowcaseItem.kind == ShowcasePart.GOAL.value)
        .order_by(ShowcaseItem.position, ShowcaseItem.id)
    ).all()
    by_goal = {s.ref_id: s for s in slides}
    if gid not in by_goal:
        raise ValidationFailed(MSG_NOT_IN_PLAN)
    order = move([s.ref_id for s in slides], gid, direction if isinstance(direction, str) else "")
    for position, goal in enumerate(order):
        by_goal[goal].position = position * 1000
        session.add(by_goal[goal])
    # A slide's reflections and evidence follow their goal's place.
    others = session.exec(
        select(ShowcaseItem).where(
            ShowcaseItem.showcase_id == row.id, ShowcaseItem.kind != ShowcasePart.GOAL.value
        )
    ).all()
    for item in others:
        if item.goal_id in by_goal:
            item.position = by_goal[item.goal_id].position + 1 + (item.position % 1000)
            session.add(item)
    _audit(session, ctx, "showcase.compose")


def showcase_save(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    closing_reflection: object,
    shared: object,
    client_ip: str = "",
) -> None:
    """Save the closing reflection, and whether the family may see the showcase."""
    ctx, row = _edit(session, actor, plan_id, client_ip)
    row.closing_reflection = parse_text(
        closing_reflection,
        field="Closing reflection",
        max_length=MAX_CLOSING_REFLECTION,
        required=False,
    )
    row.shared_with_family = shared is True
    row.updated_at = datetime.now(UTC)
    session.add(row)
    _audit(session, ctx, "showcase.share" if row.shared_with_family else "showcase.compose")


def showcase_pdf(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> tuple[str, bytes]:
    """The showcase as a printable PDF: exactly what the reader would see on screen."""
    from ilp_app.pdf.showcase_pdf import render_showcase

    view = showcase_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    # Only pieces already in the view (which the reader may see) are read from disk.
    shown = [e.id for slide in view.slides for e in slide.evidence if e.kind == "photo"]
    photos = {}
    for row in session.exec(select(Evidence).where(Evidence.id.in_(shown or [-1]))).all():
        data = storage.file_read(row.storage_name)
        if data is not None:
            photos[row.id] = data
    return f"showcase-{view.plan_id}.pdf", render_showcase(view, photos=photos)
