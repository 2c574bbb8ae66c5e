"""Review meetings through the services, the .ics route and the state, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event (or an HTTP request) does.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlmodel import Session
from starlette.applications import Starlette

from ilp_app import routes
from ilp_app.db.models import (
    Notification,
    Plan,
    PlanLogEntry,
    Review,
    ReviewComment,
)
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.i18n import formatting
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.reports.print_files import PRINT_FILE_PATH
from ilp_app.services.reviews import review_model, reviews
from ilp_app.services.reviews.review_calendar import review_ics
from ilp_app.services.reviews.review_dashboard import review_dashboard
from ilp_app.services.reviews.review_model import (
    MSG_ALREADY_HELD,
    MSG_CANCELLED,
    MSG_OUTCOME_RECORDED,
)
from ilp_app.state import reviews as review_state
from ilp_app.state.reviews import ReviewState
from ilp_app.web import files, http_routes, privacy
from tests.support.school import build_school
from tests.support.services import audit, call, rows, signed_in, token_for

PARENT_NAME = "Åsa Ødegård"
LEARNER_NAME = "Émile"


def local_input(moment: datetime) -> str:
    """What an <input type="datetime-local"> sends (read in the school's zone: UTC unless configured)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def next_week() -> datetime:
    return (datetime.now(UTC) + timedelta(days=7)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )


@pytest.fixture
def school(session):
    built = build_school(session, learners=2)
    parent, learner = built.people["parent"], built.people["learner"]
    parent.full_name = PARENT_NAME
    learner.preferred_name = LEARNER_NAME
    session.add_all([parent, learner])
    session.commit()
    return built


@pytest.fixture
def plan_id(school, actors):
    """The learner's active plan for the current period."""
    mentor = actors["mentor"]
    pid = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=pid).focus_areas[0].id
    call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Speak up in class")
    call(plan_edit.plan_activate, mentor, plan_id=pid)
    return pid


def schedule(school, actors, *, who="mentor", learner="learner", **changes) -> int:
    values = dict(
        learner_id=school.id(learner),
        starts_at=local_input(next_week()),
        duration_minutes="45",
        location="Room 12, building B; 2nd floor",
        online_url="https://meet.example/ilp?room=12",
        attendee_ids=[str(school.id(learner)), str(school.id("parent")), str(school.id("mentor"))],
    )
    values.update(changes)
    return call(reviews.review_schedule, actors[who], **values)


@pytest.fixture
def review_id(school, actors, plan_id):
    return schedule(school, actors)


def set_review(engine, rid: int, **values) -> None:
    with Session(engine) as s:
        row = s.get(Review, rid)
        for key, value in values.items():
            setattr(row, key, value)
        s.add(row)
        s.commit()


def log_bodies(engine, pid: int) -> list[str]:
    return [e.body for e in rows(engine, PlanLogEntry, PlanLogEntry.plan_id == pid)]


# --- scheduling ---------------------------------------------------------------------------------


def test_the_mentor_schedules_a_review_linked_to_the_current_plan(
    engine, school, actors, plan_id, review_id
):
    [view] = call(reviews.reviews_of_learner, actors["parent"], learner_id=school.id("learner"))
    start = next_week()
    assert view.id == review_id and view.plan_id == plan_id
    assert (view.status, view.day, view.time, view.ends_time) == (
        "scheduled",
        f"{start:%Y-%m-%d}",
        "13:30",
        "14:15",
    )
    # As people read it, in the school's zone and with no zone name.
    assert view.starts_at == f"{start.day} {start:%b %Y}, 13:30"
    assert view.location == "Room 12, building B; 2nd floor"
    assert [(p.name, p.role) for p in view.attendees] == [
        (LEARNER_NAME, "Learner"),
        (PARENT_NAME, "Parent"),
        ("Mentor Person", "Mentor"),
    ]
    assert view.can_comment is True and view.can_manage is False
    [mine] = call(reviews.reviews_of_learner, actors["mentor"], learner_id=school.id("learner"))
    assert mine.can_manage is True and mine.can_comment is False
    [event] = audit(engine, action="review.schedule")
    assert event.outcome == "ok" and event.target_id == str(review_id)


