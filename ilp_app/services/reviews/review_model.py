"""What the review use cases share: limits and messages, statuses, view models, pure helpers, loading.

Times: the date and time typed into the form are read in the school's time zone
(:func:`school_tz`, ``ILP_SCHOOL_TIMEZONE``, UTC by default) and stored in UTC; every time is
shown in the school's zone with its abbreviation. The .ics file carries them in the school's
zone too (``TZID``), which calendars convert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Guardianship,
    MentorAssignment,
    Plan,
    Review,
    RoleGrant,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id, parse_whole_number
from ilp_app.domain.permissions import Action, Actor, LearnerRef
from ilp_app.domain.plans import MAX_LOG_ENTRY, clean_url
from ilp_app.domain.roles import Role
from ilp_app.i18n import N_, gettext
from ilp_app.i18n.formatting import format_moment
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.reviews.review_prep_model import ReviewPrep
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

MSG_REVIEW_NOT_FOUND = N_("That review does not exist.")
MSG_LEARNER_NOT_FOUND = N_("That learner does not exist.")
MSG_START_FORMAT = N_("Date and time must be a date and time like 2026-10-14T13:30.")
MSG_START_PAST = N_("Date and time must be in the future.")
MSG_START_FAR = N_("Date and time must be within the next year.")
MSG_DURATION = f"Duration must be a whole number of minutes from {DURATION_MIN} to {DURATION_MAX}."
MSG_NO_PLACE = N_("Give a place, an online meeting link, or both.")
MSG_URL_SPACES = N_("Online meeting link must not contain spaces.")
MSG_ATTENDEES_FORM = N_("Choose who attends from the list.")
MSG_NO_ATTENDEES = N_("Choose at least one person to attend.")
MSG_TOO_MANY_ATTENDEES = f"At most {MAX_ATTENDEES} people can be invited."
MSG_ATTENDEE_NOT_ALLOWED = N_(
    "Only the learner, their parents, mentors and teachers can be invited."
)
MSG_ALREADY_HELD = N_("The meeting has already taken place.")
MSG_CANCELLED = N_("This meeting has been cancelled.")
MSG_OUTCOME_RECORDED = N_("The outcome of this review has already been recorded.")
MSG_TOO_EARLY = "The meeting is on {day}; its outcome can be recorded from that day."

_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")


class ReviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return gettext(REVIEW_STATUS_LABELS[self.value])


REVIEW_STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}


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
    prep: ReviewPrep = field(default_factory=ReviewPrep)  # the answers given before it


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


def now_or_utc(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def to_school_time(moment: datetime) -> datetime:
    return moment.astimezone(school_tz())


def when_label(moment: datetime | None) -> str:
    """A meeting time as the reader reads it, in the school's zone: "11 Dec 2026, 13:30"."""
    return format_moment(moment)


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
    return parse_whole_number(
        value, minimum=DURATION_MIN, maximum=DURATION_MAX, message=MSG_DURATION
    )


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


def ids_text(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids)


# --- loading -----------------------------------------------------------------------------------


def review_load(
    session: Session,
    actor: Actor | None,
    review_id: object,
    action: Action,
    client_ip: str,
    *,
    for_update: bool = False,
) -> Review:
    """The review with ``review_id`` if ``actor`` may do ``action`` on its learner."""
    if actor is None:
        authorize(actor, action, None, client_ip=client_ip)
    rid = parse_id(review_id, what="review")
    review = session.get(Review, rid, with_for_update=for_update)
    if review is None or review.site_id != actor.site_id:
        raise NotFound(MSG_REVIEW_NOT_FOUND)
    authorize(actor, action, LearnerRef(review.learner_id), client_ip=client_ip)
    return review


def learner_load(
    session: Session, actor: Actor | None, learner_id: object, action: Action, client_ip: str
) -> User:
    lid = parse_id(learner_id, what="learner")
    authorize(actor, action, LearnerRef(lid), client_ip=client_ip)
    learner = session.get(User, lid)
    if learner is None or learner.site_id != actor.site_id:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    return learner


def learner_current_plan(session: Session, learner: User) -> Plan | None:
    period = period_current(session=session, site_id=learner.site_id)
    if period is None:
        return None
    return session.exec(
        select(Plan).where(Plan.learner_id == learner.id, Plan.period_id == period.id)
    ).first()


def eligible_attendees(session: Session, learner: User) -> dict[int, PersonView]:
    """Who may attend a review of ``learner``: the learner, parents, mentors, teachers (in that order)."""
    lid = learner.id
    parents = session.exec(
        select(Guardianship.parent_id).where(Guardianship.learner_id == lid)
    ).all()
    mentors = session.exec(
        select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == lid)
    ).all()
    groups = select(Enrollment.group_id).where(
        Enrollment.user_id == lid, Enrollment.role == "learner"
    )
    teachers = session.exec(
        select(Enrollment.user_id).where(
            Enrollment.role == "teacher", Enrollment.group_id.in_(groups)
        )
    ).all()
    wanted = [
        (lid, Role.LEARNER),
        *((p, Role.PARENT) for p in parents),
        *((m, Role.MENTOR) for m in mentors),
        *((t, Role.TEACHER) for t in teachers),
    ]
    ids = {uid for uid, _ in wanted}
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(
                User.id.in_(list(ids)), User.site_id == learner.site_id, User.is_active
            )
        ).all()
    }
    grants = set(
        session.exec(
            select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.user_id.in_(list(ids)))
        ).all()
    )
    result: dict[int, PersonView] = {}
    for role in (Role.LEARNER, Role.PARENT, Role.MENTOR, Role.TEACHER):
        people = sorted(
            (
                users[uid]
                for uid, r in wanted
                if r is role and uid in users and (uid, role.value) in grants
            ),
            key=lambda u: u.display_name.casefold(),
        )
        for user in people:
            result.setdefault(
                user.id, PersonView(id=user.id, name=user.display_name, role=role.label)
            )
    return result
