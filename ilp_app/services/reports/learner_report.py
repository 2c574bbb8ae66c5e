"""One learner across periods: past plans and what they achieved, the plan now, and what lies ahead.

For the learner, their parents, their mentors and teachers, and administrators (support reads
are recorded). Plans come in only when the viewer may read them (families never see a draft);
notes, reflections and log posts are counted at most, never shown. A fixed handful of queries
serves any number of plans: per-plan figures come from grouped queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    GoalRating,
    Period,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    Reflection,
    Review,
    RoleGrant,
    Task,
    User,
)
from ilp_app.domain import learner_report as rules
from ilp_app.domain.errors import NotFound
from ilp_app.domain.learner_report import (
    Achievement,
    GoalAhead,
    GoalFact,
    PeriodBar,
    PlanFact,
    RatingFact,
    RatingSeries,
    WeekActivity,
)
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import (
    Action,
    Actor,
    LearnerRef,
    PlanRef,
    can,
    is_support_read,
)
from ilp_app.domain.plans import PlanStatus, Progress, TaskStatus
from ilp_app.domain.projection import Outlook
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.reviews.review_model import ReviewStatus, school_tz

MSG_LEARNER_NOT_FOUND = "That learner does not exist."
UPCOMING_REVIEWS_SHOWN = 5


@dataclass
class PeriodRow:
    plan_id: int
    period_name: str
    starts_on: str
    ends_on: str
    when: str  # past | current | next (see domain.learner_report.When)
    when_label: str
    status: str
    status_label: str
    goals: int
    goals_achieved: int
    completed: int
    total: int
    percent: int
    achievements: list[Achievement] = field(default_factory=list)  # for locked plans only


@dataclass
class PresentView:
    plan_id: int
    period_name: str
    starts_on: str
    ends_on: str
    status: str
    status_label: str
    goals: int
    completed: int
    ongoing: int
    not_started: int
    total: int
    percent: int
    goals_on_track: int
    goals_behind: int


@dataclass
class ReviewAhead:
    review_id: int
    starts_at: str  # "2026-10-14 13:30 UTC"
    location: str
    online_url: str


@dataclass
class LearnerOverview:
    learner_id: int
    learner_name: str
    periods: list[PeriodRow]  # newest period first
    present: PresentView | None
    goals_ahead: list[GoalAhead]
    reviews_ahead: list[ReviewAhead]
    task_bars: list[PeriodBar]  # oldest period first, as a chart reads
    tasks_summary: str
    rating_series: list[RatingSeries]
    activity: list[WeekActivity]
    activity_period: str
    activity_summary: str


def _learner(session: Session, actor: Actor, lid: int) -> User:
    learner = session.get(User, lid)
    is_learner = (
        learner is not None
        and session.exec(
            select(RoleGrant.id).where(
                RoleGrant.user_id == lid, RoleGrant.role == Role.LEARNER.value
            )
        ).first()
    )
    if not is_learner or learner.site_id != actor.site_id:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    return learner


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(UTC).date() if moment else None


def learner_overview(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> LearnerOverview:
    """Every plan of a learner the viewer may read, the plan now, goals and reviews ahead, and chart data.

    Raises:
        NotSignedIn, PermissionDenied: the viewer may not see this learner (audited).
        ValidationFailed: ``learner_id`` is not an id.
        NotFound: no such learner at the viewer's school.
    """
    if actor is None:
        authorize(actor, Action.LEARNER_VIEW, None, client_ip=client_ip)
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.LEARNER_VIEW, LearnerRef(lid), client_ip=client_ip)
    learner = _learner(session, actor, lid)
    if is_support_read(actor, lid):
        # Administrators read learners for support only; every such read is on record.
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="learner.overview_as_admin",
            target_type="learner",
            target_id=lid,
            client_ip=client_ip,
        )
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date()

    rows = session.exec(
        select(Plan.id, Plan.status, Period.id, Period.name, Period.starts_on, Period.ends_on)
        .join(Period, Period.id == Plan.period_id)
        # A learner's record: a staff member's own plans are never part of it.
        .where(Plan.learner_id == lid, Plan.site_id == actor.site_id, Plan.kind == "learner")
        .order_by(Period.starts_on, Plan.id)
    ).all()
    plans = [
        _PlanRow(*r)
        for r in rows
        if can(actor, Action.PLAN_VIEW, PlanRef(r[0], lid, PlanStatus(r[1])))
    ]
    by_id = {p.id: p for p in plans}
    plan_ids = [p.id for p in plans]
    current = period_current(session=session, site_id=actor.site_id, today=today)

    goals = _goals(session, plan_ids)
    ratings = _ratings(session, plan_ids)
    done_by_goal, done_by_plan = _completions(session, plan_ids)
    progress = {g.id: p for g, p in zip(goals, _progress(session, plan_ids, goals), strict=True)}
    goals_by_plan: dict[int, list[GoalFact]] = defaultdict(list)
    for g in goals:
        goals_by_plan[g.plan_id].append(g)
    plan_progress = {
        pid: rules.progress_sum(progress[g.id] for g in goals_by_plan[pid]) for pid in plan_ids
    }
    # A goal without a date of its own is due when its period ends (as on the plan page).
    targeted = [replace(g, target_date=g.target_date or by_id[g.plan_id].ends_on) for g in goals]
    outlook = rules.outlooks(targeted, progress, completions=done_by_goal, ratings=ratings)

    period_rows = [
        _period_row(p, goals_by_plan[p.id], plan_progress[p.id], progress, ratings, current)
        for p in plans
    ]
    present = by_id.get(
        rules.present_plan_id(
            [
                PlanFact(id=p.id, status=p.status, period_id=p.period_id, starts_on=p.starts_on)
                for p in plans
            ],
            current.id if current else None,
        )
    )
    open_goals = [g for g in targeted if by_id[g.plan_id].status != PlanStatus.LOCKED.value]
    bars = [
        PeriodBar(
            plan_id=p.id,
            label=p.name,
            completed=plan_progress[p.id].completed,
            total=plan_progress[p.id].total,
            percent=plan_progress[p.id].percent,
        )
        for p in plans
    ]
    activity = []
    if present is not None:
        activity = rules.weekly_activity(
            starts_on=present.starts_on,
            ends_on=present.ends_on,
            today=today,
            completions=done_by_plan.get(present.id, []),
            reflections=_days(session, Reflection, present.id),
            log_entries=_days(session, PlanLogEntry, present.id),
        )
    return LearnerOverview(
        learner_id=lid,
        learner_name=learner.display_name,
        periods=period_rows[::-1],
        present=_present(present, goals_by_plan, plan_progress, outlook) if present else None,
        goals_ahead=rules.goals_ahead(open_goals, progress, outlook, today=today),
        reviews_ahead=_reviews_ahead(session, actor, lid, now),
        task_bars=bars,
        tasks_summary=rules.tasks_summary(bars),
        rating_series=rules.rating_series(goals, ratings),
        activity=activity,
        activity_period=present.name if present else "",
        activity_summary=rules.activity_summary(activity, present.name) if present else "",
    )


@dataclass(frozen=True)
class _PlanRow:
    id: int
    status: str
    period_id: int
    name: str
    starts_on: date
    ends_on: date


def _period_row(
    plan: _PlanRow,
    goals: list[GoalFact],
    total: Progress,
    progress: dict[int, Progress],
    ratings: list[RatingFact],
    current: Period | None,
) -> PeriodRow:
    when = rules.period_when(plan.starts_on, current.starts_on if current else None)
    status = PlanStatus(plan.status)
    own = {g.id for g in goals}
    achieved = rules.achievements(goals, progress, [r for r in ratings if r.goal_id in own])
    return PeriodRow(
        plan_id=plan.id,
        period_name=plan.name,
        starts_on=plan.starts_on.isoformat(),
        ends_on=plan.ends_on.isoformat(),
        when=when.value,
        when_label=when.label,
        status=status.value,
        status_label=status.label,
        goals=len(goals),
        goals_achieved=sum(a.achieved for a in achieved),
        completed=total.completed,
        total=total.total,
        percent=total.percent,
        achievements=achieved if status is PlanStatus.LOCKED else [],
    )


def _present(
    plan: _PlanRow,
    goals_by_plan: dict[int, list[GoalFact]],
    plan_progress: dict[int, Progress],
    outlook: dict[int, Outlook],
) -> PresentView:
    own = [outlook[g.id] for g in goals_by_plan[plan.id]]
    p, status = plan_progress[plan.id], PlanStatus(plan.status)
    return PresentView(
        plan_id=plan.id,
        period_name=plan.name,
        starts_on=plan.starts_on.isoformat(),
        ends_on=plan.ends_on.isoformat(),
        status=status.value,
        status_label=status.label,
        goals=len(own),
        completed=p.completed,
        ongoing=p.ongoing,
        not_started=p.not_started,
        total=p.total,
        percent=p.percent,
        goals_on_track=own.count(Outlook.ON_TRACK),
        goals_behind=own.count(Outlook.BEHIND),
    )


def _goals(session: Session, plan_ids: list[int]) -> list[GoalFact]:
    """The goals of the plans, oldest plan first, each plan in the order its page shows them."""
    if not plan_ids:
        return []
    rows = session.exec(
        select(
            Goal.id,
            Goal.plan_id,
            Goal.statement,
            Goal.target_date,
            Goal.carried_from_goal_id,
            PlanFocusArea.position,
            Goal.position,
        )
        .join(PlanFocusArea, PlanFocusArea.id == Goal.focus_area_id)
        .where(Goal.plan_id.in_(plan_ids))
    ).all()
    rank = {pid: i for i, pid in enumerate(plan_ids)}
    rows = sorted(rows, key=lambda r: (rank[r[1]], r[5], r[6], r[0]))
    return [
        GoalFact(id=r[0], plan_id=r[1], statement=r[2], target_date=r[3], carried_from_id=r[4])
        for r in rows
    ]


def _progress(session: Session, plan_ids: list[int], goals: list[GoalFact]) -> list[Progress]:
    """Each goal's progress, from task counts per goal and status."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if plan_ids:
        for goal_id, status, n in session.exec(
            select(Task.goal_id, Task.status, sa.func.count(Task.id))
            .where(Task.plan_id.in_(plan_ids))
            .group_by(Task.goal_id, Task.status)
        ).all():
            counts[goal_id][status] = n
    return [rules.progress_from_counts(counts[g.id]) for g in goals]


