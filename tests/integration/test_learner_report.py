"""A learner's overview across periods, through the service and the page state, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from ilp_app import security
from ilp_app.db.models import (
    Goal,
    GoalRating,
    Period,
    Plan,
    PlanFocusArea,
    PlanNote,
    Reflection,
    Task,
)
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.reports.learner_report import MSG_LEARNER_NOT_FOUND, learner_overview
from ilp_app.services.reviews import reviews
from ilp_app.state.learner_report import LearnerReportState
from tests.support.school import build_school
from tests.support.services import audit, call, signed_in

TODAY = date.today()
STAFF_NOTE = "CANARY-staff-note-about-reading-support"
PRIVATE_NOTE = "CANARY-private-note-only-the-mentor-sees"
OLD_STAFF_NOTE = "CANARY-staff-note-on-the-locked-plan"
REFLECTION = "CANARY-reflection-words-stay-on-the-plan-page"
LOG_POST = "CANARY-log-post-words-stay-on-the-plan-page"
DRAFT_GOAL = "CANARY-draft-goal-only-staff-see"
OTHER_FAMILY_GOAL = "CANARY-goal-of-another-family"


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def locked_plan(
    session: Session, school, period: Period, *, goals: dict[str, list[str]], ratings=()
) -> dict:
    """A finished plan as a past period leaves it: tasks as they ended, dated ratings, a staff note."""
    learner, mentor = school.people["learner"], school.people["mentor"]
    plan = Plan(
        site_id=school.site.id,
        learner_id=learner.id,
        period_id=period.id,
        status="locked",
        created_by_id=mentor.id,
        activated_at=at(period.starts_on),
        locked_at=at(period.ends_on),
    )
    session.add(plan)
    session.flush()
    area = PlanFocusArea(plan_id=plan.id, name="Academic")
    session.add(area)
    session.flush()
    ids = {"plan": plan.id}
    for position, (statement, statuses) in enumerate(goals.items()):
        goal = Goal(plan_id=plan.id, focus_area_id=area.id, statement=statement, position=position)
        session.add(goal)
        session.flush()
        ids[statement] = goal.id
        for n, status in enumerate(statuses):
            session.add(
                Task(
                    plan_id=plan.id,
                    goal_id=goal.id,
                    title=f"{statement} task {n}",
                    status=status,
                    position=n,
                    status_changed_at=at(period.starts_on + timedelta(days=20 + n)),
                )
            )
    for statement, kind, score, day in ratings:
        session.add(
            GoalRating(
                goal_id=ids[statement],
                plan_id=plan.id,
                rater_id=mentor.id if kind == "mentor" else learner.id,
                kind=kind,
                score=score,
                rated_at=at(day),
            )
        )
    session.add(
        PlanNote(plan_id=plan.id, author_id=mentor.id, body=OLD_STAFF_NOTE, visibility="staff")
    )
    session.commit()
    return ids


@pytest.fixture
def school(session):
    built = build_school(session)
    learner = built.people["learner"]
    learner.full_name, learner.preferred_name = "Åsa Ødegård", "Åsa"
    session.add(learner)
    session.commit()
    return built


@pytest.fixture
def world(session, school, actors):
    """Åsa: a locked plan last period, an active plan now, a draft for next period; another family beside her."""
    past = school.past_period
    old = locked_plan(
        session,
        school,
        past,
        goals={
            "Read three novels": ["completed", "completed"],
            "Learn the 7 times table": ["completed", "not_started"],
        },
        ratings=[
            ("Read three novels", "self", 2, past.starts_on + timedelta(days=10)),
            ("Read three novels", "self", 4, past.ends_on - timedelta(days=5)),
            ("Read three novels", "mentor", 5, past.ends_on - timedelta(days=5)),
        ],
    )
    mentor, learner, parent = actors["mentor"], actors["learner"], actors["parent"]
    pid = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=pid).focus_areas[0].id
    target = TODAY + timedelta(days=20)
    goal = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area,
        statement="Read three more novels",
        target_date=target.isoformat(),
    )
    with Session(session.get_bind()) as s:  # the goal continues last period's
        row = s.get(Goal, goal)
        row.carried_from_goal_id = old["Read three novels"]
        s.add(row)
        s.commit()
    first = call(plan_edit.task_add, mentor, goal_id=goal, title="Finish the first novel")
    call(plan_edit.task_add, mentor, goal_id=goal, title="Write a review of it")
    call(plan_edit.plan_activate, mentor, plan_id=pid)
    status = "not_started"
    for _ in range(2):
        status = call(
            plan_activity.task_advance, learner, task_id=first, expected_status=status
        ).status.value
    call(plan_activity.rating_add, learner, goal_id=goal, score=3)
    call(plan_activity.rating_add, mentor, goal_id=goal, score=4)
    call(plan_activity.reflection_add, learner, goal_id=goal, body=REFLECTION)
    call(plan_activity.log_post, parent, plan_id=pid, body=LOG_POST)
    call(plan_activity.note_add, mentor, plan_id=pid, body=STAFF_NOTE, visibility="staff")
    call(plan_activity.note_add, mentor, plan_id=pid, body=PRIVATE_NOTE, visibility="private")
    starts = (datetime.now(UTC) + timedelta(days=7)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )
    review = call(
        reviews.review_schedule,
        mentor,
        learner_id=school.id("learner"),
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="45",
        location="Room 12",
        attendee_ids=[
            str(school.id("learner")),
            str(school.id("parent")),
            str(school.id("mentor")),
        ],
    )
    draft = Plan(
        site_id=school.site.id,
        learner_id=school.id("learner"),
        period_id=school.next_period.id,
        status="draft",
        created_by_id=school.id("mentor"),
    )
    session.add(draft)
    session.flush()
    draft_area = PlanFocusArea(plan_id=draft.id, name="Career")
    session.add(draft_area)
    session.flush()
    session.add(
        Goal(
            plan_id=draft.id,
            focus_area_id=draft_area.id,
            statement=DRAFT_GOAL,
            target_date=school.next_period.ends_on,
        )
    )
    session.commit()
    other = call(plan_edit.plan_create, actors["mentor2"], learner_id=school.id("learner2"))
    other_area = call(plan_read.plan_view, actors["mentor2"], plan_id=other).focus_areas[0].id
    call(
        plan_edit.goal_add, actors["mentor2"], focus_area_id=other_area, statement=OTHER_FAMILY_GOAL
    )
    call(plan_edit.plan_activate, actors["mentor2"], plan_id=other)
    return {
        "old": old,
        "plan": pid,
        "goal": goal,
        "draft": draft.id,
        "review": review,
        "target": target,
        "other": other,
    }


def overview(actors, school, who: str, learner: str = "learner"):
    return call(learner_overview, actors[who], learner_id=school.id(learner))


def test_the_mentor_sees_past_present_and_future_of_a_mentee(school, actors, world):
    ov = overview(actors, school, "mentor")
    assert ov.learner_name == "Åsa"
    assert [(p.period_name, p.when, p.status) for p in ov.periods] == [
        ("Next", "next", "draft"),
        ("Current", "current", "active"),
        ("Past", "past", "locked"),
    ]
    assert ov.present.plan_id == world["plan"] and ov.present.status == "active"
    assert (ov.present.completed, ov.present.total, ov.present.percent) == (1, 2, 50)
    assert [(b.label, b.completed, b.total) for b in ov.task_bars] == [
        ("Past", 3, 4),
        ("Current", 1, 2),
        ("Next", 0, 0),
    ]
    assert (
        ov.tasks_summary
        == "Tasks completed per period. Past: 3 of 4 (75%); Current: 1 of 2 (50%); Next: 0 of 0 (0%)."
    )
    ahead = {g.statement: g for g in ov.goals_ahead}
    assert ahead["Read three more novels"].target_date == world["target"].isoformat()
    assert ahead["Read three more novels"].days_left == 20
    assert DRAFT_GOAL in ahead  # staff prepare the next period's draft
    [review] = ov.reviews_ahead
    assert review.review_id == world["review"] and review.location == "Room 12"


def test_ratings_of_a_goal_carried_into_this_period_continue_its_series(school, actors, world):
    [series] = overview(actors, school, "learner").rating_series
    past = school.past_period
    assert series.statement == "Read three more novels"
    assert [(r.day, r.self_score, r.mentor_score) for r in series.rows] == [
        ((past.starts_on + timedelta(days=10)).isoformat(), 2, 0),
        ((past.ends_on - timedelta(days=5)).isoformat(), 4, 5),
        (TODAY.isoformat(), 3, 4),
    ]


def test_this_periods_activity_counts_completions_reflections_and_log_posts_by_week(
    school, actors, world
):
    ov = overview(actors, school, "parent")
    assert ov.activity_period == "Current"
    assert ov.activity[0].week_of <= school.period.starts_on.isoformat()
    assert sum(w.completions for w in ov.activity) == 1
    assert (
        ov.activity[-1].completions,
        ov.activity[-1].reflections,
        ov.activity[-1].log_entries,
    ) == (1, 1, 1)
    assert "3 in" in ov.activity_summary


def test_the_learner_sees_their_locked_past_plan_with_what_was_achieved(school, actors, world):
    ov = overview(actors, school, "learner")
    past = next(p for p in ov.periods if p.status == "locked")
    assert (past.period_name, past.plan_id, past.completed, past.total, past.percent) == (
        "Past",
        world["old"]["plan"],
        3,
        4,
        75,
    )
    assert past.goals_achieved == 1
    got = {
        a.statement: (a.achieved, a.completed, a.total, a.final_self, a.final_mentor)
        for a in past.achievements
    }
    assert got == {
        "Read three novels": (True, 2, 2, 4, 5),
        "Learn the 7 times table": (False, 1, 2, 0, 0),
    }
    current = next(p for p in ov.periods if p.status == "active")
    assert current.achievements == []  # still under way: nothing is final yet


@pytest.mark.parametrize("who", ["parent", "learner"])
def test_the_family_never_sees_a_draft(school, actors, world, who):
    ov = overview(actors, school, who)
    assert [p.period_name for p in ov.periods] == ["Current", "Past"]
    assert world["draft"] not in {b.plan_id for b in ov.task_bars}
    assert DRAFT_GOAL not in repr(ov)


@pytest.mark.parametrize("who", ["mentor", "teacher", "admin", "parent", "learner"])
def test_notes_and_written_words_never_reach_the_overview(school, actors, world, who):
    text = repr(overview(actors, school, who))
    for secret in (
        STAFF_NOTE,
        PRIVATE_NOTE,
        OLD_STAFF_NOTE,
        REFLECTION,
        LOG_POST,
        OTHER_FAMILY_GOAL,
    ):
        assert secret not in text
    assert "Read three more novels" in text


@pytest.mark.parametrize("who", ["parent2", "mentor2", "learner2"])
def test_another_familys_learner_is_refused_and_the_attempt_audited(
    engine, school, actors, world, who
):
    with pytest.raises(PermissionDenied):
        overview(actors, school, who)
    [event] = audit(engine, actor_user_id=school.id(who), action="learner.view", outcome="denied")
    assert (event.target_type, event.target_id) == ("learner", str(school.id("learner")))


def test_a_parent_sees_only_their_own_child(school, actors, world):
    ov = overview(actors, school, "parent2", learner="learner2")
    assert [p.plan_id for p in ov.periods] == [world["other"]]
    assert "Read three" not in repr(ov)


def test_signed_out_is_refused(school, actors, world):
    with pytest.raises(PermissionDenied):
        overview(actors, school, "anonymous")


@pytest.mark.parametrize(
    "bad",
    ["abc", "²", "-1", "0", "1e3", " 12 3", "99999999999", 10**12, -4, True, None, {"id": 1}, [1]],
)
def test_a_malformed_id_gets_a_clear_message_and_changes_nothing(
    engine, school, actors, world, bad
):
    before = len(audit(engine))
    with pytest.raises(ValidationFailed) as refused:
        call(learner_overview, actors["parent"], learner_id=bad)
    assert refused.value.message == MSG_LEARNER_NOT_FOUND
    assert len(audit(engine)) == before


@pytest.mark.parametrize("who", ["mentor", "teacher", "nobody"])
def test_an_id_that_is_no_learner_of_the_school_is_not_found(engine, school, actors, world, who):
    target = 999_999 if who == "nobody" else school.id(who)
    before = len(audit(engine))
    with pytest.raises(NotFound) as missing:
        call(learner_overview, actors["admin"], learner_id=target)
    assert missing.value.message == MSG_LEARNER_NOT_FOUND
    assert len(audit(engine)) == before


def test_an_administrators_read_is_recorded_and_a_mentors_is_not(engine, school, actors, world):
    overview(actors, school, "mentor")
    assert audit(engine, action="learner.overview_as_admin") == []
    ov = overview(actors, school, "admin")
    assert [p.period_name for p in ov.periods] == ["Next", "Current", "Past"]
    [event] = audit(engine, action="learner.overview_as_admin")
    assert (event.actor_user_id, event.target_id) == (school.id("admin"), str(school.id("learner")))


def test_the_number_of_queries_does_not_grow_with_plans_goals_and_ratings(
    engine, session, school, actors, world
):
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        overview(actors, school, "mentor")
        few = len(statements)
        for years in range(2, 6):
            period = Period(
                site_id=school.site.id,
                name=f"Year -{years}",
                starts_on=TODAY - timedelta(days=365 * years),
                ends_on=TODAY - timedelta(days=365 * years - 150),
            )
            session.add(period)
            session.flush()
            locked_plan(
                session,
                school,
                period,
                goals={f"Goal {years}-{n}": ["completed", "ongoing"] for n in range(3)},
                ratings=[(f"Goal {years}-0", "self", 3, period.starts_on + timedelta(days=30))],
            )
        statements.clear()
        ov = overview(actors, school, "mentor")
        assert len(ov.periods) == 7
        assert len(statements) == few
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_a_learner_without_any_plan_has_an_empty_overview(school, actors):
    ov = overview(actors, school, "parent")
    assert (ov.periods, ov.present, ov.goals_ahead, ov.rating_series, ov.activity) == (
        [],
        None,
        [],
        [],
        [],
    )
    assert ov.tasks_summary == "Tasks completed per period: no plans yet."


# --- the page state -----------------------------------------------------------------------------


async def test_the_state_shows_a_parent_their_child_and_forgets_it_when_refused(
    engine, school, world
):
    state = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert state._show(str(school.id("learner"))) is None
    assert state.loaded and state.overview.learner_name == "Åsa"
    state.toggle_table("tasks")
    assert state.open_tables == ["tasks"]
    events = state._show(str(school.id("learner2")))  # a forged URL: another family's child
    assert events and state.overview is None and state.open_tables == []
    assert (
        len(
            audit(
                engine, actor_user_id=school.id("parent"), action="learner.view", outcome="denied"
            )
        )
        == 1
    )


async def test_the_state_says_when_an_id_names_no_learner(engine, school, world):
    state = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert state._show("12abc") is None
    assert (state.loaded, state.overview, state.message) == (True, None, MSG_LEARNER_NOT_FOUND)


async def test_the_state_accepts_only_known_chart_tables(engine, school, world):
    state = await signed_in(LearnerReportState, engine, school.id("learner"), "learner")
    for forged in ("<script>", {"key": "tasks"}, ["tasks"], None):
        state.toggle_table(forged)
    assert state.open_tables == []
    state.toggle_table("activity")
    state.toggle_table("activity")
    assert state.open_tables == []


def test_reflections_counted_are_only_the_present_plans(engine, school, actors, world):
    with Session(engine) as s:
        goal = s.get(Goal, world["old"]["Read three novels"])
        s.add(
            Reflection(
                plan_id=world["old"]["plan"],
                goal_id=goal.id,
                author_id=school.id("learner"),
                body="From last period",
                created_at=at(TODAY),
            )
        )
        s.commit()
        assert s.exec(select(func.count()).select_from(Reflection)).one() == 2
    ov = overview(actors, school, "learner")
    assert sum(w.reflections for w in ov.activity) == 1


async def test_signing_in_clears_what_the_previous_person_left_in_the_tab(engine, school, world):
    from ilp_app.db.models import User
    from ilp_app.services.access import auth
    from ilp_app.services.uow import unit_of_work
    from tests.support.services import guard_event

    # A parent's session ended with their child's overview still in the tab; another parent signs in.
    state = await signed_in(LearnerReportState, engine, school.id("parent"), "parent")
    assert state._show(str(school.id("learner"))) is None and state.overview is not None
    with Session(engine) as s:
        other = s.get(User, school.id("parent2"))
        other.password_hash = security.password_hash("another-family-2026")
        email = other.email
        s.add(other)
        s.commit()
    with unit_of_work() as s:
        token = auth.sign_in(session=s, email=email, password="another-family-2026").token
    await guard_event(state, security.token_digest(token))  # the new cookie's first event
    assert state.overview is None and not state.loaded
