"""A review meeting as an iCalendar invitation (.ics), for whoever may see the review."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from ilp_app.db.models import User
from ilp_app.domain.ics import IcsEvent, Person, build_calendar
from ilp_app.domain.parsing import ids_in_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.i18n import gettext
from ilp_app.services.reviews.review_model import (
    ReviewStatus,
    now_or_utc,
    review_load,
    to_school_time,
)


def review_ics(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> str:
    """The review as an iCalendar invitation (text with CRLF line endings), for whoever may see it.

    Times are written in the school's time zone (``TZID``, with its VTIMEZONE), the zone they
    were typed in, so a calendar keeps the meeting at that wall-clock time; UTC when the
    school's zone is UTC.
    """
    review = review_load(session, actor, review_id, Action.REVIEW_VIEW, client_ip)
    learner = session.get(User, review.learner_id)
    ids = ids_in_text(review.attendee_ids)
    users = {
        u.id: u
        for u in session.exec(select(User).where(User.id.in_([*ids, review.created_by_id]))).all()
    }
    organizer = users.get(review.created_by_id)
    description = [
        gettext("Individual Learning Plan review meeting for %(name)s.")
        % {"name": learner.display_name}
    ]
    if review.online_url:
        description.append(gettext("Online meeting: %(url)s") % {"url": review.online_url})
    event = IcsEvent(
        uid=f"review-{review.id}@ilp",
        start=to_school_time(review.starts_at),
        # Added in UTC, then shown in the zone: the meeting lasts its minutes across a DST change.
        end=to_school_time(review.starts_at + timedelta(minutes=review.duration_minutes)),
        summary=gettext("ILP review: %(name)s") % {"name": learner.display_name},
        location=review.location or ("Online" if review.online_url else ""),
        description="\n".join(description),
        url=review.online_url,
        organizer=Person(organizer.display_name, organizer.email) if organizer else None,
        attendees=tuple(Person(users[i].display_name, users[i].email) for i in ids if i in users),
        cancelled=review.status == ReviewStatus.CANCELLED.value,
    )
    return build_calendar(event, stamp=now_or_utc(now))
