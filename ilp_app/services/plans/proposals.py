"""Learners shape their plan: they propose goals and tasks, and their mentor decides.

Each step (proposed, edited, withdrawn, accepted, accepted with changes, declined) is one entry
in the plan's history. Every step is a compare-and-set on the proposal's status, so a learner's
late edit and the mentor's decision can never both apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from ilp_app.db.models import Goal, PlanFocusArea, Proposal, Task
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import (
    MAX_GOAL_STATEMENT,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    clean_date,
)
from ilp_app.domain.proposals import (
    MAX_DECLINE_REASON,
    MSG_REASON_REQUIRED,
    ProposalKind,
    ProposalStatus,
    ProposalStep,
    accept_step,
    carried_date,
    proposal_next,
)
from ilp_app.i18n import N_
from ilp_app.services.audit import audit_record
from ilp_app.services.plans.history import history_record
from ilp_app.services.plans.notifications import Kind, notify_plan_event
from ilp_app.services.plans.plan_access import PlanContext, child_load, plan_touch
from ilp_app.services.plans.plan_edit import next_position
from ilp_app.services.plans.proposal_read import own_tasks_wait

MSG_NOT_YOURS = N_("Only the learner who made a proposal may change it.")


@dataclass(frozen=True)
class ProposalResult:
    """What became of a learner's new goal or task: "proposed" (waits) or "added" (at once)."""

    outcome: str
    id: int


def _goal_fields(ctx: PlanContext, text: object, success: object, target: object) -> dict:
    return {
        "text": parse_text(text, field="Goal", max_length=MAX_GOAL_STATEMENT),
        "success_criteria": parse_text(
            success,
            field="What success looks like",
            max_length=MAX_SUCCESS_CRITERIA,
            required=False,
        ),
        "target_date": clean_date(
            target, field="Target date", starts_on=ctx.period.starts_on, ends_on=ctx.period.ends_on
        ),
    }


def _task_fields(ctx: PlanContext, text: object, due: object) -> dict:
    return {
        "text": parse_text(text, field="Task", max_length=MAX_TASK_TITLE),
        "success_criteria": "",
        "target_date": clean_date(
            due, field="Due date", starts_on=ctx.period.starts_on, ends_on=ctx.period.ends_on
        ),
    }


def _record(session: Session, ctx: PlanContext, action: str, proposal: Proposal, **changes) -> None:
    plan_touch(session, ctx)
    history_record(session, ctx, action=action, entity="proposal", entity_id=proposal.id, **changes)
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action=action,
        target_type="proposal",
        target_id=proposal.id,
    )


def _shown(fields: dict, kind: ProposalKind) -> dict:
    """The fields as the history shows them."""
    if kind is ProposalKind.TASK:
        return {"task": fields["text"], "due": fields["target_date"]}
    return {
        "goal": fields["text"],
        "success": fields["success_criteria"],
        "target": fields["target_date"],
    }


def proposal_goal_create(
    *,
    session: Session,
    actor: Actor | None,
    focus_area_id: object,
    statement: object,
    success_criteria: object = "",
    target_date: object = "",
    client_ip: str = "",
) -> ProposalResult:
    """The learner proposes a goal under one of their plan's focus areas; the mentor is told."""
    area, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanFocusArea,
        child_id=focus_area_id,
        action=Action.PROPOSAL_CREATE,
        client_ip=client_ip,
        what="focus area",
    )
    fields = _goal_fields(ctx, statement, success_criteria, target_date)
    proposal = Proposal(
        plan_id=ctx.plan.id,
        author_id=actor.user_id,
        kind=ProposalKind.GOAL.value,
        focus_area_id=area.id,
        **fields,
    )
    session.add(proposal)
    session.flush()
    _record(session, ctx, "proposal.create", proposal, after=_shown(fields, ProposalKind.GOAL))
    notify_plan_event(
        session, actor=actor, plan=ctx.plan, kind=Kind.PROPOSAL, subject=fields["text"]
    )
    return ProposalResult("proposed", proposal.id)


def proposal_task_create(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: object,
    title: object,
    due_date: object = "",
    client_ip: str = "",
) -> ProposalResult:
    """The learner adds a task under one of their goals.

    The school decides whether it waits for the mentor (a proposal) or is added at once, marked
    as added by the learner; the mentor hears of it either way.
    """
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PROPOSAL_CREATE,
        client_ip=client_ip,
        what="goal",
    )
    fields = _task_fields(ctx, title, due_date)
    if not own_tasks_wait(session, ctx.plan.site_id):
        task = _task_make(session, ctx, goal, fields, added_by_id=actor.user_id)
        ctx.plan.version += 1
        plan_touch(session, ctx)
        history_record(
            session,
            ctx,
            action="plan.task_add",
            entity="task",
            entity_id=task.id,
            after={"title": task.title, "due_date": task.due_date},
        )
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="plan.task_add",
            target_type="task",
            target_id=task.id,
        )
        notify_plan_event(
            session, actor=actor, plan=ctx.plan, kind=Kind.LEARNER_TASK, subject=task.title
        )
        return ProposalResult("added", task.id)
    proposal = Proposal(
        plan_id=ctx.plan.id,
        author_id=actor.user_id,
        kind=ProposalKind.TASK.value,
        goal_id=goal.id,
        **fields,
    )
    session.add(proposal)
    session.flush()
    _record(session, ctx, "proposal.create", proposal, after=_shown(fields, ProposalKind.TASK))
    notify_plan_event(
        session, actor=actor, plan=ctx.plan, kind=Kind.PROPOSAL, subject=fields["text"]
    )
    return ProposalResult("proposed", proposal.id)


