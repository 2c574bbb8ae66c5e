"""Staff plans: every member of staff may have their own plan, with their supervisor as mentor.

A staff plan is a :class:`~ilp_app.db.models.Plan` of kind "staff" whose ``learner_id`` is the
staff member. It follows the school year (a period of kind "school_year") and is read only by
the staff member, their supervisor, and administrators for support (audited by
:func:`~ilp_app.services.plans.plan_access.plan_load`). Staff are never learners: nothing here
touches groups, mentor assignments or the learner lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Period,
    Plan,
    PlanFocusArea,
    PlanTemplate,
    RoleGrant,
    SupervisorAssignment,
    Task,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import (
    STAFF_ROLES,
    Action,
    Actor,
    StaffRef,
    SupervisionRef,
    can,
)
from ilp_app.domain.plans import (
    PERIOD_KIND_SCHOOL_YEAR,
    PLAN_KIND_STAFF,
    STAFF_FOCUS_AREAS,
    PlanStatus,
    progress_of,
)
from ilp_app.i18n import N_, gettext
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial
from ilp_app.services.plans.periods import period_current
from ilp_app.services.templates.template_apply import MSG_TEMPLATE_ARCHIVED, template_copy_into
from ilp_app.services.templates.template_store import template_kind_check, template_load

MSG_STAFF_NOT_FOUND = "That member of staff does not exist."
MSG_NOT_STAFF = "{name} is not a member of staff (administrator, mentor or teacher)."
MSG_SELF_SUPERVISOR = "Nobody can be their own supervisor."
MSG_OWN_SUPERVISOR = "Your own supervisor is connected by another administrator."
MSG_NO_SCHOOL_YEAR = N_(
    "There is no school year to make a staff plan for. An administrator adds one under School → "
    "Periods (kind: school year)."
)
MSG_STAFF_PLAN_EXISTS = N_("There is already a staff plan for {period}.")


@dataclass(frozen=True)
class StaffTemplateChoice:
    """A staff plan template to start a staff plan from."""

    id: int
    name: str


@dataclass(frozen=True)
class StaffPlanRow:
    """One person's staff plan for the school year, as a line on a home page."""

    staff_id: int
    name: str
    plan_id: int = 0  # 0: no plan for this school year yet
    period_name: str = ""
    status: str = ""
    status_label: str = ""
    completed: int = 0
    total: int = 0
    percent: int = 0


@dataclass
class StaffHome:
    """The staff part of a staff member's home: their own plan, and the staff they supervise."""

    own: StaffPlanRow
    supervisor_name: str = ""
    school_year: str = ""
    my_staff: list[StaffPlanRow] = field(default_factory=list)
    # The staff plan templates a plan may start from; the first is the default.
    templates: list[StaffTemplateChoice] = field(default_factory=list)


@dataclass(frozen=True)
class SupervisionView:
    """A staff member's supervisor, and who could be, for the administrator's person page."""

    is_staff: bool
    supervisor_id: int = 0
    supervisor_name: str = ""
    # Each: {"value": id, "label": name}; never the person themselves.
    choices: list[dict[str, str]] = field(default_factory=list)
    may_change: bool = False


def _staff_ids(session: Session, site_id: int, ids: list[int] | None = None) -> set[int]:
    """The active people of a site holding a staff role (only among ``ids`` when given)."""
    stmt = (
        select(User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            User.site_id == site_id,
            User.is_active,
            User.erased_at.is_(None),
            RoleGrant.role.in_([r.value for r in STAFF_ROLES]),
        )
    )
    if ids is not None:
        stmt = stmt.where(User.id.in_(ids))
    return set(session.exec(stmt).all())


def _staff_member(session: Session, actor: Actor, staff_id: int) -> User:
    user = session.get(User, staff_id)
    if user is None or user.site_id != actor.site_id:
        raise NotFound(MSG_STAFF_NOT_FOUND)
    if staff_id not in _staff_ids(session, actor.site_id, [staff_id]):
        raise ValidationFailed(MSG_NOT_STAFF.format(name=user.full_name))
    return user


def school_year_current(*, session: Session, site_id: int) -> Period | None:
    """The school year staff plans are made for now."""
    return period_current(session=session, site_id=site_id, kind=PERIOD_KIND_SCHOOL_YEAR)


# --- supervisors (administrators) ------------------------------------------------------------