def test_scheduling_tells_the_learner_and_parents_and_nobody_else(
    engine, school, actors, plan_id, review_id
):
    told = {
        n.user_id: n for n in rows(engine, Notification, Notification.kind == "review_scheduled")
    }
    assert set(told) == {school.id("learner"), school.id("parent")}
    assert told[school.id("parent")].plan_id == plan_id
    assert "scheduled a review of Émile" in told[school.id("parent")].text


def test_a_review_without_a_plan_is_scheduled_unlinked(engine, school, actors):
    rid = schedule(school, actors)
    assert rows(engine, Review, Review.id == rid)[0].plan_id is None
    assert rows(engine, Notification) == []


@pytest.mark.parametrize(
    "who", ["teacher", "parent", "learner", "mentor2", "parent2", "admin", "anonymous"]
)
def test_only_the_learners_mentor_schedules_a_review_and_refusals_are_audited(
    engine, school, actors, who
):
    before = len(audit(engine, outcome="denied", action="review.schedule"))
    with pytest.raises(PermissionDenied) as info:
        schedule(school, actors, who=who)
    if who == "anonymous":
        assert isinstance(info.value, NotSignedIn)
    assert len(audit(engine, outcome="denied", action="review.schedule")) == before + 1
    assert rows(engine, Review) == []


def test_a_mentor_cannot_schedule_for_someone_elses_learner(engine, school, actors):
    with pytest.raises(PermissionDenied):
        schedule(school, actors, learner="learner2", attendee_ids=[str(school.id("learner2"))])
    assert rows(engine, Review) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": "2026-13-01T10:00"}, "Date and time must be a date and time"),
        ({"starts_at": "2027-02-30T10:00"}, "Date and time must be a date and time"),
        ({"starts_at": "next tuesday"}, "Date and time must be a date and time"),
        ({"starts_at": "2030-01-01T10:00+02:00"}, "Date and time must be a date and time"),
        ({"starts_at": {"$gt": ""}}, "Date and time must be a date and time"),
        ({"starts_at": None}, "Date and time must be a date and time"),
        (
            {"starts_at": local_input(datetime.now(UTC) - timedelta(hours=1))},
            "must be in the future",
        ),
        (
            {"starts_at": local_input(datetime.now(UTC) + timedelta(days=400))},
            "within the next year",
        ),
        ({"duration_minutes": "10"}, "Duration must be a whole number of minutes from 15 to 240"),
        ({"duration_minutes": 241}, "Duration must be"),
        ({"duration_minutes": "abc"}, "Duration must be"),
        ({"duration_minutes": True}, "Duration must be"),
        ({"duration_minutes": 30.5}, "Duration must be"),
        ({"duration_minutes": "²"}, "Duration must be"),
        ({"location": "x" * 201}, "Place can be at most 200 characters"),
        ({"location": ["Room 1"]}, "Place must be text"),
        ({"location": " ", "online_url": ""}, "Give a place, an online meeting link, or both"),
        ({"online_url": "javascript:alert(1)"}, "must start with http:// or https://"),
        ({"online_url": "ftp://files.example/x"}, "must start with http:// or https://"),
        ({"online_url": "https://meet.example/a b"}, "must not contain spaces"),
        ({"attendee_ids": "12"}, "Choose who attends from the list"),
        ({"attendee_ids": {"id": 1}}, "Choose who attends from the list"),
        ({"attendee_ids": [["1"]]}, "Choose who attends from the list"),
        ({"attendee_ids": ["abc"]}, "Choose who attends from the list"),
        ({"attendee_ids": []}, "Choose at least one person to attend"),
        ({"attendee_ids": [str(i) for i in range(41)]}, "At most 40 people"),
    ],
)
def test_invalid_reviews_are_refused_with_a_message_and_nothing_is_saved(
    engine, school, actors, changes, message
):
    with pytest.raises(ValidationFailed, match=message):
        schedule(school, actors, **changes)
    assert rows(engine, Review) == []


@pytest.mark.parametrize("outsider", ["learner2", "parent2", "mentor2", "admin", "l0"])
def test_only_the_learner_parents_mentors_and_teachers_can_attend(engine, school, actors, outsider):
    with pytest.raises(
        ValidationFailed, match="Only the learner, their parents, mentors and teachers"
    ):
        schedule(school, actors, attendee_ids=[str(school.id("learner")), str(school.id(outsider))])
    assert rows(engine, Review) == []
    rid = schedule(school, actors, attendee_ids=[school.id("teacher"), school.id("learner")])
    [view] = call(reviews.reviews_of_learner, actors["mentor"], learner_id=school.id("learner"))
    assert view.id == rid and [(p.name, p.role) for p in view.attendees] == [
        (LEARNER_NAME, "Learner"),
        ("Teacher Person", "Teacher"),
    ]


