"""Reads of plans, shaped for the person looking: what they may see, and what they may do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ilp_app.db.models import (
    AssignmentRule,
    Goal,
    GoalObjective,
    GoalRating,
    LearningObjective,
    Period,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    PlanNote,
    Reflection,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.agenda import agenda_key, due_of
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, LearnerRef, NoteRef, StaffRef, can
from ilp_app.domain.plans import (
    PLAN_KIND_LEARNER,
    PLAN_KIND_STAFF,
    NoteVisibility,
    PlanStatus,
    TaskStatus,
    progress_of,
)
from ilp_app.domain.projection import goal_outlook
from ilp_app.domain.roles import Role
from ilp_app.i18n.formatting import format_day, format_moment
from ilp_app.services.guard import authorize
from ilp_app.services.plans.handover import HandoverView, handover_notes
from ilp_app.services.plans.history import AcknowledgementView, plan_acknowledgements
from ilp_app.services.plans.learner_context import visible_pronouns
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_access import plan_load, plan_ref
from ilp_app.services.plans.proposal_read import (
    ProposalView,
    added_by_names,
    own_tasks_wait,
    proposal_views,
)
from ilp_app.services.school.relationships import why_lines, why_text
from ilp_app.settings import get_settings


def _when(value: datetime | None) -> str:
    return format_moment(value)


def _utc_day(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


@dataclass
class LinkView:
    id: int
    title: str
    url: str


@dataclass
class TaskView:
    id: int
    goal_id: int
    title: str
    due_date: str
    status: str
    status_label: str
    changed_by: str
    changed_at: str  # as the reader reads it
    links: list[LinkView] = field(default_factory=list)
    carried: bool = False
    carry_reason: str = ""
    added_by: str = ""  # the first name of the learner who added it
    changed_on: str = ""  # the day of the change (ISO, UTC): the goal's outlook counts by it


@dataclass
class ObjectiveView:
    id: int
    code: str
    statement: str


@dataclass
class RatingView:
    kind: str
    score: int
    rater: str
    rated_at: str  # as the reader reads it
    rated_on: str = ""  # ISO day (UTC), for the outlook
    how_got_here: str = ""
    next_step: str = ""


@dataclass
class ReflectionView:
    id: int
    author: str
    body: str
    created_at: str


@dataclass
class GoalView:
    id: int
    focus_area_id: int
    statement: str
    success_criteria: str
    target_date: str
    self_rating: int
    mentor_rating: int
    completed: int
    total: int
    percent: int
    carried_from_plan_id: int = 0
    carried_from_period: str = ""
    outlook: str = "unknown"  # on_track | behind | unknown (see domain.projection)
    outlook_label: str = ""
    added_by: str = ""  # the first name of the learner whose proposal it was
    # With the latest self-assessment, when it was low: how they got there, and what next.
    self_how: str = ""
    self_next: str = ""
    objectives: list[ObjectiveView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    ratings: list[RatingView] = field(default_factory=list)
    reflections: list[ReflectionView] = field(default_factory=list)


@dataclass
class FocusAreaView:
    id: int
    name: str
    completed: int
    total: int
    percent: int
    goals: list[GoalView] = field(default_factory=list)


@dataclass
class NoteView:
    id: int
    author: str
    body: str
    visibility: str
    visibility_label: str
    created_at: str
    can_edit: bool


@dataclass
class LogView:
    id: int
    author: str
    body: str
    created_at: str


@dataclass
class Capabilities:
    edit: bool = False
    activate: bool = False
    tick: bool = False
    reflect: bool = False
    rate_self: bool = False
    rate_mentor: bool = False
    post: bool = False
    write_note: bool = False
    acknowledge: bool = False
    next_period: bool = False
    propose: bool = False
    handover: bool = False


@dataclass
class PlanView:
    id: int
    learner_id: int
    learner_name: str
    learner_pronouns: str
    period_name: str
    period_starts: str
    period_ends: str
    status: str
    status_label: str
    completed: int
    ongoing: int
    not_started: int
    total: int
    percent: int
    can: Capabilities
    version: int = 1
    acknowledged_current: bool = False
    previous_plan_id: int = 0
    focus_areas: list[FocusAreaView] = field(default_factory=list)
    acknowledgements: list[AcknowledgementView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)
    log: list[LogView] = field(default_factory=list)
    proposals: list[ProposalView] = field(default_factory=list)
    own_tasks_wait: bool = True  # whether a learner's own task waits for the mentor
    # For staff: why they can see this learner's plan; empty for the learner and parents.
    why: str = ""
    # For staff: the school's rule that made this plan, when a rule made it.
    made_by_rule: str = ""
    # A staff member's own plan (``learner_id`` is then the staff member): no learner context,
    # reviews or families beside it.
    staff: bool = False
    # Handover notes from the learner's earlier mentors, pinned first (staff only).
    handovers: list[HandoverView] = field(default_factory=list)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    ids.discard(None)
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


def _capabilities(actor: Actor, ref) -> Capabilities:
    return Capabilities(
        edit=can(actor, Action.PLAN_EDIT, ref),
        activate=can(actor, Action.PLAN_ACTIVATE, ref),
        tick=can(actor, Action.TASK_PROGRESS, ref),
        reflect=can(actor, Action.REFLECTION_WRITE, ref),
        rate_self=can(actor, Action.RATING_SELF, ref),
        rate_mentor=can(actor, Action.RATING_MENTOR, ref),
        post=can(actor, Action.LOG_POST, ref),
        write_note=can(actor, Action.NOTE_WRITE, ref),
        acknowledge=can(actor, Action.PLAN_ACKNOWLEDGE, ref),
        next_period=can(actor, Action.PLAN_NEXT_PERIOD, ref),
        propose=can(actor, Action.PROPOSAL_CREATE, ref),
        handover=can(actor, Action.HANDOVER_WRITE, ref),
    )


def plan_view(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> PlanView:
    """The whole plan as ``actor`` may see it; notes they may not see are never loaded into it."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    plan, pid = ctx.plan, ctx.plan.id
    areas = session.exec(
        select(PlanFocusArea)
        .where(PlanFocusArea.plan_id == pid)
        .order_by(PlanFocusArea.position, PlanFocusArea.id)
    ).all()
    goals = session.exec(
        select(Goal).where(Goal.plan_id == pid).order_by(Goal.position, Goal.id)
    ).all()
    tasks = session.exec(
        select(Task).where(Task.plan_id == pid).order_by(Task.position, Task.id)
    ).all()
    links = session.exec(
        select(TaskLink).where(TaskLink.plan_id == pid).order_by(TaskLink.id)
    ).all()
    ratings = session.exec(
        select(GoalRating)
        .where(GoalRating.plan_id == pid)
        .order_by(GoalRating.rated_at, GoalRating.id)
    ).all()
    reflections = session.exec(
        select(Reflection)
        .where(Reflection.plan_id == pid)
        .order_by(Reflection.created_at.desc(), Reflection.id.desc())
    ).all()
    log = session.exec(
        select(PlanLogEntry)
        .where(PlanLogEntry.plan_id == pid)
        .order_by(PlanLogEntry.created_at, PlanLogEntry.id)
    ).all()
    notes = [
        n
        for n in session.exec(
            select(PlanNote)
            .where(PlanNote.plan_id == pid)
            .order_by(PlanNote.created_at.desc(), PlanNote.id.desc())
        ).all()
        if not n.handover  # pinned apart, see handover_notes
        and can(
            actor,
            Action.NOTE_VIEW,
            NoteRef(
                plan.learner_id, n.author_id, NoteVisibility(n.visibility), staff=ctx.ref.staff
            ),
        )
    ]
    objectives = defaultdict(list)
    goal_ids = [g.id for g in goals]
    if goal_ids:
        for goal_id, obj in session.exec(
            select(GoalObjective.goal_id, LearningObjective)
            .join(LearningObjective, LearningObjective.id == GoalObjective.objective_id)
            .where(GoalObjective.goal_id.in_(goal_ids))
            .order_by(LearningObjective.code)
        ).all():
            objectives[goal_id].append(
                ObjectiveView(id=obj.id, code=obj.code, statement=obj.statement)
            )

    names = _names(
        session,
        {
            plan.learner_id,
            *(t.status_changed_by_id for t in tasks),
            *(r.rater_id for r in ratings),
            *(r.author_id for r in reflections),
            *(e.author_id for e in log),
            *(n.author_id for n in notes),
        },
    )
    learner = session.get(User, plan.learner_id)
    adders = added_by_names(
        session, {t.added_by_id for t in tasks} | {g.added_by_id for g in goals}
    )

    links_by_task = defaultdict(list)
    for link in links:
        links_by_task[link.task_id].append(LinkView(id=link.id, title=link.title, url=link.url))
    tasks_by_goal = defaultdict(list)
    for t in tasks:
        status = TaskStatus(t.status)
        tasks_by_goal[t.goal_id].append(
            TaskView(
                id=t.id,
                goal_id=t.goal_id,
                title=t.title,
                due_date=_day(t.due_date),
                status=status.value,
                status_label=status.label,
                changed_by=names.get(t.status_changed_by_id, ""),
                changed_at=_when(t.status_changed_at),
                changed_on=_utc_day(t.status_changed_at),
                links=links_by_task[t.id],
                carried=t.carried_from_task_id is not None,
                carry_reason=t.carry_reason,
                added_by=adders.get(t.added_by_id, ""),
            )
        )
    ratings_by_goal = defaultdict(list)
    for r in ratings:
        ratings_by_goal[r.goal_id].append(
            RatingView(
                kind=r.kind,
                score=r.score,
                rater=names.get(r.rater_id, ""),
                rated_at=_when(r.rated_at),
                how_got_here=r.how_got_here,
                next_step=r.next_step,
                rated_on=_utc_day(r.rated_at),
            )
        )
    reflections_by_goal = defaultdict(list)
    for r in reflections:
        reflections_by_goal[r.goal_id].append(
            ReflectionView(
                id=r.id,
                author=names.get(r.author_id, ""),
                body=r.body,
                created_at=_when(r.created_at),
            )
        )

    def latest(goal_id: int, kind: str) -> int:
        scores = [r.score for r in ratings_by_goal[goal_id] if r.kind == kind]
        return scores[-1] if scores else 0

    def latest_self(goal_id: int) -> RatingView | None:
        own = [r for r in ratings_by_goal[goal_id] if r.kind == "self"]
        return own[-1] if own else None

    origins = _goal_origins(
        session, [g.carried_from_goal_id for g in goals if g.carried_from_goal_id]
    )
    completions = defaultdict(list)
    for t in tasks:
        if t.status == TaskStatus.COMPLETED.value and t.status_changed_at:
            completions[t.goal_id].append(t.status_changed_at.date())
    goals_by_area = defaultdict(list)
    for g in goals:
        p = progress_of(t.status for t in tasks_by_goal[g.id])
        outlook = goal_outlook(
            completions=completions[g.id],
            total_tasks=p.total,
            ratings=[(r.rated_at.date(), r.score) for r in ratings if r.goal_id == g.id],
            target=g.target_date or ctx.period.ends_on,
        )
        goals_by_area[g.focus_area_id].append(
            GoalView(
                id=g.id,
                focus_area_id=g.focus_area_id,
                statement=g.statement,
                success_criteria=g.success_criteria,
                target_date=_day(g.target_date),
                self_rating=latest(g.id, "self"),
                mentor_rating=latest(g.id, "mentor"),
                completed=p.completed,
                total=p.total,
                percent=p.percent,
                objectives=objectives[g.id],
                carried_from_plan_id=origins.get(g.carried_from_goal_id, (0, ""))[0],
                carried_from_period=origins.get(g.carried_from_goal_id, (0, ""))[1],
                outlook=outlook.value,
                outlook_label=outlook.label,
                added_by=adders.get(g.added_by_id, ""),
                self_how=getattr(latest_self(g.id), "how_got_here", ""),
                self_next=getattr(latest_self(g.id), "next_step", ""),
                tasks=tasks_by_goal[g.id],
                ratings=ratings_by_goal[g.id],
                reflections=reflections_by_goal[g.id],
            )
        )
    area_views = []
    for a in areas:
        p = progress_of(t.status for g in goals_by_area[a.id] for t in g.tasks)
        area_views.append(
            FocusAreaView(
                id=a.id,
                name=a.name,
                completed=p.completed,
                total=p.total,
                percent=p.percent,
                goals=goals_by_area[a.id],
            )
        )
    overall = progress_of(t.status for t in tasks)
    status = PlanStatus(plan.status)
    caps = _capabilities(actor, ctx.ref)
    return PlanView(
        id=plan.id,
        learner_id=plan.learner_id,
        learner_name=learner.display_name if learner else "",
        learner_pronouns=visible_pronouns(
            actor,
            learner_id=plan.learner_id,
            pronouns=learner.pronouns,
            visibility=learner.pronouns_visibility,
        )
        if learner
        else "",
        period_name=ctx.period.name,
        period_starts=_day(ctx.period.starts_on),
        period_ends=_day(ctx.period.ends_on),
        status=status.value,
        status_label=status.label,
        completed=overall.completed,
        ongoing=overall.ongoing,
        not_started=overall.not_started,
        total=overall.total,
        percent=overall.percent,
        can=caps,
        focus_areas=area_views,
        version=plan.version,
        previous_plan_id=plan.previous_plan_id or 0,
        acknowledgements=(acks := plan_acknowledgements(session=session, plan=ctx)),
        acknowledged_current=any(a.current and a.user_id == actor.user_id for a in acks),
        notes=[
            NoteView(
                id=n.id,
                author=names.get(n.author_id, ""),
                body=n.body,
                visibility=n.visibility,
                visibility_label=NoteVisibility(n.visibility).label,
                created_at=_when(n.created_at),
                can_edit=n.author_id == actor.user_id and caps.write_note,
            )
            for n in notes
        ],
        log=[
            LogView(
                id=e.id,
                author=names.get(e.author_id, ""),
                body=e.body,
                created_at=_when(e.created_at),
            )
            for e in log
        ],
        proposals=proposal_views(session, ctx),
        own_tasks_wait=own_tasks_wait(session, plan.site_id),
        why=_staff_why(actor, plan.learner_id)
        if ctx.ref.staff
        else why_text(
            why_lines(session=session, actor=actor, learner_ids=[plan.learner_id]).get(
                plan.learner_id, []
            )
        ),
        made_by_rule=_rule_name(session, actor, plan),
        staff=ctx.ref.staff,
        handovers=handover_notes(session=session, ctx=ctx),
    )


