"""Review meetings: scheduling, family comments, the outcome, and a learner's reviews on the plan page.

A mentor schedules a review of a mentee (date, time, place and/or online link, who attends);
the learner and parents may add comments until the meeting starts; the mentor records the
outcome, which is written once into the plan log of the linked plan (unless that plan is
locked). Reviews happen at least twice a year, so a mentee with no review held in the last
:data:`~ilp_app.services.reviews.review_model.REVIEW_INTERVAL` is "due" on the mentor's dashboard
(:mod:`ilp_app.services.reviews.review_dashboard`). A review as an .ics file:
:mod:`ilp_app.services.reviews.review_calendar`. Times: see :mod:`ilp_app.services.reviews.review_model`.

Notifications: ``services.plans.notifications`` has no review kinds, and is not edited here, so review
notifications go through its generic writer with kinds of their own (``review_*``). They need
a plan to point at: without a linked plan (or, for the family, while it is a draft they cannot
open) nobody is notified.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Guardianship,
    MentorAssignment,
    Plan,
    PlanLogEntry,
    Review,
    ReviewComment,
    User,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import ids_in_text, parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can, is_support_read
from ilp_app.domain.plans import PlanStatus
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.outbox import learner_changed
from ilp_app.services.plans.notifications import Kind, notify_plan_event, notify_users
from ilp_app.services.plans.plan_access import plan_load
from ilp_app.services.reviews.review_model import (
    MAX_ATTENDEES,
    MAX_COMMENT,
    MAX_LOCATION,
    MAX_OUTCOME,
    MSG_ALREADY_HELD,
    MSG_ATTENDEE_NOT_ALLOWED,
    MSG_ATTENDEES_FORM,
    MSG_CANCELLED,
    MSG_NO_ATTENDEES,
    MSG_NO_PLACE,
    MSG_OUTCOME_RECORDED,
    MSG_TOO_EARLY,
    MSG_TOO_MANY_ATTENDEES,
    CommentView,
    PersonView,
    ReviewKind,
    ReviewPanel,
    ReviewStatus,
    ReviewView,
    eligible_attendees,
    ids_text,
    learner_current_plan,
    learner_load,
    now_or_utc,
    outcome_log_text,
    parse_duration,
    parse_online_url,
    parse_start,
    review_load,
    to_school_time,
    when_label,
)
from ilp_app.services.reviews.review_prep import review_preps
from ilp_app.settings import get_settings


def _clean_attendees(value: object, eligible: dict[int, PersonView]) -> list[int]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationFailed(MSG_ATTENDEES_FORM)
    if len(value) > MAX_ATTENDEES:
        raise ValidationFailed(MSG_TOO_MANY_ATTENDEES)
    chosen: set[int] = set()
    for item in value:
        try:
            uid = parse_id(item, what="person")
        except ValidationFailed as exc:
            raise ValidationFailed(MSG_ATTENDEES_FORM) from exc
        if uid not in eligible:
            raise ValidationFailed(MSG_ATTENDEE_NOT_ALLOWED)
        chosen.add(uid)
    if not chosen:
        raise ValidationFailed(MSG_NO_ATTENDEES)
    return [uid for uid in eligible if uid in chosen]


def _family(session: Session, learner_id: int) -> set[int]:
    parents = session.exec(
        select(Guardianship.parent_id).where(Guardianship.learner_id == learner_id)
    ).all()
    return {learner_id, *parents}


def _mentors(session: Session, learner_id: int) -> set[int]:
    return set(
        session.exec(
            select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == learner_id)
        ).all()
    )


def _tell(
    session: Session, *, recipients: set[int], plan: Plan | None, kind: str, text: str, family: bool
) -> None:
    """Notify about a review through the plan it belongs to (families only once they can open it)."""
    if plan is None or not recipients:
        return
    if family and plan.status == PlanStatus.DRAFT.value:
        return
    notify_users(
        session, recipients=recipients, plan=plan, kind=kind, text=text, now=datetime.now(UTC)
    )


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else ""


# --- writes ----------------------------------------------------------------------------------


def review_schedule(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    starts_at: object,
    duration_minutes: object,
    location: object,
    online_url: object = "",
    attendee_ids: object = (),
    client_ip: str = "",
    now: datetime | None = None,
) -> int:
    """The learner's mentor schedules a review meeting; returns the new review's id.

    Args:
        starts_at: "YYYY-MM-DDTHH:MM" (what ``<input type="datetime-local">`` sends), read in
            the school's time zone; it must be in the future and within a year.
        duration_minutes: 15 to 240.
        location: the place (up to 200 characters); it may be empty when ``online_url`` is given.
        online_url: an optional http(s) link to an online meeting.
        attendee_ids: user ids; each must be the learner, a parent, a mentor or a teacher of theirs.

    Raises:
        NotSignedIn, PermissionDenied: not this learner's mentor (audited).
        ValidationFailed: a field is missing, malformed or out of range (the message names it).
    """
    learner = learner_load(session, actor, learner_id, Action.REVIEW_SCHEDULE, client_ip)
    now = now_or_utc(now)
    start = parse_start(starts_at, now=now)
    duration = parse_duration(duration_minutes)
    place = parse_text(location, field="Place", max_length=MAX_LOCATION, required=False)
    url = parse_online_url(online_url)
    if not place and not url:
        raise ValidationFailed(MSG_NO_PLACE)
    attendees = _clean_attendees(attendee_ids, eligible_attendees(session, learner))
    plan = learner_current_plan(session, learner)
    review = Review(
        site_id=learner.site_id,
        learner_id=learner.id,
        plan_id=plan.id if plan else None,
        starts_at=start,
        duration_minutes=duration,
        location=place,
        online_url=url,
        attendee_ids=ids_text(attendees),
        status=ReviewStatus.SCHEDULED.value,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(review)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="review.schedule",
        target_type="review",
        target_id=review.id,
        detail={"learner_id": learner.id, "starts_at": start.isoformat()},
        client_ip=client_ip,
    )
    learner_changed(session, learner.id)
    _tell(
        session,
        recipients=_family(session, learner.id) - {actor.user_id},
        plan=plan,
        kind=ReviewKind.SCHEDULED,
        text=f"{_name(session, actor.user_id)} scheduled a review of {learner.display_name} on {when_label(start)}.",
        family=True,
    )
    return review.id


def review_comment_add(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    body: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> int:
    """The learner or a parent adds a comment before the meeting; returns the comment's id.

    Raises:
        NotSignedIn, PermissionDenied: not the learner or one of their parents (audited).
        ValidationFailed: the meeting has taken place or was cancelled, or the text is empty/too long.
    """
    review = review_load(
        session, actor, review_id, Action.REVIEW_COMMENT, client_ip, for_update=True
    )
    now = now_or_utc(now)
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    if review.status != ReviewStatus.SCHEDULED.value or review.starts_at <= now:
        raise ValidationFailed(MSG_ALREADY_HELD)
    comment = ReviewComment(
        review_id=review.id,
        author_id=actor.user_id,
        created_at=now,
        body=parse_text(body, field="Comment", max_length=MAX_COMMENT),
    )
    session.add(comment)
    session.flush()
    learner_changed(session, review.learner_id)
    plan = session.get(Plan, review.plan_id) if review.plan_id else None
    _tell(
        session,
        recipients=_mentors(session, review.learner_id) - {actor.user_id},
        plan=plan,
        kind=ReviewKind.COMMENT,
        family=False,
        text=f"{_name(session, actor.user_id)} commented on the review of {_name(session, review.learner_id)}: "
        f"“{comment.body[:120]}”",
    )
    return comment.id


def review_record_outcome(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    summary: object,
    decisions: object = "",
    new_targets: object = "",
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """The mentor records what the meeting concluded; it is written once into the plan log.

    The review becomes "held". One log entry ("Review on <date>: Summary: … Decisions: … New
    targets: …") goes into the linked plan (the learner's current plan when none was linked at
    scheduling), unless that plan is locked: then only the review keeps the outcome.

    Raises:
        NotSignedIn, PermissionDenied: not this learner's mentor (audited).
        ValidationFailed: already recorded, cancelled, the meeting's day has not come, or bad text.
    """
    review = review_load(session, actor, review_id, Action.REVIEW_SCHEDULE, client_ip)
    now = now_or_utc(now)
    text = {
        "summary": parse_text(summary, field="Summary", max_length=MAX_OUTCOME),
        "decisions": parse_text(
            decisions, field="Decisions", max_length=MAX_OUTCOME, required=False
        ),
        "new_targets": parse_text(
            new_targets, field="New targets", max_length=MAX_OUTCOME, required=False
        ),
    }
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    if review.status == ReviewStatus.HELD.value:
        raise ValidationFailed(MSG_OUTCOME_RECORDED)
    day = to_school_time(review.starts_at).date()
    if day > to_school_time(now).date():
        raise ValidationFailed(MSG_TOO_EARLY.format(day=day.isoformat()))
    learner = session.get(User, review.learner_id)
    plan = (
        session.get(Plan, review.plan_id)
        if review.plan_id
        else learner_current_plan(session, learner)
    )
    # Compare-and-set: of two mentors recording at once, exactly one succeeds (and logs once).
    result = session.exec(
        sa.update(Review)
        .where(Review.id == review.id, Review.status == ReviewStatus.SCHEDULED.value)
        .values(
            status=ReviewStatus.HELD.value, held_at=now, plan_id=plan.id if plan else None, **text
        )
    )
    if result.rowcount != 1:
        raise ValidationFailed(MSG_OUTCOME_RECORDED)
    logged = plan is not None and plan.status != PlanStatus.LOCKED.value
    if logged:
        entry = PlanLogEntry(
            plan_id=plan.id,
            author_id=actor.user_id,
            created_at=now,
            body=outcome_log_text(day=day, **text),
        )
        session.add(entry)
        plan.updated_at = now
        session.add(plan)
        session.flush()
        if plan.status == PlanStatus.ACTIVE.value:
            notify_plan_event(
                session, actor=actor, plan=plan, kind=Kind.LOG_POST, subject=entry.body
            )
    learner_changed(session, review.learner_id)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="review.outcome",
        target_type="review",
        target_id=review.id,
        detail={"plan_log": logged},
        client_ip=client_ip,
    )


def review_cancel(
    *, session: Session, actor: Actor | None, review_id: object, client_ip: str = ""
) -> None:
    """The mentor cancels a scheduled review (a held one keeps its outcome and cannot be cancelled)."""
    review = review_load(
        session, actor, review_id, Action.REVIEW_SCHEDULE, client_ip, for_update=True
    )
    if review.status == ReviewStatus.HELD.value:
        raise ValidationFailed(MSG_ALREADY_HELD)
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    review.status = ReviewStatus.CANCELLED.value
    session.add(review)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="review.cancel",
        target_type="review",
        target_id=review.id,
        client_ip=client_ip,
    )
    learner_changed(session, review.learner_id)
    plan = session.get(Plan, review.plan_id) if review.plan_id else None
    _tell(
        session,
        recipients=_family(session, review.learner_id) - {actor.user_id},
        plan=plan,
        kind=ReviewKind.CANCELLED,
        family=True,
        text=f"The review of {_name(session, review.learner_id)} on {when_label(review.starts_at)} was cancelled.",
    )


# --- reads -----------------------------------------------------------------------------------


def _views(
    session: Session, actor: Actor, learner: User, reviews: list[Review], now: datetime
) -> list[ReviewView]:
    ref = LearnerRef(learner.id)
    may_comment = can(actor, Action.REVIEW_COMMENT, ref)
    may_manage = can(actor, Action.REVIEW_SCHEDULE, ref)
    eligible = eligible_attendees(session, learner)
    comments: dict[int, list[ReviewComment]] = defaultdict(list)
    if reviews:
        for c in session.exec(
            select(ReviewComment)
            .where(ReviewComment.review_id.in_([r.id for r in reviews]))
            .order_by(ReviewComment.created_at, ReviewComment.id)
        ).all():
            comments[c.review_id].append(c)
    people = {
        *(uid for r in reviews for uid in ids_in_text(r.attendee_ids)),
        *(c.author_id for cs in comments.values() for c in cs),
    }
    names = {
        u.id: u.display_name
        for u in session.exec(select(User).where(User.id.in_(list(people) or [-1]))).all()
    }
    preps = review_preps(session, actor, learner.id, reviews, now)
    views = []
    for r in reviews:
        status = ReviewStatus(r.status)
        scheduled = status is ReviewStatus.SCHEDULED
        ends = r.starts_at + timedelta(minutes=r.duration_minutes)
        views.append(
            ReviewView(
                id=r.id,
                learner_id=r.learner_id,
                learner_name=learner.display_name,
                plan_id=r.plan_id or 0,
                starts_at=when_label(r.starts_at),
                day=f"{to_school_time(r.starts_at):%Y-%m-%d}",
                time=f"{to_school_time(r.starts_at):%H:%M}",
                ends_time=f"{to_school_time(ends):%H:%M}",
                duration_minutes=r.duration_minutes,
                location=r.location,
                online_url=r.online_url,
                status=status.value,
                status_label=status.label,
                summary=r.summary,
                decisions=r.decisions,
                new_targets=r.new_targets,
                held_at=when_label(r.held_at),
                can_comment=may_comment and scheduled and r.starts_at > now,
                can_manage=may_manage and scheduled,
                attendees=[
                    PersonView(
                        id=uid,
                        name=names.get(uid, ""),
                        role=eligible[uid].role if uid in eligible else "",
                    )
                    for uid in ids_in_text(r.attendee_ids)
                    if uid in names
                ],
                comments=[
                    CommentView(
                        id=c.id,
                        author=names.get(c.author_id, ""),
                        body=c.body,
                        created_at=when_label(c.created_at),
                    )
                    for c in comments[r.id]
                ],
                prep=preps[r.id],
            )
        )
    return views


def _ordered(reviews: list[Review]) -> list[Review]:
    """Scheduled meetings first (soonest first), then the rest (most recent first)."""
    ahead = sorted(
        (r for r in reviews if r.status == ReviewStatus.SCHEDULED.value),
        key=lambda r: (r.starts_at, r.id),
    )
    past = sorted(
        (r for r in reviews if r.status != ReviewStatus.SCHEDULED.value),
        key=lambda r: (r.starts_at, r.id),
        reverse=True,
    )
    return ahead + past


def reviews_of_learner(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> list[ReviewView]:
    """Every review of a learner, with attendees, comments and outcome, for whoever may see them."""
    learner = learner_load(session, actor, learner_id, Action.REVIEW_VIEW, client_ip)
    if is_support_read(actor, learner.id):
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="review.read_as_admin",
            target_type="learner",
            target_id=learner.id,
            client_ip=client_ip,
        )
    reviews = list(session.exec(select(Review).where(Review.learner_id == learner.id)).all())
    return _views(session, actor, learner, _ordered(reviews), now_or_utc(now))


def review_panel(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> ReviewPanel:
    """The reviews section of a plan page: the reviews, and what the viewer may do there."""
    now = now_or_utc(now)
    reviews = reviews_of_learner(
        session=session, actor=actor, learner_id=learner_id, client_ip=client_ip, now=now
    )
    learner = session.get(User, parse_id(learner_id, what="learner"))
    ref = LearnerRef(learner.id)
    may_schedule = can(actor, Action.REVIEW_SCHEDULE, ref)
    choices = list(eligible_attendees(session, learner).values()) if may_schedule else []
    defaults = [
        p.id
        for p in choices
        if p.role in (Role.LEARNER.label, Role.PARENT.label) or p.id == actor.user_id
    ]
    return ReviewPanel(
        learner_id=learner.id,
        learner_name=learner.display_name,
        reviews=reviews,
        can_schedule=may_schedule,
        can_comment=can(actor, Action.REVIEW_COMMENT, ref),
        attendee_choices=choices,
        default_attendee_ids=defaults,
        earliest_start=f"{to_school_time(now):%Y-%m-%dT%H:%M}",
        time_zone=get_settings().school_timezone,
    )


def review_panel_of_plan(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> ReviewPanel:
    """:func:`review_panel` for the learner whose plan ``plan_id`` is (the viewer must see the plan)."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip
    )
    return review_panel(
        session=session, actor=actor, learner_id=ctx.plan.learner_id, client_ip=client_ip, now=now
    )
