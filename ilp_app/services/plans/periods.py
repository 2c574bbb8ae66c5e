"""Academic periods."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ilp_app.db.models import Period
from ilp_app.domain.plans import PERIOD_KIND_TERM


def period_current(
    *, session: Session, site_id: int, today: date | None = None, kind: str = PERIOD_KIND_TERM
) -> Period | None:
    """The period plans are made for now.

    The period containing ``today``; in a break between periods, the next one (mentors prepare
    plans before term starts); after the last period, the last one. Periods a roster import
    retired are never current. Learners' plans follow terms (the default ``kind``), staff plans
    the school year (:data:`PERIOD_KIND_SCHOOL_YEAR`).
    """
    today = today or date.today()
    periods = session.exec(
        select(Period)
        .where(Period.site_id == site_id, Period.retired_at.is_(None), Period.kind == kind)
        .order_by(Period.starts_on)
    ).all()
    for p in periods:
        if p.starts_on <= today <= p.ends_on:
            return p
    upcoming = [p for p in periods if p.starts_on > today]
    return upcoming[0] if upcoming else (periods[-1] if periods else None)