def _task_make(
    session: Session, ctx: PlanContext, goal: Goal, fields: dict, *, added_by_id: int
) -> Task:
    task = Task(
        plan_id=ctx.plan.id,
        goal_id=goal.id,
        title=fields["text"],
        due_date=fields["target_date"],
        position=next_position(session, Task, goal_id=goal.id),
        added_by_id=added_by_id,
    )
    session.add(task)
    session.flush()
    return task


def _load(
    session: Session, actor: Actor | None, proposal_id: object, action: Action, client_ip: str
) -> tuple[Proposal, PlanContext]:
    proposal, ctx = child_load(
        session=session,
        actor=actor,
        model=Proposal,
        child_id=proposal_id,
        action=action,
        client_ip=client_ip,
        what="proposal",
    )
    return proposal, ctx


def _step(session: Session, proposal: Proposal, step: ProposalStep, **values) -> ProposalStatus:
    """Move ``proposal`` one step, only if it is still pending (compare-and-set)."""
    new = proposal_next(proposal.status, step)
    result = session.exec(
        sa.update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.PENDING.value)
        .values(status=new.value, updated_at=datetime.now(UTC), **values)
    )
    if result.rowcount != 1:
        session.refresh(proposal)
        proposal_next(proposal.status, step)  # raises: decided elsewhere meanwhile
    session.refresh(proposal)
    return new


def _fields_of(ctx: PlanContext, proposal: Proposal, text, success, target) -> dict:
    if proposal.kind == ProposalKind.GOAL.value:
        return _goal_fields(ctx, text, success, target)
    return _task_fields(ctx, text, target)


def _as_written(proposal: Proposal) -> dict:
    return {
        "text": proposal.text,
        "success_criteria": proposal.success_criteria,
        "target_date": proposal.target_date,
    }


def _own(actor: Actor, proposal: Proposal) -> None:
    if proposal.author_id != actor.user_id:
        raise ValidationFailed(MSG_NOT_YOURS)


def proposal_edit(
    *,
    session: Session,
    actor: Actor | None,
    proposal_id: object,
    text: object,
    success_criteria: object = "",
    target_date: object = "",
    client_ip: str = "",
) -> None:
    """The learner changes their own proposal while it waits for the mentor."""
    proposal, ctx = _load(session, actor, proposal_id, Action.PROPOSAL_EDIT, client_ip)
    _own(actor, proposal)
    proposal_next(proposal.status, ProposalStep.EDIT)
    kind = ProposalKind(proposal.kind)
    before = _as_written(proposal)
    fields = _fields_of(ctx, proposal, text, success_criteria, target_date)
    if fields == before:
        return
    _step(session, proposal, ProposalStep.EDIT, **fields)
    _record(
        session,
        ctx,
        "proposal.edit",
        proposal,
        before=_shown(before, kind),
        after=_shown(fields, kind),
    )


def proposal_withdraw(
    *, session: Session, actor: Actor | None, proposal_id: object, client_ip: str = ""
) -> None:
    """The learner takes back their own proposal before it is decided."""
    proposal, ctx = _load(session, actor, proposal_id, Action.PROPOSAL_EDIT, client_ip)
    _own(actor, proposal)
    _step(session, proposal, ProposalStep.WITHDRAW)
    _record(
        session,
        ctx,
        "proposal.withdraw",
        proposal,
        before=_shown(_as_written(proposal), ProposalKind(proposal.kind)),
    )


