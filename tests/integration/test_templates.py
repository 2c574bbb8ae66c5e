"""Plan templates through the services, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    AuditEvent,
    Enrollment,
    Goal,
    GoalObjective,
    Group,
    Plan,
    PlanFocusArea,
    PlanTemplate,
    PlanTemplateYear,
    Task,
    TaskLink,
    TemplateItem,
    TemplateUpdateDecision,
)
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.access.actors import actor_load
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.templates import template_apply as apply_svc
from ilp_app.services.templates import template_updates as updates_svc
from ilp_app.services.templates import templates as svc
from tests.support.school import build_school, person_elsewhere
from tests.support.services import audit, call, count, load_actors

LEARNER_NAME = "Learner Person"
NOTE = "NOTE-CANARY needs a quiet room"
REFLECTION = "REFLECTION-CANARY I liked the second book"
LOG = "LOG-CANARY see you on Monday"


@pytest.fixture
def school(session):
    school = build_school(session, learners=30)
    group = session.exec(select(Group)).one()
    group.kind = "tutor"  # the mentor's tutor group: 9C holds the learner and l0..l29
    group.year_label = "Year 9"
    session.add(group)
    # A template names a year the school's groups are in.
    session.add(Group(site_id=school.site.id, name="8A", kind="tutor", year_label="Year 8"))
    session.commit()
    school.group_id = group.id
    return school


@pytest.fixture
def actors(session, school):
    return load_actors(
        session, school, ("admin", "mentor", "teacher", "parent", "learner", "mentor2", "learner2")
    )


@pytest.fixture
def source(school, actors):
    """The learner's active plan, lived in: ticked, rated, reflected on, noted and discussed."""
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement=f"{LEARNER_NAME} reads four books",
        success_criteria="Four book reports handed in",
        target_date=(school.period.ends_on - timedelta(days=5)).isoformat(),
        objective_ids=[str(school.objectives[0].id)],
    )
    task_id = call(
        plan_edit.task_add,
        mentor,
        goal_id=goal_id,
        title="Choose the first book",
        due_date=(school.period.ends_on - timedelta(days=9)).isoformat(),
    )
    call(
        plan_edit.link_add,
        mentor,
        task_id=task_id,
        title="Book list",
        url="https://www.gutenberg.org/",
    )
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    call(
        plan_activity.task_advance,
        actors["learner"],
        task_id=task_id,
        expected_status="not_started",
    )
    call(plan_activity.rating_add, actors["learner"], goal_id=goal_id, score=4)
    call(plan_activity.reflection_add, actors["learner"], goal_id=goal_id, body=REFLECTION)
    call(plan_activity.note_add, mentor, plan_id=plan_id, body=NOTE, visibility="private")
    call(plan_activity.log_post, actors["parent"], plan_id=plan_id, body=LOG)
    return {"plan_id": plan_id, "goal_id": goal_id, "task_id": task_id}


@pytest.fixture
def template_id(source, actors):
    return call(
        svc.template_from_plan,
        actors["mentor"],
        plan_id=source["plan_id"],
        name="Reading boost",
        description="For readers who need a push",
        years=["Year 8"],
    )


def items(engine, template_id: int) -> list[TemplateItem]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(TemplateItem)
                .where(TemplateItem.template_id == template_id)
                .order_by(TemplateItem.id)
            ).all()
        )


def item_id(engine, template_id: int, kind: str, text: str) -> int:
    return next(i.id for i in items(engine, template_id) if i.kind == kind and i.text == text)


def plan_of(engine, learner_id: int) -> Plan:
    with Session(engine) as s:
        return s.exec(
            select(Plan).where(Plan.learner_id == learner_id, Plan.template_id.is_not(None))
        ).one()


def apply_one(school, actors, template_id, name="l0") -> int:
    summary = call(
        apply_svc.template_apply,
        actors["mentor"],
        template_id=template_id,
        learner_ids=[school.id(name)],
    )
    [created] = summary.created
    return created.plan_id


