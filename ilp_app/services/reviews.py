"""Review meetings: scheduling, family comments, the outcome, the mentor's dashboard, the .ics file.

A mentor schedules a review of a mentee (date, time, place and/or online link, who attends);
the learner and parents may add comments until the meeting starts; the mentor records the
outcome, which is written once into the plan log of the linked plan (unless that plan is
locked). Reviews happen at least twice a year, so a mentee with no review held in the last
:data:`REVIEW_INTERVAL` is "due" on the mentor's dashboard.

Times: the date and time typed into the form are read in the school's time zone
(:func:`school_tz`, ``ILP_SCHOOL_TIMEZONE``, UTC by default) and stored in UTC; every time is
shown in the school's zone with its abbreviation. The .ics file always carries UTC times, which
calendars convert.

Notifications: ``services.notifications`` has no review kinds, and is not edited here, so review
notifications go through its generic writer with kinds of their own (``review_*``). They need
a plan to point at: without a linked plan (or, for the family, while it is a draft they cannot
open) nobody is notified.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Guardianship,
    MentorAssignment,
    Plan,
    PlanLogEntry,
    Review,
    ReviewComment,
    RoleGrant,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.ics import IcsEvent, Person, build_calendar
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.domain.plans import MAX_LOG_ENTRY, PlanStatus, clean_id, clean_text, clean_url
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.notifications import Kind, notify_plan_event, notify_users
from ilp_app.services.outbox import learner_changed
from ilp_app.services.periods import period_current
from ilp_app.services.plan_access import plan_load
from ilp_app.settings import get_settings


#: The zone times are typed in and shown in (see the module docstring).
def school_tz() -> tzinfo:
    """The school's time zone, from the settings."""
    return ZoneInfo(get_settings().school_timezone)

DURATION_MIN, DURATION_MAX = 15, 240
MAX_LOCATION = 200
MAX_COMMENT = 2000
MAX_OUTCOME = 5000
MAX_ATTENDEES = 40
#: "No review in the last 6 months."
REVIEW_INTERVAL = timedelta(days=182)
#: How far ahead a meeting may be scheduled.
MAX_AHEAD = timedelta(days=366)

MSG_REVIEW_NOT_FOUND = "That review does not exist."
MSG_LEARNER_NOT_FOUND = "That learner does not exist."
MSG_START_FORMAT = "Date and time must be a date and time like 2026-10-14T13:30."
MSG_START_PAST = "Date and time must be in the future."
MSG_START_FAR = "Date and time must be within the next year."
MSG_DURATION = f"Duration must be a whole number of minutes from {DURATION_MIN} to {DURATION_MAX}."
MSG_NO_PLACE = "Give a place, an online meeting link, or both."
MSG_URL_SPACES = "Online meeting link must not contain spaces."
MSG_ATTENDEES_FORM = "Choose who attends from the list."
MSG_NO_ATTENDEES = "Choose at least one person to attend."
MSG_TOO_MANY_ATTENDEES = f"At most {MAX_ATTENDEES} people can be invited."
MSG_ATTENDEE_NOT_ALLOWED = "Only the learner, their parents, mentors and teachers can be invited."
MSG_ALREADY_HELD = "The meeting has already taken place."
MSG_CANCELLED = "This meeting has been cancelled."
MSG_OUTCOME_RECORDED = "The outcome of this review has already been recorded."
MSG_TOO_EARLY = "The meeting is on {day}; its outcome can be recorded from that day."

_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")
_DIGITS = re.compile(r"[0-9]{1,9}")


class ReviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"scheduled": "Scheduled", "held": "Held", "cancelled": "Cancelled"}[self.value]


class ReviewKind:
    """Notification kinds of reviews (``Notification.kind`` holds up to 30 characters)."""

    SCHEDULED = "review_scheduled"
    CANCELLED = "review_cancelled"
    COMMENT = "review_comment"


# --- views -----------------------------------------------------------------------------------


@dataclass
class PersonView:
    id: int
    name: str
    role: str  # "Learner", "Parent", "Mentor", "Teacher" ("" when no longer connected)


@dataclass
class CommentView:
    id: int
    author: str
    body: str
    created_at: str


