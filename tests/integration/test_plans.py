"""Plans through the services, as each role would use them, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from ilp_app.db.models import Plan, PlanNote, Task
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.plans import MSG_PLAN_LOCKED
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.plans.plan_activity import TaskChangedElsewhere
from tests.support.services import audit, call


@pytest.fixture
def plan(school, actors):
    """An active plan for the learner: one focus area, one goal, one task with a link."""
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    area_id = view.focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Read more books",
        success_criteria="Three books finished and logged",
        target_date=(school.period.ends_on - timedelta(days=5)).isoformat(),
        objective_ids=[str(school.objectives[0].id)],
    )
    task_id = call(plan_edit.task_add, mentor, goal_id=goal_id, title="Read aloud at home")
    call(
        plan_edit.link_add,
        mentor,
        task_id=task_id,
        title="Book list",
        url="https://www.gutenberg.org/",
    )
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return {"plan_id": plan_id, "area_id": area_id, "goal_id": goal_id, "task_id": task_id}


def test_new_plan_is_a_draft_with_the_first_four_catalogue_focus_areas(school, actors):
    plan_id = call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    view = call(plan_read.plan_view, actors["mentor"], plan_id=plan_id)
    assert view.status == "draft"
    assert [a.name for a in view.focus_areas] == [
        "Academic",
        "Career",
        "Personal growth",
        "Social competence",
    ]
    assert view.period_name == "Current"


def test_a_learner_gets_one_plan_per_period(school, actors):
    call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    with pytest.raises(ValidationFailed, match="already has a plan"):
        call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))


@pytest.mark.parametrize("who", ["teacher", "parent", "learner", "mentor2", "admin", "anonymous"])
def test_only_the_learners_mentor_creates_their_plan(school, actors, who):
    with pytest.raises(PermissionDenied):
        call(plan_edit.plan_create, actors[who], learner_id=school.id("learner"))


def test_draft_plans_are_for_staff_until_activated(school, actors):
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    for who in ("parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(plan_read.plan_view, actors[who], plan_id=plan_id)
    assert call(plan_read.plan_view, actors["teacher"], plan_id=plan_id).status == "draft"
    with pytest.raises(ValidationFailed, match="at least one goal"):
        call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Speak clearly so my classmates understand me",
    )
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    for who in ("parent", "learner"):
        assert call(plan_read.plan_view, actors[who], plan_id=plan_id).status == "active"


# Who may do what, through the real services. Y = allowed, . = refused.
OPERATIONS = {
    "view": lambda p: (plan_read.plan_view, {"plan_id": p["plan_id"]}),
    "add_goal": lambda p: (
        plan_edit.goal_add,
        {"focus_area_id": p["area_id"], "statement": "New goal"},
    ),
    "add_task": lambda p: (plan_edit.task_add, {"goal_id": p["goal_id"], "title": "New task"}),
    "tick": lambda p: (
        plan_activity.task_advance,
        {"task_id": p["task_id"], "expected_status": "not_started"},
    ),
    "reflect": lambda p: (
        plan_activity.reflection_add,
        {"goal_id": p["goal_id"], "body": "It went well"},
    ),
    "rate": lambda p: (plan_activity.rating_add, {"goal_id": p["goal_id"], "score": 4}),
    "post": lambda p: (plan_activity.log_post, {"plan_id": p["plan_id"], "body": "Hello"}),
    "note": lambda p: (plan_activity.note_add, {"plan_id": p["plan_id"], "body": "A note"}),
}
#                 view goal task tick refl rate post note
EXPECTED = {
    "mentor": "Y    Y    Y    Y    .    Y    Y    Y",
    "teacher": "Y    .    .    .    .    .    Y    Y",
    "learner": "Y    .    .    Y    Y    Y    Y    .",
    "parent": "Y    .    .    .    .    .    Y    .",
    "admin": "Y    .    .    .    .    .    .    .",
    "mentor2": ".    .    .    .    .    .    .    .",
    "parent2": ".    .    .    .    .    .    .    .",
    "learner2": ".    .    .    .    .    .    .    .",
    "anonymous": ".    .    .    .    .    .    .    .",
}
CASES = [
    pytest.param(who, op, mark == "Y", id=f"{who}-{op}")
    for who, row in EXPECTED.items()
    for op, mark in zip(OPERATIONS, row.split(), strict=True)
]


@pytest.mark.parametrize(("who", "operation", "allowed"), CASES)
def test_plan_permission_matrix_through_the_services(engine, plan, actors, who, operation, allowed):
    fn, kwargs = OPERATIONS[operation](plan)
    if allowed:
        call(fn, actors[who], **kwargs)
    else:
        before = len(audit(engine, outcome="denied"))
        with pytest.raises(PermissionDenied) as info:
            call(fn, actors[who], **kwargs)
        if who == "anonymous":
            assert isinstance(info.value, NotSignedIn)
        assert len(audit(engine, outcome="denied")) == before + 1


def test_notes_reach_only_those_their_visibility_allows(plan, actors):
    pid = plan["plan_id"]
    for body, visibility in (
        ("PRIVATE-CANARY", "private"),
        ("STAFF-CANARY", "staff"),
        ("FAMILY-NOTE", "family"),
    ):
        call(
            plan_activity.note_add, actors["mentor"], plan_id=pid, body=body, visibility=visibility
        )
    call(
        plan_activity.note_add,
        actors["teacher"],
        plan_id=pid,
        body="TEACHER-PRIVATE",
        visibility="private",
    )

    def seen(who):
        return {n.body for n in call(plan_read.plan_view, actors[who], plan_id=pid).notes}

    assert seen("mentor") == {"PRIVATE-CANARY", "STAFF-CANARY", "FAMILY-NOTE"}
    assert seen("teacher") == {"STAFF-CANARY", "FAMILY-NOTE", "TEACHER-PRIVATE"}
    assert seen("admin") == {"STAFF-CANARY", "FAMILY-NOTE"}
    assert seen("parent") == {"FAMILY-NOTE"}
    assert seen("learner") == {"FAMILY-NOTE"}


def test_a_note_defaults_to_staff_and_changing_its_visibility_is_audited(engine, plan, actors):
    note_id = call(
        plan_activity.note_add, actors["mentor"], plan_id=plan["plan_id"], body="Needs a quiet room"
    )
    with Session(engine) as s:
        assert s.get(PlanNote, note_id).visibility == "staff"
    call(plan_activity.note_set_visibility, actors["mentor"], note_id=note_id, visibility="family")
    [event] = audit(engine, action="note.visibility")
    assert '"from": "staff"' in event.detail and '"to": "family"' in event.detail
    assert "Needs a quiet room" in {
        n.body for n in call(plan_read.plan_view, actors["parent"], plan_id=plan["plan_id"]).notes
    }


def test_only_the_author_changes_a_notes_visibility(plan, actors):
    note_id = call(plan_activity.note_add, actors["mentor"], plan_id=plan["plan_id"], body="x")
    with pytest.raises(PermissionDenied):
        call(
            plan_activity.note_set_visibility,
            actors["teacher"],
            note_id=note_id,
            visibility="family",
        )


def test_ticking_moves_a_task_through_its_statuses_and_records_who(engine, plan, actors):
    learner = actors["learner"]
    assert (
        call(
            plan_activity.task_advance,
            learner,
            task_id=plan["task_id"],
            expected_status="not_started",
        ).status
        == "ongoing"
    )
    assert (
        call(
            plan_activity.task_advance, learner, task_id=plan["task_id"], expected_status="ongoing"
        ).status
        == "completed"
    )
    view = call(plan_read.plan_view, actors["parent"], plan_id=plan["plan_id"])
    task = view.focus_areas[0].goals[0].tasks[0]
    assert (task.status, task.changed_by) == ("completed", "Learner Person")
    assert (view.completed, view.total, view.percent) == (1, 1, 100)


def test_a_stale_tick_changes_nothing_and_says_so(engine, plan, actors):
    call(
        plan_activity.task_advance,
        actors["mentor"],
        task_id=plan["task_id"],
        expected_status="not_started",
    )
    with pytest.raises(TaskChangedElsewhere) as info:
        call(
            plan_activity.task_advance,
            actors["learner"],
            task_id=plan["task_id"],
            expected_status="not_started",
        )
    assert info.value.current == "ongoing"
    with Session(engine) as s:
        assert s.get(Task, plan["task_id"]).status == "ongoing"


def test_a_learner_cannot_tick_a_task_in_another_learners_plan(school, engine, actors):
    mentor2 = actors["mentor2"]
    other = call(plan_edit.plan_create, mentor2, learner_id=school.id("learner2"))
    area = call(plan_read.plan_view, mentor2, plan_id=other).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor2, focus_area_id=area, statement="Their goal")
    task = call(plan_edit.task_add, mentor2, goal_id=goal, title="Their task")
    call(plan_edit.plan_activate, mentor2, plan_id=other)
    with pytest.raises(PermissionDenied):
        call(
            plan_activity.task_advance,
            actors["learner"],
            task_id=task,
            expected_status="not_started",
        )
    with Session(engine) as s:
        assert s.get(Task, task).status == "not_started"


@pytest.mark.parametrize(
    ("fn", "kwargs", "message"),
    [
        (plan_edit.goal_add, {"statement": "x" * 501}, "at most 500"),
        (plan_edit.goal_add, {"statement": "   "}, "required"),
        (plan_edit.goal_add, {"statement": {"$gt": ""}}, "must be text"),
        (plan_edit.goal_add, {"statement": "Ok", "target_date": "2001-01-01"}, "within the period"),
        (plan_edit.goal_add, {"statement": "Ok", "target_date": "12/31/2026"}, "date like"),
        (plan_edit.goal_add, {"statement": "Ok", "objective_ids": ["999999"]}, "does not exist"),
    ],
    ids=["too-long", "blank", "dict", "outside-period", "bad-date", "foreign-objective"],
)
def test_invalid_goals_are_refused_with_a_message_and_change_nothing(
    plan, actors, fn, kwargs, message
):
    before = call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"])
    with pytest.raises(ValidationFailed, match=message):
        call(fn, actors["mentor"], focus_area_id=plan["area_id"], **kwargs)
    assert call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"]) == before


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "/relative", "ftp://x.org/", "https://"]
)
def test_links_must_be_http_or_https(plan, actors, url):
    with pytest.raises(ValidationFailed, match="http"):
        call(plan_edit.link_add, actors["mentor"], task_id=plan["task_id"], title="Bad", url=url)


@pytest.mark.parametrize("score", [0, 6, -1, "five", True, 3.5, None, {"score": 3}])
def test_ratings_must_be_whole_numbers_from_one_to_five(plan, actors, score):
    with pytest.raises(ValidationFailed, match="1 to 5"):
        call(plan_activity.rating_add, actors["learner"], goal_id=plan["goal_id"], score=score)


def test_ratings_are_kept_over_time_by_kind(plan, actors):
    for score in (2, 3):
        call(plan_activity.rating_add, actors["learner"], goal_id=plan["goal_id"], score=score)
    call(plan_activity.rating_add, actors["mentor"], goal_id=plan["goal_id"], score="4")
    goal = (
        call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"]).focus_areas[0].goals[0]
    )
    assert (goal.self_rating, goal.mentor_rating) == (3, 4)
    assert [(r.kind, r.score) for r in goal.ratings] == [("self", 2), ("self", 3), ("mentor", 4)]


def test_reflections_are_limited_to_5000_characters(plan, actors):
    call(plan_activity.reflection_add, actors["learner"], goal_id=plan["goal_id"], body="x" * 5000)
    with pytest.raises(ValidationFailed, match="at most 5000"):
        call(
            plan_activity.reflection_add,
            actors["learner"],
            goal_id=plan["goal_id"],
            body="x" * 5001,
        )


@pytest.mark.parametrize("forged", ["abc", -3, 0, None, {"id": 1}, [1], True, 1.5])
def test_forged_ids_are_refused(plan, actors, forged):
    with pytest.raises((ValidationFailed, NotFound)):
        call(
            plan_activity.task_advance,
            actors["learner"],
            task_id=forged,
            expected_status="not_started",
        )
    with pytest.raises((ValidationFailed, NotFound)):
        call(plan_read.plan_view, actors["mentor"], plan_id=forged)


def test_a_forged_status_is_refused(plan, actors):
    with pytest.raises(ValidationFailed, match="Unknown task status"):
        call(
            plan_activity.task_advance,
            actors["learner"],
            task_id=plan["task_id"],
            expected_status="done",
        )


def test_every_change_to_a_locked_plan_is_refused_and_audited(engine, plan, actors):
    with Session(engine) as s:
        row = s.get(Plan, plan["plan_id"])
        row.status = "locked"
        s.add(row)
        s.commit()
    attempts = [
        (
            actors["mentor"],
            plan_edit.goal_add,
            {"focus_area_id": plan["area_id"], "statement": "Late goal"},
        ),
        (actors["mentor"], plan_edit.task_add, {"goal_id": plan["goal_id"], "title": "Late task"}),
        (actors["mentor"], plan_edit.goal_delete, {"goal_id": plan["goal_id"]}),
        (
            actors["mentor"],
            plan_activity.note_add,
            {"plan_id": plan["plan_id"], "body": "Late note"},
        ),
        (
            actors["learner"],
            plan_activity.task_advance,
            {"task_id": plan["task_id"], "expected_status": "not_started"},
        ),
        (
            actors["learner"],
            plan_activity.reflection_add,
            {"goal_id": plan["goal_id"], "body": "Late"},
        ),
        (actors["parent"], plan_activity.log_post, {"plan_id": plan["plan_id"], "body": "Late"}),
    ]
    for actor, fn, kwargs in attempts:
        with pytest.raises(PermissionDenied, match="locked"):
            call(fn, actor, **kwargs)
    assert len(audit(engine, outcome="denied")) == len(attempts)
    view = call(plan_read.plan_view, actors["parent"], plan_id=plan["plan_id"])
    assert view.status == "locked" and view.can.tick is False and view.can.post is False
    assert str(MSG_PLAN_LOCKED).startswith("This plan is locked")


def test_a_learner_has_no_current_plan_while_it_is_a_draft(school, actors):
    plan_id = call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    with pytest.raises(PermissionDenied):
        call(plan_read.plan_view, actors["learner"], plan_id=plan_id)
    assert call(plan_read.plan_current_id, actors["learner"], learner_id=school.id("learner")) == 0


def test_administrator_reads_are_audited(engine, plan, actors):
    call(plan_read.plan_view, actors["admin"], plan_id=plan["plan_id"])
    assert len(audit(engine, action="plan.read_as_admin", target_id=str(plan["plan_id"]))) == 1
    call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"])
    assert len(audit(engine, action="plan.read_as_admin")) == 1


def test_reordering_goals_and_tasks_sticks(plan, actors):
    mentor = actors["mentor"]
    second = call(plan_edit.task_add, mentor, goal_id=plan["goal_id"], title="Second task")
    call(plan_edit.task_move, mentor, task_id=second, direction="up")
    tasks = call(plan_read.plan_view, mentor, plan_id=plan["plan_id"]).focus_areas[0].goals[0].tasks
    assert [t.title for t in tasks] == ["Second task", "Read aloud at home"]
    with pytest.raises(ValidationFailed):
        call(plan_edit.task_move, mentor, task_id=second, direction="sideways")


def test_user_text_is_stored_exactly_as_typed(plan, actors):
    payload = '<img src=x onerror=alert(1)> & "quotes"'
    call(plan_activity.log_post, actors["parent"], plan_id=plan["plan_id"], body=payload)
    log = call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"]).log
    assert log[-1].body == payload and log[-1].author == "Parent Person"


def test_a_tick_applied_to_the_view_matches_reloading_the_plan(plan, actors):
    second = call(
        plan_edit.task_add, actors["mentor"], goal_id=plan["goal_id"], title="Keep a reading log"
    )
    steps = [
        (plan["task_id"], "not_started"),
        (plan["task_id"], "ongoing"),
        (second, "not_started"),
        (second, "ongoing"),
    ]
    for task_id, status in steps:  # through "completed" too, which moves the goal's outlook
        view = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"])
        result = call(
            plan_activity.task_advance, actors["learner"], task_id=task_id, expected_status=status
        )
        assert plan_read.apply_tick(view, result) is True
        assert view == call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"])