def goal_objectives(engine, plan_id: int, statement: str) -> list[int]:
    """The objective ids linked to the plan's goal with ``statement``."""
    with Session(engine) as s:
        goal = s.exec(
            select(Goal).where(Goal.plan_id == plan_id, Goal.statement == statement)
        ).one()
        return list(
            s.exec(select(GoalObjective.objective_id).where(GoalObjective.goal_id == goal.id)).all()
        )


# --- saving a plan as a template -----------------------------------------------------------------


def test_saving_a_plan_keeps_its_structure(engine, template_id):
    rows = items(engine, template_id)
    assert [(i.kind, i.text) for i in rows if i.kind == "area"] == [
        ("area", "Academic"),
        ("area", "Career"),
        ("area", "Personal growth"),
        ("area", "Social competence"),
    ]
    by_kind = {i.kind: i for i in rows}
    goal, task, link = by_kind["goal"], by_kind["task"], by_kind["link"]
    assert (goal.text, goal.detail, goal.objective_codes) == (
        "the learner reads four books",
        "Four book reports handed in",
        "NOR-8-03",
    )
    assert (task.text, task.parent_id, link.text, link.detail, link.parent_id) == (
        "Choose the first book",
        goal.id,
        "Book list",
        "https://www.gutenberg.org/",
        task.id,
    )
    assert {i.revision for i in rows} == {1} and not any(i.removed for i in rows)
    with Session(engine) as s:
        template = s.get(PlanTemplate, template_id)
        years = s.exec(
            select(PlanTemplateYear.year_label).where(PlanTemplateYear.template_id == template_id)
        ).all()
    assert (template.name, template.description, years, template.revision) == (
        "Reading boost",
        "For readers who need a push",
        ["Year 8"],
        1,
    )


def test_a_template_holds_no_learner_data(engine, school, source, template_id):
    stored = " | ".join(
        f"{i.kind} {i.text} {i.detail} {i.objective_codes}" for i in items(engine, template_id)
    )
    for value in [
        NOTE,
        REFLECTION,
        LOG,
        "NOTE-CANARY",
        "REFLECTION-CANARY",
        "LOG-CANARY",
        "ongoing",
        "completed",
        "Parent Person",
        "Mentor Person",
        (school.period.ends_on - timedelta(days=5)).isoformat(),
        (school.period.ends_on - timedelta(days=9)).isoformat(),
    ]:
        assert value not in stored, value
    # The learner's name, written into the goal, is gone whole and in parts ("Personal growth" is no name).
    for name in (LEARNER_NAME, "Learner", "Person"):
        assert not re.search(rf"\b{name}\b", stored), name
    assert "the learner reads four books" in stored


@pytest.mark.parametrize("who", ["teacher", "parent", "learner", "mentor2", "anonymous"])
def test_only_staff_who_manage_templates_and_see_the_plan_save_it(engine, source, actors, who):
    with pytest.raises(PermissionDenied) as info:
        call(svc.template_from_plan, actors[who], plan_id=source["plan_id"], name="Mine now")
    assert isinstance(info.value, NotSignedIn) == (who == "anonymous")
    assert count(engine, PlanTemplate) == 0


def test_an_administrator_may_save_any_plan_as_a_template(engine, source, actors):
    call(svc.template_from_plan, actors["admin"], plan_id=source["plan_id"], name="School standard")
    assert count(engine, PlanTemplate) == 1


def test_a_template_needs_a_name(engine, source, actors):
    with pytest.raises(ValidationFailed, match="Template name is required"):
        call(svc.template_from_plan, actors["mentor"], plan_id=source["plan_id"], name="  ")
    assert count(engine, PlanTemplate) == 0 and count(engine, TemplateItem) == 0


# --- the library --------------------------------------------------------------------------------