def test_a_place_alone_or_a_link_alone_is_enough(school, actors):
    schedule(school, actors, online_url="")
    schedule(school, actors, location="")
    assert (
        len(call(reviews.reviews_of_learner, actors["mentor"], learner_id=school.id("learner")))
        == 2
    )


# --- comments -----------------------------------------------------------------------------------


def test_the_learner_and_parents_comment_before_the_meeting(school, actors, review_id):
    call(
        reviews.review_comment_add,
        actors["parent"],
        review_id=review_id,
        body="Can we talk about maths?",
    )
    call(
        reviews.review_comment_add,
        actors["learner"],
        review_id=str(review_id),
        body="  I want more reading  ",
    )
    [view] = call(reviews.reviews_of_learner, actors["teacher"], learner_id=school.id("learner"))
    assert [(c.author, c.body) for c in view.comments] == [
        (PARENT_NAME, "Can we talk about maths?"),
        (LEARNER_NAME, "I want more reading"),
    ]
    assert view.comments[0].created_at and "UTC" not in view.comments[0].created_at


@pytest.mark.parametrize("who", ["mentor", "teacher", "admin", "parent2", "learner2", "anonymous"])
def test_only_family_comments_on_a_review(engine, review_id, actors, who):
    before = len(audit(engine, outcome="denied", action="review.comment"))
    with pytest.raises(PermissionDenied):
        call(reviews.review_comment_add, actors[who], review_id=review_id, body="Hello")
    assert len(audit(engine, outcome="denied", action="review.comment")) == before + 1
    assert rows(engine, ReviewComment) == []


def test_comments_close_when_the_meeting_has_taken_place(engine, review_id, actors):
    held_at = datetime.now(UTC) + timedelta(days=8)
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="Good talk",
        now=held_at,
    )
    with pytest.raises(ValidationFailed, match=MSG_ALREADY_HELD):
        call(reviews.review_comment_add, actors["parent"], review_id=review_id, body="Too late?")
    assert rows(engine, ReviewComment) == []


def test_comments_close_once_the_meeting_has_started_even_before_the_outcome(
    engine, review_id, actors
):
    set_review(engine, review_id, starts_at=datetime.now(UTC) - timedelta(minutes=5))
    with pytest.raises(ValidationFailed, match=MSG_ALREADY_HELD):
        call(reviews.review_comment_add, actors["learner"], review_id=review_id, body="Am I late?")


def test_a_cancelled_meeting_takes_no_comments(review_id, actors):
    call(reviews.review_cancel, actors["mentor"], review_id=review_id)
    with pytest.raises(ValidationFailed, match=MSG_CANCELLED):
        call(reviews.review_comment_add, actors["parent"], review_id=review_id, body="Hello")


@pytest.mark.parametrize("body", ["", "   ", None, {"$ne": ""}, "x" * 2001])
def test_comments_must_be_text_up_to_2000_characters(review_id, actors, body):
    with pytest.raises(ValidationFailed, match="Comment"):
        call(reviews.review_comment_add, actors["parent"], review_id=review_id, body=body)


def test_a_comment_tells_the_mentors(engine, school, review_id, actors):
    call(reviews.review_comment_add, actors["parent"], review_id=review_id, body="Maths, please")
    told = rows(engine, Notification, Notification.kind == "review_comment")
    assert [n.user_id for n in told] == [school.id("mentor")]


@pytest.mark.parametrize("forged", ["abc", -3, 0, None, {"id": 1}, [1], True, 1.5, "²", 999_999])
def test_forged_review_ids_are_refused(review_id, actors, forged):
    with pytest.raises((ValidationFailed, NotFound)):
        call(reviews.review_comment_add, actors["parent"], review_id=forged, body="x")
    with pytest.raises((ValidationFailed, NotFound)):
        call(review_ics, actors["parent"], review_id=forged)


# --- outcome ------------------------------------------------------------------------------------


