"""The group overview: one row per learner, for the staff of a group and the classroom projector."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Goal,
    GoalRating,
    Group,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    Proposal,
    Reflection,
    Site,
    Task,
    User,
)
from ilp_app.domain.errors import NotFound
from ilp_app.domain.overview import (
    NEVER_ACTIVE,
    RAG_ORDER,
    RECENT_REFLECTION_DAYS,
    RagRules,
    first_name,
    goal_on_track,
    initials,
    is_quiet,
    quiet_label,
    quiet_order,
    rag_reasons,
    rag_status,
)
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, GroupRef
from ilp_app.domain.plans import PlanStatus, progress_of
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current

MSG_GROUP_NOT_FOUND = "That group does not exist."


@dataclass
class AreaProgress:
    name: str
    percent: int


@dataclass
class OverviewRow:
    """What staff see of one learner in the live overview. No notes, ratings or support needs."""

    learner_id: int
    name: str
    plan_id: int = 0
    plan_status: str = ""
    completed: int = 0
    ongoing: int = 0
    not_started: int = 0
    total: int = 0
    percent: int = 0
    goals_on_track: int = 0
    goals_behind: int = 0
    days_quiet: int = -1  # -1: no activity yet
    last_activity: str = ""
    recent_reflection: bool = False
    rag: str = "green"
    areas: list[AreaProgress] = field(default_factory=list)
    # What the viewer's own sort and filter use, decided here by the overview's rules.
    quiet: bool = False  # shown by the "no activity for a while" filter
    quiet_order: int = NEVER_ACTIVE  # "quiet longest first" (no plan: no activity)
    status_order: int = 1  # "status": who needs attention first
    reasons: list[str] = field(default_factory=list)  # why the status, in words


@dataclass
class ProjectorTile:
    """What a whole class may see of one learner: a first name (or initials), progress and counts."""

    learner_id: int
    first_name: str
    initials: str
    completed: int = 0
    ongoing: int = 0
    not_started: int = 0
    total: int = 0
    percent: int = 0
    has_plan: bool = False  # without one, the tile says "No plan yet" rather than zeros


def site_rules(session: Session, site_id: int) -> RagRules:
    """The school's thresholds for the status (its defaults if it never set them)."""
    site = session.get(Site, site_id)
    if site is None:
        return RagRules()
    return RagRules(amber_days=site.quiet_amber_days, red_days=site.quiet_red_days)