@dataclass
class ReviewView:
    id: int
    learner_id: int
    learner_name: str
    plan_id: int  # 0 when not linked to a plan
    starts_at: str  # "2026-10-14 13:30 UTC"
    day: str  # "2026-10-14"
    time: str  # "13:30"
    ends_time: str  # "14:00"
    duration_minutes: int
    location: str
    online_url: str
    status: str
    status_label: str
    summary: str
    decisions: str
    new_targets: str
    held_at: str
    can_comment: bool  # the viewer is family and the meeting is still ahead
    can_manage: bool  # the viewer may record the outcome or cancel (the mentor, while scheduled)
    attendees: list[PersonView] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)


@dataclass
class ReviewPanel:
    """Everything the reviews section of a plan page shows, for one viewer."""

    learner_id: int
    learner_name: str
    reviews: list[ReviewView]
    can_schedule: bool
    can_comment: bool
    attendee_choices: list[PersonView]  # empty unless the viewer may schedule
    default_attendee_ids: list[int]  # ticked at first: the learner, the parents and the viewer
    earliest_start: str  # for the form's ``min``: now, as "YYYY-MM-DDTHH:MM" in the school's zone
    time_zone: str = "UTC"  # the zone typed times are read in, e.g. "Europe/Oslo"


@dataclass
class UpcomingReview:
    review_id: int
    learner_id: int
    learner_name: str
    plan_id: int
    starts_at: str
    location: str
    online_url: str


@dataclass
class ReviewDue:
    learner_id: int
    learner_name: str
    plan_id: int
    last_review: str  # "" when never reviewed
    next_review: str  # "" when none is scheduled


@dataclass
class ReviewDashboard:
    upcoming: list[UpcomingReview] = field(default_factory=list)
    overdue: list[ReviewDue] = field(default_factory=list)
    awaiting_outcome: list[UpcomingReview] = field(default_factory=list)


# --- pure helpers ------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(school_tz())


def _zone_label(moment: datetime) -> str:
    return _local(moment).tzname() or "UTC"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{_local(moment):%Y-%m-%d %H:%M} {_zone_label(moment)}"


def _id(value: object, *, what: str) -> int:
    """Like :func:`clean_id`, but text must be plain ASCII digits (``"²"`` is not an id)."""
    if isinstance(value, str) and not _DIGITS.fullmatch(value.strip()):
        raise ValidationFailed(f"That {what} does not exist.")
    return clean_id(value, what=what)


def parse_start(value: object, *, now: datetime) -> datetime:
    """The meeting start from an ``<input type="datetime-local">`` value, as an aware UTC datetime.

    Raises:
        ValidationFailed: not a date and time, in the past, or more than a year ahead.
    """
    if not isinstance(value, str) or not _START.fullmatch(value.strip()):
        raise ValidationFailed(MSG_START_FORMAT)
    try:
        typed = datetime.fromisoformat(value.strip())
    except ValueError as exc:  # e.g. 2026-02-30T10:00
        raise ValidationFailed(MSG_START_FORMAT) from exc
    start = typed.replace(second=0, microsecond=0, tzinfo=school_tz()).astimezone(UTC)
    if start <= now:
        raise ValidationFailed(MSG_START_PAST)
    if start > now + MAX_AHEAD:
        raise ValidationFailed(MSG_START_FAR)
    return start


