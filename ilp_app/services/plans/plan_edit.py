"""The mentor shapes a plan: create it, focus areas, goals, tasks, links, activation."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from ilp_app.db.models import (
    FocusAreaOption,
    Goal,
    GoalObjective,
    GoalRating,
    LearningObjective,
    Plan,
    PlanFocusArea,
    Reflection,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor, LearnerRef
from ilp_app.domain.plans import (
    MAX_FOCUS_AREA,
    MAX_FOCUS_AREAS,
    MAX_GOAL_STATEMENT,
    MAX_LINK_TITLE,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    PlanStatus,
    check_transition,
    clean_date,
    clean_url,
)
from ilp_app.domain.roles import Role
from ilp_app.i18n import N_
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence.evidence import evidence_purge
from ilp_app.services.guard import authorize
from ilp_app.services.plans.history import history_record
from ilp_app.services.plans.notifications import Kind, notify_plan_event
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_access import PlanContext, child_load, plan_load, plan_touch

MSG_PLAN_EXISTS = "This learner already has a plan for {period}."
MSG_NO_PERIOD = N_("There is no current period. Ask an administrator to add one.")
MSG_TOO_MANY_AREAS = f"A plan has at most {MAX_FOCUS_AREAS} focus areas; three or four work best."
MSG_WRONG_DIRECTION = N_("Move up or down.")
DEFAULT_FOCUS_AREAS = 4
MAX_OBJECTIVES_PER_GOAL = 10


def _edit(session: Session, actor: Actor | None, plan_id: object, client_ip: str) -> PlanContext:
    return plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_EDIT, client_ip=client_ip
    )


def change_record(
    session: Session,
    ctx: PlanContext,
    action: str,
    target_type: str,
    target_id: object,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """A change to the plan's content: a new version, a history entry, notifications, the audit trail."""
    ctx.plan.version += 1
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action=action,
        entity=target_type,
        entity_id=target_id,
        before=before,
        after=after,
    )
    if ctx.plan.status != PlanStatus.DRAFT.value:
        notify_plan_event(session, actor=ctx.actor, plan=ctx.plan, kind=Kind.PLAN_CHANGED)
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
    )


def next_position(session: Session, model: type[SQLModel], **where) -> int:
    stmt = select(sa.func.max(model.position))
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    current = session.exec(stmt).one()
    return (current if current is not None else -1) + 1


def plan_create(
    *, session: Session, actor: Actor | None, learner_id: object, client_ip: str = ""
) -> int:
    """Start a draft plan for a mentee in the current period, with the school's usual focus areas."""
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.PLAN_CREATE, LearnerRef(lid), client_ip=client_ip)
    learner = session.get(User, lid)
    if learner is None or learner.site_id != actor.site_id:
        raise NotFound("That learner does not exist.")
    period = period_current(session=session, site_id=actor.site_id)
    if period is None:
        raise ValidationFailed(MSG_NO_PERIOD)
    if session.exec(
        select(Plan.id).where(Plan.learner_id == lid, Plan.period_id == period.id)
    ).first():
        raise ValidationFailed(MSG_PLAN_EXISTS.format(period=period.name))
    plan = Plan(
        site_id=actor.site_id,
        learner_id=lid,
        period_id=period.id,
        status=PlanStatus.DRAFT.value,
        created_by_id=actor.user_id,
    )
    session.add(plan)
    session.flush()
    options = session.exec(
        select(FocusAreaOption)
        .where(FocusAreaOption.site_id == actor.site_id, ~FocusAreaOption.archived)
        .order_by(FocusAreaOption.position, FocusAreaOption.id)
        .limit(DEFAULT_FOCUS_AREAS)
    ).all()
    for position, option in enumerate(options):
        session.add(PlanFocusArea(plan_id=plan.id, name=option.name, position=position))
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="plan.create",
        target_type="plan",
        target_id=plan.id,
        client_ip=client_ip,
    )
    return plan.id


