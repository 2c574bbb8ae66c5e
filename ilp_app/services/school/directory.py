"""Reads for each role's home page: who I mentor, teach, parent, and where I belong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, Guardianship, MentorAssignment, Site, User
from ilp_app.domain.permissions import Action, Actor, LearnerRef, PlanRef, can
from ilp_app.domain.plans import PlanStatus
from ilp_app.domain.roles import Role
from ilp_app.services.guard import authorize, denial
from ilp_app.services.plans.learner_context import shared_pronouns, visible_pronouns
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_read import plan_summaries
from ilp_app.services.school.family import ChildSummary, family_summaries
from ilp_app.services.school.relationships import why_lines, why_text
from ilp_app.services.school.transitions import template_suggestions

MSG_ILP_SWITCHED_OFF = (
    "Individual learning plans are switched off at {school}. Ask the school office."
)


def ilp_switched_off_message(*, session: Session, actor: Actor | None) -> str:
    """What to tell someone whose school has switched ILPs off ("" while ILPs run for them)."""
    if actor is None or actor.ilp_enabled:
        return ""
    site = session.get(Site, actor.site_id)
    return MSG_ILP_SWITCHED_OFF.format(school=site.name if site else "your school")


def _home_open(session: Session, actor: Actor | None, role: Role, client_ip: str) -> None:
    """Authorise a home; while the school has ILPs switched off, refuse it saying so (audited)."""
    authorize(actor, Action.HOME_VIEW, role, client_ip=client_ip)
    message = ilp_switched_off_message(session=session, actor=actor)
    if message:
        raise denial(actor, Action.HOME_VIEW, role, client_ip=client_ip, message=message)


@dataclass(frozen=True)
class LearnerRow:
    id: int
    name: str
    full_name: str
    pronouns: str
    groups: str
    mentors: str
    guardians: str
    # The learner's plan for the current period, as far as the viewer may see it (0 = none).
    plan_id: int = 0
    plan_status: str = ""
    plan_status_label: str = ""
    plan_completed: int = 0
    plan_total: int = 0
    plan_percent: int = 0
    # For staff: why they can see this learner ("You are their mentor · ..."); empty for families.
    why: str = ""
    # For their mentor, when they have no plan yet: the template to start from, and why.
    suggested_template_id: int = 0
    suggested_template: str = ""
    suggestion_reason: str = ""


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    kind: str
    learner_count: int


@dataclass(frozen=True)
class PeriodInfo:
    name: str
    starts_on: str
    ends_on: str


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


def learner_rows(
    *, session: Session, learner_ids: Iterable[int], actor: Actor | None = None
) -> list[LearnerRow]:
    """Learners with their groups, mentors and guardians, sorted by name. Callers authorise first.

    Pronouns are shown as the learner chose for ``actor`` (without one: only those shared with family).
    """
    ids = sorted(set(learner_ids))
    if not ids:
        return []
    learners = session.exec(select(User).where(User.id.in_(ids), User.is_active)).all()
    groups: dict[int, list[str]] = {}
    for uid, gname in session.exec(
        select(Enrollment.user_id, Group.name)
        .join(Group, Group.id == Enrollment.group_id)
        .where(Enrollment.user_id.in_(ids), Enrollment.role == "learner")
        .order_by(Group.kind.desc(), Group.name)
    ).all():
        groups.setdefault(uid, []).append(gname)
    mentor_links = session.exec(
        select(MentorAssignment.learner_id, MentorAssignment.mentor_id).where(
            MentorAssignment.learner_id.in_(ids)
        )
    ).all()
    guardian_links = session.exec(
        select(Guardianship.learner_id, Guardianship.parent_id).where(
            Guardianship.learner_id.in_(ids)
        )
    ).all()
    names = _names(session, [m for _, m in mentor_links] + [p for _, p in guardian_links])

    def joined(links, uid):
        return ", ".join(sorted(names[o] for lid, o in links if lid == uid and o in names))

    rows = [
        LearnerRow(
            id=u.id,
            name=u.display_name,
            full_name=u.full_name,
            pronouns=visible_pronouns(
                actor, learner_id=u.id, pronouns=u.pronouns, visibility=u.pronouns_visibility
            )
            if actor is not None
            else shared_pronouns(pronouns=u.pronouns, visibility=u.pronouns_visibility),
            groups=", ".join(groups.get(u.id, [])),
            mentors=joined(mentor_links, u.id),
            guardians=joined(guardian_links, u.id),
        )
        for u in learners
    ]
    return sorted(rows, key=lambda r: r.name.casefold())


def with_current_plans(
    *, session: Session, actor: Actor, rows: list[LearnerRow]
) -> list[LearnerRow]:
    """Add each learner's current-period plan, where the actor may see it."""
    period = period_current(session=session, site_id=actor.site_id)
    if period is None or not rows:
        return rows
    summaries = plan_summaries(
        session=session, learner_ids=[r.id for r in rows], period_id=period.id
    )
    result = []
    for row in rows:
        s = summaries.get(row.id)
        if s and can(actor, Action.PLAN_VIEW, PlanRef(s.plan_id, row.id, PlanStatus(s.status))):
            row = replace(
                row,
                plan_id=s.plan_id,
                plan_status=s.status,
                plan_status_label=s.status_label,
                plan_completed=s.completed,
                plan_total=s.total,
                plan_percent=s.percent,
            )
        result.append(row)
    return result