def parse_duration(value: object) -> int:
    """Minutes from 15 to 240; digits sent as text are accepted, anything else refused."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not DURATION_MIN <= value <= DURATION_MAX:
        raise ValidationFailed(MSG_DURATION)
    return value


def parse_online_url(value: object) -> str:
    """An optional http(s) meeting link ("" when left empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    url = clean_url(value)
    if any(c.isspace() for c in url):
        raise ValidationFailed(MSG_URL_SPACES)
    return url


def outcome_log_text(*, day: date, summary: str, decisions: str, new_targets: str) -> str:
    """The plan-log entry for a held review, within the log's length limit."""
    parts = [f"Review on {day.isoformat()}:", f"Summary: {summary}"]
    if decisions:
        parts.append(f"Decisions: {decisions}")
    if new_targets:
        parts.append(f"New targets: {new_targets}")
    text = "\n".join(parts)
    if len(text) > MAX_LOG_ENTRY:
        # The full text stays on the review; the log carries as much as fits.
        text = text[: MAX_LOG_ENTRY - 1] + "…"
    return text


def _ids_text(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids)


def _ids_of(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


# --- loading -----------------------------------------------------------------------------------


def _review_load(session: Session, actor: Actor | None, review_id: object, action: Action, client_ip: str,
                 *, for_update: bool = False) -> Review:
    """The review with ``review_id`` if ``actor`` may do ``action`` on its learner."""
    if actor is None:
        authorize(actor, action, None, client_ip=client_ip)
    rid = _id(review_id, what="review")
    review = session.get(Review, rid, with_for_update=for_update)
    if review is None or review.site_id != actor.site_id:
        raise NotFound(MSG_REVIEW_NOT_FOUND)
    authorize(actor, action, LearnerRef(review.learner_id), client_ip=client_ip)
    return review


def _learner_load(session: Session, actor: Actor | None, learner_id: object, action: Action,
                  client_ip: str) -> User:
    lid = _id(learner_id, what="learner")
    authorize(actor, action, LearnerRef(lid), client_ip=client_ip)
    learner = session.get(User, lid)
    if learner is None or learner.site_id != actor.site_id:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    return learner


def _current_plan(session: Session, learner: User) -> Plan | None:
    period = period_current(session=session, site_id=learner.site_id)
    if period is None:
        return None
    return session.exec(select(Plan).where(Plan.learner_id == learner.id, Plan.period_id == period.id)).first()


def _eligible(session: Session, learner: User) -> dict[int, PersonView]:
    """Who may attend a review of ``learner``: the learner, parents, mentors, teachers (in that order)."""
    lid = learner.id
    parents = session.exec(select(Guardianship.parent_id).where(Guardianship.learner_id == lid)).all()
    mentors = session.exec(select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == lid)).all()
    groups = select(Enrollment.group_id).where(Enrollment.user_id == lid, Enrollment.role == "learner")
    teachers = session.exec(
        select(Enrollment.user_id).where(Enrollment.role == "teacher", Enrollment.group_id.in_(groups))
    ).all()
    wanted = [(lid, Role.LEARNER), *((p, Role.PARENT) for p in parents), *((m, Role.MENTOR) for m in mentors),
              *((t, Role.TEACHER) for t in teachers)]
    ids = {uid for uid, _ in wanted}
    users = {u.id: u for u in session.exec(
        select(User).where(User.id.in_(list(ids)), User.site_id == learner.site_id, User.is_active)).all()}
    grants = set(session.exec(select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.user_id.in_(list(ids)))).all())
    result: dict[int, PersonView] = {}
    for role in (Role.LEARNER, Role.PARENT, Role.MENTOR, Role.TEACHER):
        people = sorted((users[uid] for uid, r in wanted if r is role and uid in users and (uid, role.value) in grants),
                        key=lambda u: u.display_name.casefold())
        for user in people:
            result.setdefault(user.id, PersonView(id=user.id, name=user.display_name, role=role.label))
    return result


def _clean_attendees(value: object, eligible: dict[int, PersonView]) -> list[int]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationFailed(MSG_ATTENDEES_FORM)
    if len(value) > MAX_ATTENDEES:
        raise ValidationFailed(MSG_TOO_MANY_ATTENDEES)
    chosen: set[int] = set()
    for item in value:
        try:
            uid = _id(item, what="person")
        except ValidationFailed as exc:
            raise ValidationFailed(MSG_ATTENDEES_FORM) from exc
        if uid not in eligible:
            raise ValidationFailed(MSG_ATTENDEE_NOT_ALLOWED)
        chosen.add(uid)
    if not chosen:
        raise ValidationFailed(MSG_NO_ATTENDEES)
    return [uid for uid in eligible if uid in chosen]


def _family(session: Session, learner_id: int) -> set[int]:
    parents = session.exec(select(Guardianship.parent_id).where(Guardianship.learner_id == learner_id)).all()
    return {learner_id, *parents}


def _mentors(session: Session, learner_id: int) -> set[int]:
    return set(session.exec(
        select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == learner_id)).all())