def supervisor_connect(
    *,
    session: Session,
    actor: Actor | None,
    staff_id: object,
    supervisor_id: object,
    client_ip: str = "",
) -> None:
    """Make ``supervisor_id`` the supervisor of ``staff_id`` (replacing any earlier one).

    Raises:
        PermissionDenied: not an administrator, or the administrator's own supervisor, or the
            same person twice (nobody supervises themselves).
        NotFound / ValidationFailed: a malformed or foreign id, or someone who is not staff.
    """
    sid = parse_id(staff_id, what="person")
    bid = parse_id(supervisor_id, what="person")
    target = SupervisionRef(bid, sid)
    if actor is not None and can(actor, Action.SCHOOL_MANAGE):
        # Refused either way; the administrator is told which rule it was.
        if sid == bid:
            raise ValidationFailed(MSG_SELF_SUPERVISOR)
        if sid == actor.user_id:
            raise denial(
                actor,
                Action.SUPERVISOR_CONNECT,
                target,
                client_ip=client_ip,
                message=MSG_OWN_SUPERVISOR,
            )
    authorize(actor, Action.SUPERVISOR_CONNECT, target, client_ip=client_ip)
    staff = _staff_member(session, actor, sid)
    supervisor = _staff_member(session, actor, bid)
    existing = session.exec(
        select(SupervisorAssignment)
        .where(SupervisorAssignment.staff_id == staff.id)
        .with_for_update()
    ).first()
    before = existing.supervisor_id if existing else None
    if existing is None:
        session.add(SupervisorAssignment(supervisor_id=supervisor.id, staff_id=staff.id))
    else:
        existing.supervisor_id = supervisor.id
        session.add(existing)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.supervisor_connect",
        target_type="user",
        target_id=staff.id,
        client_ip=client_ip,
        detail={"supervisor_id": supervisor.id, "before": before},
    )


def supervisor_disconnect(
    *, session: Session, actor: Actor | None, staff_id: object, client_ip: str = ""
) -> int:
    """End a staff member's connection to their supervisor; returns how many links were removed."""
    sid = parse_id(staff_id, what="person")
    link = session.exec(
        select(SupervisorAssignment).where(SupervisorAssignment.staff_id == sid)
    ).first()
    supervisor = link.supervisor_id if link else 0
    authorize(
        actor, Action.SUPERVISOR_CONNECT, SupervisionRef(supervisor, sid), client_ip=client_ip
    )
    user = session.get(User, sid)
    if user is None or user.site_id != actor.site_id:
        raise NotFound(MSG_STAFF_NOT_FOUND)
    removed = (
        session.exec(
            sa.delete(SupervisorAssignment).where(SupervisorAssignment.staff_id == sid)
        ).rowcount
        or 0
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.supervisor_disconnect",
        target_type="user",
        target_id=sid,
        client_ip=client_ip,
        detail={"supervisor_id": supervisor or None, "removed": removed},
    )
    return removed


def supervision_view(
    *, session: Session, actor: Actor | None, staff_id: object, client_ip: str = ""
) -> SupervisionView:
    """Who supervises ``staff_id``, and the staff who could (for an administrator)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    sid = parse_id(staff_id, what="person")
    user = session.get(User, sid)
    if user is None or user.site_id != actor.site_id:
        raise NotFound(MSG_STAFF_NOT_FOUND)
    staff = _staff_ids(session, actor.site_id)
    if sid not in staff:
        return SupervisionView(is_staff=False)
    link = session.exec(
        select(SupervisorAssignment).where(SupervisorAssignment.staff_id == sid)
    ).first()
    people = session.exec(select(User).where(User.id.in_(staff - {sid}))).all()
    current = next((u for u in people if link and u.id == link.supervisor_id), None)
    return SupervisionView(
        is_staff=True,
        supervisor_id=current.id if current else 0,
        supervisor_name=current.full_name if current else "",
        choices=[
            {"value": str(u.id), "label": u.full_name}
            for u in sorted(people, key=lambda u: u.full_name.casefold())
        ],
        may_change=can(actor, Action.SUPERVISOR_CONNECT, SupervisionRef(0, sid)),
    )


# --- staff plans -----------------------------------------------------------------------------


def staff_templates(*, session: Session, site_id: int) -> list[StaffTemplateChoice]:
    """The school's staff plan templates that are not archived, by name (the first is the default)."""
    return [
        StaffTemplateChoice(tid, name)
        for tid, name in session.exec(
            select(PlanTemplate.id, PlanTemplate.name)
            .where(
                PlanTemplate.site_id == site_id,
                PlanTemplate.plan_kind == PLAN_KIND_STAFF,
                ~PlanTemplate.archived,
            )
            .order_by(PlanTemplate.name, PlanTemplate.id)
        ).all()
    ]


