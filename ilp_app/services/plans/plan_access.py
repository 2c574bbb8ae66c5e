"""Load a plan (or something inside it) and authorise the actor for one action on it.

Every plan service starts here, so the owning plan of any id that arrives from a browser is
looked up on the server and checked; a goal id from someone else's plan is refused like the
plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, SQLModel

from ilp_app.db.models import Period, Plan
from ilp_app.domain.errors import NotFound
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, PlanRef, can, is_support_read
from ilp_app.domain.plans import (
    MSG_PLAN_LOCKED,
    MSG_PLAN_NOT_ACTIVE,
    PLAN_KIND_STAFF,
    PlanStatus,
)
from ilp_app.i18n import N_
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial
from ilp_app.services.outbox import learner_changed

MSG_PLAN_NOT_FOUND = N_("That plan does not exist.")

#: Actions that change a plan; on a locked plan they get the "locked" message (and are audited).
WRITE_ACTIONS = frozenset(
    {
        Action.PLAN_EDIT,
        Action.PLAN_ACTIVATE,
        Action.TASK_PROGRESS,
        Action.REFLECTION_WRITE,
        Action.RATING_SELF,
        Action.RATING_MENTOR,
        Action.LOG_POST,
        Action.NOTE_WRITE,
        Action.HANDOVER_WRITE,
        Action.PLAN_NEXT_PERIOD,
        Action.PLAN_ACKNOWLEDGE,
        Action.PROPOSAL_CREATE,
        Action.PROPOSAL_EDIT,
        Action.PROPOSAL_DECIDE,
    }
)


@dataclass(frozen=True)
class PlanContext:
    plan: Plan
    period: Period
    ref: PlanRef
    actor: Actor


def plan_ref(plan: Plan) -> PlanRef:
    return PlanRef(
        plan_id=plan.id,
        learner_id=plan.learner_id,
        status=PlanStatus(plan.status),
        staff=plan.kind == PLAN_KIND_STAFF,
    )


def plan_load(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    action: Action,
    client_ip: str = "",
    for_update: bool = False,
) -> PlanContext:
    """The plan with ``plan_id`` if ``actor`` may do ``action`` on it.

    Raises:
        NotSignedIn, PermissionDenied: refused (audited). A locked plan refuses every write with
            :data:`MSG_PLAN_LOCKED`.
        NotFound: no such plan (only told to someone signed in).
        ValidationFailed: ``plan_id`` is not an id at all.
    """
    if actor is None:
        authorize(actor, action, None, client_ip=client_ip)
    pid = parse_id(plan_id, what="plan")
    plan = session.get(Plan, pid, with_for_update=for_update)
    if plan is None or plan.site_id != actor.site_id:
        raise NotFound(MSG_PLAN_NOT_FOUND)
    ref = plan_ref(plan)
    if not can(actor, action, ref):
        message = None
        if action in WRITE_ACTIONS and can(actor, Action.PLAN_VIEW, ref):
            if ref.status is PlanStatus.LOCKED:
                message = MSG_PLAN_LOCKED
            elif ref.status is PlanStatus.DRAFT and action is not Action.PLAN_ACTIVATE:
                message = MSG_PLAN_NOT_ACTIVE
        if message:
            raise denial(actor, action, ref, client_ip=client_ip, message=message)
        authorize(actor, action, ref, client_ip=client_ip)
    if action is Action.PLAN_VIEW and is_support_read(actor, plan.learner_id, staff=ref.staff):
        # Administrators read plans for support only; every such read is on record.
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="plan.read_as_admin",
            target_type="plan",
            target_id=plan.id,
            client_ip=client_ip,
        )
    return PlanContext(plan=plan, period=session.get(Period, plan.period_id), ref=ref, actor=actor)


def child_load(
    *,
    session: Session,
    actor: Actor | None,
    model: type[SQLModel],
    child_id: object,
    action: Action,
    client_ip: str = "",
    what: str = "item",
) -> tuple[SQLModel, PlanContext]:
    """A row that belongs to a plan (goal, task, note...) with its plan, authorised like the plan."""
    if actor is None:
        authorize(actor, action, None, client_ip=client_ip)
    cid = parse_id(child_id, what=what)
    row = session.get(model, cid)
    if row is None:
        raise NotFound(f"That {what} does not exist.")
    ctx = plan_load(
        session=session, actor=actor, plan_id=row.plan_id, action=action, client_ip=client_ip
    )
    return row, ctx


def plan_touch(session: Session, ctx: PlanContext) -> None:
    """Record that the plan changed: its timestamp, and the outbox for the live screens."""
    ctx.plan.updated_at = datetime.now(UTC)
    session.add(ctx.plan)
    learner_changed(session, ctx.plan.learner_id)