def test_the_library_lists_duplicates_and_archives(engine, actors, template_id):
    mentor = actors["mentor"]
    copy_id = call(svc.template_duplicate, mentor, template_id=template_id)
    assert [(r.name, r.goals, r.tasks) for r in call(svc.template_list, mentor)] == [
        ("Copy of Reading boost", 1, 1),
        ("Reading boost", 1, 1),
    ]
    assert {i.id for i in items(engine, copy_id)}.isdisjoint(
        {i.id for i in items(engine, template_id)}
    )
    call(
        svc.template_update_meta,
        mentor,
        template_id=copy_id,
        name="Reading boost, Year 9",
        description="",
        years=["Year 9"],
    )
    call(svc.template_archive, mentor, template_id=template_id)
    assert [r.name for r in call(svc.template_list, mentor)] == ["Reading boost, Year 9"]
    assert [
        (r.name, r.archived) for r in call(svc.template_list, mentor, include_archived=True)
    ] == [("Reading boost, Year 9", False), ("Reading boost", True)]
    call(svc.template_unarchive, mentor, template_id=template_id)
    assert len(call(svc.template_list, mentor)) == 2


def test_the_library_is_for_mentors_and_administrators(actors, template_id):
    assert len(call(svc.template_list, actors["admin"])) == 1
    for who in ("teacher", "parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(svc.template_list, actors[who])
        with pytest.raises(PermissionDenied):
            call(svc.template_view, actors[who], template_id=template_id)


def test_a_template_of_another_school_does_not_exist(session, engine, actors, template_id):
    user = person_elsewhere(
        session, Role.MENTOR, email="mentor@other.school", full_name="Other Mentor"
    )
    stranger = actor_load(session=session, user=user, active_role=None)
    session.commit()
    with pytest.raises(NotFound):
        call(svc.template_view, stranger, template_id=template_id)
    assert call(svc.template_list, stranger) == []


def test_structural_edits_raise_the_revision_and_stamp_the_item(engine, actors, template_id):
    mentor = actors["mentor"]
    goal = item_id(engine, template_id, "goal", "the learner reads four books")
    new_task = call(
        svc.template_item_add,
        mentor,
        template_id=template_id,
        kind="task",
        parent_id=goal,
        text="Keep a reading log",
    )
    assert (
        call(
            svc.template_item_edit,
            mentor,
            template_id=template_id,
            item_id=goal,
            text="the learner reads five books",
            detail="Five book reports handed in",
        )
        is True
    )
    # Saving the same text again is not a change.
    assert (
        call(
            svc.template_item_edit,
            mentor,
            template_id=template_id,
            item_id=goal,
            text="the learner reads five books",
            detail="Five book reports handed in",
        )
        is False
    )
    area = item_id(engine, template_id, "area", "Career")
    call(svc.template_item_remove, mentor, template_id=template_id, item_id=area)
    with Session(engine) as s:
        assert s.get(PlanTemplate, template_id).revision == 4
        assert (s.get(TemplateItem, new_task).revision, s.get(TemplateItem, goal).revision) == (
            2,
            3,
        )
        assert (s.get(TemplateItem, area).revision, s.get(TemplateItem, area).removed) == (4, True)
    view = call(svc.template_view, mentor, template_id=template_id)
    assert [a.text for a in view.areas] == ["Academic", "Personal growth", "Social competence"]
    assert [t.text for t in view.areas[0].goals[0].tasks] == [
        "Choose the first book",
        "Keep a reading log",
    ]


@pytest.mark.parametrize(
    ("kind", "parent", "text", "detail", "message"),
    [
        ("goal", None, "Goal at the top", "", "belongs under a focus area"),
        ("area", "goal", "Area under a goal", "", "at the top"),
        ("link", "task", "Bad link", "javascript:alert(1)", "http"),
        ("task", "goal", "x" * 201, "", "at most 200"),
        ("wizard", None, "?", "", "Choose a focus area"),
    ],
)
def test_malformed_template_items_are_refused(
    engine, actors, template_id, kind, parent, text, detail, message
):
    parents = {
        "goal": item_id(engine, template_id, "goal", "the learner reads four books"),
        "task": item_id(engine, template_id, "task", "Choose the first book"),
    }
    with pytest.raises(ValidationFailed, match=message):
        call(
            svc.template_item_add,
            actors["mentor"],
            template_id=template_id,
            kind=kind,
            parent_id=parents.get(parent),
            text=text,
            detail=detail,
        )
    with Session(engine) as s:
        assert s.get(PlanTemplate, template_id).revision == 1


def test_unknown_objective_codes_are_refused(engine, actors, template_id):
    area = item_id(engine, template_id, "area", "Career")
    with pytest.raises(ValidationFailed, match="Unknown learning objective: NOPE-1"):
        call(
            svc.template_item_add,
            actors["mentor"],
            template_id=template_id,
            kind="goal",
            parent_id=area,
            text="Visit a workplace",
            objective_codes="MAT-8-05, NOPE-1",
        )


# --- applying a template ------------------------------------------------------------------------


def test_applying_makes_a_draft_plan_that_remembers_the_template(
    engine, school, actors, template_id
):
    plan_id = apply_one(school, actors, template_id)
    with Session(engine) as s:
        plan = s.get(Plan, plan_id)
        assert (
            plan.status,
            plan.template_id,
            plan.template_revision,
            plan.period_id,
            plan.created_by_id,
        ) == ("draft", template_id, 1, school.period.id, school.id("mentor"))
        areas = s.exec(
            select(PlanFocusArea)
            .where(PlanFocusArea.plan_id == plan_id)
            .order_by(PlanFocusArea.position)
        ).all()
        [goal] = s.exec(select(Goal).where(Goal.plan_id == plan_id)).all()
        [task] = s.exec(select(Task).where(Task.plan_id == plan_id)).all()
        [link] = s.exec(select(TaskLink).where(TaskLink.plan_id == plan_id)).all()
        objectives = s.exec(
            select(GoalObjective.objective_id).where(GoalObjective.goal_id == goal.id)
        ).all()
    assert [a.name for a in areas] == ["Academic", "Career", "Personal growth", "Social competence"]
    assert all(a.template_item_id for a in areas)
    assert (goal.statement, goal.success_criteria, goal.target_date, goal.focus_area_id) == (
        "the learner reads four books",
        "Four book reports handed in",
        None,
        areas[0].id,
    )
    assert (task.title, task.status, task.due_date, task.status_changed_by_id) == (
        "Choose the first book",
        "not_started",
        None,
        None,
    )
    assert (link.title, link.url, link.task_id) == (
        "Book list",
        "https://www.gutenberg.org/",
        task.id,
    )
    assert list(objectives) == [school.objectives[0].id]
    assert goal.template_item_id == item_id(
        engine, template_id, "goal", "the learner reads four books"
    )
    assert task.template_item_id == item_id(engine, template_id, "task", "Choose the first book")


def test_objective_codes_the_school_no_longer_has_are_skipped(
    session, engine, school, actors, template_id
):
    area = item_id(engine, template_id, "area", "Career")
    call(
        svc.template_item_add,
        actors["mentor"],
        template_id=template_id,
        kind="goal",
        parent_id=area,
        text="Visit a workplace",
        objective_codes="MAT-8-05, NOR-8-03",
    )
    with Session(engine) as s:
        s.exec(sa.delete(GoalObjective))
        s.exec(
            sa.delete(type(school.objectives[1])).where(
                type(school.objectives[1]).code == "MAT-8-05"
            )
        )
        s.commit()
    plan_id = apply_one(school, actors, template_id)
    assert goal_objectives(engine, plan_id, "Visit a workplace") == [school.objectives[0].id]


def test_objectives_archived_since_the_template_was_written_are_not_linked(
    session, engine, school, actors, template_id
):
    area = item_id(engine, template_id, "area", "Career")
    call(
        svc.template_item_add,
        actors["mentor"],
        template_id=template_id,
        kind="goal",
        parent_id=area,
        text="Visit a workplace",
        objective_codes="MAT-8-05, NOR-8-03",
    )
    objective = type(school.objectives[1])
    with Session(engine) as s:
        s.exec(sa.delete(GoalObjective))
        s.exec(sa.update(objective).where(objective.code == "MAT-8-05").values(archived=True))
        s.commit()
    plan_id = apply_one(school, actors, template_id)
    assert goal_objectives(engine, plan_id, "Visit a workplace") == [school.objectives[0].id]


def test_applying_to_a_group_of_thirty_in_one_go(session, engine, school, actors, template_id):
    session.add(Enrollment(group_id=school.group_id, user_id=school.id("learner2"), role="learner"))
    session.commit()
    seen = []
    before = count(engine, Plan)
    summary = call(
        apply_svc.template_apply_group,
        actors["mentor"],
        template_id=template_id,
        group_id=school.group_id,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(summary.created) == 30
    assert {c.name for c in summary.created} == {f"L{i} Person" for i in range(30)}
    assert sorted(summary.skipped) == sorted(
        [
            (school.id("learner"), LEARNER_NAME, "already has a plan for Current"),
            (
                school.id("learner2"),
                "",
                "not your mentee",
            ),  # another mentor's learner: not even named
        ]
    )
    assert count(engine, Plan) == before + 30
    assert count(engine, Plan, Plan.template_id == template_id) == 30
    assert count(engine, Task, Task.template_item_id.is_not(None)) == 30
    assert count(engine, TaskLink) == 31 and count(engine, GoalObjective) == 31
    assert seen[0] == (0, 32) and seen[-1] == (32, 32) and len(seen) == 33
    assert (
        len([e for e in audit(engine) if e.action == "template.apply" and e.outcome == "denied"])
        == 1
    )


def test_a_learner_who_already_has_a_plan_is_skipped_with_the_reason(
    engine, school, actors, template_id
):
    summary = call(
        apply_svc.template_apply,
        actors["mentor"],
        template_id=template_id,
        learner_ids=[school.id("learner")],
    )
    assert (summary.created, summary.skipped) == (
        [],
        [(school.id("learner"), LEARNER_NAME, "already has a plan for Current")],
    )


def test_a_failure_midway_leaves_nothing_created(engine, school, actors, template_id, monkeypatch):
    real = apply_svc._copy_template
    learners = []

    def failing_on_the_fifteenth(session, **kwargs):
        learners.append(kwargs["learner_id"])
        if len(learners) == 15:
            raise RuntimeError("the database went away")
        return real(session, **kwargs)

    monkeypatch.setattr(apply_svc, "_copy_template", failing_on_the_fifteenth)
    before = {
        m: count(engine, m) for m in (Plan, PlanFocusArea, Goal, Task, TaskLink, GoalObjective)
    }
    with pytest.raises(RuntimeError):
        call(
            apply_svc.template_apply_group,
            actors["mentor"],
            template_id=template_id,
            group_id=school.group_id,
        )
    assert len(learners) == 15  # fourteen plans were made before the failure...
    assert {m: count(engine, m) for m in before} == before  # ...and none of them was kept
    assert count(engine, AuditEvent, AuditEvent.action == "plan.create_from_template") == 0


def test_only_a_mentor_applies_and_only_to_their_own_mentees(engine, school, actors, template_id):
    summary = call(
        apply_svc.template_apply,
        actors["mentor"],
        template_id=template_id,
        learner_ids=[school.id("learner2"), school.id("l1")],
    )
    assert [c.learner_id for c in summary.created] == [school.id("l1")]
    assert summary.skipped == [(school.id("learner2"), "", "not your mentee")]
    for who in ("teacher", "admin", "mentor2"):
        other = call(
            apply_svc.template_apply,
            actors[who],
            template_id=template_id,
            learner_ids=[school.id("l2")],
        )
        assert other.created == [] and [s.reason for s in other.skipped] == ["not your mentee"]
    with pytest.raises(NotSignedIn):
        call(apply_svc.template_apply, None, template_id=template_id, learner_ids=[school.id("l2")])
    assert count(engine, Plan, Plan.template_id == template_id) == 1


def test_a_group_the_mentor_is_not_staff_of_is_refused(
    session, engine, school, actors, template_id
):
    other = Group(site_id=school.site.id, name="10A", kind="tutor")
    session.add(other)
    session.flush()
    session.add(Enrollment(group_id=other.id, user_id=school.id("learner2"), role="learner"))
    session.commit()
    with pytest.raises(PermissionDenied):
        call(
            apply_svc.template_apply_group,
            actors["mentor"],
            template_id=template_id,
            group_id=other.id,
        )
    assert count(engine, Plan, Plan.template_id == template_id) == 0


def test_an_archived_template_is_not_applied(engine, school, actors, template_id):
    call(svc.template_archive, actors["mentor"], template_id=template_id)
    with pytest.raises(ValidationFailed, match="archived"):
        apply_one(school, actors, template_id)
    assert count(engine, Plan, Plan.template_id == template_id) == 0


def test_applied_plans_are_independent_of_later_template_edits(engine, school, actors, template_id):
    plan_id = apply_one(school, actors, template_id)
    mentor = actors["mentor"]
    goal = item_id(engine, template_id, "goal", "the learner reads four books")
    call(
        svc.template_item_edit,
        mentor,
        template_id=template_id,
        item_id=goal,
        text="Reads five books",
    )
    call(
        svc.template_item_remove,
        mentor,
        template_id=template_id,
        item_id=item_id(engine, template_id, "task", "Choose the first book"),
    )
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    goal_view = view.focus_areas[0].goals[0]
    assert (goal_view.statement, [t.title for t in goal_view.tasks]) == (
        "the learner reads four books",
        ["Choose the first book"],
    )
    plan = plan_of(engine, school.id("l0"))
    assert (plan.template_id, plan.template_revision) == (template_id, 1)
    # Editing the plan leaves the template alone too.
    call(plan_edit.goal_edit, mentor, goal_id=goal_view.id, statement="Reads three books")
    with Session(engine) as s:
        assert s.get(TemplateItem, goal).text == "Reads five books"


# --- updates from the template, per plan ------------------------------------------------------------


@pytest.fixture
def improved(engine, school, actors, template_id):
    """A plan made from the template, then the template improved: a task added and the goal changed."""
    plan_id = apply_one(school, actors, template_id)
    mentor = actors["mentor"]
    goal = item_id(engine, template_id, "goal", "the learner reads four books")
    task = call(
        svc.template_item_add,
        mentor,
        template_id=template_id,
        kind="task",
        parent_id=goal,
        text="Keep a reading log",
    )
    call(
        svc.template_item_edit,
        mentor,
        template_id=template_id,
        item_id=goal,
        text="the learner reads five books",
        detail="Five book reports handed in",
        objective_codes="NOR-8-03, MAT-8-05",
    )
    return {"plan_id": plan_id, "goal": goal, "task": task}


def pending(actors, plan_id, who="mentor"):
    return [
        (u.template_item_id, u.change, u.revision)
        for u in call(updates_svc.template_updates, actors[who], plan_id=plan_id)
    ]


def test_a_plan_lists_exactly_the_template_changes_it_has_not_answered(actors, improved):
    updates = call(updates_svc.template_updates, actors["mentor"], plan_id=improved["plan_id"])
    assert [(u.template_item_id, u.change, u.revision) for u in updates] == [
        (improved["goal"], "changed", 3),
        (improved["task"], "new", 2),
    ]
    assert [u.description for u in updates] == [
        "Change goal “the learner reads four books” to “the learner reads five books”",
        "Add task “Keep a reading log”",
    ]


def test_accepting_one_update_applies_it_and_dismissing_the_other_hides_it(
    engine, school, actors, improved
):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    call(
        updates_svc.template_update_accept,
        mentor,
        plan_id=plan_id,
        template_item_id=improved["task"],
        revision=2,
    )
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    goal = view.focus_areas[0].goals[0]
    assert [t.title for t in goal.tasks] == ["Choose the first book", "Keep a reading log"]
    with Session(engine) as s:
        new_task = s.exec(
            select(Task).where(Task.plan_id == plan_id, Task.title == "Keep a reading log")
        ).one()
        assert new_task.template_item_id == improved["task"]
    assert pending(actors, plan_id) == [(improved["goal"], "changed", 3)]
    call(
        updates_svc.template_update_dismiss,
        mentor,
        plan_id=plan_id,
        template_item_id=improved["goal"],
        revision=3,
    )
    assert pending(actors, plan_id) == []
    assert call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].goals[0].statement == (
        "the learner reads four books"
    )
    with Session(engine) as s:
        decisions = s.exec(
            select(TemplateUpdateDecision.template_item_id, TemplateUpdateDecision.decision).where(
                TemplateUpdateDecision.plan_id == plan_id
            )
        ).all()
    assert sorted(decisions) == sorted(
        [(improved["task"], "accepted"), (improved["goal"], "dismissed")]
    )


def test_accepting_a_changed_goal_changes_its_text_and_objectives_but_keeps_its_date(
    engine, school, actors, improved
):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    goal_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].goals[0].id
    target = (school.period.ends_on - timedelta(days=3)).isoformat()
    call(
        plan_edit.goal_edit,
        mentor,
        goal_id=goal_id,
        statement="the learner reads four books",
        target_date=target,
    )
    call(
        updates_svc.template_update_accept,
        mentor,
        plan_id=plan_id,
        template_item_id=improved["goal"],
        revision=3,
    )
    goal = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].goals[0]
    assert (goal.statement, goal.success_criteria, goal.target_date) == (
        "the learner reads five books",
        "Five book reports handed in",
        target,
    )
    assert sorted(o.code for o in goal.objectives) == ["MAT-8-05", "NOR-8-03"]
    assert pending(actors, plan_id) == [(improved["task"], "new", 2)]