def plan_activate(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> None:
    """Share a draft plan with the learner and parents; tasks can be ticked from now on."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.PLAN_ACTIVATE,
        client_ip=client_ip,
    )
    check_transition(ctx.ref.status, PlanStatus.ACTIVE)
    has_goal = session.exec(select(Goal.id).where(Goal.plan_id == ctx.plan.id)).first()
    if not has_goal:
        raise ValidationFailed("Add at least one goal before sharing the plan.")
    ctx.plan.status = PlanStatus.ACTIVE.value
    ctx.plan.activated_at = datetime.now(UTC)
    change_record(
        session,
        ctx,
        "plan.activate",
        "plan",
        ctx.plan.id,
        before={"status": "draft"},
        after={"status": "active"},
    )


def focus_area_options(*, session: Session, actor: Actor | None) -> list[str]:
    """The school's catalogue of focus areas (names), for staff choosing one."""
    authorize(actor, Action.HOME_VIEW, Role.MENTOR)
    return list(
        session.exec(
            select(FocusAreaOption.name)
            .where(FocusAreaOption.site_id == actor.site_id, ~FocusAreaOption.archived)
            .order_by(FocusAreaOption.position, FocusAreaOption.id)
        ).all()
    )


def objective_options(*, session: Session, actor: Actor | None) -> list[LearningObjective]:
    """The school's current learning objectives (archived ones left out), for staff linking goals to them."""
    authorize(actor, Action.HOME_VIEW, Role.MENTOR)
    return list(
        session.exec(
            select(LearningObjective)
            .where(LearningObjective.site_id == actor.site_id, ~LearningObjective.archived)
            .order_by(LearningObjective.subject, LearningObjective.code)
        ).all()
    )


def focus_area_add(
    *, session: Session, actor: Actor | None, plan_id: object, name: object, client_ip: str = ""
) -> int:
    ctx = _edit(session, actor, plan_id, client_ip)
    clean = parse_text(name, field="Focus area", max_length=MAX_FOCUS_AREA)
    count = session.exec(
        select(sa.func.count())
        .select_from(PlanFocusArea)
        .where(PlanFocusArea.plan_id == ctx.plan.id)
    ).one()
    if count >= MAX_FOCUS_AREAS:
        raise ValidationFailed(MSG_TOO_MANY_AREAS)
    area = PlanFocusArea(
        plan_id=ctx.plan.id,
        name=clean,
        position=next_position(session, PlanFocusArea, plan_id=ctx.plan.id),
    )
    session.add(area)
    session.flush()
    change_record(
        session, ctx, "plan.focus_area_add", "focus_area", area.id, after={"name": area.name}
    )
    return area.id


def focus_area_rename(
    *,
    session: Session,
    actor: Actor | None,
    focus_area_id: object,
    name: object,
    client_ip: str = "",
) -> None:
    area, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanFocusArea,
        child_id=focus_area_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="focus area",
    )
    before = {"name": area.name}
    area.name = parse_text(name, field="Focus area", max_length=MAX_FOCUS_AREA)
    session.add(area)
    change_record(
        session,
        ctx,
        "plan.focus_area_rename",
        "focus_area",
        area.id,
        before=before,
        after={"name": area.name},
    )


def _swap(session: Session, model: type[SQLModel], row, direction: object, **scope) -> bool:
    """Move ``row`` one place up or down among its siblings; False when already at that end."""
    if direction not in ("up", "down"):
        raise ValidationFailed(MSG_WRONG_DIRECTION)
    stmt = select(model)
    for column, value in scope.items():
        stmt = stmt.where(getattr(model, column) == value)
    siblings = list(session.exec(stmt.order_by(model.position, model.id)).all())
    index = next(i for i, s in enumerate(siblings) if s.id == row.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
        session.add(sibling)
    return True


def focus_area_move(
    *,
    session: Session,
    actor: Actor | None,
    focus_area_id: object,
    direction: object,
    client_ip: str = "",
) -> None:
    area, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanFocusArea,
        child_id=focus_area_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="focus area",
    )
    if _swap(session, PlanFocusArea, area, direction, plan_id=ctx.plan.id):
        change_record(
            session,
            ctx,
            "plan.focus_area_move",
            "focus_area",
            area.id,
            after={"name": area.name, "moved": direction},
        )