def _tell(session: Session, *, recipients: set[int], plan: Plan | None, kind: str, text: str,
          family: bool) -> None:
    """Notify about a review through the plan it belongs to (families only once they can open it)."""
    if plan is None or not recipients:
        return
    if family and plan.status == PlanStatus.DRAFT.value:
        return
    notify_users(session, recipients=recipients, plan=plan, kind=kind, text=text, now=datetime.now(UTC))


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else ""


# --- writes ----------------------------------------------------------------------------------


def review_schedule(
    *, session: Session, actor: Actor | None, learner_id: object, starts_at: object, duration_minutes: object,
    location: object, online_url: object = "", attendee_ids: object = (), client_ip: str = "",
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
    learner = _learner_load(session, actor, learner_id, Action.REVIEW_SCHEDULE, client_ip)
    now = _now(now)
    start = parse_start(starts_at, now=now)
    duration = parse_duration(duration_minutes)
    place = clean_text(location, field="Place", max_length=MAX_LOCATION, required=False)
    url = parse_online_url(online_url)
    if not place and not url:
        raise ValidationFailed(MSG_NO_PLACE)
    attendees = _clean_attendees(attendee_ids, _eligible(session, learner))
    plan = _current_plan(session, learner)
    review = Review(
        site_id=learner.site_id, learner_id=learner.id, plan_id=plan.id if plan else None, starts_at=start,
        duration_minutes=duration, location=place, online_url=url, attendee_ids=_ids_text(attendees),
        status=ReviewStatus.SCHEDULED.value, created_by_id=actor.user_id, created_at=now,
    )
    session.add(review)
    session.flush()
    audit_record(session=session, actor_user_id=actor.user_id, action="review.schedule", target_type="review",
                 target_id=review.id, detail={"learner_id": learner.id, "starts_at": start.isoformat()},
                 client_ip=client_ip)
    learner_changed(session, learner.id)
    _tell(session, recipients=_family(session, learner.id) - {actor.user_id}, plan=plan, kind=ReviewKind.SCHEDULED,
          text=f"{_name(session, actor.user_id)} scheduled a review of {learner.display_name} on {_when(start)}.",
          family=True)
    return review.id


def review_comment_add(*, session: Session, actor: Actor | None, review_id: object, body: object,
                       client_ip: str = "", now: datetime | None = None) -> int:
    """The learner or a parent adds a comment before the meeting; returns the comment's id.

    Raises:
        NotSignedIn, PermissionDenied: not the learner or one of their parents (audited).
        ValidationFailed: the meeting has taken place or was cancelled, or the text is empty/too long.
    """
    review = _review_load(session, actor, review_id, Action.REVIEW_COMMENT, client_ip, for_update=True)
    now = _now(now)
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    if review.status != ReviewStatus.SCHEDULED.value or review.starts_at <= now:
        raise ValidationFailed(MSG_ALREADY_HELD)
    comment = ReviewComment(review_id=review.id, author_id=actor.user_id, created_at=now,
                            body=clean_text(body, field="Comment", max_length=MAX_COMMENT))
    session.add(comment)
    session.flush()
    learner_changed(session, review.learner_id)
    plan = session.get(Plan, review.plan_id) if review.plan_id else None
    _tell(session, recipients=_mentors(session, review.learner_id) - {actor.user_id}, plan=plan,
          kind=ReviewKind.COMMENT, family=False,
          text=f"{_name(session, actor.user_id)} commented on the review of {_name(session, review.learner_id)}: "
               f"“{comment.body[:120]}”")
    return comment.id


def review_record_outcome(
    *, session: Session, actor: Actor | None, review_id: object, summary: object, decisions: object = "",
    new_targets: object = "", client_ip: str = "", now: datetime | None = None,
) -> None:
    """The mentor records what the meeting concluded; it is written once into the plan log.

    The review becomes "held". One log entry ("Review on <date>: Summary: … Decisions: … New
    targets: …") goes into the linked plan (the learner's current plan when none was linked at
    scheduling), unless that plan is locked: then only the review keeps the outcome.

    Raises:
        NotSignedIn, PermissionDenied: not this learner's mentor (audited).
        ValidationFailed: already recorded, cancelled, the meeting's day has not come, or bad text.
    """
    review = _review_load(session, actor, review_id, Action.REVIEW_SCHEDULE, client_ip)
    now = _now(now)
    text = {
        "summary": clean_text(summary, field="Summary", max_length=MAX_OUTCOME),
        "decisions": clean_text(decisions, field="Decisions", max_length=MAX_OUTCOME, required=False),
        "new_targets": clean_text(new_targets, field="New targets", max_length=MAX_OUTCOME, required=False),
    }
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    if review.status == ReviewStatus.HELD.value:
        raise ValidationFailed(MSG_OUTCOME_RECORDED)
    day = _local(review.starts_at).date()
    if day > _local(now).date():
        raise ValidationFailed(MSG_TOO_EARLY.format(day=day.isoformat()))
    learner = session.get(User, review.learner_id)
    plan = session.get(Plan, review.plan_id) if review.plan_id else _current_plan(session, learner)
    # Compare-and-set: of two mentors recording at once, exactly one succeeds (and logs once).
    result = session.exec(
        sa.update(Review)
        .where(Review.id == review.id, Review.status == ReviewStatus.SCHEDULED.value)
        .values(status=ReviewStatus.HELD.value, held_at=now, plan_id=plan.id if plan else None, **text)
    )
    if result.rowcount != 1:
        raise ValidationFailed(MSG_OUTCOME_RECORDED)
    logged = plan is not None and plan.status != PlanStatus.LOCKED.value
    if logged:
        entry = PlanLogEntry(plan_id=plan.id, author_id=actor.user_id, created_at=now,
                             body=outcome_log_text(day=day, **text))
        session.add(entry)
        plan.updated_at = now
        session.add(plan)
        session.flush()
        if plan.status == PlanStatus.ACTIVE.value:
            notify_plan_event(session, actor=actor, plan=plan, kind=Kind.LOG_POST, subject=entry.body)
    learner_changed(session, review.learner_id)
    audit_record(session=session, actor_user_id=actor.user_id, action="review.outcome", target_type="review",
                 target_id=review.id, detail={"plan_log": logged}, client_ip=client_ip)


def review_cancel(*, session: Session, actor: Actor | None, review_id: object, client_ip: str = "") -> None:
    """The mentor cancels a scheduled review (a held one keeps its outcome and cannot be cancelled)."""
    review = _review_load(session, actor, review_id, Action.REVIEW_SCHEDULE, client_ip, for_update=True)
    if review.status == ReviewStatus.HELD.value:
        raise ValidationFailed(MSG_ALREADY_HELD)
    if review.status == ReviewStatus.CANCELLED.value:
        raise ValidationFailed(MSG_CANCELLED)
    review.status = ReviewStatus.CANCELLED.value
    session.add(review)
    audit_record(session=session, actor_user_id=actor.user_id, action="review.cancel", target_type="review",
                 target_id=review.id, client_ip=client_ip)
    learner_changed(session, review.learner_id)
    plan = session.get(Plan, review.plan_id) if review.plan_id else None
    _tell(session, recipients=_family(session, review.learner_id) - {actor.user_id}, plan=plan,
          kind=ReviewKind.CANCELLED, family=True,
          text=f"The review of {_name(session, review.learner_id)} on {_when(review.starts_at)} was cancelled.")


# --- reads -----------------------------------------------------------------------------------


def _views(session: Session, actor: Actor, learner: User, reviews: list[Review], now: datetime) -> list[ReviewView]:
    ref = LearnerRef(learner.id)
    may_comment = can(actor, Action.REVIEW_COMMENT, ref)
    may_manage = can(actor, Action.REVIEW_SCHEDULE, ref)
    eligible = _eligible(session, learner)
    comments: dict[int, list[ReviewComment]] = defaultdict(list)
    if reviews:
        for c in session.exec(
            select(ReviewComment).where(ReviewComment.review_id.in_([r.id for r in reviews]))
            .order_by(ReviewComment.created_at, ReviewComment.id)
        ).all():
            comments[c.review_id].append(c)
    people = {*(uid for r in reviews for uid in _ids_of(r.attendee_ids)),
              *(c.author_id for cs in comments.values() for c in cs)}
    names = {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(list(people) or [-1]))).all()}
    views = []
    for r in reviews:
        status = ReviewStatus(r.status)
        scheduled = status is ReviewStatus.SCHEDULED
        ends = r.starts_at + timedelta(minutes=r.duration_minutes)
        views.append(ReviewView(
            id=r.id, learner_id=r.learner_id, learner_name=learner.display_name, plan_id=r.plan_id or 0,
            starts_at=_when(r.starts_at), day=f"{_local(r.starts_at):%Y-%m-%d}", time=f"{_local(r.starts_at):%H:%M}",
            ends_time=f"{_local(ends):%H:%M}", duration_minutes=r.duration_minutes, location=r.location,
            online_url=r.online_url, status=status.value, status_label=status.label, summary=r.summary,
            decisions=r.decisions, new_targets=r.new_targets, held_at=_when(r.held_at),
            can_comment=may_comment and scheduled and r.starts_at > now,
            can_manage=may_manage and scheduled,
            attendees=[PersonView(id=uid, name=names.get(uid, ""), role=eligible[uid].role if uid in eligible else "")
                       for uid in _ids_of(r.attendee_ids) if uid in names],
            comments=[CommentView(id=c.id, author=names.get(c.author_id, ""), body=c.body,
                                  created_at=_when(c.created_at)) for c in comments[r.id]],
        ))
    return views