def test_a_later_change_to_a_dismissed_item_is_offered_again(engine, actors, improved, template_id):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    call(
        updates_svc.template_update_dismiss,
        mentor,
        plan_id=plan_id,
        template_item_id=improved["goal"],
        revision=3,
    )
    call(
        svc.template_item_edit,
        mentor,
        template_id=template_id,
        item_id=improved["goal"],
        text="Reads six books",
    )
    assert pending(actors, plan_id) == [
        (improved["goal"], "changed", 4),
        (improved["task"], "new", 2),
    ]


def test_a_removal_in_the_template_is_offered_and_accepting_it_removes_the_task(
    engine, actors, improved, template_id
):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    old_task = item_id(engine, template_id, "task", "Choose the first book")
    call(svc.template_item_remove, mentor, template_id=template_id, item_id=old_task)
    assert (old_task, "removed", 4) in pending(actors, plan_id)
    call(
        updates_svc.template_update_accept,
        mentor,
        plan_id=plan_id,
        template_item_id=old_task,
        revision=4,
    )
    assert count(engine, Task, Task.plan_id == plan_id) == 0
    assert count(engine, TaskLink, TaskLink.plan_id == plan_id) == 0
    assert old_task not in [i for i, _, _ in pending(actors, plan_id)]


def test_a_new_focus_area_comes_with_its_goals_and_tasks(engine, actors, improved, template_id):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    call(
        plan_edit.focus_area_delete,
        mentor,
        focus_area_id=call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[3].id,
    )  # room for a fourth area from the template... after one is gone: 3 + 1
    area = call(
        svc.template_item_add, mentor, template_id=template_id, kind="area", text="Digital skills"
    )
    goal = call(
        svc.template_item_add,
        mentor,
        template_id=template_id,
        kind="goal",
        parent_id=area,
        text="Touch-type at 30 words a minute",
    )
    call(
        svc.template_item_add,
        mentor,
        template_id=template_id,
        kind="task",
        parent_id=goal,
        text="Daily drill",
    )
    updates = call(updates_svc.template_updates, mentor, plan_id=plan_id)
    new_area = next(u for u in updates if u.template_item_id == area)
    assert (new_area.change, new_area.brings) == ("new", 2)
    assert goal not in [u.template_item_id for u in updates]
    call(
        updates_svc.template_update_accept,
        mentor,
        plan_id=plan_id,
        template_item_id=area,
        revision=new_area.revision,
    )
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    added = view.focus_areas[-1]
    assert (
        added.name,
        [g.statement for g in added.goals],
        [t.title for t in added.goals[0].tasks],
    ) == ("Digital skills", ["Touch-type at 30 words a minute"], ["Daily drill"])
    assert {
        u.template_item_id for u in call(updates_svc.template_updates, mentor, plan_id=plan_id)
    } == {improved["goal"], improved["task"]}