def _staff_template(
    session: Session, actor: Actor, template_id: object, client_ip: str
) -> PlanTemplate | None:
    """The chosen staff template, else the school's first one (None when it has none)."""
    if template_id in (None, "", 0, "0"):
        first = staff_templates(session=session, site_id=actor.site_id)
        return session.get(PlanTemplate, first[0].id) if first else None
    template = template_load(
        session, actor, template_id, action=Action.STAFF_PLAN_CREATE, client_ip=client_ip
    )
    if template.archived:
        raise ValidationFailed(MSG_TEMPLATE_ARCHIVED)
    template_kind_check(template, PLAN_KIND_STAFF)
    return template


def staff_plan_create(
    *,
    session: Session,
    actor: Actor | None,
    staff_id: object,
    template_id: object = None,
    client_ip: str = "",
) -> int:
    """Start a draft staff plan for the current school year. By the staff member or their
    supervisor.

    The plan starts from ``template_id``, a staff plan template of the school, or by default the
    school's first one; a school with none gets the staff plan's own focus areas (professional
    goals, a bucket list, observations). A learner's template is refused.
    """
    sid = parse_id(staff_id, what="person")
    authorize(actor, Action.STAFF_PLAN_CREATE, StaffRef(sid), client_ip=client_ip)
    _staff_member(session, actor, sid)
    template = _staff_template(session, actor, template_id, client_ip)
    period = school_year_current(session=session, site_id=actor.site_id)
    if period is None:
        raise ValidationFailed(MSG_NO_SCHOOL_YEAR)
    if session.exec(
        select(Plan.id).where(Plan.learner_id == sid, Plan.period_id == period.id)
    ).first():
        raise ValidationFailed(gettext(MSG_STAFF_PLAN_EXISTS).format(period=period.name))
    plan = Plan(
        site_id=actor.site_id,
        learner_id=sid,
        period_id=period.id,
        status=PlanStatus.DRAFT.value,
        created_by_id=actor.user_id,
        kind=PLAN_KIND_STAFF,
        template_id=template.id if template else None,
        template_revision=template.revision if template else 0,
    )
    session.add(plan)
    session.flush()
    if template is None:
        for position, name in enumerate(STAFF_FOCUS_AREAS):
            session.add(PlanFocusArea(plan_id=plan.id, name=name, position=position))
    else:
        template_copy_into(session, plan_id=plan.id, template=template, site_id=actor.site_id)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="staff_plan.create",
        target_type="plan",
        target_id=plan.id,
        client_ip=client_ip,
        detail={"staff_id": sid, "template_id": template.id if template else None},
    )
    return plan.id


def _rows(session: Session, people: list[User], period: Period | None) -> dict[int, StaffPlanRow]:
    """Each person's staff plan for ``period`` (the row says when there is none)."""
    rows = {u.id: StaffPlanRow(staff_id=u.id, name=u.display_name) for u in people}
    if period is None or not people:
        return rows
    plans = session.exec(
        select(Plan).where(
            Plan.learner_id.in_(list(rows)),
            Plan.period_id == period.id,
            Plan.kind == PLAN_KIND_STAFF,
        )
    ).all()
    statuses: dict[int, list[str]] = {p.id: [] for p in plans}
    if plans:
        for plan_id, status in session.exec(
            select(Task.plan_id, Task.status).where(Task.plan_id.in_(list(statuses)))
        ).all():
            statuses[plan_id].append(status)
    for p in plans:
        progress, st = progress_of(statuses[p.id]), PlanStatus(p.status)
        rows[p.learner_id] = StaffPlanRow(
            staff_id=p.learner_id,
            name=rows[p.learner_id].name,
            plan_id=p.id,
            period_name=period.name,
            status=st.value,
            status_label=st.label,
            completed=progress.completed,
            total=progress.total,
            percent=progress.percent,
        )
    return rows


def staff_home(*, session: Session, actor: Actor | None, client_ip: str = "") -> StaffHome:
    """ "My own plan" and "My staff" for a member of staff, whichever home they are on."""
    authorize(
        actor,
        Action.STAFF_PLANS_VIEW,
        StaffRef(actor.user_id if actor else 0),
        client_ip=client_ip,
    )
    period = school_year_current(session=session, site_id=actor.site_id)
    me = session.get(User, actor.user_id)
    supervisees = sorted(
        session.exec(
            select(User).where(
                User.id.in_(list(actor.supervisee_ids)), User.site_id == actor.site_id
            )
        ).all(),
        key=lambda u: u.display_name.casefold(),
    )
    rows = _rows(session, [me, *supervisees], period)
    supervisor = session.exec(
        select(User)
        .join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
        .where(SupervisorAssignment.staff_id == actor.user_id)
    ).first()
    return StaffHome(
        own=rows[me.id],
        supervisor_name=supervisor.display_name if supervisor else "",
        school_year=period.name if period else "",
        my_staff=[rows[u.id] for u in supervisees],
        templates=staff_templates(session=session, site_id=actor.site_id),
    )