def group_authorize(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> Group:
    """The group if ``actor`` is one of its staff (its mentor or a teacher of it)."""
    if actor is None:
        authorize(actor, Action.GROUP_VIEW, None, client_ip=client_ip)
    gid = parse_id(group_id, what="group")
    authorize(actor, Action.GROUP_VIEW, GroupRef(gid), client_ip=client_ip)
    group = session.get(Group, gid)
    if group is None or group.site_id != actor.site_id:
        raise NotFound(MSG_GROUP_NOT_FOUND)
    return group


def group_learner_ids(*, session: Session, group_id: int) -> list[int]:
    return list(
        session.exec(
            select(Enrollment.user_id).where(
                Enrollment.group_id == group_id, Enrollment.role == "learner"
            )
        ).all()
    )


def learner_group_ids(*, session: Session, learner_id: int) -> list[int]:
    """Every group a learner is in: the boards that must hear about their changes."""
    return list(
        session.exec(
            select(Enrollment.group_id).where(
                Enrollment.user_id == learner_id, Enrollment.role == "learner"
            )
        ).all()
    )


def overview_rows(
    *, session: Session, site_id: int, learner_ids: list[int], now: datetime | None = None
) -> list[OverviewRow]:
    """Rows for these learners' current-period plans, sorted by name. Callers authorise first."""
    now = now or datetime.now(UTC)
    today = now.date()
    if not learner_ids:
        return []
    learners = session.exec(select(User).where(User.id.in_(learner_ids), User.is_active)).all()
    rules = site_rules(session, site_id)
    period = period_current(session=session, site_id=site_id, today=today)
    plans = {}
    if period is not None:
        plans = {
            p.learner_id: p
            for p in session.exec(
                select(Plan).where(
                    Plan.learner_id.in_(learner_ids),
                    Plan.period_id == period.id,
                    Plan.status != PlanStatus.DRAFT.value,
                )
            ).all()
        }
    plan_ids = [p.id for p in plans.values()]
    areas, goals, tasks = defaultdict(list), defaultdict(list), defaultdict(list)
    activity: dict[int, datetime] = {}
    reflected: set[int] = set()
    if plan_ids:
        for a in session.exec(
            select(PlanFocusArea)
            .where(PlanFocusArea.plan_id.in_(plan_ids))
            .order_by(PlanFocusArea.position, PlanFocusArea.id)
        ).all():
            areas[a.plan_id].append(a)
        for g in session.exec(select(Goal).where(Goal.plan_id.in_(plan_ids))).all():
            goals[g.plan_id].append(g)
        for t in session.exec(select(Task).where(Task.plan_id.in_(plan_ids))).all():
            tasks[t.plan_id].append(t)
        activity = _last_learner_activity(session, plans, tasks)
        since = now - timedelta(days=RECENT_REFLECTION_DAYS)
        reflected = set(
            session.exec(
                select(Reflection.plan_id).where(
                    Reflection.plan_id.in_(plan_ids), Reflection.created_at >= since
                )
            ).all()
        )

    rows = []
    for learner in learners:
        row = OverviewRow(learner_id=learner.id, name=learner.display_name)
        plan = plans.get(learner.id)
        if plan is not None:
            plan_tasks = tasks[plan.id]
            p = progress_of(t.status for t in plan_tasks)
            by_goal = defaultdict(list)
            for t in plan_tasks:
                by_goal[t.goal_id].append(t.status)
            behind = 0
            for g in goals[plan.id]:
                gp = progress_of(by_goal[g.id])
                if not goal_on_track(
                    completed=gp.completed,
                    total=gp.total,
                    starts_on=period.starts_on,
                    target=g.target_date or period.ends_on,
                    today=today,
                ):
                    behind += 1
            by_area = defaultdict(list)
            for g in goals[plan.id]:
                by_area[g.focus_area_id].extend(by_goal[g.id])
            last = activity.get(plan.id)
            days_quiet = (today - last.date()).days if last else None
            row.plan_id, row.plan_status = plan.id, plan.status
            row.completed, row.ongoing, row.not_started, row.total, row.percent = (
                p.completed,
                p.ongoing,
                p.not_started,
                p.total,
                p.percent,
            )
            row.goals_behind, row.goals_on_track = behind, len(goals[plan.id]) - behind
            row.days_quiet = days_quiet if days_quiet is not None else -1
            row.last_activity = quiet_label(days_quiet)
            row.recent_reflection = plan.id in reflected
            row.rag = rag_status(
                days_quiet=days_quiet,
                goals_behind=behind,
                goals_total=len(goals[plan.id]),
                rules=rules,
            ).value
            row.reasons = rag_reasons(days_quiet=days_quiet, goals_behind=behind, rules=rules)
            row.quiet, row.quiet_order = is_quiet(days_quiet, rules), quiet_order(days_quiet)
            row.areas = [
                AreaProgress(name=a.name, percent=progress_of(by_area[a.id]).percent)
                for a in areas[plan.id]
            ]
        else:
            row.last_activity = "No shared plan"
            row.rag = "amber"
            row.reasons = ["No shared plan this period"]
        row.status_order = RAG_ORDER[row.rag]
        rows.append(row)
    return sorted(rows, key=lambda r: r.name.casefold())


def _last_learner_activity(session: Session, plans: dict[int, Plan], tasks) -> dict[int, datetime]:
    """Per plan, the latest thing its learner did: a tick, a reflection, a self-rating, a log post
    or a step of one of their proposals."""
    learner_of = {p.id: p.learner_id for p in plans.values()}
    plan_ids = list(learner_of)
    latest: dict[int, datetime] = {}

    def seen(plan_id: int, at: datetime | None) -> None:
        if at is not None and (plan_id not in latest or at > latest[plan_id]):
            latest[plan_id] = at

    for plan_id, plan_tasks in tasks.items():
        for t in plan_tasks:
            if t.status_changed_by_id == learner_of.get(plan_id):
                seen(plan_id, t.status_changed_at)
    for plan_id, author, at in session.exec(
        select(Reflection.plan_id, Reflection.author_id, Reflection.created_at).where(
            Reflection.plan_id.in_(plan_ids)
        )
    ).all():
        if author == learner_of[plan_id]:
            seen(plan_id, at)
    for plan_id, rater, at in session.exec(
        select(GoalRating.plan_id, GoalRating.rater_id, GoalRating.rated_at).where(
            GoalRating.plan_id.in_(plan_ids)
        )
    ).all():
        if rater == learner_of[plan_id]:
            seen(plan_id, at)
    for plan_id, author, at in session.exec(
        select(PlanLogEntry.plan_id, PlanLogEntry.author_id, PlanLogEntry.created_at).where(
            PlanLogEntry.plan_id.in_(plan_ids)
        )
    ).all():
        if author == learner_of[plan_id]:
            seen(plan_id, at)
    # A proposal counts when made, edited or withdrawn; once decided, its updated_at is the
    # mentor's, so only its making counts then.
    for plan_id, author, made, updated, decided in session.exec(
        select(
            Proposal.plan_id,
            Proposal.author_id,
            Proposal.created_at,
            Proposal.updated_at,
            Proposal.decided_at,
        ).where(Proposal.plan_id.in_(plan_ids))
    ).all():
        if author == learner_of[plan_id]:
            seen(plan_id, made if decided else updated)
    return latest


def projector_tiles(
    rows: list[OverviewRow], names: dict[int, tuple[str, str]]
) -> list[ProjectorTile]:
    """The class-safe part of the rows; ``names`` maps learner id to (preferred, full) name."""
    tiles = []
    for r in rows:
        preferred, full = names.get(r.learner_id, ("", r.name))
        first = first_name(preferred, full)
        tiles.append(
            ProjectorTile(
                learner_id=r.learner_id,
                first_name=first,
                initials=initials(preferred or full),
                completed=r.completed,
                ongoing=r.ongoing,
                not_started=r.not_started,
                total=r.total,
                percent=r.percent,
                has_plan=r.plan_id != 0,
            )
        )
    return tiles


@dataclass
class GroupBoardData:
    group_id: int
    group_name: str
    rows: list[OverviewRow]
    tiles: list[ProjectorTile]
    # The school's rules for the status, in words for the legend; the quiet filter's days.
    legend: list[dict[str, str]] = field(default_factory=list)
    quiet_days: int = 21


def group_board(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> GroupBoardData:
    """The whole overview of a group, for one of its staff."""
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    return group_board_rebuild(session=session, group=group)


def group_board_rebuild(
    *, session: Session, group: Group, learner_ids: list[int] | None = None
) -> GroupBoardData:
    """Rows for a group (or only ``learner_ids`` of it). For the live boards; callers authorise first."""
    ids = (
        learner_ids
        if learner_ids is not None
        else group_learner_ids(session=session, group_id=group.id)
    )
    rows = overview_rows(session=session, site_id=group.site_id, learner_ids=ids)
    names = {
        u.id: (u.preferred_name, u.full_name)
        for u in session.exec(
            select(User).where(User.id.in_([r.learner_id for r in rows] or [-1]))
        ).all()
    }
    rules = site_rules(session, group.site_id)
    return GroupBoardData(
        group_id=group.id,
        group_name=group.name,
        rows=rows,
        tiles=projector_tiles(rows, names),
        legend=[
            {"rag": rag.value, "label": rag.label, "text": text} for rag, text in rules.legend()
        ],
        quiet_days=rules.red_days,
    )


def staff_groups(*, session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the groups whose overview this person may open."""
    if not actor.staff_group_ids:
        return []
    groups = session.exec(
        select(Group).where(Group.id.in_(list(actor.staff_group_ids))).order_by(Group.name)
    ).all()
    return [(g.id, g.name) for g in groups]