def _ratings(session: Session, plan_ids: list[int]) -> list[RatingFact]:
    if not plan_ids:
        return []
    return [
        RatingFact(goal_id=g, kind=k, score=s, on=_day(at))
        for g, k, s, at in session.exec(
            select(GoalRating.goal_id, GoalRating.kind, GoalRating.score, GoalRating.rated_at)
            .where(GoalRating.plan_id.in_(plan_ids))
            .order_by(GoalRating.rated_at, GoalRating.id)
        ).all()
    ]


def _completions(
    session: Session, plan_ids: list[int]
) -> tuple[dict[int, list[date]], dict[int, list[date]]]:
    """The days tasks were completed: per goal, and per plan."""
    by_goal: dict[int, list[date]] = defaultdict(list)
    by_plan: dict[int, list[date]] = defaultdict(list)
    if plan_ids:
        for plan_id, goal_id, at in session.exec(
            select(Task.plan_id, Task.goal_id, Task.status_changed_at).where(
                Task.plan_id.in_(plan_ids),
                Task.status == TaskStatus.COMPLETED.value,
                Task.status_changed_at.is_not(None),
            )
        ).all():
            by_goal[goal_id].append(_day(at))
            by_plan[plan_id].append(_day(at))
    return by_goal, by_plan


def _days(session: Session, model, plan_id: int) -> list[date]:
    """The days something was written in a plan (only when, never what)."""
    return [
        _day(at)
        for at in session.exec(select(model.created_at).where(model.plan_id == plan_id)).all()
    ]


def _reviews_ahead(session: Session, actor: Actor, lid: int, now: datetime) -> list[ReviewAhead]:
    if not can(actor, Action.REVIEW_VIEW, LearnerRef(lid)):
        return []
    reviews = session.exec(
        select(Review)
        .where(
            Review.learner_id == lid,
            Review.site_id == actor.site_id,
            Review.status == ReviewStatus.SCHEDULED.value,
            Review.starts_at >= now,
        )
        .order_by(Review.starts_at, Review.id)
        .limit(UPCOMING_REVIEWS_SHOWN)
    ).all()
    return [
        ReviewAhead(
            review_id=r.id,
            starts_at=f"{r.starts_at.astimezone(school_tz()):%Y-%m-%d %H:%M} "
            f"{r.starts_at.astimezone(school_tz()).tzname() or 'UTC'}",
            location=r.location,
            online_url=r.online_url,
        )
        for r in reviews
    ]