def _rule_name(session: Session, actor: Actor, plan: Plan) -> str:
    """The name of the rule that made the plan, for the school's staff (families never see it)."""
    if plan.rule_id is None:
        return ""
    if not (actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(plan.learner_id)):
        return ""
    rule = session.get(AssignmentRule, plan.rule_id)
    return rule.name if rule is not None else ""


def _staff_why(actor: Actor, staff_id: int) -> str:
    if actor.supervises(staff_id):
        return "You are their supervisor."
    if actor.user_id == staff_id:
        return ""
    return "You read this staff plan for support; the read is recorded."


def _goal_origins(session: Session, goal_ids: list[int]) -> dict[int, tuple[int, str]]:
    """For goals carried from earlier plans: their earlier plan and its period's name."""
    if not goal_ids:
        return {}
    rows = session.exec(
        select(Goal.id, Plan.id, Period.name)
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Period, Period.id == Plan.period_id)
        .where(Goal.id.in_(goal_ids))
    ).all()
    return {gid: (pid, pname) for gid, pid, pname in rows}


@dataclass(frozen=True)
class PlanSummary:
    plan_id: int
    learner_id: int
    period_name: str
    status: str
    status_label: str
    completed: int
    total: int
    percent: int


def plan_summaries(
    *, session: Session, learner_ids: list[int], period_id: int | None = None
) -> dict[int, PlanSummary]:
    """Per learner, their plan for ``period_id`` (all periods' latest when None). Callers authorise first."""
    if not learner_ids:
        return {}
    stmt = (
        select(Plan, Period)
        .join(Period, Period.id == Plan.period_id)
        .where(Plan.learner_id.in_(learner_ids), Plan.kind == PLAN_KIND_LEARNER)
    )
    if period_id is not None:
        stmt = stmt.where(Plan.period_id == period_id)
    rows = session.exec(stmt.order_by(Period.starts_on)).all()
    plan_ids = [p.id for p, _ in rows]
    statuses = defaultdict(list)
    if plan_ids:
        for plan_id, status in session.exec(
            select(Task.plan_id, Task.status).where(Task.plan_id.in_(plan_ids))
        ).all():
            statuses[plan_id].append(status)
    result = {}
    for plan, period in rows:
        p = progress_of(statuses[plan.id])
        st = PlanStatus(plan.status)
        result[plan.learner_id] = PlanSummary(
            plan_id=plan.id,
            learner_id=plan.learner_id,
            period_name=period.name,
            status=st.value,
            status_label=st.label,
            completed=p.completed,
            total=p.total,
            percent=p.percent,
        )
    return result