def _ordered(reviews: list[Review]) -> list[Review]:
    """Scheduled meetings first (soonest first), then the rest (most recent first)."""
    ahead = sorted((r for r in reviews if r.status == ReviewStatus.SCHEDULED.value), key=lambda r: (r.starts_at, r.id))
    past = sorted((r for r in reviews if r.status != ReviewStatus.SCHEDULED.value),
                  key=lambda r: (r.starts_at, r.id), reverse=True)
    return ahead + past


def reviews_of_learner(*, session: Session, actor: Actor | None, learner_id: object, client_ip: str = "",
                       now: datetime | None = None) -> list[ReviewView]:
    """Every review of a learner, with attendees, comments and outcome, for whoever may see them."""
    learner = _learner_load(session, actor, learner_id, Action.REVIEW_VIEW, client_ip)
    if actor.has(Role.ADMINISTRATOR) and not (actor.is_staff_of(learner.id) or actor.is_family_of(learner.id)):
        audit_record(session=session, actor_user_id=actor.user_id, action="review.read_as_admin",
                     target_type="learner", target_id=learner.id, client_ip=client_ip)
    reviews = list(session.exec(select(Review).where(Review.learner_id == learner.id)).all())
    return _views(session, actor, learner, _ordered(reviews), _now(now))


