"""Staff plans through the services, on SQLite and PostgreSQL: supervisors, who reads a staff
plan, the school year it follows, and that staff never appear among learners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from ilp_app.db.models import Enrollment, Group, Period, Plan, RoleGrant, SupervisorAssignment, User
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.domain.plans import PERIOD_KIND_SCHOOL_YEAR, STAFF_FOCUS_AREAS
from ilp_app.domain.roles import Role
from ilp_app.services.live import live_feed
from ilp_app.services.plans import lifecycle, plan_activity, plan_edit, plan_page, plan_read
from ilp_app.services.reports import overview
from ilp_app.services.school import directory, relationships, school_admin
from ilp_app.services.staff import staff_plans
from tests.support.school import build_school, person_elsewhere
from tests.support.services import actor_of, audit, call, count, rows


@pytest.fixture
def setup(session):
    """The small school, plus a school year, a head of department and a colleague who teaches
    the same class as the staff member ("teacher", whose plan it is)."""
    school = build_school(session)
    today = date.today()
    year = Period(
        site_id=school.site.id,
        name="School year",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=200),
        kind=PERIOD_KIND_SCHOOL_YEAR,
    )
    session.add(year)
    for name in ("head", "colleague"):
        user = User(site_id=school.site.id, email=f"{name}@test.school", full_name=f"{name} Person")
        session.add(user)
        session.flush()
        session.add(RoleGrant(user_id=user.id, role=Role.TEACHER.value))
        school.people[name] = user
    group = session.exec(select(Group).where(Group.name == "9C")).one()
    session.add(Enrollment(group_id=group.id, user_id=school.id("colleague"), role="teacher"))
    session.commit()
    admin = actor_of(school.id("admin"))
    call(
        staff_plans.supervisor_connect,
        admin,
        staff_id=school.id("teacher"),
        supervisor_id=school.id("head"),
    )
    return school, year, group


def _actors(school, *names):
    return {name: actor_of(school.id(name)) for name in names}


def _staff_plan(school) -> int:
    """The teacher's own plan, started by the teacher, with one goal and task, then started."""
    teacher, head = actor_of(school.id("teacher")), actor_of(school.id("head"))
    plan_id = call(staff_plans.staff_plan_create, teacher, staff_id=school.id("teacher"))
    area = call(plan_read.plan_view, teacher, plan_id=plan_id).focus_areas[0].id
    goal = call(plan_edit.goal_add, teacher, focus_area_id=area, statement="Mark faster")
    call(plan_edit.task_add, teacher, goal_id=goal, title="Try comment banks")
    call(plan_edit.plan_activate, head, plan_id=plan_id)
    return plan_id


# --- supervisors ---------------------------------------------------------------------------


def test_an_administrator_connects_a_supervisor_one_per_staff_member(engine, setup):
    school, _, _ = setup
    admin = actor_of(school.id("admin"))
    call(
        staff_plans.supervisor_connect,
        admin,
        staff_id=school.id("teacher"),
        supervisor_id=school.id("mentor"),
    )
    links = rows(engine, SupervisorAssignment)
    assert [(x.supervisor_id, x.staff_id) for x in links] == [
        (school.id("mentor"), school.id("teacher"))
    ]
    assert audit(engine, action="relationship.supervisor_connect", outcome="ok")


def test_nobody_supervises_themselves_and_an_administrator_never_picks_their_own(engine, setup):
    school, _, _ = setup
    admin = actor_of(school.id("admin"))
    with pytest.raises(ValidationFailed) as info:
        call(
            staff_plans.supervisor_connect,
            admin,
            staff_id=school.id("head"),
            supervisor_id=school.id("head"),
        )
    assert info.value.message == staff_plans.MSG_SELF_SUPERVISOR
    with pytest.raises(PermissionDenied) as info:
        call(
            staff_plans.supervisor_connect,
            admin,
            staff_id=school.id("admin"),
            supervisor_id=school.id("head"),
        )
    assert info.value.message == staff_plans.MSG_OWN_SUPERVISOR
    assert audit(engine, action="supervisor.connect", outcome="denied")
    assert count(engine, SupervisorAssignment) == 1  # only the fixture's