@dataclass(frozen=True)
class PlanListItem:
    plan_id: int
    period_name: str
    period_starts: str
    status: str
    status_label: str


def plans_of_learner(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str = "",
    staff: bool = False,
) -> list[PlanListItem]:
    """Every plan of a learner the actor may see, newest period first.

    With ``staff``, the staff plans of a member of staff instead (for them, their supervisor
    and administrators); a learner's list never holds a staff plan, nor the other way round.
    """
    lid = parse_id(learner_id, what="learner")
    if staff:
        authorize(actor, Action.STAFF_PLANS_VIEW, StaffRef(lid), client_ip=client_ip)
    else:
        authorize(actor, Action.LEARNER_VIEW, LearnerRef(lid), client_ip=client_ip)
    kind = PLAN_KIND_STAFF if staff else PLAN_KIND_LEARNER
    rows = session.exec(
        select(Plan, Period)
        .join(Period, Period.id == Plan.period_id)
        .where(Plan.learner_id == lid, Plan.kind == kind)
        .order_by(Period.starts_on.desc())
    ).all()
    return [
        PlanListItem(
            plan_id=p.id,
            period_name=per.name,
            period_starts=_day(per.starts_on),
            status=p.status,
            status_label=PlanStatus(p.status).label,
        )
        for p, per in rows
        if can(
            actor,
            Action.PLAN_VIEW,
            plan_ref(p),
        )
    ]


