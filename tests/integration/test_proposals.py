"""Learners' proposals through the services, on SQLite and PostgreSQL.

Each call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from ilp_app.db.models import Goal, Plan, PlanChange, Proposal, Site, Task
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.domain.proposals import ProposalStep
from ilp_app.services.plans import history, notifications, plan_edit, plan_read, proposals
from ilp_app.services.reports import overview
from tests.support.services import audit, call, count, rows


def _active_plan(school, actors, mentor: str, learner: str) -> dict:
    plan_id = call(plan_edit.plan_create, actors[mentor], learner_id=school.id(learner))
    area_id = call(plan_read.plan_view, actors[mentor], plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add, actors[mentor], focus_area_id=area_id, statement="Read more books"
    )
    call(plan_edit.plan_activate, actors[mentor], plan_id=plan_id)
    return {"plan_id": plan_id, "area_id": area_id, "goal_id": goal_id}


@pytest.fixture
def plan(school, actors):
    return _active_plan(school, actors, "mentor", "learner")


@pytest.fixture
def other_plan(school, actors):
    """Learner2's active plan (mentor2's mentee): foreign to the learner and the mentor."""
    return _active_plan(school, actors, "mentor2", "learner2")


def _propose_goal(actors, plan, **extra):
    return call(
        proposals.proposal_goal_create,
        actors["learner"],
        focus_area_id=plan["area_id"],
        statement=extra.get("statement", "Learn to juggle"),
        success_criteria=extra.get("success_criteria", "Three balls for a minute"),
        target_date=extra.get("target_date", ""),
    ).id


def _propose_task(actors, plan, title="Practise every evening"):
    return call(
        proposals.proposal_task_create, actors["learner"], goal_id=plan["goal_id"], title=title
    )


def _history(engine, plan_id) -> list[tuple[int, str]]:
    return [(c.actor_id, c.action) for c in rows(engine, PlanChange, PlanChange.plan_id == plan_id)]


def test_a_learners_goal_shows_as_proposed_and_tells_the_mentor(engine, school, actors, plan):
    pid = _propose_goal(actors, plan)
    view = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"])
    [shown] = view.proposals
    assert (shown.id, shown.status_label, shown.text) == (pid, "Proposed", "Learn to juggle")
    assert shown.can_edit and not shown.can_decide
    assert view.can.propose
    # Not a goal yet: the plan's goals are only the mentor's one.
    assert count(engine, Goal, Goal.plan_id == plan["plan_id"]) == 1
    [note] = call(notifications.notification_list, actors["mentor"])
    assert "proposed “Learn to juggle”" in note.text
    assert call(notifications.notification_list, actors["mentor2"]) == []
    assert (school.id("learner"), "proposal.create") in _history(engine, plan["plan_id"])


def test_the_mentor_accepts_with_a_change_and_the_learner_sees_both(engine, school, actors, plan):
    pid = _propose_goal(actors, plan)
    goal_id = call(
        proposals.proposal_accept,
        actors["mentor"],
        proposal_id=pid,
        text="Learn to juggle with three balls",
        success_criteria="Three balls for a minute",
        target_date="",
    )
    goal = rows(engine, Goal, Goal.id == goal_id)[0]
    assert goal.statement == "Learn to juggle with three balls"
    assert goal.added_by_id == school.id("learner")
    view = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"])
    [shown] = view.proposals
    assert shown.status_label == "Accepted with changes"
    assert shown.text == "Learn to juggle"  # as the learner wrote it
    assert shown.accepted_as == "Learn to juggle with three balls"
    made = [g for a in view.focus_areas for g in a.goals if g.id == goal_id]
    assert made[0].added_by == "Learner"
    assert (school.id("mentor"), "proposal.accept_changed") in _history(engine, plan["plan_id"])
    assert any(
        "decided on your proposal" in n.text
        for n in call(notifications.notification_list, actors["learner"])
    )


def test_accepting_as_written_is_plain_accepted_and_marks_the_task(engine, school, actors, plan):
    result = _propose_task(actors, plan)
    assert result.outcome == "proposed"
    assert count(engine, Task, Task.plan_id == plan["plan_id"]) == 0
    task_id = call(proposals.proposal_accept, actors["mentor"], proposal_id=result.id)
    assert rows(engine, Proposal)[0].status == "accepted"
    task = rows(engine, Task, Task.id == task_id)[0]
    assert (task.title, task.goal_id, task.added_by_id) == (
        "Practise every evening",
        plan["goal_id"],
        school.id("learner"),
    )
    view = call(plan_read.plan_view, actors["parent"], plan_id=plan["plan_id"])
    assert view.focus_areas[0].goals[0].tasks[0].added_by == "Learner"


def test_a_decline_needs_a_reason_the_learner_then_sees(engine, actors, plan):
    pid = _propose_goal(actors, plan)
    for empty in ("", "   ", None):
        with pytest.raises(ValidationFailed, match="short reason"):
            call(proposals.proposal_decline, actors["mentor"], proposal_id=pid, reason=empty)
    with pytest.raises(ValidationFailed, match="at most 300"):
        call(proposals.proposal_decline, actors["mentor"], proposal_id=pid, reason="x" * 301)
    assert rows(engine, Proposal)[0].status == "pending"
    call(
        proposals.proposal_decline,
        actors["mentor"],
        proposal_id=pid,
        reason="Let us finish the reading goal first.",
    )
    [shown] = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"]).proposals
    assert shown.status_label == "Declined"
    assert shown.decline_reason == "Let us finish the reading goal first."
    assert not shown.can_edit


def test_the_learner_edits_and_withdraws_only_until_it_is_decided(engine, school, actors, plan):
    pid = _propose_goal(actors, plan)
    call(proposals.proposal_edit, actors["learner"], proposal_id=pid, text="Juggle four balls")
    assert rows(engine, Proposal)[0].text == "Juggle four balls"
    call(proposals.proposal_accept, actors["mentor"], proposal_id=pid)
    with pytest.raises(ValidationFailed, match="already been accepted"):
        call(proposals.proposal_edit, actors["learner"], proposal_id=pid, text="Juggle five")
    with pytest.raises(ValidationFailed, match="already been accepted"):
        call(proposals.proposal_withdraw, actors["learner"], proposal_id=pid)
    with pytest.raises(ValidationFailed, match="already been accepted"):
        call(proposals.proposal_decline, actors["mentor"], proposal_id=pid, reason="Too late")
    assert rows(engine, Proposal)[0].text == "Juggle four balls"
    assert count(engine, Goal, Goal.plan_id == plan["plan_id"]) == 2

    other = _propose_goal(actors, plan, statement="Run 5 km")
    call(proposals.proposal_withdraw, actors["learner"], proposal_id=other)
    with pytest.raises(ValidationFailed, match="already been withdrawn"):
        call(proposals.proposal_accept, actors["mentor"], proposal_id=other)
    assert [a for _, a in _history(engine, plan["plan_id"]) if a.startswith("proposal.")] == [
        "proposal.create",
        "proposal.edit",
        "proposal.accept",
        "proposal.create",
        "proposal.withdraw",
    ]
    # A withdrawn proposal no longer shows; the accepted one does.
    views = call(plan_read.plan_view, actors["learner"], plan_id=plan["plan_id"]).proposals
    assert [v.id for v in views] == [pid]


@pytest.mark.parametrize("who", ["parent", "teacher", "mentor", "admin", "learner2", "anonymous"])
def test_only_the_learner_proposes_in_their_plan(engine, actors, plan, who):
    with pytest.raises(PermissionDenied):
        call(
            proposals.proposal_goal_create,
            actors[who],
            focus_area_id=plan["area_id"],
            statement="Not mine to propose",
        )
    with pytest.raises(PermissionDenied):
        call(proposals.proposal_task_create, actors[who], goal_id=plan["goal_id"], title="Nor this")
    assert count(engine, Proposal) == 0 and count(engine, Task) == 0
    if who != "anonymous":
        assert len(audit(engine, outcome="denied")) == 2


def test_a_foreign_goal_or_focus_area_is_refused(engine, actors, plan, other_plan):
    with pytest.raises(PermissionDenied):
        call(
            proposals.proposal_goal_create,
            actors["learner"],
            focus_area_id=other_plan["area_id"],
            statement="In someone else's plan",
        )
    with pytest.raises(PermissionDenied):
        call(
            proposals.proposal_task_create,
            actors["learner"],
            goal_id=other_plan["goal_id"],
            title="In someone else's plan",
        )
    assert count(engine, Proposal) == 0


def test_another_mentor_cannot_decide_and_a_parent_cannot_edit(engine, actors, plan):
    pid = _propose_goal(actors, plan)
    for who in ("mentor2", "teacher", "parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(proposals.proposal_accept, actors[who], proposal_id=pid)
        with pytest.raises(PermissionDenied):
            call(proposals.proposal_decline, actors[who], proposal_id=pid, reason="No")
    for who in ("parent", "mentor", "learner2"):
        with pytest.raises(PermissionDenied):
            call(proposals.proposal_edit, actors[who], proposal_id=pid, text="Changed")
        with pytest.raises(PermissionDenied):
            call(proposals.proposal_withdraw, actors[who], proposal_id=pid)
    stored = rows(engine, Proposal)[0]
    assert (stored.status, stored.text) == ("pending", "Learn to juggle")


@pytest.mark.parametrize("forged", ["abc", -1, 2**31, "9" * 18, 10**30, None, {"id": 1}, [1]])
def test_forged_proposal_ids_get_a_message_and_change_nothing(engine, actors, plan, forged):
    _propose_goal(actors, plan)
    with pytest.raises((ValidationFailed, NotFound)):
        call(proposals.proposal_accept, actors["mentor"], proposal_id=forged)
    with pytest.raises((ValidationFailed, NotFound)):
        call(proposals.proposal_edit, actors["learner"], proposal_id=forged, text="x")
    assert rows(engine, Proposal)[0].status == "pending"


@pytest.mark.parametrize(
    "fields",
    [
        {"statement": "x" * 501},
        {"statement": ""},
        {"statement": {"$ne": 1}},
        {"statement": "Juggle\x00"},
        {"success_criteria": "Three \ud800balls"},
        {"success_criteria": "y" * 1001},
        {"target_date": "2999-01-01"},
        {"target_date": "not a date"},
    ],
)
def test_bad_proposal_fields_are_refused_with_a_message(engine, actors, plan, fields):
    with pytest.raises(ValidationFailed):
        _propose_goal(actors, plan, **fields)
    assert count(engine, Proposal) == 0


def test_a_locked_plan_refuses_proposals_and_decisions(engine, actors, plan):
    pid = _propose_goal(actors, plan)
    with Session(engine) as s:
        row = s.get(Plan, plan["plan_id"])
        row.status = "locked"
        s.add(row)
        s.commit()
    with pytest.raises(PermissionDenied, match="locked"):
        _propose_goal(actors, plan, statement="Late")
    with pytest.raises(PermissionDenied, match="locked"):
        call(proposals.proposal_accept, actors["mentor"], proposal_id=pid)
    with pytest.raises(PermissionDenied, match="locked"):
        call(proposals.proposal_withdraw, actors["learner"], proposal_id=pid)
    assert rows(engine, Proposal)[0].status == "pending"
    assert count(engine, Proposal) == 1


def test_the_school_may_let_learners_add_their_own_tasks_at_once(engine, school, actors, plan):
    with Session(engine) as s:
        site = s.get(Site, school.site.id)
        site.learner_tasks_need_approval = False
        s.add(site)
        s.commit()
    result = _propose_task(actors, plan, title="Juggle before school")
    assert result.outcome == "added"
    assert count(engine, Proposal) == 0
    task = rows(engine, Task, Task.id == result.id)[0]
    assert task.added_by_id == school.id("learner")
    [note] = call(notifications.notification_list, actors["mentor"])
    assert "added a task" in note.text
    # Goals still wait for the mentor.
    _propose_goal(actors, plan)
    assert rows(engine, Proposal)[0].status == "pending"


def test_a_proposal_counts_as_the_learners_activity_on_the_overview(engine, school, actors, plan):
    with Session(engine) as s:
        plans = {plan["plan_id"]: s.get(Plan, plan["plan_id"])}
        assert overview._last_learner_activity(s, plans, {}) == {}
    _propose_goal(actors, plan)
    with Session(engine) as s:
        plans = {plan["plan_id"]: s.get(Plan, plan["plan_id"])}
        assert plan["plan_id"] in overview._last_learner_activity(s, plans, {})


def test_a_target_date_within_the_period_is_kept(engine, school, actors, plan):
    day = (school.period.ends_on - timedelta(days=3)).isoformat()
    _propose_goal(actors, plan, target_date=day)
    [shown] = call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"]).proposals
    assert shown.target_date == day and shown.can_decide and not shown.can_edit


def test_an_edit_that_loses_the_race_to_a_decision_changes_nothing(engine, actors, plan):
    """The learner's page read the proposal as pending; the mentor accepts it before the edit
    lands: the edit is refused (compare-and-set), and the accepted wording stays."""
    pid = _propose_goal(actors, plan)
    with Session(engine, expire_on_commit=False) as page:
        stale = page.get(Proposal, pid)  # what the learner's page read: still pending
        page.commit()
    call(proposals.proposal_accept, actors["mentor"], proposal_id=pid)
    with Session(engine) as late:
        seen = late.merge(stale, load=False)
        assert seen.status == "pending"
        with pytest.raises(ValidationFailed, match="already been accepted"):
            proposals._step(late, seen, ProposalStep.EDIT, text="Too late")
        late.rollback()
    stored = rows(engine, Proposal)[0]
    assert (stored.status, stored.text) == ("accepted", "Learn to juggle")


def test_the_plans_history_names_each_step_in_words(engine, actors, plan):
    pid = _propose_goal(actors, plan)
    call(proposals.proposal_decline, actors["mentor"], proposal_id=pid, reason="Not yet")
    steps = [c.what for c in call(history.plan_history, actors["learner"], plan_id=plan["plan_id"])]
    assert "Made a proposal" in steps and "Declined a proposal" in steps


def test_a_proposal_reads_in_the_readers_language_without_a_zone_name(engine, actors, plan):
    from ilp_app.i18n import use_language

    _propose_goal(actors, plan)
    with use_language("nb"):
        [shown] = call(plan_read.plan_view, actors["mentor"], plan_id=plan["plan_id"]).proposals
    assert (shown.status_label, shown.kind_label) == ("Foreslått", "Mål")
    assert "UTC" not in shown.created_at and " kl. " in shown.created_at