def focus_area_delete(
    *, session: Session, actor: Actor | None, focus_area_id: object, client_ip: str = ""
) -> None:
    """Remove a focus area with its goals and tasks."""
    area, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanFocusArea,
        child_id=focus_area_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="focus area",
    )
    goal_ids = list(session.exec(select(Goal.id).where(Goal.focus_area_id == area.id)).all())
    goals_delete(session, goal_ids)
    session.delete(area)
    change_record(
        session, ctx, "plan.focus_area_delete", "focus_area", area.id, before={"name": area.name}
    )


def goals_delete(session: Session, goal_ids: list[int]) -> None:
    # Explicit deletes: SQLite only cascades with foreign keys on, and the ORM does not know the cascade.
    if not goal_ids:
        return
    evidence_purge(session, goal_ids=goal_ids)  # its files too, not only the rows
    task_ids = list(session.exec(select(Task.id).where(Task.goal_id.in_(goal_ids))).all())
    if task_ids:
        session.exec(sa.delete(TaskLink).where(TaskLink.task_id.in_(task_ids)))
        session.exec(sa.delete(Task).where(Task.id.in_(task_ids)))
    for model in (GoalObjective, GoalRating, Reflection):
        session.exec(sa.delete(model).where(model.goal_id.in_(goal_ids)))
    session.exec(sa.delete(Goal).where(Goal.id.in_(goal_ids)))


def _objective_ids(
    session: Session, actor: Actor, value: object, linked: frozenset[int] = frozenset()
) -> list[int]:
    """The objectives to link; an archived one only when the goal already links to it (``linked``)."""
    if value in (None, "", []):
        return []
    raw = value if isinstance(value, list) else [value]
    if len(raw) > MAX_OBJECTIVES_PER_GOAL:
        raise ValidationFailed(
            f"Link at most {MAX_OBJECTIVES_PER_GOAL} learning objectives to a goal."
        )
    ids = sorted({parse_id(v, what="learning objective") for v in raw})
    found = session.exec(
        select(LearningObjective.id, LearningObjective.archived).where(
            LearningObjective.id.in_(ids), LearningObjective.site_id == actor.site_id
        )
    ).all()
    if len(found) != len(ids):
        raise ValidationFailed("That learning objective does not exist.")
    if any(archived and oid not in linked for oid, archived in found):
        raise ValidationFailed(
            "That learning objective is archived and can no longer be linked to goals."
        )
    return ids


def _goal_fields(
    ctx: PlanContext, statement: object, success_criteria: object, target_date: object
) -> dict:
    return {
        "statement": parse_text(statement, field="Goal", max_length=MAX_GOAL_STATEMENT),
        "success_criteria": parse_text(
            success_criteria,
            field="What success looks like",
            max_length=MAX_SUCCESS_CRITERIA,
            required=False,
        ),
        "target_date": clean_date(
            target_date,
            field="Target date",
            starts_on=ctx.period.starts_on,
            ends_on=ctx.period.ends_on,
        ),
    }


def goal_add(
    *,
    session: Session,
    actor: Actor | None,
    focus_area_id: object,
    statement: object,
    success_criteria: object = "",
    target_date: object = "",
    objective_ids: object = None,
    client_ip: str = "",
) -> int:
    area, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanFocusArea,
        child_id=focus_area_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="focus area",
    )
    fields = _goal_fields(ctx, statement, success_criteria, target_date)
    objectives = _objective_ids(session, actor, objective_ids)
    goal = Goal(
        plan_id=ctx.plan.id,
        focus_area_id=area.id,
        position=next_position(session, Goal, focus_area_id=area.id),
        **fields,
    )
    session.add(goal)
    session.flush()
    for oid in objectives:
        session.add(GoalObjective(goal_id=goal.id, objective_id=oid))
    change_record(session, ctx, "plan.goal_add", "goal", goal.id, after=fields)
    return goal.id


def goal_edit(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: object,
    statement: object,
    success_criteria: object = "",
    target_date: object = "",
    objective_ids: object = None,
    client_ip: str = "",
) -> None:
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="goal",
    )
    fields = _goal_fields(ctx, statement, success_criteria, target_date)
    before = {key: getattr(goal, key) for key in fields}
    for key, value in fields.items():
        setattr(goal, key, value)
    goal.updated_at = datetime.now(UTC)
    session.add(goal)
    if objective_ids is not None:
        linked = frozenset(
            session.exec(
                select(GoalObjective.objective_id).where(GoalObjective.goal_id == goal.id)
            ).all()
        )
        objectives = _objective_ids(session, actor, objective_ids, linked)
        session.exec(sa.delete(GoalObjective).where(GoalObjective.goal_id == goal.id))
        for oid in objectives:
            session.add(GoalObjective(goal_id=goal.id, objective_id=oid))
    change_record(session, ctx, "plan.goal_edit", "goal", goal.id, before=before, after=fields)