def test_only_administrators_connect_supervisors_and_only_staff_can_be_one(engine, session, setup):
    school, _, _ = setup
    people = _actors(school, "mentor", "head", "teacher", "parent")
    for who in people.values():
        with pytest.raises(PermissionDenied):
            call(
                staff_plans.supervisor_connect,
                who,
                staff_id=school.id("colleague"),
                supervisor_id=school.id("head"),
            )
    admin = actor_of(school.id("admin"))
    for staff_id, supervisor_id in (
        (school.id("colleague"), school.id("learner")),  # a learner supervises nobody
        (school.id("learner"), school.id("head")),  # a learner has no staff plan
    ):
        with pytest.raises(ValidationFailed):
            call(
                staff_plans.supervisor_connect,
                admin,
                staff_id=staff_id,
                supervisor_id=supervisor_id,
            )
    elsewhere = person_elsewhere(
        session, Role.TEACHER, email="x@other.school", full_name="Other Teacher"
    ).id
    session.commit()
    with pytest.raises(NotFound):
        call(
            staff_plans.supervisor_connect,
            admin,
            staff_id=school.id("colleague"),
            supervisor_id=elsewhere,
        )
    for forged in ("1; drop", {"id": 1}, -3, None, True):
        with pytest.raises(ValidationFailed):
            call(
                staff_plans.supervisor_connect,
                admin,
                staff_id=forged,
                supervisor_id=school.id("head"),
            )
    assert count(engine, SupervisorAssignment) == 1


# --- who reads a staff plan ----------------------------------------------------------------


def test_a_staff_plan_is_read_by_the_staff_member_their_supervisor_and_administrators(
    engine, setup
):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    people = _actors(school, "teacher", "head", "admin")
    for who in people.values():
        assert call(plan_read.plan_view, who, plan_id=plan_id).staff is True
    # Only the administrator's read is a support read, and it is on record.
    reads = audit(engine, action="plan.read_as_admin", target_id=str(plan_id))
    assert [r.actor_user_id for r in reads] == [school.id("admin")]


def test_colleagues_mentors_parents_and_learners_never_read_a_staff_plan(engine, setup):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    outsiders = _actors(school, "colleague", "mentor", "mentor2", "parent", "learner")
    for name, who in outsiders.items():
        with pytest.raises(PermissionDenied):
            call(plan_read.plan_view, who, plan_id=plan_id)
        with pytest.raises(PermissionDenied):
            call(plan_activity.log_post, who, plan_id=plan_id, body=f"{name} was here")
        with pytest.raises(PermissionDenied):
            call(staff_plans.staff_plan_create, who, staff_id=school.id("teacher"))
    assert not live_feed.channel_allowed(
        outsiders["colleague"], live_feed.channel(live_feed.PLAN, school.id("teacher"))
    )
    assert audit(engine, action="plan.view", outcome="denied")


def test_the_supervisor_follows_the_plan_live_and_works_on_it_with_the_staff_member(setup):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    people = _actors(school, "teacher", "head")
    channel = live_feed.channel(live_feed.PLAN, school.id("teacher"))
    assert all(live_feed.channel_allowed(who, channel) for who in people.values())
    call(plan_activity.log_post, people["head"], plan_id=plan_id, body="Shall we meet Friday?")
    call(plan_activity.log_post, people["teacher"], plan_id=plan_id, body="Yes, after lunch.")
    view = call(plan_read.plan_view, people["teacher"], plan_id=plan_id)
    assert [e.body for e in view.log] == ["Shall we meet Friday?", "Yes, after lunch."]
    assert view.can.reflect and not view.can.rate_mentor and not view.can.next_period
    head_view = call(plan_read.plan_view, people["head"], plan_id=plan_id)
    assert head_view.can.rate_mentor and not head_view.can.reflect
    assert head_view.why == "You are their supervisor."


