"""A plan's history: every change to its content, who made it, and what it was before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from ilp_app.db.models import PlanAcknowledgement, PlanChange, User
from ilp_app.domain.lifecycle import changed_fields
from ilp_app.domain.permissions import Action, Actor, NoteRef, can
from ilp_app.domain.plans import NoteVisibility
from ilp_app.domain.roles import parse_role
from ilp_app.i18n import N_, gettext
from ilp_app.i18n.formatting import format_moment
from ilp_app.services.plans.plan_access import PlanContext, plan_load

_MAX = 6000

ACTION_LABELS = {
    "plan.activate": "Shared the plan",
    "plan.lock": "Locked the plan (period finished)",
    "plan.next_period": "Started the next period's plan",
    "plan.carried_in": "Carried goals in from the last period",
    "plan.focus_area_add": "Added a focus area",
    "plan.focus_area_rename": "Renamed a focus area",
    "plan.focus_area_move": "Moved a focus area",
    "plan.focus_area_delete": "Removed a focus area",
    "plan.goal_add": "Added a goal",
    "plan.goal_edit": "Edited a goal",
    "plan.goal_move": "Moved a goal",
    "plan.goal_delete": "Removed a goal",
    "plan.task_add": "Added a task",
    "plan.task_edit": "Edited a task",
    "plan.task_move": "Moved a task",
    "plan.task_delete": "Removed a task",
    "plan.link_add": "Added a link",
    "plan.link_delete": "Removed a link",
    "task.progress": "Changed a task's status",
    "task.reason": "Wrote why a task was not done",
    "note.create": "Wrote a note",
    "note.visibility": "Changed who can see a note",
    "note.delete": "Deleted a note",
    "template.update": "Took an update from the template",
    "proposal.create": N_("Made a proposal"),
    "proposal.edit": N_("Edited a proposal"),
    "proposal.withdraw": N_("Withdrew a proposal"),
    "proposal.accept": N_("Accepted a proposal"),
    "proposal.accept_changed": N_("Accepted a proposal with changes"),
    "proposal.decline": N_("Declined a proposal"),
    "proposal.close_on_lock": N_("Closed a proposal when the plan was locked"),
    "proposal.carried_in": N_("A proposal waits here from the previous plan"),
}


def _text(value: dict | None) -> str:
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)[:_MAX] if value else ""
    )


def history_record(
    session: Session,
    ctx: PlanContext,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    note_author_id: int | None = None,
    note_visibility: str = "",
) -> None:
    """Add a history entry for a change made in this unit of work (only the fields that changed)."""
    if before and after:
        before, after = changed_fields(before, after)
    session.add(
        PlanChange(
            plan_id=ctx.plan.id,
            version=ctx.plan.version,
            actor_id=ctx.actor.user_id if ctx.actor else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=_text(before),
            after=_text(after),
            note_author_id=note_author_id,
            note_visibility=note_visibility,
        )
    )


@dataclass(frozen=True)
class ChangeView:
    at: str
    who: str
    what: str
    version: int
    before: str
    after: str


@dataclass(frozen=True)
class AcknowledgementView:
    user_id: int
    who: str
    role: str  # "mentor", "learner", "parent" (the export keeps it)
    version: int
    at: str
    current: bool
    role_label: str = ""  # as the reader reads it ("Kontaktlærer")


def _pretty(raw: str) -> str:
    if not raw:
        return ""
    data = json.loads(raw)
    return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in data.items())


def plan_history(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> list[ChangeView]:
    """The plan's changes, newest first, as the viewer may see them (notes filtered like notes)."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    rows = session.exec(
        select(PlanChange)
        .where(PlanChange.plan_id == ctx.plan.id)
        .order_by(PlanChange.at.desc(), PlanChange.id.desc())
    ).all()
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(User.id.in_({r.actor_id for r in rows if r.actor_id} or {-1}))
        ).all()
    }
    views = []
    for r in rows:
        if r.note_author_id is not None and not can(
            actor,
            Action.NOTE_VIEW,
            NoteRef(
                ctx.plan.learner_id,
                r.note_author_id,
                NoteVisibility(r.note_visibility),
                staff=ctx.ref.staff,
            ),
        ):
            continue
        views.append(
            ChangeView(
                at=format_moment(r.at),
                who=names.get(r.actor_id, ""),
                what=gettext(ACTION_LABELS.get(r.action, r.action)),
                version=r.version,
                before=_pretty(r.before),
                after=_pretty(r.after),
            )
        )
    return views


def plan_acknowledgements(*, session: Session, plan: PlanContext) -> list[AcknowledgementView]:
    """Who acknowledged which version of the plan (callers have authorised the viewer)."""
    rows = session.exec(
        select(PlanAcknowledgement, User)
        .join(User, User.id == PlanAcknowledgement.user_id)
        .where(PlanAcknowledgement.plan_id == plan.plan.id)
        .order_by(PlanAcknowledgement.at.desc())
    ).all()
    return [
        AcknowledgementView(
            user_id=user.id,
            who=user.display_name,
            role=ack.role,
            role_label=role.label if (role := parse_role(ack.role)) else ack.role,
            version=ack.version,
            at=format_moment(ack.at),
            current=ack.version == plan.plan.version,
        )
        for ack, user in rows
    ]