def review_panel(*, session: Session, actor: Actor | None, learner_id: object, client_ip: str = "",
                 now: datetime | None = None) -> ReviewPanel:
    """The reviews section of a plan page: the reviews, and what the viewer may do there."""
    now = _now(now)
    reviews = reviews_of_learner(session=session, actor=actor, learner_id=learner_id, client_ip=client_ip, now=now)
    learner = session.get(User, _id(learner_id, what="learner"))
    ref = LearnerRef(learner.id)
    may_schedule = can(actor, Action.REVIEW_SCHEDULE, ref)
    choices = list(_eligible(session, learner).values()) if may_schedule else []
    defaults = [p.id for p in choices if p.role in (Role.LEARNER.label, Role.PARENT.label) or p.id == actor.user_id]
    return ReviewPanel(
        learner_id=learner.id, learner_name=learner.display_name, reviews=reviews, can_schedule=may_schedule,
        can_comment=can(actor, Action.REVIEW_COMMENT, ref), attendee_choices=choices,
        default_attendee_ids=defaults, earliest_start=f"{_local(now):%Y-%m-%dT%H:%M}",
        time_zone=get_settings().school_timezone,
    )


def review_dashboard(*, session: Session, actor: Actor | None, client_ip: str = "",
                     now: datetime | None = None) -> ReviewDashboard:
    """A mentor's reviews: upcoming meetings, meetings awaiting an outcome, and mentees due a review.

    A mentee is due when no review of theirs was held in the last :data:`REVIEW_INTERVAL`
    (never reviewed included). Only the mentor's own mentees appear.
    """
    authorize(actor, Action.HOME_VIEW, Role.MENTOR, client_ip=client_ip)
    now = _now(now)
    mentees = {u.id: u for u in session.exec(
        select(User).where(User.id.in_(list(actor.mentee_ids) or [-1]), User.site_id == actor.site_id,
                           User.is_active)).all()}
    if not mentees:
        return ReviewDashboard()
    reviews = session.exec(
        select(Review).where(Review.learner_id.in_(list(mentees)), Review.status != ReviewStatus.CANCELLED.value)
        .order_by(Review.starts_at, Review.id)
    ).all()
    period = period_current(session=session, site_id=actor.site_id)
    plans: dict[int, int] = {}
    if period is not None:
        plans = dict(session.exec(
            select(Plan.learner_id, Plan.id).where(Plan.learner_id.in_(list(mentees)), Plan.period_id == period.id)
        ).all())
    board = ReviewDashboard()
    last_held: dict[int, datetime] = {}
    next_ahead: dict[int, datetime] = {}
    for r in reviews:
        learner = mentees[r.learner_id]
        if r.status == ReviewStatus.HELD.value:
            last_held[r.learner_id] = max(r.starts_at, last_held.get(r.learner_id, r.starts_at))
            continue
        item = UpcomingReview(review_id=r.id, learner_id=r.learner_id, learner_name=learner.display_name,
                              plan_id=r.plan_id or plans.get(r.learner_id, 0), starts_at=_when(r.starts_at),
                              location=r.location, online_url=r.online_url)
        if r.starts_at + timedelta(minutes=r.duration_minutes) >= now:
            board.upcoming.append(item)
            next_ahead.setdefault(r.learner_id, r.starts_at)
        else:
            board.awaiting_outcome.append(item)
    since = now - REVIEW_INTERVAL
    due = [u for u in mentees.values() if u.id not in last_held or last_held[u.id] <= since]
    due.sort(key=lambda u: (last_held.get(u.id, datetime.min.replace(tzinfo=UTC)), u.display_name.casefold()))
    board.overdue = [
        ReviewDue(learner_id=u.id, learner_name=u.display_name, plan_id=plans.get(u.id, 0),
                  last_review=f"{_local(last_held[u.id]):%Y-%m-%d}" if u.id in last_held else "",
                  next_review=_when(next_ahead.get(u.id)))
        for u in due
    ]
    return board


