"""Academic periods."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ilp_app.db.models import Period


def period_current(*, session: Session, site_id: int, today: date | None = None) -> Period | None:
    """The period containing ``today``; else the most recently started one."""
    today = today or date.today()
    periods = session.exec(select(Period).where(Period.site_id == site_id).order_by(Period.starts_on)).all()
    for p in periods:
        if p.starts_on <= today <= p.ends_on:
            return p
    started = [p for p in periods if p.starts_on <= today]
    return started[-1] if started else (periods[0] if periods else None)
