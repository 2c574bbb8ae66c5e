"""A mentor's reviews at a glance: upcoming meetings, meetings awaiting an outcome, mentees due a review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from ilp_app.db.models import Plan, Review, User
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.roles import Role
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.reviews.review_model import (
    REVIEW_INTERVAL,
    ReviewDashboard,
    ReviewDue,
    ReviewStatus,
    UpcomingReview,
    now_or_utc,
    to_school_time,
    when_label,
)


def review_dashboard(
    *, session: Session, actor: Actor | None, client_ip: str = "", now: datetime | None = None
) -> ReviewDashboard:
    """A mentor's reviews: upcoming meetings, meetings awaiting an outcome, and mentees due a review.

    A mentee is due when no review of theirs was held in the last :data:`REVIEW_INTERVAL`
    (never reviewed included). Only the mentor's own mentees appear.
    """
    authorize(actor, Action.HOME_VIEW, Role.MENTOR, client_ip=client_ip)
    now = now_or_utc(now)
    mentees = {
        u.id: u
        for u in session.exec(
            select(User).where(
                User.id.in_(list(actor.mentee_ids) or [-1]),
                User.site_id == actor.site_id,
                User.is_active,
            )
        ).all()
    }
    if not mentees:
        return ReviewDashboard()
    reviews = session.exec(
        select(Review)
        .where(Review.learner_id.in_(list(mentees)), Review.status != ReviewStatus.CANCELLED.value)
        .order_by(Review.starts_at, Review.id)
    ).all()
    period = period_current(session=session, site_id=actor.site_id)
    plans: dict[int, int] = {}
    if period is not None:
        plans = dict(
            session.exec(
                select(Plan.learner_id, Plan.id).where(
                    Plan.learner_id.in_(list(mentees)), Plan.period_id == period.id
                )
            ).all()
        )
    board = ReviewDashboard()
    last_held: dict[int, datetime] = {}
    next_ahead: dict[int, datetime] = {}
    for r in reviews:
        learner = mentees[r.learner_id]
        if r.status == ReviewStatus.HELD.value:
            last_held[r.learner_id] = max(r.starts_at, last_held.get(r.learner_id, r.starts_at))
            continue
        item = UpcomingReview(
            review_id=r.id,
            learner_id=r.learner_id,
            learner_name=learner.display_name,
            plan_id=r.plan_id or plans.get(r.learner_id, 0),
            starts_at=when_label(r.starts_at),
            location=r.location,
            online_url=r.online_url,
        )
        if r.starts_at + timedelta(minutes=r.duration_minutes) >= now:
            board.upcoming.append(item)
            next_ahead.setdefault(r.learner_id, r.starts_at)
        else:
            board.awaiting_outcome.append(item)
    since = now - REVIEW_INTERVAL
    due = [u for u in mentees.values() if u.id not in last_held or last_held[u.id] <= since]
    due.sort(
        key=lambda u: (
            last_held.get(u.id, datetime.min.replace(tzinfo=UTC)),
            u.display_name.casefold(),
        )
    )
    board.overdue = [
        ReviewDue(
            learner_id=u.id,
            learner_name=u.display_name,
            plan_id=plans.get(u.id, 0),
            last_review=f"{to_school_time(last_held[u.id]):%Y-%m-%d}" if u.id in last_held else "",
            next_review=when_label(next_ahead.get(u.id)),
        )
        for u in due
    ]
    return board