def with_why(*, session: Session, actor: Actor, rows: list[LearnerRow]) -> list[LearnerRow]:
    """Add, for a staff member, why they can see each learner (families get nothing added)."""
    lines = why_lines(session=session, actor=actor, learner_ids=[r.id for r in rows])
    return [replace(r, why=why_text(lines.get(r.id, []))) for r in rows]


def with_suggestions(*, session: Session, actor: Actor, rows: list[LearnerRow]) -> list[LearnerRow]:
    """For learners without a plan this period whose plan the actor makes: the template to start
    from, a transition year's first, with why ("Year 9 starts upper-secondary planning")."""
    open_rows = [
        r for r in rows if not r.plan_id and can(actor, Action.TEMPLATE_APPLY, LearnerRef(r.id))
    ]
    found = template_suggestions(
        session=session, site_id=actor.site_id, learner_ids=[r.id for r in open_rows]
    )
    result = []
    for row in rows:
        if found.get(row.id):
            first = found[row.id][0]
            row = replace(
                row,
                suggested_template_id=first.template_id,
                suggested_template=first.name,
                suggestion_reason=first.reason,
            )
        result.append(row)
    return result


def _group_rows(session: Session, group_ids: list[int]) -> list[GroupRow]:
    if not group_ids:
        return []
    rows = []
    for g in session.exec(select(Group).where(Group.id.in_(group_ids)).order_by(Group.name)).all():
        count = len(
            session.exec(
                select(Enrollment.id).where(
                    Enrollment.group_id == g.id, Enrollment.role == "learner"
                )
            ).all()
        )
        rows.append(GroupRow(id=g.id, name=g.name, kind=g.kind, learner_count=count))
    return rows


@dataclass(frozen=True)
class StaffHome:
    groups: list[GroupRow]
    learners: list[LearnerRow]


def mentor_home(*, session: Session, actor: Actor | None, client_ip: str = "") -> StaffHome:
    """The mentor's learners (from mentor assignments) and their tutor groups."""
    _home_open(session, actor, Role.MENTOR, client_ip)
    learners = with_current_plans(
        session=session,
        actor=actor,
        rows=learner_rows(session=session, learner_ids=actor.mentee_ids, actor=actor),
    )
    learners = with_why(session=session, actor=actor, rows=learners)
    learners = with_suggestions(session=session, actor=actor, rows=learners)
    group_ids = session.exec(
        select(Enrollment.group_id)
        .join(Group, Group.id == Enrollment.group_id)
        .where(Enrollment.user_id.in_(list(actor.mentee_ids) or [-1]), Group.kind == "tutor")
    ).all()
    return StaffHome(groups=_group_rows(session, sorted(set(group_ids))), learners=learners)


def teacher_home(*, session: Session, actor: Actor | None, client_ip: str = "") -> StaffHome:
    """The groups a teacher teaches and the learners in them."""
    _home_open(session, actor, Role.TEACHER, client_ip)
    group_ids = session.exec(
        select(Enrollment.group_id).where(
            Enrollment.user_id == actor.user_id, Enrollment.role == "teacher"
        )
    ).all()
    return StaffHome(
        groups=_group_rows(session, sorted(set(group_ids))),
        learners=with_why(
            session=session,
            actor=actor,
            rows=with_current_plans(
                session=session,
                actor=actor,
                rows=learner_rows(
                    session=session, learner_ids=actor.taught_learner_ids, actor=actor
                ),
            ),
        ),
    )


@dataclass(frozen=True)
class LearnerHome:
    me: LearnerRow | None
    period: PeriodInfo | None
    school: str


def _period_info(session: Session, site_id: int) -> PeriodInfo | None:
    p = period_current(session=session, site_id=site_id)
    if p is None:
        return None
    return PeriodInfo(name=p.name, starts_on=p.starts_on.isoformat(), ends_on=p.ends_on.isoformat())


def learner_home(*, session: Session, actor: Actor | None, client_ip: str = "") -> LearnerHome:
    """A learner's own mentor, groups and current period."""
    _home_open(session, actor, Role.LEARNER, client_ip)
    authorize(actor, Action.LEARNER_VIEW, LearnerRef(actor.user_id), client_ip=client_ip)
    rows = with_current_plans(
        session=session,
        actor=actor,
        rows=learner_rows(session=session, learner_ids=[actor.user_id], actor=actor),
    )
    site = session.get(Site, actor.site_id)
    return LearnerHome(
        me=rows[0] if rows else None,
        period=_period_info(session, actor.site_id),
        school=site.name if site else "",
    )


@dataclass(frozen=True)
class ParentHome:
    children: list[LearnerRow]
    period: PeriodInfo | None
    summaries: list[ChildSummary] = field(default_factory=list)


def parent_home(*, session: Session, actor: Actor | None, client_ip: str = "") -> ParentHome:
    """A parent's own children (from guardianships), never anyone else's."""
    _home_open(session, actor, Role.PARENT, client_ip)
    children = with_current_plans(
        session=session,
        actor=actor,
        rows=learner_rows(session=session, learner_ids=actor.child_ids, actor=actor),
    )
    return ParentHome(
        children=children,
        period=_period_info(session, actor.site_id),
        summaries=family_summaries(session=session, actor=actor, children=children),
    )
