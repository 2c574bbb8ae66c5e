"""The school's view for administrators: whole-school figures, the lists behind them, and CSV.

Every figure is one aggregate query over the whole school (no loop over learners in Python), so
the page stays quick at a large school. "This period" is the current period; "active" plans are
shared ones; a learner's activity is their own task ticks, reflections and log posts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    MentorAssignment,
    Period,
    Plan,
    PlanAcknowledgement,
    PlanLogEntry,
    Reflection,
    Review,
    RoleGrant,
    Task,
    User,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PLAN_KIND_LEARNER, PlanStatus
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.reports.reports import _cell as csv_cell

REVIEW_OVERDUE_DAYS = 183  # six months
QUIET_DAYS = 28  # four weeks
MAX_LIST = 2000

MSG_LIST = "Choose one of the school view's figures."
LISTS = ("group", "drafts", "overdue", "unacknowledged", "quiet")


@dataclass(frozen=True)
class GroupFigure:
    group_id: int
    group: str
    year: str
    learners: int
    with_active_plan: int

    @property
    def percent(self) -> int:
        return round(100 * self.with_active_plan / self.learners) if self.learners else 0


@dataclass(frozen=True)
class MentorFigure:
    mentor_id: int
    mentor: str
    overdue: int


@dataclass
class SchoolFigures:
    period_name: str = ""
    groups: list[GroupFigure] = field(default_factory=list)
    drafts: int = 0
    overdue: list[MentorFigure] = field(default_factory=list)
    unacknowledged: int = 0
    quiet: int = 0


@dataclass(frozen=True)
class ListRow:
    learner_id: int
    name: str
    detail: str


def _now() -> datetime:
    return datetime.now(UTC)


def _learners(site_id: int):
    """The ids of the school's learners (not erased), as a subquery."""
    return (
        select(User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.site_id == site_id, User.erased_at.is_(None), RoleGrant.role == "learner")
    )


def _plans(site_id: int, period: Period | None, status: PlanStatus):
    return select(Plan.id, Plan.learner_id, Plan.version).where(
        Plan.kind == PLAN_KIND_LEARNER,  # staff members' own plans are not the school's learners'
        Plan.site_id == site_id,
        Plan.period_id == (period.id if period else -1),
        Plan.status == status.value,
    )


def _active_plan_of(learner_id, site_id: int, period: Period | None):
    """The join condition to a learner's active plan this period (by its learner and period index)."""
    return sa.and_(
        Plan.kind == PLAN_KIND_LEARNER,
        Plan.learner_id == learner_id,
        Plan.period_id == (period.id if period else -1),
        Plan.site_id == site_id,
        Plan.status == PlanStatus.ACTIVE.value,
    )


def _overdue_pairs(site_id: int, now: datetime):
    """(mentor, learner) for every active learner whose last held review is six months old or more."""
    held = select(Review.id).where(
        Review.learner_id == MentorAssignment.learner_id,
        Review.status == "held",
        Review.held_at >= now - timedelta(days=REVIEW_OVERDUE_DAYS),
    )
    learner = sa.orm.aliased(User)
    return (
        select(MentorAssignment.mentor_id, MentorAssignment.learner_id)
        .join(learner, learner.id == MentorAssignment.learner_id)
        .where(
            learner.site_id == site_id,
            learner.is_active,
            learner.erased_at.is_(None),
            ~sa.exists(held),
        )
    )


def _unacknowledged(site_id: int, period: Period | None):
    """Active plans whose current version no parent has acknowledged."""
    signed = select(PlanAcknowledgement.id).where(
        PlanAcknowledgement.plan_id == Plan.id,
        PlanAcknowledgement.version == Plan.version,
        PlanAcknowledgement.role == Role.PARENT.value,
    )
    return _plans(site_id, period, PlanStatus.ACTIVE).where(~sa.exists(signed))


def _quiet(site_id: int, period: Period | None, now: datetime):
    """Active plans whose learner did nothing on them for four weeks."""
    since = now - timedelta(days=QUIET_DAYS)
    ticked = select(Task.id).where(
        Task.plan_id == Plan.id,
        Task.status_changed_by_id == Plan.learner_id,
        Task.status_changed_at >= since,
    )
    reflected = select(Reflection.id).where(
        Reflection.plan_id == Plan.id,
        Reflection.author_id == Plan.learner_id,
        Reflection.created_at >= since,
    )
    posted = select(PlanLogEntry.id).where(
        PlanLogEntry.plan_id == Plan.id,
        PlanLogEntry.author_id == Plan.learner_id,
        PlanLogEntry.created_at >= since,
    )
    return _plans(site_id, period, PlanStatus.ACTIVE).where(
        ~sa.exists(ticked), ~sa.exists(reflected), ~sa.exists(posted)
    )


def _count(session: Session, query) -> int:
    return session.exec(select(sa.func.count()).select_from(query.subquery())).one()


