"""What a parent needs first about each child: how it is going and why, progress, what is
new since they last looked, the next review, and who the mentor is.

Callers authorise first (``directory.parent_home`` lets a parent see only their own children).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Notification, Plan, Review
from ilp_app.domain.overview import FAMILY_WORDS, rag_reasons
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.i18n import gettext
from ilp_app.i18n.formatting import format_moment
from ilp_app.services.reports.overview import overview_rows
from ilp_app.services.reviews.review_model import ReviewStatus


@dataclass
class ChildSummary:
    learner_id: int
    name: str
    mentors: str
    plan_id: int = 0  # 0: no shared plan this period
    status: str = ""  # red | amber | green ("" without a plan)
    status_words: str = ""
    reasons: list[str] = field(default_factory=list)
    completed: int = 0
    total: int = 0
    percent: int = 0
    updates: int = 0  # unread notifications about this child's plans
    review_id: int = 0  # the next review meeting (0: none planned)
    review_when: str = ""
    review_where: str = ""


def _unread_by_learner(session: Session, user_id: int, learner_ids: list[int]) -> Counter:
    rows = session.exec(
        select(Plan.learner_id, sa.func.sum(Notification.count))
        .join(Notification, Notification.plan_id == Plan.id)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Plan.learner_id.in_(learner_ids),
        )
        .group_by(Plan.learner_id)
    ).all()
    return Counter({learner_id: int(total or 0) for learner_id, total in rows})


def _next_reviews(session: Session, learner_ids: list[int], now: datetime) -> dict[int, Review]:
    upcoming = session.exec(
        select(Review)
        .where(
            Review.learner_id.in_(learner_ids),
            Review.status == ReviewStatus.SCHEDULED.value,
            Review.starts_at >= now,
        )
        .order_by(Review.starts_at, Review.id)
    ).all()
    first: dict[int, Review] = {}
    for review in upcoming:
        first.setdefault(review.learner_id, review)
    return first


def family_summaries(
    *, session: Session, actor: Actor, children, now: datetime | None = None
) -> list[ChildSummary]:
    """One summary per child in ``children`` (the parent's own, as ``parent_home`` lists them)."""
    now = now or datetime.now(UTC)
    ids = [c.id for c in children]
    if not ids:
        return []
    rows = {
        r.learner_id: r
        for r in overview_rows(session=session, site_id=actor.site_id, learner_ids=ids, now=now)
    }
    unread = _unread_by_learner(session, actor.user_id, ids)
    reviews = _next_reviews(session, ids, now)
    summaries = []
    for child in children:
        summary = ChildSummary(learner_id=child.id, name=child.name, mentors=child.mentors)
        row = rows.get(child.id)
        if row is not None and row.plan_id:
            summary.plan_id, summary.status = row.plan_id, row.rag
            summary.status_words = gettext(FAMILY_WORDS[row.rag])
            summary.reasons = rag_reasons(
                days_quiet=None if row.days_quiet < 0 else row.days_quiet,
                goals_behind=row.goals_behind,
            )
            summary.completed, summary.total, summary.percent = (
                row.completed,
                row.total,
                row.percent,
            )
        summary.updates = unread.get(child.id, 0)
        review = reviews.get(child.id)
        if review is not None and can(actor, Action.REVIEW_VIEW, LearnerRef(child.id)):
            summary.review_id = review.id
            summary.review_when = format_moment(review.starts_at)
            summary.review_where = review.location
        summaries.append(summary)
    return summaries