def goal_move(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: object,
    direction: object,
    client_ip: str = "",
) -> None:
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="goal",
    )
    if _swap(session, Goal, goal, direction, focus_area_id=goal.focus_area_id):
        change_record(
            session,
            ctx,
            "plan.goal_move",
            "goal",
            goal.id,
            after={"goal": goal.statement, "moved": direction},
        )


def goal_delete(
    *, session: Session, actor: Actor | None, goal_id: object, client_ip: str = ""
) -> None:
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="goal",
    )
    goals_delete(session, [goal.id])
    change_record(
        session, ctx, "plan.goal_delete", "goal", goal.id, before={"statement": goal.statement}
    )


def task_add(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: object,
    title: object,
    due_date: object = "",
    client_ip: str = "",
) -> int:
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="goal",
    )
    task = Task(
        plan_id=ctx.plan.id,
        goal_id=goal.id,
        title=parse_text(title, field="Task", max_length=MAX_TASK_TITLE),
        due_date=clean_date(
            due_date, field="Due date", starts_on=ctx.period.starts_on, ends_on=ctx.period.ends_on
        ),
        position=next_position(session, Task, goal_id=goal.id),
    )
    session.add(task)
    session.flush()
    change_record(
        session,
        ctx,
        "plan.task_add",
        "task",
        task.id,
        after={"title": task.title, "due_date": task.due_date},
    )
    return task.id


def task_edit(
    *,
    session: Session,
    actor: Actor | None,
    task_id: object,
    title: object,
    due_date: object = "",
    client_ip: str = "",
) -> None:
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="task",
    )
    before = {"title": task.title, "due_date": task.due_date}
    task.title = parse_text(title, field="Task", max_length=MAX_TASK_TITLE)
    task.due_date = clean_date(
        due_date, field="Due date", starts_on=ctx.period.starts_on, ends_on=ctx.period.ends_on
    )
    session.add(task)
    change_record(
        session,
        ctx,
        "plan.task_edit",
        "task",
        task.id,
        before=before,
        after={"title": task.title, "due_date": task.due_date},
    )


def task_move(
    *,
    session: Session,
    actor: Actor | None,
    task_id: object,
    direction: object,
    client_ip: str = "",
) -> None:
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="task",
    )
    if _swap(session, Task, task, direction, goal_id=task.goal_id):
        change_record(
            session,
            ctx,
            "plan.task_move",
            "task",
            task.id,
            after={"task": task.title, "moved": direction},
        )


def task_delete(
    *, session: Session, actor: Actor | None, task_id: object, client_ip: str = ""
) -> None:
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="task",
    )
    session.exec(sa.delete(TaskLink).where(TaskLink.task_id == task.id))
    session.delete(task)
    change_record(session, ctx, "plan.task_delete", "task", task.id, before={"title": task.title})


def link_add(
    *,
    session: Session,
    actor: Actor | None,
    task_id: object,
    title: object,
    url: object,
    client_ip: str = "",
) -> int:
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="task",
    )
    link = TaskLink(
        task_id=task.id,
        plan_id=ctx.plan.id,
        title=parse_text(title, field="Link title", max_length=MAX_LINK_TITLE),
        url=clean_url(url),
    )
    session.add(link)
    session.flush()
    change_record(
        session, ctx, "plan.link_add", "link", link.id, after={"title": link.title, "url": link.url}
    )
    return link.id


def link_delete(
    *, session: Session, actor: Actor | None, link_id: object, client_ip: str = ""
) -> None:
    link, ctx = child_load(
        session=session,
        actor=actor,
        model=TaskLink,
        child_id=link_id,
        action=Action.PLAN_EDIT,
        client_ip=client_ip,
        what="link",
    )
    session.delete(link)
    change_record(
        session,
        ctx,
        "plan.link_delete",
        "link",
        link.id,
        before={"title": link.title, "url": link.url},
    )