def school_figures(
    *, session: Session, actor: Actor | None, now: datetime | None = None, client_ip: str = ""
) -> SchoolFigures:
    """The school at a glance, for its administrators."""
    actor = authorize(actor, Action.SCHOOL_VIEW, None, client_ip=client_ip)
    now = now or _now()
    site = actor.site_id
    period = period_current(session=session, site_id=site, today=now.date())
    groups = session.exec(
        select(
            Group.id,
            Group.name,
            Group.year_label,
            sa.func.count(sa.distinct(Enrollment.user_id)),
            sa.func.count(sa.distinct(Plan.learner_id)),
        )
        .join(Enrollment, Enrollment.group_id == Group.id)
        .outerjoin(Plan, _active_plan_of(Enrollment.user_id, site, period))
        .where(
            Group.site_id == site,
            Group.kind == "tutor",
            Group.retired_at.is_(None),
            Enrollment.role == "learner",
            Enrollment.user_id.in_(_learners(site)),
        )
        .group_by(Group.id, Group.name, Group.year_label)
        .order_by(Group.year_label, Group.name)
    ).all()
    pairs = _overdue_pairs(site, now).subquery()
    overdue = session.exec(
        select(User.id, User.full_name, sa.func.count(pairs.c.learner_id))
        .join(pairs, pairs.c.mentor_id == User.id)
        .group_by(User.id, User.full_name)
        .order_by(User.full_name)
    ).all()
    return SchoolFigures(
        period_name=period.name if period else "",
        groups=[GroupFigure(*row) for row in groups],
        drafts=_count(session, _plans(site, period, PlanStatus.DRAFT)),
        overdue=[MentorFigure(*row) for row in overdue],
        unacknowledged=_count(session, _unacknowledged(site, period)),
        quiet=_count(session, _quiet(site, period, now)),
    )


def _named(session: Session, ids_query, detail: str) -> list[ListRow]:
    sub = ids_query.subquery()
    rows = session.exec(
        select(User.id, User.full_name)
        .where(User.id.in_(select(sub.c.learner_id)))
        .order_by(User.full_name, User.id)
        .limit(MAX_LIST)
    ).all()
    return [ListRow(uid, name, detail) for uid, name in rows]


def school_list(
    *,
    session: Session,
    actor: Actor | None,
    kind: object,
    key: object = None,
    now: datetime | None = None,
    client_ip: str = "",
) -> list[ListRow]:
    """The learners behind one figure: ``kind`` is one of :data:`LISTS`; ``key`` the group or
    mentor for the per-group and per-mentor figures.

    Raises:
        ValidationFailed: an unknown figure, or a group or mentor id that is not a number.
    """
    actor = authorize(actor, Action.SCHOOL_VIEW, None, client_ip=client_ip)
    if kind not in LISTS:
        raise ValidationFailed(MSG_LIST)
    now = now or _now()
    site = actor.site_id
    period = period_current(session=session, site_id=site, today=now.date())
    if kind == "group":
        gid = parse_id(key, what="group")
        rows = session.exec(
            select(User.id, User.full_name, Plan.id)
            .join(Enrollment, Enrollment.user_id == User.id)
            .join(Group, Group.id == Enrollment.group_id)
            .outerjoin(Plan, _active_plan_of(User.id, site, period))
            .where(
                Group.id == gid,
                Group.site_id == site,
                Enrollment.role == "learner",
                User.id.in_(_learners(site)),
            )
            .order_by(User.full_name, User.id)
            .limit(MAX_LIST)
        ).all()
        return [
            ListRow(uid, name, "Active plan" if plan else "No active plan")
            for uid, name, plan in rows
        ]
    if kind == "drafts":
        return _named(session, _plans(site, period, PlanStatus.DRAFT), "Plan still a draft")
    if kind == "unacknowledged":
        return _named(session, _unacknowledged(site, period), "No parent acknowledged this version")
    if kind == "quiet":
        return _named(session, _quiet(site, period, now), f"No activity for {QUIET_DAYS} days")
    mentor = parse_id(key, what="mentor")
    pairs = _overdue_pairs(site, now).where(MentorAssignment.mentor_id == mentor)
    return _named(session, pairs, "No review in 6 months")


def school_view_csv(
    *, session: Session, actor: Actor | None, now: datetime | None = None, client_ip: str = ""
) -> tuple[str, str]:
    """(filename, CSV text) of the school's figures, one row per figure."""
    figures = school_figures(session=session, actor=actor, now=now, client_ip=client_ip)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("Figure", "Year", "Group or mentor", "Count", "Of", "Percent"))
    for g in figures.groups:
        row = ("Learners with an active plan", g.year, g.group, g.with_active_plan, g.learners)
        writer.writerow([csv_cell(v) for v in (*row, g.percent)])
    writer.writerow([csv_cell(v) for v in ("Plans still in draft", "", "", figures.drafts, "", "")])
    for m in figures.overdue:
        writer.writerow(
            [csv_cell(v) for v in ("Reviews overdue (6 months)", "", m.mentor, m.overdue, "", "")]
        )
    for label, value in (
        ("Plan versions not acknowledged by families", figures.unacknowledged),
        (f"Learners with no activity for {QUIET_DAYS} days", figures.quiet),
    ):
        writer.writerow([csv_cell(v) for v in (label, "", "", value, "", "")])
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="school.view_export",
        target_type="site",
        target_id=actor.site_id,
        client_ip=client_ip,
    )
    return f"school-view-{(now or _now()).date().isoformat()}.csv", out.getvalue()