def test_an_update_is_accepted_only_once_and_only_at_its_revision(engine, actors, improved):
    mentor, plan_id = actors["mentor"], improved["plan_id"]
    with pytest.raises(ValidationFailed, match="no longer waiting"):
        call(
            updates_svc.template_update_accept,
            mentor,
            plan_id=plan_id,
            template_item_id=improved["goal"],
            revision=2,
        )
    call(
        updates_svc.template_update_accept,
        mentor,
        plan_id=plan_id,
        template_item_id=improved["task"],
        revision=2,
    )
    with pytest.raises(ValidationFailed, match="no longer waiting"):
        call(
            updates_svc.template_update_accept,
            mentor,
            plan_id=plan_id,
            template_item_id=improved["task"],
            revision=2,
        )
    assert count(engine, Task, Task.plan_id == plan_id, Task.title == "Keep a reading log") == 1


@pytest.mark.parametrize("who", ["mentor2", "teacher", "parent", "learner", "admin"])
def test_a_forged_accept_on_a_plan_of_another_mentors_learner_is_refused(
    engine, actors, improved, who
):
    before = count(engine, AuditEvent, AuditEvent.outcome == "denied")
    for fn in (updates_svc.template_update_accept, updates_svc.template_update_dismiss):
        with pytest.raises(PermissionDenied):
            call(
                fn,
                actors[who],
                plan_id=improved["plan_id"],
                template_item_id=improved["task"],
                revision=2,
            )
    assert count(engine, AuditEvent, AuditEvent.outcome == "denied") == before + 2
    assert count(engine, TemplateUpdateDecision) == 0
    assert count(engine, Task, Task.title == "Keep a reading log") == 0


