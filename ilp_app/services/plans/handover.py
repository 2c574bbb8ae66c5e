"""Handover notes: when a learner moves to a new tutor group or mentor, the mentor they leave
writes what the next one should know. The note is for staff only and is pinned on the learner's
plans, above everything else, for whoever mentors them next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import MentorAssignment, Period, Plan, PlanNote, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.permissions import Action, Actor, NoteRef, can
from ilp_app.domain.plans import MAX_NOTE, PLAN_KIND_LEARNER, NoteVisibility
from ilp_app.services.audit import audit_record
from ilp_app.services.plans.history import history_record
from ilp_app.services.plans.notifications import notify_users
from ilp_app.services.plans.plan_access import PlanContext, plan_load, plan_touch

MSG_HANDOVER_STAFF_ONLY = "A handover note is for staff only; its visibility cannot change."


@dataclass
class HandoverView:
    id: int
    author: str
    body: str
    created_at: str
    period_name: str


def handover_note_add(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    body: object,
    client_ip: str = "",
) -> int:
    """The learner's mentor leaves a note for the next mentor (staff only, pinned)."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.HANDOVER_WRITE,
        client_ip=client_ip,
    )
    note = PlanNote(
        plan_id=ctx.plan.id,
        author_id=actor.user_id,
        visibility=NoteVisibility.STAFF.value,
        body=parse_text(body, field="Handover note", max_length=MAX_NOTE),
        handover=True,
    )
    session.add(note)
    session.flush()
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="note.handover",
        entity="note",
        entity_id=note.id,
        after={"handover note": note.body},
        note_author_id=note.author_id,
        note_visibility=note.visibility,
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="note.handover",
        target_type="note",
        target_id=note.id,
        client_ip=client_ip,
    )
    return note.id


def handover_visibility_check(note: PlanNote, wanted: NoteVisibility) -> None:
    """A handover note stays "staff": it must never reach the learner or their family."""
    if note.handover and wanted is not NoteVisibility.STAFF:
        raise ValidationFailed(MSG_HANDOVER_STAFF_ONLY)


def handover_notes(*, session: Session, ctx: PlanContext) -> list[HandoverView]:
    """The handover notes on any of the learner's plans that the viewer may read, newest first.

    Callers have authorised the plan view (``ctx``); each note is checked again as a note.
    """
    if ctx.ref.staff:
        return []
    lid = ctx.plan.learner_id
    rows = session.exec(
        select(PlanNote, Period.name, User)
        .join(Plan, Plan.id == PlanNote.plan_id)
        .join(Period, Period.id == Plan.period_id)
        .join(User, User.id == PlanNote.author_id)
        .where(Plan.learner_id == lid, Plan.kind == PLAN_KIND_LEARNER, PlanNote.handover)
        .order_by(PlanNote.created_at.desc(), PlanNote.id.desc())
    ).all()
    return [
        HandoverView(
            id=note.id,
            author=author.display_name,
            body=note.body,
            created_at=note.created_at.strftime("%Y-%m-%d"),
            period_name=period_name,
        )
        for note, period_name, author in rows
        if can(
            ctx.actor,
            Action.NOTE_VIEW,
            NoteRef(lid, note.author_id, NoteVisibility(note.visibility)),
        )
    ]


HANDOVER_DUE = "handover_due"  # a notification kind


def handover_ask(session: Session, *, new_mentor: User, learner_ids: list[int]) -> None:
    """Ask the mentors a learner already has to leave a handover note, now that ``new_mentor``
    takes them on (called where a new mentor is connected, before the old link ends).

    Each is told on the learner's latest plan, which they can still open and write on.
    """
    if not learner_ids:
        return
    earlier = session.exec(
        select(MentorAssignment.learner_id, MentorAssignment.mentor_id).where(
            MentorAssignment.learner_id.in_(learner_ids),
            MentorAssignment.mentor_id != new_mentor.id,
        )
    ).all()
    by_learner: dict[int, set[int]] = {}
    for lid, mid in earlier:
        by_learner.setdefault(lid, set()).add(mid)
    now = datetime.now(UTC)
    for lid, mentors in sorted(by_learner.items()):
        plan = session.exec(
            select(Plan)
            .join(Period, Period.id == Plan.period_id)
            .where(Plan.learner_id == lid, Plan.kind == PLAN_KIND_LEARNER)
            .order_by(Period.starts_on.desc())
        ).first()
        learner = session.get(User, lid)
        if plan is None or learner is None:
            continue
        notify_users(
            session,
            recipients=mentors,
            plan=plan,
            kind=HANDOVER_DUE,
            text=f"{learner.display_name} has a new mentor, {new_mentor.display_name}: "
            "leave them a handover note on the plan.",
            now=now,
        )