def test_the_outcome_is_written_into_the_plan_log_exactly_once(
    engine, school, actors, plan_id, review_id
):
    after = next_week() + timedelta(hours=1)
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="Reading is better",
        decisions="Weekly check-ins",
        new_targets="Two books a month",
        now=after,
    )
    assert log_bodies(engine, plan_id) == [
        f"Review on {next_week():%Y-%m-%d}:\nSummary: Reading is better\nDecisions: Weekly check-ins\n"
        "New targets: Two books a month"
    ]
    with pytest.raises(ValidationFailed, match=MSG_OUTCOME_RECORDED):
        call(
            reviews.review_record_outcome,
            actors["mentor"],
            review_id=review_id,
            summary="Again",
            now=after,
        )
    assert len(log_bodies(engine, plan_id)) == 1
    [view] = call(reviews.reviews_of_learner, actors["parent"], learner_id=school.id("learner"))
    assert (view.status, view.summary, view.decisions, view.new_targets) == (
        "held",
        "Reading is better",
        "Weekly check-ins",
        "Two books a month",
    )
    assert view.held_at and view.can_comment is False
    [event] = audit(engine, action="review.outcome")
    assert '"plan_log": true' in event.detail
    # The family hears about it through the plan log.
    assert {n.user_id for n in rows(engine, Notification, Notification.kind == "log_post")} == {
        school.id("learner"),
        school.id("parent"),
    }


def test_mentors_recording_the_same_outcome_at_once_log_it_exactly_once(
    engine, school, actors, plan_id, review_id
):
    jobs = 4
    barrier = threading.Barrier(jobs)

    def record(n: int):
        barrier.wait()
        try:
            call(
                reviews.review_record_outcome,
                actors["mentor"],
                review_id=review_id,
                summary=f"Take {n}",
                now=next_week(),
            )
        except ValidationFailed as exc:
            return exc.message
        return "ok"

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(record, range(jobs)))
    assert results.count("ok") == 1
    assert results.count(MSG_OUTCOME_RECORDED) == jobs - 1
    assert len(log_bodies(engine, plan_id)) == 1
    assert len(audit(engine, action="review.outcome")) == 1


def test_empty_decisions_and_targets_are_left_out_of_the_log(engine, actors, plan_id, review_id):
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="Short one",
        now=next_week(),
    )
    assert log_bodies(engine, plan_id) == [f"Review on {next_week():%Y-%m-%d}:\nSummary: Short one"]


def test_a_long_outcome_is_cut_to_fit_the_log_but_kept_whole_on_the_review(
    engine, school, actors, plan_id, review_id
):
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="s" * 5000,
        now=next_week(),
    )
    [body] = log_bodies(engine, plan_id)
    assert len(body) == 2000 and body.endswith("…")
    assert rows(engine, Review, Review.id == review_id)[0].summary == "s" * 5000


def test_the_outcome_of_a_review_on_a_locked_plan_stays_on_the_review(
    engine, school, actors, plan_id, review_id
):
    with Session(engine) as s:
        plan = s.get(Plan, plan_id)
        plan.status = "locked"
        s.add(plan)
        s.commit()
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="Done",
        now=next_week(),
    )
    assert log_bodies(engine, plan_id) == []
    assert rows(engine, Review, Review.id == review_id)[0].status == "held"
    [event] = audit(engine, action="review.outcome")
    assert '"plan_log": false' in event.detail


def test_the_outcome_cannot_be_recorded_before_the_meetings_day(engine, review_id, actors):
    with pytest.raises(ValidationFailed, match="its outcome can be recorded from that day"):
        call(reviews.review_record_outcome, actors["mentor"], review_id=review_id, summary="Early")
    assert rows(engine, Review, Review.id == review_id)[0].status == "scheduled"


@pytest.mark.parametrize("who", ["parent", "learner", "teacher", "mentor2", "admin"])
def test_only_the_mentor_records_the_outcome(engine, review_id, actors, plan_id, who):
    with pytest.raises(PermissionDenied):
        call(
            reviews.review_record_outcome,
            actors[who],
            review_id=review_id,
            summary="Mine",
            now=next_week(),
        )
    assert log_bodies(engine, plan_id) == []


@pytest.mark.parametrize("summary", ["", "  ", None, 5, "x" * 5001])
def test_the_outcome_needs_a_summary(review_id, actors, summary):
    with pytest.raises(ValidationFailed, match="Summary"):
        call(
            reviews.review_record_outcome,
            actors["mentor"],
            review_id=review_id,
            summary=summary,
            now=next_week(),
        )