def review_ics(*, session: Session, actor: Actor | None, review_id: object, client_ip: str = "",
               now: datetime | None = None) -> str:
    """The review as an iCalendar invitation (text with CRLF line endings), for whoever may see it."""
    review = _review_load(session, actor, review_id, Action.REVIEW_VIEW, client_ip)
    learner = session.get(User, review.learner_id)
    ids = _ids_of(review.attendee_ids)
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_([*ids, review.created_by_id]))).all()}
    organizer = users.get(review.created_by_id)
    description = [f"Individual Learning Plan review meeting for {learner.display_name}."]
    if review.online_url:
        description.append(f"Online meeting: {review.online_url}")
    event = IcsEvent(
        uid=f"review-{review.id}@ilp",
        start=review.starts_at,
        end=review.starts_at + timedelta(minutes=review.duration_minutes),
        summary=f"ILP review: {learner.display_name}",
        location=review.location or ("Online" if review.online_url else ""),
        description="\n".join(description),
        url=review.online_url,
        organizer=Person(organizer.display_name, organizer.email) if organizer else None,
        attendees=tuple(Person(users[i].display_name, users[i].email) for i in ids if i in users),
        cancelled=review.status == ReviewStatus.CANCELLED.value,
    )
    return build_calendar(event, stamp=_now(now))


def review_panel_of_plan(*, session: Session, actor: Actor | None, plan_id: object, client_ip: str = "",
                         now: datetime | None = None) -> ReviewPanel:
    """:func:`review_panel` for the learner whose plan ``plan_id`` is (the viewer must see the plan)."""
    ctx = plan_load(session=session, actor=actor, plan_id=plan_id, action=Action.PLAN_VIEW, client_ip=client_ip)
    return review_panel(session=session, actor=actor, learner_id=ctx.plan.learner_id, client_ip=client_ip, now=now)