def proposal_accept(
    *,
    session: Session,
    actor: Actor | None,
    proposal_id: object,
    text: object = None,
    success_criteria: object = None,
    target_date: object = None,
    client_ip: str = "",
) -> int:
    """The mentor accepts a proposal, as written or with changes; returns the new goal or task.

    Fields left out (None) stay as the learner wrote them; any field that differs makes it
    "accepted with changes", and the learner sees both versions.
    """
    proposal, ctx = _load(session, actor, proposal_id, Action.PROPOSAL_DECIDE, client_ip)
    kind = ProposalKind(proposal.kind)
    written = _as_written(proposal)
    proposal_next(proposal.status, ProposalStep.ACCEPT)

    def given(value, key):
        if value is not None:
            return value
        current = written[key]
        return current.isoformat() if hasattr(current, "isoformat") else current

    fields = _fields_of(
        ctx,
        proposal,
        given(text, "text"),
        given(success_criteria, "success_criteria"),
        given(target_date, "target_date"),
    )
    step = accept_step(changed=fields != written)
    if kind is ProposalKind.GOAL:
        area = session.get(PlanFocusArea, proposal.focus_area_id)
        made = Goal(
            plan_id=ctx.plan.id,
            focus_area_id=area.id,
            statement=fields["text"],
            success_criteria=fields["success_criteria"],
            target_date=fields["target_date"],
            position=next_position(session, Goal, focus_area_id=area.id),
            added_by_id=proposal.author_id,
        )
        session.add(made)
        session.flush()
    else:
        goal = session.get(Goal, proposal.goal_id)
        made = _task_make(session, ctx, goal, fields, added_by_id=proposal.author_id)
    now = datetime.now(UTC)
    _step(session, proposal, step, decided_by_id=actor.user_id, decided_at=now, result_id=made.id)
    ctx.plan.version += 1
    _record(
        session,
        ctx,
        f"proposal.{step.value}",
        proposal,
        before=_shown(written, kind) if step is ProposalStep.ACCEPT_CHANGED else None,
        after=_shown(fields, kind),
    )
    notify_plan_event(
        session, actor=actor, plan=ctx.plan, kind=Kind.PROPOSAL_DECIDED, subject=proposal.text
    )
    return made.id


def proposal_decline(
    *,
    session: Session,
    actor: Actor | None,
    proposal_id: object,
    reason: object,
    client_ip: str = "",
) -> None:
    """The mentor declines a proposal with a short reason the learner sees."""
    proposal, ctx = _load(session, actor, proposal_id, Action.PROPOSAL_DECIDE, client_ip)
    proposal_next(proposal.status, ProposalStep.DECLINE)
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        raise ValidationFailed(MSG_REASON_REQUIRED)
    why = parse_text(reason, field="Reason", max_length=MAX_DECLINE_REASON)
    _step(
        session,
        proposal,
        ProposalStep.DECLINE,
        decline_reason=why,
        decided_by_id=actor.user_id,
        decided_at=datetime.now(UTC),
    )
    _record(
        session,
        ctx,
        "proposal.decline",
        proposal,
        after={**_shown(_as_written(proposal), ProposalKind(proposal.kind)), "reason": why},
    )
    notify_plan_event(
        session, actor=actor, plan=ctx.plan, kind=Kind.PROPOSAL_DECIDED, subject=proposal.text
    )


def proposals_pending(session: Session, plan_id: int) -> list[Proposal]:
    """The plan's proposals still waiting for the mentor, oldest first."""
    return list(
        session.exec(
            sa.select(Proposal)
            .where(Proposal.plan_id == plan_id, Proposal.status == ProposalStatus.PENDING.value)
            .order_by(Proposal.id)
        )
        .scalars()
        .all()
    )


def proposals_close_on_lock(
    session: Session,
    ctx: PlanContext,
    *,
    new_ctx: PlanContext | None = None,
    areas: dict[int, int] | None = None,
    goals: dict[int, int] | None = None,
) -> tuple[int, int]:
    """Close the locked plan's waiting proposals; carry them into ``new_ctx``'s plan if given.

    Each closed proposal is one entry in the old plan's history. A goal proposal waits again on
    the new plan under its focus area's copy (``areas``: old id → new id); a task proposal does
    when its goal came along (``goals``). Each carried one is an entry in the new plan's history.
    A proposal decided at the same moment stays as decided (compare-and-set).

    Returns:
        (closed, carried)
    """
    areas, goals = areas or {}, goals or {}
    closed = carried = 0
    now = datetime.now(UTC)
    for proposal in proposals_pending(session, ctx.plan.id):
        new_status = proposal_next(proposal.status, ProposalStep.CLOSE_ON_LOCK)
        result = session.exec(
            sa.update(Proposal)
            .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.PENDING.value)
            .values(status=new_status.value, updated_at=now)
        )
        if result.rowcount != 1:
            continue
        closed += 1
        history_record(
            session,
            ctx,
            action="proposal.close_on_lock",
            entity="proposal",
            entity_id=proposal.id,
            after={"proposal": proposal.text},
        )
        if new_ctx is None:
            continue
        area_id = areas.get(proposal.focus_area_id) if proposal.focus_area_id else None
        goal_id = goals.get(proposal.goal_id) if proposal.goal_id else None
        if area_id is None and goal_id is None:
            continue
        copy = Proposal(
            plan_id=new_ctx.plan.id,
            author_id=proposal.author_id,
            kind=proposal.kind,
            focus_area_id=area_id,
            goal_id=goal_id,
            text=proposal.text,
            success_criteria=proposal.success_criteria,
            target_date=carried_date(
                proposal.target_date,
                starts_on=new_ctx.period.starts_on,
                ends_on=new_ctx.period.ends_on,
            ),
        )
        session.add(copy)
        session.flush()
        carried += 1
        history_record(
            session,
            new_ctx,
            action="proposal.carried_in",
            entity="proposal",
            entity_id=copy.id,
            after={"proposal": copy.text},
        )
    return closed, carried