def test_times_are_typed_and_shown_in_the_schools_time_zone(
    monkeypatch, engine, school, actors, plan_id
):
    import dataclasses

    from ilp_app import settings

    oslo = dataclasses.replace(settings.get_settings(), school_timezone="Europe/Oslo")
    monkeypatch.setattr(review_model, "get_settings", lambda: oslo)
    monkeypatch.setattr(reviews, "get_settings", lambda: oslo)
    monkeypatch.setattr(formatting, "get_settings", lambda: oslo)
    now = datetime.now(UTC)
    year = now.year + 1 if (now.month, now.day) >= (1, 13) else now.year
    typed = datetime(year, 1, 14, 10, 0, tzinfo=UTC)  # the next 14 January, in winter time in Oslo
    rid = schedule(school, actors, starts_at=local_input(typed))
    [stored] = rows(engine, Review, Review.id == rid)
    assert stored.starts_at == typed.replace(hour=9)  # 10:00 in Oslo in January is 09:00 UTC
    [view] = call(reviews.reviews_of_learner, actors["mentor"], learner_id=school.id("learner"))
    assert view.starts_at == f"14 Jan {year}, 10:00"  # Oslo's wall clock, no zone name
    panel = call(reviews.review_panel, actors["mentor"], learner_id=school.id("learner"))
    assert panel.time_zone == "Europe/Oslo"


def test_a_review_scheduled_before_the_plan_existed_logs_into_the_current_plan(
    engine, school, actors
):
    rid = schedule(school, actors)
    pid = call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=rid,
        summary="Fine",
        now=next_week(),
    )
    assert len(log_bodies(engine, pid)) == 1
    assert rows(engine, Review, Review.id == rid)[0].plan_id == pid


# --- cancelling ---------------------------------------------------------------------------------


def test_the_mentor_cancels_a_scheduled_review_once(engine, school, actors, review_id):
    with pytest.raises(PermissionDenied):
        call(reviews.review_cancel, actors["parent"], review_id=review_id)
    call(reviews.review_cancel, actors["mentor"], review_id=review_id)
    with pytest.raises(ValidationFailed, match=MSG_CANCELLED):
        call(reviews.review_cancel, actors["mentor"], review_id=review_id)
    with pytest.raises(ValidationFailed, match=MSG_CANCELLED):
        call(
            reviews.review_record_outcome,
            actors["mentor"],
            review_id=review_id,
            summary="x",
            now=next_week(),
        )
    [view] = call(reviews.reviews_of_learner, actors["parent"], learner_id=school.id("learner"))
    assert view.status == "cancelled" and view.can_comment is False
    assert [e.outcome for e in audit(engine, action="review.cancel")] == ["ok"]
    assert {
        n.user_id for n in rows(engine, Notification, Notification.kind == "review_cancelled")
    } == {school.id("learner"), school.id("parent")}


def test_a_held_review_cannot_be_cancelled(review_id, actors):
    call(
        reviews.review_record_outcome,
        actors["mentor"],
        review_id=review_id,
        summary="x",
        now=next_week(),
    )
    with pytest.raises(ValidationFailed, match=MSG_ALREADY_HELD):
        call(reviews.review_cancel, actors["mentor"], review_id=review_id)


# --- who sees reviews ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("mentor", True),
        ("teacher", True),
        ("parent", True),
        ("learner", True),
        ("admin", True),
        ("mentor2", False),
        ("parent2", False),
        ("learner2", False),
        ("l0", False),
        ("anonymous", False),
    ],
)
def test_reviews_are_seen_by_those_who_may_see_the_learner(school, actors, review_id, who, allowed):
    if allowed:
        assert [
            v.id
            for v in call(reviews.reviews_of_learner, actors[who], learner_id=school.id("learner"))
        ] == [review_id]
    else:
        with pytest.raises(PermissionDenied):
            call(reviews.reviews_of_learner, actors[who], learner_id=school.id("learner"))


def test_the_panel_offers_the_mentor_a_form_with_every_possible_attendee(school, actors, review_id):
    panel = call(reviews.review_panel, actors["mentor"], learner_id=school.id("learner"))
    assert panel.can_schedule and not panel.can_comment
    assert [(p.name, p.role) for p in panel.attendee_choices] == [
        (LEARNER_NAME, "Learner"),
        (PARENT_NAME, "Parent"),
        ("Mentor Person", "Mentor"),
        ("Teacher Person", "Teacher"),
    ]
    assert set(panel.default_attendee_ids) == {
        school.id("learner"),
        school.id("parent"),
        school.id("mentor"),
    }
    family = call(reviews.review_panel, actors["parent"], learner_id=school.id("learner"))
    assert family.can_comment and not family.can_schedule and family.attendee_choices == []