def test_a_private_note_of_the_supervisor_stays_theirs(setup):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    people = _actors(school, "teacher", "head", "admin")
    call(plan_activity.note_add, people["head"], plan_id=plan_id, body="SHARED", visibility="staff")
    call(plan_activity.note_add, people["head"], plan_id=plan_id, body="MINE", visibility="private")
    seen = {
        name: {n.body for n in call(plan_read.plan_view, who, plan_id=plan_id).notes}
        for name, who in people.items()
    }
    assert seen == {"teacher": {"SHARED"}, "head": {"SHARED", "MINE"}, "admin": {"SHARED"}}


# --- the school year and the staff plan's own structure ---------------------------------------


def test_a_staff_plan_follows_the_school_year_with_its_own_focus_areas(engine, setup):
    school, year, _ = setup
    plan_id = _staff_plan(school)
    plan = rows(engine, Plan, Plan.id == plan_id)[0]
    assert (plan.kind, plan.period_id, plan.learner_id) == ("staff", year.id, school.id("teacher"))
    view = call(plan_read.plan_view, actor_of(school.id("teacher")), plan_id=plan_id)
    assert [a.name for a in view.focus_areas] == list(STAFF_FOCUS_AREAS)
    with pytest.raises(ValidationFailed) as info:
        call(
            staff_plans.staff_plan_create,
            actor_of(school.id("head")),
            staff_id=school.id("teacher"),
        )
    assert info.value.message == staff_plans.MSG_STAFF_PLAN_EXISTS.format(period=year.name)


def test_a_learner_plan_still_follows_the_term_inside_the_school_year(engine, setup):
    school, year, _ = setup
    plan_id = call(
        plan_edit.plan_create, actor_of(school.id("mentor")), learner_id=school.id("learner")
    )
    plan = rows(engine, Plan, Plan.id == plan_id)[0]
    assert (plan.kind, plan.period_id) == ("learner", school.period.id)


def test_without_a_school_year_no_staff_plan_is_started(session, setup):
    school, year, _ = setup
    session.delete(session.get(Period, year.id))
    session.commit()
    with pytest.raises(ValidationFailed) as info:
        call(
            staff_plans.staff_plan_create,
            actor_of(school.id("head")),
            staff_id=school.id("teacher"),
        )
    assert info.value.message == staff_plans.MSG_NO_SCHOOL_YEAR


def test_a_school_year_may_hold_terms_but_not_another_school_year(setup):
    school, year, _ = setup
    admin = actor_of(school.id("admin"))
    today = date.today()
    with pytest.raises(ValidationFailed):
        call(
            school_admin.period_create,
            admin,
            name="Overlapping year",
            starts_on=today.isoformat(),
            ends_on=(today + timedelta(days=30)).isoformat(),
            kind="school_year",
        )
    with pytest.raises(ValidationFailed) as info:
        call(
            school_admin.period_create,
            admin,
            name="Odd",
            starts_on=(today + timedelta(days=400)).isoformat(),
            ends_on=(today + timedelta(days=430)).isoformat(),
            kind={"kind": "term"},
        )
    assert info.value.message == school_admin.MSG_PERIOD_KIND
    listed = {p.name: p.kind_label for p in call(school_admin.period_list, admin)}
    assert listed["School year"] == "School year" and listed["Current"] == "Term"


# --- staff are not learners ------------------------------------------------------------------


def test_staff_never_appear_among_learners_counts_overviews_or_the_projector(setup):
    school, _, group = setup
    _staff_plan(school)
    mentor, teacher = actor_of(school.id("mentor")), actor_of(school.id("teacher"))
    admin = actor_of(school.id("admin"))
    board = call(overview.group_board, teacher, group_id=group.id)
    learner_ids = {school.id("learner")}
    assert {r.learner_id for r in board.rows} == learner_ids
    assert len(board.tiles) == 1
    assert {r.id for r in call(directory.mentor_home, mentor).learners} == learner_ids
    assert {r.id for r in call(directory.teacher_home, teacher).learners} == learner_ids
    counts = {g.name: g.learner_count for g in call(relationships.group_options, admin)}
    assert counts["9C"] == 1  # two teachers with plans of their own, one learner


