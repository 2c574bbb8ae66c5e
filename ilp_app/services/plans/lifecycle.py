"""The plan's life across periods: the next period with carry-over, locking, acknowledgements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    GoalObjective,
    MentorAssignment,
    Period,
    Plan,
    PlanAcknowledgement,
    PlanFocusArea,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.lifecycle import (
    MAX_CARRY_REASON,
    PeriodLine,
    TaskLine,
    goals_worth_carrying,
    next_period,
    tasks_to_carry,
)
from ilp_app.domain.parsing import parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor, GroupRef
from ilp_app.domain.plans import PlanStatus
from ilp_app.i18n import N_
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.history import history_record
from ilp_app.services.plans.notifications import Kind, notify_plan_event
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_access import (
    PlanContext,
    child_load,
    plan_load,
    plan_ref,
    plan_touch,
)
from ilp_app.services.plans.proposals import proposals_close_on_lock, proposals_pending
from ilp_app.services.reports.overview import group_authorize, group_learner_ids

MSG_NO_NEXT_PERIOD = N_("There is no next period yet. Ask an administrator to add one.")
MSG_NEXT_EXISTS = "This learner already has a plan for {period}."


@dataclass
class NextPeriodResult:
    plan_id: int
    goals_carried: int
    tasks_carried: int


def _next_period_of(session: Session, period: Period) -> Period:
    # A term's plan moves on to the next term, a staff plan to the next school year.
    periods = session.exec(
        select(Period).where(Period.site_id == period.site_id, Period.kind == period.kind)
    ).all()
    lines = {p.id: p for p in periods}
    found = next_period(
        [PeriodLine(p.id, p.starts_on, p.ends_on) for p in periods],
        PeriodLine(period.id, period.starts_on, period.ends_on),
    )
    if found is None:
        raise ValidationFailed(MSG_NO_NEXT_PERIOD)
    return lines[found.id]


def _clean_goal_ids(value: object, available: set[int]) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list | tuple | set):
        raise ValidationFailed("Choose the goals to carry forward.")
    ids = [parse_id(v, what="goal") for v in value]
    if not set(ids) <= available:
        raise ValidationFailed("That goal is not in this plan.")
    return ids


def _clean_reasons(value: object, carried: set[int]) -> dict[int, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed("The reasons could not be read.")
    reasons = {}
    for key, text in value.items():
        task_id = parse_id(key, what="task")
        if task_id in carried and text not in (None, ""):
            reasons[task_id] = parse_text(
                text, field="Why it wasn't done", max_length=MAX_CARRY_REASON
            )
    return reasons


def _lock(session: Session, ctx: PlanContext, now: datetime) -> None:
    ctx.plan.status = PlanStatus.LOCKED.value
    ctx.plan.locked_at = now
    ctx.plan.version += 1
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="plan.lock",
        entity="plan",
        entity_id=ctx.plan.id,
        before={"status": "active"},
        after={"status": "locked"},
    )


def _carry(
    session: Session,
    ctx: PlanContext,
    nxt: Period,
    goal_ids: list[int],
    reasons: dict[int, str],
    now: datetime,
) -> NextPeriodResult:
    old = ctx.plan
    if session.exec(
        select(Plan.id).where(Plan.learner_id == old.learner_id, Plan.period_id == nxt.id)
    ).first():
        raise ValidationFailed(MSG_NEXT_EXISTS.format(period=nxt.name))
    new = Plan(
        site_id=old.site_id,
        learner_id=old.learner_id,
        period_id=nxt.id,
        status=PlanStatus.ACTIVE.value,
        created_by_id=ctx.actor.user_id,
        activated_at=now,
        previous_plan_id=old.id,
        template_id=old.template_id,
        template_revision=old.template_revision,
    )
    session.add(new)
    session.flush()
    areas = {
        a.id: a
        for a in session.exec(select(PlanFocusArea).where(PlanFocusArea.plan_id == old.id)).all()
    }
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.plan_id == old.id)).all()}
    tasks = session.exec(
        select(Task).where(Task.plan_id == old.id).order_by(Task.position, Task.id)
    ).all()
    moving = set(tasks_to_carry(goal_ids, [TaskLine(t.id, t.goal_id, t.status) for t in tasks]))
    # A goal the learner proposed and is still waiting for keeps its focus area too.
    proposed_in = {p.focus_area_id for p in proposals_pending(session, old.id) if p.focus_area_id}
    # The focus areas keep their order; only those holding a carried goal come along.
    new_areas: dict[int, PlanFocusArea] = {}
    for area in sorted(areas.values(), key=lambda a: (a.position, a.id)):
        if area.id in proposed_in or any(goals[g].focus_area_id == area.id for g in goal_ids):
            copy = PlanFocusArea(
                plan_id=new.id,
                name=area.name,
                position=len(new_areas),
                template_item_id=area.template_item_id,
            )
            session.add(copy)
            new_areas[area.id] = copy
    session.flush()
    new_goals: dict[int, Goal] = {}
    for gid in goal_ids:
        g = goals[gid]
        copy = Goal(
            plan_id=new.id,
            focus_area_id=new_areas[g.focus_area_id].id,
            statement=g.statement,
            success_criteria=g.success_criteria,
            position=g.position,
            carried_from_goal_id=g.id,
            template_item_id=g.template_item_id,
        )
        session.add(copy)
        new_goals[gid] = copy
    session.flush()
    for gid, copy in new_goals.items():
        for obj in session.exec(
            select(GoalObjective.objective_id).where(GoalObjective.goal_id == gid)
        ).all():
            session.add(GoalObjective(goal_id=copy.id, objective_id=obj))
    links = session.exec(select(TaskLink).where(TaskLink.plan_id == old.id)).all()
    for t in tasks:
        if t.id not in moving:
            continue
        copy = Task(
            plan_id=new.id,
            goal_id=new_goals[t.goal_id].id,
            title=t.title,
            status=t.status,
            position=t.position,
            status_changed_by_id=t.status_changed_by_id,
            status_changed_at=t.status_changed_at,
            carried_from_task_id=t.id,
            carry_reason=reasons.get(t.id, ""),
            template_item_id=t.template_item_id,
        )
        session.add(copy)
        session.flush()
        for link in links:
            if link.task_id == t.id:
                session.add(
                    TaskLink(task_id=copy.id, plan_id=new.id, title=link.title, url=link.url)
                )
    new_ctx = PlanContext(plan=new, period=nxt, ref=plan_ref(new), actor=ctx.actor)
    # Waiting proposals close with the old plan and wait again on the new one for the mentor.
    proposals_close_on_lock(
        session,
        ctx,
        new_ctx=new_ctx,
        areas={old_id: copy.id for old_id, copy in new_areas.items()},
        goals={old_id: copy.id for old_id, copy in new_goals.items()},
    )
    _lock(session, ctx, now)
    history_record(
        session,
        new_ctx,
        action="plan.carried_in",
        entity="plan",
        entity_id=old.id,
        after={"goals": len(new_goals), "tasks": len(moving)},
    )
    history_record(
        session,
        ctx,
        action="plan.next_period",
        entity="plan",
        entity_id=new.id,
        after={
            "next period": nxt.name,
            "goals carried": len(new_goals),
            "tasks carried": len(moving),
        },
    )
    notify_plan_event(session, actor=ctx.actor, plan=new, kind=Kind.PLAN_CHANGED)
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action="plan.next_period",
        target_type="plan",
        target_id=old.id,
        detail={"new_plan": new.id, "goals": len(new_goals), "tasks": len(moving)},
    )
    return NextPeriodResult(plan_id=new.id, goals_carried=len(new_goals), tasks_carried=len(moving))


def plan_next_period(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    goal_ids: object = None,
    reasons: object = None,
    client_ip: str = "",
) -> NextPeriodResult:
    """Start the learner's plan for the next period and lock this one.

    The chosen goals move forward (default: those with unfinished work), each with its unfinished
    tasks and their links and an optional "why it wasn't done" note; completed tasks stay behind.
    """
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_NEXT_PERIOD,
        client_ip=client_ip,
        for_update=True,
    )
    goals = session.exec(select(Goal.id).where(Goal.plan_id == ctx.plan.id)).all()
    tasks = session.exec(
        select(Task.id, Task.goal_id, Task.status).where(Task.plan_id == ctx.plan.id)
    ).all()
    lines = [TaskLine(*t) for t in tasks]
    chosen = (
        _clean_goal_ids(goal_ids, set(goals))
        if goal_ids is not None
        else goals_worth_carrying(goals, lines)
    )
    reasons_clean = _clean_reasons(reasons, set(tasks_to_carry(chosen, lines)))
    nxt = _next_period_of(session, ctx.period)
    return _carry(session, ctx, nxt, chosen, reasons_clean, datetime.now(UTC))


@dataclass
class GroupMoveSummary:
    moved: list[tuple[str, int]] = field(default_factory=list)  # (learner name, new plan id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (learner name, why)


def plan_next_period_group(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    client_ip: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> GroupMoveSummary:
    """Start the next period for every mentee in a group, in one transaction: all or nothing.

    Learners without an active plan, or who already have one for the next period, are skipped
    and listed with the reason.
    """
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    authorize(actor, Action.GROUP_NEXT_PERIOD, GroupRef(group.id), client_ip=client_ip)
    learner_ids = group_learner_ids(session=session, group_id=group.id)
    mine = set(
        session.exec(
            select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == actor.user_id)
        ).all()
    )
    names = {
        u.id: u.display_name
        for u in session.exec(select(User).where(User.id.in_(learner_ids or [-1]))).all()
    }
    summary = GroupMoveSummary()
    now = datetime.now(UTC)
    current = period_current(session=session, site_id=group.site_id)
    for done, lid in enumerate(
        sorted(learner_ids, key=lambda i: names.get(i, "").casefold()), start=1
    ):
        name = names.get(lid, "")
        plan = (
            current
            and session.exec(
                select(Plan).where(
                    Plan.learner_id == lid,
                    Plan.period_id == current.id,
                    Plan.status == PlanStatus.ACTIVE.value,
                )
            ).first()
        )
        if lid not in mine:
            summary.skipped.append((name, "not your mentee"))
        elif not plan:
            summary.skipped.append(
                (name, f"no active plan in {current.name}" if current else "no current period")
            )
        else:
            ctx = plan_load(
                session=session,
                actor=actor,
                plan_id=plan.id,
                action=Action.PLAN_NEXT_PERIOD,
                client_ip=client_ip,
            )
            nxt = _next_period_of(session, ctx.period)
            if session.exec(
                select(Plan.id).where(Plan.learner_id == lid, Plan.period_id == nxt.id)
            ).first():
                summary.skipped.append((name, f"already has a plan for {nxt.name}"))
            else:
                goals = session.exec(select(Goal.id).where(Goal.plan_id == plan.id)).all()
                lines = [
                    TaskLine(*t)
                    for t in session.exec(
                        select(Task.id, Task.goal_id, Task.status).where(Task.plan_id == plan.id)
                    ).all()
                ]
                result = _carry(session, ctx, nxt, goals_worth_carrying(goals, lines), {}, now)
                summary.moved.append((name, result.plan_id))
        if progress:
            progress(done, len(learner_ids))
    return summary


def task_reason_set(
    *, session: Session, actor: Actor | None, task_id: object, reason: object, client_ip: str = ""
) -> None:
    """The learner or mentor says why a carried task was not done last period."""
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.TASK_PROGRESS,
        client_ip=client_ip,
        what="task",
    )
    if task.carried_from_task_id is None:
        raise ValidationFailed(
            "Only a task carried over from the last period has a reason to give."
        )
    before = task.carry_reason
    task.carry_reason = parse_text(
        reason, field="Why it wasn't done", max_length=MAX_CARRY_REASON, required=False
    )
    session.add(task)
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="task.reason",
        entity="task",
        entity_id=task.id,
        before={"reason": before},
        after={"reason": task.carry_reason},
    )


def plan_acknowledge(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> int:
    """Sign the plan's current version (mentor, learner or parent). Returns the version signed."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_ACKNOWLEDGE,
        client_ip=client_ip,
    )
    lid = ctx.plan.learner_id
    if ctx.ref.staff:
        role = "supervisor" if actor.supervises(lid) else "staff member"
    else:
        role = (
            "mentor" if actor.mentors(lid) else ("learner" if actor.is_learner(lid) else "parent")
        )
    exists = session.exec(
        select(PlanAcknowledgement.id).where(
            PlanAcknowledgement.plan_id == ctx.plan.id,
            PlanAcknowledgement.version == ctx.plan.version,
            PlanAcknowledgement.user_id == actor.user_id,
        )
    ).first()
    if not exists:
        session.add(
            PlanAcknowledgement(
                plan_id=ctx.plan.id, version=ctx.plan.version, user_id=actor.user_id, role=role
            )
        )
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="plan.acknowledge",
            target_type="plan",
            target_id=ctx.plan.id,
            detail={"version": ctx.plan.version},
            client_ip=client_ip,
        )
    return ctx.plan.version