# --- the mentor's dashboard ---------------------------------------------------------------------


def test_the_dashboard_lists_mentees_due_a_review_and_upcoming_reviews_of_only_my_mentees(
    engine, school, actors, plan_id
):
    now = datetime.now(UTC)
    rid = schedule(school, actors)  # the learner: upcoming, and still due (nothing held yet)
    recent = schedule(school, actors, learner="l0", attendee_ids=[school.id("l0")])
    set_review(
        engine,
        recent,
        status="held",
        starts_at=now - timedelta(days=30),
        held_at=now - timedelta(days=30),
    )
    old = schedule(school, actors, learner="l1", attendee_ids=[school.id("l1")])
    set_review(
        engine,
        old,
        status="held",
        starts_at=now - timedelta(days=200),
        held_at=now - timedelta(days=200),
    )
    schedule(
        school, actors, who="mentor2", learner="learner2", attendee_ids=[school.id("learner2")]
    )

    board = call(review_dashboard, actors["mentor"])
    assert [(u.review_id, u.learner_name, u.plan_id) for u in board.upcoming] == [
        (rid, LEARNER_NAME, plan_id)
    ]
    due = {d.learner_id: d for d in board.overdue}
    assert set(due) == {school.id("learner"), school.id("l1")}
    assert due[school.id("learner")].last_review == "" and due[
        school.id("learner")
    ].next_review.endswith(", 13:30")
    assert due[school.id("l1")].last_review == f"{now - timedelta(days=200):%Y-%m-%d}"
    # Never reviewed comes first, then the longest ago.
    assert [d.learner_id for d in board.overdue] == [school.id("learner"), school.id("l1")]
    assert board.awaiting_outcome == []

    other = call(review_dashboard, actors["mentor2"])
    assert [u.learner_id for u in other.upcoming] == [school.id("learner2")]
    assert [d.learner_id for d in other.overdue] == [school.id("learner2")]


def test_a_mentee_reviewed_181_days_ago_is_not_due_and_one_reviewed_183_days_ago_is(
    engine, school, actors
):
    now = datetime.now(UTC)
    for name, days in (("learner", 181), ("l0", 183)):
        rid = schedule(school, actors, learner=name, attendee_ids=[school.id(name)])
        set_review(engine, rid, status="held", starts_at=now - timedelta(days=days))
    due = {d.learner_id for d in call(review_dashboard, actors["mentor"]).overdue}
    assert school.id("learner") not in due and school.id("l0") in due


def test_a_past_meeting_without_an_outcome_waits_for_it_and_cancelled_ones_are_left_out(
    engine, school, actors
):
    past = schedule(school, actors)
    set_review(engine, past, starts_at=datetime.now(UTC) - timedelta(days=1))
    cancelled = schedule(school, actors)
    call(reviews.review_cancel, actors["mentor"], review_id=cancelled)
    board = call(review_dashboard, actors["mentor"])
    assert [u.review_id for u in board.awaiting_outcome] == [past]
    assert board.upcoming == []


@pytest.mark.parametrize("who", ["teacher", "parent", "learner", "admin", "anonymous"])
def test_only_mentors_have_a_review_dashboard(actors, who):
    with pytest.raises(PermissionDenied):
        call(review_dashboard, actors[who])


# --- the .ics invitation ------------------------------------------------------------------------