def test_supervisors_see_my_staff_apart_from_their_learners(setup):
    school, year, _ = setup
    plan_id = _staff_plan(school)
    head_home = call(staff_plans.staff_home, actor_of(school.id("head")))
    assert [(r.staff_id, r.plan_id) for r in head_home.my_staff] == [
        (school.id("teacher"), plan_id)
    ]
    assert head_home.own.plan_id == 0 and head_home.school_year == year.name
    mine = call(staff_plans.staff_home, actor_of(school.id("teacher")))
    assert mine.own.plan_id == plan_id and mine.supervisor_name == "head Person"
    assert mine.my_staff == []
    for who in ("parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(staff_plans.staff_home, actor_of(school.id(who)))


def test_the_plan_page_lists_only_the_staff_members_other_staff_plans(setup):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    page = call(plan_page.plan_page, actor_of(school.id("head")), plan_id=plan_id)
    assert page.plan.staff and page.other_plans == []
    assert page.focus_area_choices == list(STAFF_FOCUS_AREAS) and page.objective_choices == []


def test_the_staff_member_rates_reflects_and_ticks_and_the_supervisor_rates_as_mentor(setup):
    school, _, _ = setup
    plan_id = _staff_plan(school)
    teacher, head = actor_of(school.id("teacher")), actor_of(school.id("head"))
    view = call(plan_read.plan_view, teacher, plan_id=plan_id)
    goal = view.focus_areas[0].goals[0]
    assert call(plan_activity.rating_add, teacher, goal_id=goal.id, score=3) == "self"
    assert call(plan_activity.rating_add, head, goal_id=goal.id, score=4) == "mentor"
    call(plan_activity.reflection_add, teacher, goal_id=goal.id, body="Comment banks save time.")
    call(
        plan_activity.task_advance,
        teacher,
        task_id=goal.tasks[0].id,
        expected_status="not_started",
    )
    for who in (teacher, head):
        call(lifecycle.plan_acknowledge, who, plan_id=plan_id)
    after = call(plan_read.plan_view, head, plan_id=plan_id)
    goal = after.focus_areas[0].goals[0]
    assert (goal.self_rating, goal.mentor_rating) == (3, 4)
    assert goal.tasks[0].status == "ongoing"
    assert {a.role for a in after.acknowledgements} == {"staff member", "supervisor"}
    with pytest.raises(PermissionDenied):  # the supervisor does not reflect for them
        call(plan_activity.reflection_add, head, goal_id=goal.id, body="Not mine to write")


# --- the person page's supervisor section ---------------------------------------------------


async def _supervisor_section(engine, school, who: str, role: str):
    from ilp_app.state.admin_supervisor import AdminSupervisorState
    from tests.support.services import signed_in

    state = await signed_in(AdminSupervisorState, engine, school.id(who), role)
    state._staff_id = school.id("teacher")  # the person the page's URL named
    return state


async def test_the_supervisor_section_changes_for_an_administrator_only(engine, setup):
    school, _, _ = setup
    admin = await _supervisor_section(engine, school, "admin", "administrator")
    admin._read(admin._current())
    # Oneself as one's supervisor: said, nothing changed, the section still shown.
    events = await admin.connect({"supervisor_id": str(school.id("teacher"))})
    assert events and admin.view is not None
    assert [x.supervisor_id for x in rows(engine, SupervisorAssignment)] == [school.id("head")]

    # An administrator's own supervisor is another administrator's to set: said, page kept.
    admin._staff_id = school.id("admin")
    admin._read(admin._current())
    events = await admin.connect({"supervisor_id": str(school.id("head"))})
    assert events and admin.view is not None and admin.user_name
    assert count(engine, SupervisorAssignment) == 1
    admin._staff_id = school.id("teacher")

    mentor = await _supervisor_section(engine, school, "mentor", "mentor")
    assert await mentor.disconnect()  # refused: sent away, and the section holds nothing
    assert mentor.view is None
    assert count(engine, SupervisorAssignment) == 1
    assert audit(engine, outcome="denied")

    await admin.disconnect()
    assert count(engine, SupervisorAssignment) == 0