def test_a_locked_plan_refuses_updates(engine, actors, improved):
    with Session(engine) as s:
        plan = s.get(Plan, improved["plan_id"])
        plan.status = "locked"
        s.add(plan)
        s.commit()
    for fn in (updates_svc.template_update_accept, updates_svc.template_update_dismiss):
        with pytest.raises(PermissionDenied, match="locked"):
            call(
                fn,
                actors["mentor"],
                plan_id=improved["plan_id"],
                template_item_id=improved["task"],
                revision=2,
            )
    assert count(engine, TemplateUpdateDecision) == 0
    assert count(engine, Task, Task.title == "Keep a reading log") == 0


def test_a_plan_not_made_from_a_template_has_no_updates(actors, source):
    assert call(updates_svc.template_updates, actors["mentor"], plan_id=source["plan_id"]) == []
    with pytest.raises(NotFound):
        call(
            updates_svc.template_update_accept,
            actors["mentor"],
            plan_id=source["plan_id"],
            template_item_id=1,
            revision=1,
        )


def test_the_template_lists_the_plans_made_from_it_that_the_viewer_may_see(
    engine, school, actors, improved, template_id
):
    rows = call(updates_svc.template_plans, actors["mentor"], template_id=template_id)
    assert [(r.plan_id, r.learner_name, r.status, r.pending) for r in rows] == [
        (improved["plan_id"], "L0 Person", "draft", 2)
    ]
    assert call(updates_svc.template_plans, actors["mentor2"], template_id=template_id) == []


def test_the_plan_panel_shows_updates_only_to_whoever_may_answer_them(actors, improved):
    mentor_panel = call(
        updates_svc.template_plan_panel, actors["mentor"], plan_id=improved["plan_id"]
    )
    assert (mentor_panel.template_name, mentor_panel.can_decide, len(mentor_panel.updates)) == (
        "Reading boost",
        True,
        2,
    )
    teacher_panel = call(
        updates_svc.template_plan_panel, actors["teacher"], plan_id=improved["plan_id"]
    )
    assert (teacher_panel.can_decide, teacher_panel.can_save_template, teacher_panel.updates) == (
        False,
        False,
        [],
    )