def plan_current_id(
    *, session: Session, actor: Actor | None, learner_id: object, client_ip: str = ""
) -> int:
    """The plan of a learner to show first: the active one (the newest), else the current period's, else the latest."""
    plans = plans_of_learner(
        session=session, actor=actor, learner_id=learner_id, client_ip=client_ip
    )
    if not plans:
        return 0
    active = [p for p in plans if p.status == PlanStatus.ACTIVE.value]
    if active:
        return active[0].plan_id
    current = period_current(session=session, site_id=actor.site_id)
    for item in plans:
        if current is not None and item.period_starts == _day(current.starts_on):
            return item.plan_id
    return plans[0].plan_id


def apply_tick(plan: PlanView, tick) -> bool:
    """Update a plan view in place after a tick (a ``plan_activity.TickResult``) and recount progress.

    Returns False when the task is not in the view (the caller then reloads the whole plan).
    """
    found = False
    for area in plan.focus_areas:
        for goal in area.goals:
            for task in goal.tasks:
                if task.id == tick.task_id:
                    task.status, task.status_label = tick.status.value, tick.status.label
                    task.changed_by, task.changed_at = tick.changed_by, _when(tick.changed_at)
                    task.changed_on = _utc_day(tick.changed_at)
                    found = True
            p = progress_of(t.status for t in goal.tasks)
            goal.completed, goal.total, goal.percent = p.completed, p.total, p.percent
            outlook = goal_outlook(
                completions=[
                    date.fromisoformat(t.changed_on)
                    for t in goal.tasks
                    if t.status == TaskStatus.COMPLETED.value and t.changed_on
                ],
                total_tasks=p.total,
                ratings=[
                    (date.fromisoformat(r.rated_on), r.score) for r in goal.ratings if r.rated_on
                ],
                target=date.fromisoformat(goal.target_date or plan.period_ends),
            )
            goal.outlook, goal.outlook_label = outlook.value, outlook.label
        p = progress_of(t.status for g in area.goals for t in g.tasks)
        area.completed, area.total, area.percent = p.completed, p.total, p.percent
    p = progress_of(t.status for a in plan.focus_areas for g in a.goals for t in g.tasks)
    plan.completed, plan.ongoing, plan.not_started, plan.total, plan.percent = (
        p.completed,
        p.ongoing,
        p.not_started,
        p.total,
        p.percent,
    )
    return found