def parse(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return event


def test_the_invitation_parses_and_carries_utc_times_place_link_and_attendees(
    school, actors, review_id
):
    text = call(review_ics, actors["parent"], review_id=review_id)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    event = parse(text)
    start = next_week()
    assert event["DTSTART"].dt == start and event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == start + timedelta(minutes=45)
    assert str(event["UID"]) == f"review-{review_id}@ilp"
    assert str(event["SUMMARY"]) == f"ILP review: {LEARNER_NAME}"
    assert str(event["LOCATION"]) == "Room 12, building B; 2nd floor"
    assert "https://meet.example/ilp?room=12" in str(event["DESCRIPTION"])
    attendees = event["ATTENDEE"]
    assert [(str(a.params["CN"]), str(a)) for a in attendees] == [
        (LEARNER_NAME, "mailto:learner@test.school"),
        (PARENT_NAME, "mailto:parent@test.school"),
        ("Mentor Person", "mailto:mentor@test.school"),
    ]
    assert str(event["ORGANIZER"].params["CN"]) == "Mentor Person"


def test_the_invitation_uid_is_stable(review_id, actors):
    first = parse(call(review_ics, actors["mentor"], review_id=review_id))
    second = parse(call(review_ics, actors["learner"], review_id=review_id))
    assert first["UID"] == second["UID"]


def test_the_invitation_is_in_the_schools_time_zone_and_lasts_its_minutes_across_a_clock_change(
    monkeypatch, engine, actors, review_id
):
    import dataclasses

    from ilp_app import settings

    oslo = dataclasses.replace(settings.get_settings(), school_timezone="Europe/Oslo")
    monkeypatch.setattr(review_model, "get_settings", lambda: oslo)
    # 02:30 summer time in Oslo on the night the clocks go back at 03:00 to 02:00.
    starts_at = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    set_review(engine, review_id, starts_at=starts_at, duration_minutes=45)
    text = call(review_ics, actors["parent"], review_id=review_id)
    assert "DTSTART;TZID=Europe/Oslo:20261025T023000" in text.split("\r\n")
    # 02:15 comes twice that night and would be read as the first: the end is written in UTC.
    assert "DTEND:20261025T011500Z" in text.split("\r\n")
    calendar = icalendar.Calendar.from_ical(text)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    event = parse(text)
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.start.astimezone(UTC) == starts_at
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(minutes=45)


@pytest.mark.parametrize("who", ["parent2", "learner2", "mentor2", "anonymous"])
def test_the_invitation_is_refused_to_other_families(review_id, actors, who):
    with pytest.raises(PermissionDenied):
        call(review_ics, actors[who], review_id=review_id)


# --- the HTTP route -----------------------------------------------------------------------------


def get_ics(client, rid, token: str | None = None):
    client.cookies.clear()
    if token is not None:
        client.cookies.set(routes.SESSION_COOKIE, token)
    return client.get(f"/api/reviews/{rid}.ics")


def test_the_route_serves_the_invitation_to_the_family(engine, school, client, review_id):
    response = get_ics(client, review_id, token_for(engine, school.id("parent"), "parent"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert (
        response.headers["content-disposition"] == f'attachment; filename="review-{review_id}.ics"'
    )
    assert response.headers["cache-control"] == "no-store"
    event = parse(response.content.decode("utf-8"))
    assert str(event["SUMMARY"]) == f"ILP review: {LEARNER_NAME}"
    assert PARENT_NAME in [str(a.params["CN"]) for a in event["ATTENDEE"]]


def test_the_route_refuses_a_request_without_a_valid_session(engine, client, review_id):
    for token in (None, "", "not-a-real-token"):
        response = get_ics(client, review_id, token)
        assert response.status_code == 401
        assert response.headers["cache-control"] == "no-store"
        assert "calendar" not in response.headers["content-type"]
        assert LEARNER_NAME not in response.text and "VCALENDAR" not in response.text


def test_the_route_refuses_a_parent_of_another_family_without_leaking_the_review(
    engine, school, client, review_id
):
    before = len(audit(engine, outcome="denied", action="review.view"))
    response = get_ics(client, review_id, token_for(engine, school.id("parent2"), "parent"))
    assert response.status_code == 403
    assert LEARNER_NAME not in response.text and "ILP review" not in response.text
    assert "Room 12" not in response.text and "VCALENDAR" not in response.text
    assert response.headers["cache-control"] == "no-store"
    assert len(audit(engine, outcome="denied", action="review.view")) == before + 1


@pytest.mark.parametrize("rid", ["999999", "abc", "0", "-1", "1e3"])
def test_the_route_answers_404_for_reviews_that_do_not_exist(
    engine, school, client, review_id, rid
):
    response = get_ics(client, rid, token_for(engine, school.id("parent"), "parent"))
    assert response.status_code == 404


def test_the_route_is_added_to_a_reflex_app_through_its_api_transformer():
    class FakeApp:
        api_transformer = None

    app = FakeApp()
    http_routes.add_routes(app)
    [transformer] = app.api_transformer
    assert isinstance(transformer, Starlette)
    assert sorted(r.path for r in transformer.routes) == sorted(
        [
            privacy.LEARNER_EXPORT_PATH,
            files.REVIEW_ICS_PATH,
            files.GROUP_CSV_PATH,
            "/api/plans/{plan_id}.pdf",
            files.GROUP_PDF_PATH,
            PRINT_FILE_PATH,
            routes.SIGN_IN,
            routes.SIGN_OUT,
            routes.PASSWORD_CHANGE,
            routes.AUTH_FORGOT,
            routes.AUTH_RESET,
            routes.AUTH_OIDC_START,
            routes.AUTH_OIDC_CALLBACK,
            routes.API_GROUP_LETTERS,
            routes.API_UNSUBSCRIBE,
            routes.API_EVIDENCE_FILE,
            routes.API_SHOWCASE_PDF,
            routes.API_SCHOOL_VIEW_CSV,
        ]
    )
    http_routes.add_routes(app)  # an existing transformer is kept
    assert len(app.api_transformer) == 2


# --- the state ----------------------------------------------------------------------------------


@pytest.fixture
def announced(monkeypatch):
    """What the state would push to other screens (no app runs in these tests)."""
    sent = []
    monkeypatch.setattr(review_state.live, "announce", lambda **kw: sent.append(kw))
    return sent


async def drain(gen) -> list:
    return [event async for event in gen]


async def test_the_state_schedules_from_the_form_and_shows_the_new_review(
    engine, school, plan_id, announced
):
    state = await signed_in(ReviewState, engine, school.id("mentor"), "mentor")
    await state.load_for_learner(school.id("learner"))
    assert state.can_schedule and state.reviews == []
    assert {c["label"] for c in state.attendee_choices} >= {f"{PARENT_NAME} (Parent)"}
    form = {
        "starts_at": local_input(next_week()),
        "duration": "30",
        "location": "Library",
        "online_url": "",
        f"attendee-{school.id('learner')}": "on",
        f"attendee-{school.id('parent')}": True,
        f"attendee-{school.id('teacher')}": False,
    }
    await drain(state.schedule(form))
    assert state.error == "" and state.form_version == 1
    [view] = state.reviews
    assert [p.name for p in view.attendees] == [LEARNER_NAME, PARENT_NAME]
    assert announced and school.id("learner") in announced[-1]["learner_ids"]


async def test_the_state_shows_a_schedule_problem_in_the_form(engine, school, announced):
    state = await signed_in(ReviewState, engine, school.id("mentor"), "mentor")
    await state.load_for_learner(school.id("learner"))
    await drain(state.schedule({"starts_at": "soon", "duration": "30", "location": "Library"}))
    assert state.error.startswith("Date and time must be")
    assert state.form_version == 0 and rows(engine, Review) == []


async def test_the_state_refuses_another_familys_parent_and_shows_nothing(
    engine, school, review_id, announced
):
    state = await signed_in(ReviewState, engine, school.id("parent2"), "parent")
    events = await state.load_for_learner(school.id("learner"))
    assert events and state.reviews == [] and state.can_comment is False
    await drain(state.comment({"review_id": str(review_id), "body": "Sneaky"}))
    assert rows(engine, ReviewComment) == []


async def test_the_state_records_the_outcome_and_refreshes_every_screen(
    engine, school, plan_id, review_id, announced, monkeypatch
):
    monkeypatch.setattr(reviews, "now_or_utc", lambda now: now or next_week() + timedelta(hours=1))
    state = await signed_in(ReviewState, engine, school.id("mentor"), "mentor")
    await state.load_for_learner(school.id("learner"))
    await drain(
        state.record_outcome(
            {"review_id": str(review_id), "summary": "All good", "decisions": "", "new_targets": ""}
        )
    )
    assert state.reviews[0].status == "held"
    assert len(log_bodies(engine, plan_id)) == 1
    assert announced[-1]["skip_client"] == ""  # this browser's plan log changed too


async def test_the_dashboard_state_is_for_mentors_only(engine, school, review_id):
    state = await signed_in(ReviewState, engine, school.id("mentor"), "mentor")
    await state.load_dashboard()
    assert [u.review_id for u in state.dashboard.upcoming] == [review_id]
    parent = await signed_in(ReviewState, engine, school.id("parent"), "parent")
    await parent.load_dashboard()
    assert parent.dashboard is None
