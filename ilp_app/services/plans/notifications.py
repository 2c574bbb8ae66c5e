"""In-app notifications: who hears about what happens on a plan, and each person's own list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Guardianship, MentorAssignment, Notification, Plan, User
from ilp_app.domain.errors import NotFound
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor
from ilp_app.i18n.formatting import format_moment
from ilp_app.services.guard import authorize
from ilp_app.services.mail.family_mail import family_instant_mail
from ilp_app.services.outbox import user_notified

#: Repeats of the same kind on the same plan within this window fold into one notification.
FOLD_WINDOW = timedelta(minutes=30)
MAX_TEXT = 300
LIST_SIZE = 30


class Kind:
    TASK_COMPLETED = "task_completed"
    REFLECTION = "reflection"
    PLAN_CHANGED = "plan_changed"
    LOG_POST = "log_post"
    PROPOSAL = "proposal"  # a learner proposed a goal or task: their mentors decide
    PROPOSAL_DECIDED = "proposal_decided"  # the mentor decided: the learner hears
    LEARNER_TASK = "learner_task"  # a learner added a task of their own (no approval needed)


def _mentors(session: Session, learner_id: int) -> set[int]:
    return set(
        session.exec(
            select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == learner_id)
        ).all()
    )


def _family(session: Session, learner_id: int) -> set[int]:
    parents = session.exec(
        select(Guardianship.parent_id).where(Guardianship.learner_id == learner_id)
    ).all()
    return {learner_id, *parents}


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else ""


def notify_users(
    session: Session, *, recipients: set[int], plan: Plan, kind: str, text: str, now: datetime
) -> None:
    """Add (or fold into) a notification about ``plan`` for each recipient; callers choose who."""
    for user_id in sorted(recipients):
        existing = session.exec(
            select(Notification).where(
                Notification.user_id == user_id,
                Notification.plan_id == plan.id,
                Notification.kind == kind,
                Notification.read_at.is_(None),
                Notification.created_at >= now - FOLD_WINDOW,
            )
        ).first()
        if existing is not None:
            existing.count += 1
            existing.text = text[:MAX_TEXT]
            existing.created_at = now
            session.add(existing)
        else:
            session.add(
                Notification(
                    user_id=user_id,
                    plan_id=plan.id,
                    kind=kind,
                    text=text[:MAX_TEXT],
                    created_at=now,
                )
            )
        user_notified(session, user_id)


def notify_plan_event(
    session: Session, *, actor: Actor, plan: Plan, kind: str, subject: str = ""
) -> None:
    """Tell the people who should hear about ``kind`` happening on ``plan`` (never the actor).

    A learner's completed task or reflection goes to their mentors; a change by staff (an edit or
    a log post) goes to the learner and parents; a post by the learner or a parent goes to the
    mentors. A learner's proposal (or own task) goes to their mentors, and the mentor's decision
    to the learner.
    """
    now = datetime.now(UTC)
    learner_id = plan.learner_id
    who = _name(session, actor.user_id)
    learner = _name(session, learner_id)
    family = _family(session, learner_id)
    if kind == Kind.TASK_COMPLETED:
        recipients, text = _mentors(session, learner_id), f"{learner} completed “{subject}”."
    elif kind == Kind.REFLECTION:
        recipients, text = (
            _mentors(session, learner_id),
            f"{learner} wrote a reflection on “{subject}”.",
        )
    elif kind == Kind.PROPOSAL:
        recipients, text = _mentors(session, learner_id), f"{learner} proposed “{subject}”."
    elif kind == Kind.LEARNER_TASK:
        recipients, text = _mentors(session, learner_id), f"{learner} added a task: “{subject}”."
    elif kind == Kind.PROPOSAL_DECIDED:
        recipients, text = {learner_id}, f"{who} decided on your proposal “{subject}”."
    elif kind == Kind.PLAN_CHANGED:
        recipients, text = family, f"{who} updated the plan of {learner}."
    elif kind == Kind.LOG_POST:
        if actor.user_id in family:
            recipients = _mentors(session, learner_id)
        else:
            recipients = family | (_mentors(session, learner_id))
        text = f"{who} wrote in the plan log of {learner}: “{subject[:120]}”"
    else:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients -= {actor.user_id}
    notify_users(session, recipients=recipients, plan=plan, kind=kind, text=text, now=now)
    # Parents who chose to hear every change get it by mail too (after the quiet hours).
    family_instant_mail(session, plan=plan, recipients=recipients, text=text, now=now)


@dataclass(frozen=True)
class NotificationView:
    id: int
    text: str
    count: int
    created_at: str
    unread: bool
    plan_id: int


def unread_count(*, session: Session, user_id: int) -> int:
    return session.exec(
        select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).one()


def notification_list(*, session: Session, actor: Actor | None) -> list[NotificationView]:
    """The signed-in person's own notifications, newest first."""
    authorize(actor, Action.ACCOUNT_MANAGE)
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == actor.user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(LIST_SIZE)
    ).all()
    return [
        NotificationView(
            id=n.id,
            text=n.text,
            count=n.count,
            created_at=format_moment(n.created_at),
            unread=n.read_at is None,
            plan_id=n.plan_id or 0,
        )
        for n in rows
    ]


def notification_mark_read(
    *, session: Session, actor: Actor | None, notification_id: object
) -> None:
    """Mark one of one's own notifications read (someone else's is 'not found')."""
    authorize(actor, Action.ACCOUNT_MANAGE)
    nid = parse_id(notification_id, what="notification")
    row = session.get(Notification, nid)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("That notification does not exist.")
    if row.read_at is None:
        row.read_at = datetime.now(UTC)
        session.add(row)
    user_notified(session, actor.user_id)


def notification_mark_all_read(*, session: Session, actor: Actor | None) -> None:
    authorize(actor, Action.ACCOUNT_MANAGE)
    session.exec(
        sa.update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    user_notified(session, actor.user_id)