@dataclass
class AgendaTask:
    """One unfinished task on the learner's "My tasks" list."""

    id: int
    goal_id: int
    goal: str
    title: str
    status: str
    status_label: str
    due_text: str
    overdue: bool
    first_of_goal: bool = False  # when grouped by goal: the goal's name is shown above it


def school_today() -> date:
    """Today's date where the school is (``ILP_SCHOOL_TIMEZONE``)."""
    return datetime.now(ZoneInfo(get_settings().school_timezone)).date()


def task_agenda(plan: PlanView | None, today: date, *, by_goal: bool = False) -> list[AgendaTask]:
    """The plan's unfinished tasks, overdue first and then by what is due next
    (``by_goal``: the same, goal by goal in plan order)."""
    if plan is None:
        return []
    found = []
    goal_rank: dict[int, int] = {}
    for area in plan.focus_areas:
        for goal in area.goals:
            goal_rank[goal.id] = len(goal_rank)
            for task in goal.tasks:
                if task.status == TaskStatus.COMPLETED.value:
                    continue
                due = due_of(
                    date.fromisoformat(task.due_date) if task.due_date else None,
                    today,
                    write_day=format_day,
                )
                row = AgendaTask(
                    id=task.id,
                    goal_id=goal.id,
                    goal=goal.statement,
                    title=task.title,
                    status=task.status,
                    status_label=task.status_label,
                    due_text=due.text,
                    overdue=due.overdue,
                )
                found.append((agenda_key(due, len(found)), row))
    found.sort(key=lambda item: ((goal_rank[item[1].goal_id],) if by_goal else ()) + item[0])
    rows = [row for _, row in found]
    if by_goal:
        for before, row in zip([None, *rows], rows, strict=False):
            row.first_of_goal = before is None or before.goal_id != row.goal_id
    return rows
