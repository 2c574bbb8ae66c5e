"""The administrator's school settings through the services, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from ilp_app.db.models import (
    AuditEvent,
    Enrollment,
    FocusAreaOption,
    Group,
    Period,
    Plan,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.school import directory, school_admin, school_groups
from tests.support.school import CATALOGUE
from tests.support.services import actor_of, call, count, rows

SWITCHED_OFF = "Individual learning plans are switched off at Test School. Ask the school office."


@pytest.fixture
def admin(engine, school):
    return actor_of(school.id("admin"))


@pytest.fixture
def mentor_plan(engine, school):
    """The learner's plan in the current period, made by their mentor."""
    mentor = actor_of(school.id("mentor"))
    return call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))


@pytest.fixture
def other_site(session):
    """A second school: its rows must be out of reach of the first school's administrator."""
    site = Site(name="Other School")
    session.add(site)
    session.flush()
    period = Period(
        site_id=site.id, name="Theirs", starts_on=date(2040, 1, 1), ends_on=date(2040, 6, 30)
    )
    option = FocusAreaOption(site_id=site.id, name="Their area")
    group = Group(site_id=site.id, name="Their group")
    user = User(site_id=site.id, email="someone@other.school", full_name="Other Learner")
    session.add_all([period, option, group, user])
    session.flush()
    session.add(RoleGrant(user_id=user.id, role="learner"))
    session.commit()
    return {"period": period.id, "option": option.id, "group": group.id, "user": user.id}


# --- the ILP switch ---------------------------------------------------------------------------


def test_switching_ilps_off_tells_every_role_clearly_and_switching_on_restores_access(
    engine, school, admin, mentor_plan
):
    call(school_admin.site_set_ilp_enabled, admin, enabled=False)
    assert rows(engine, Site, Site.id == school.site.id)[0].ilp_enabled is False

    homes = {
        "mentor": directory.mentor_home,
        "teacher": directory.teacher_home,
        "learner": directory.learner_home,
        "parent": directory.parent_home,
    }
    for name, home in homes.items():
        with pytest.raises(PermissionDenied) as refused:
            call(home, actor_of(school.id(name)))
        assert refused.value.message == SWITCHED_OFF, name
    with pytest.raises(PermissionDenied):
        call(plan_read.plan_view, actor_of(school.id("mentor")), plan_id=mentor_plan)
    assert (
        count(engine, AuditEvent, AuditEvent.action == "home.view", AuditEvent.outcome == "denied")
        == 4
    )
    assert (
        count(
            engine, AuditEvent, AuditEvent.action == "site.ilp_disable", AuditEvent.outcome == "ok"
        )
        == 1
    )
    # The administration stays open.
    assert call(school_admin.site_settings, actor_of(school.id("admin"))).ilp_enabled is False

    call(school_admin.site_set_ilp_enabled, actor_of(school.id("admin")), enabled=True)
    mentor = actor_of(school.id("mentor"))
    assert [r.plan_id for r in call(directory.mentor_home, mentor).learners] == [mentor_plan]
    assert call(plan_read.plan_view, mentor, plan_id=mentor_plan).id == mentor_plan
    assert call(directory.learner_home, actor_of(school.id("learner"))).me.id == school.id(
        "learner"
    )
    assert count(engine, AuditEvent, AuditEvent.action == "site.ilp_enable") == 1


def test_the_switched_off_message_names_the_school_by_its_current_name(engine, school, admin):
    call(school_admin.site_rename, admin, name="  Fjord School  ")
    call(school_admin.site_set_ilp_enabled, admin, enabled=False)
    with pytest.raises(
        PermissionDenied, match=r"^Individual learning plans are switched off at Fjord School\. "
    ):
        call(directory.learner_home, actor_of(school.id("learner")))


@pytest.mark.parametrize("forged", ["false", 0, None, [], {"enabled": False}])
def test_the_switch_accepts_only_true_or_false(engine, school, admin, forged):
    with pytest.raises(ValidationFailed, match="Choose on or off"):
        call(school_admin.site_set_ilp_enabled, admin, enabled=forged)
    assert rows(engine, Site, Site.id == school.site.id)[0].ilp_enabled is True


# --- the status thresholds -------------------------------------------------------------------


def test_the_school_sets_when_the_status_turns_amber_and_red(engine, school, admin):
    from ilp_app.db.models import AuditEvent
    from ilp_app.services.reports.overview import site_rules

    call(school_admin.site_set_status_rules, admin, amber_days="10", red_days=30)
    site = rows(engine, Site, Site.id == school.site.id)[0]
    assert (site.quiet_amber_days, site.quiet_red_days) == (10, 30)
    assert call(school_admin.site_settings, admin).quiet_red_days == 30
    with Session(engine) as s:
        assert site_rules(s, school.site.id).amber_days == 10
    assert rows(engine, AuditEvent, AuditEvent.action == "site.status_rules")


@pytest.mark.parametrize(
    ("amber", "red"), [(21, 7), (7, 7), ("", 21), ("7", "x"), ({"d": 7}, 21), (7, 10**20)]
)
def test_thresholds_that_make_no_sense_change_nothing(engine, school, admin, amber, red):
    with pytest.raises(ValidationFailed):
        call(school_admin.site_set_status_rules, admin, amber_days=amber, red_days=red)
    site = rows(engine, Site, Site.id == school.site.id)[0]
    assert (site.quiet_amber_days, site.quiet_red_days) == (7, 21)


@pytest.mark.parametrize("who", ["mentor", "teacher", "learner", "parent"])
def test_only_the_administration_sets_the_thresholds(engine, school, who):
    with pytest.raises(PermissionDenied):
        call(school_admin.site_set_status_rules, actor_of(school.id(who)), amber_days=3, red_days=5)
    assert rows(engine, Site, Site.id == school.site.id)[0].quiet_red_days == 21


# --- periods ----------------------------------------------------------------------------------


def test_a_period_must_end_after_it_starts_and_have_real_dates(engine, school, admin):
    before = count(engine, Period)
    bad = [
        ({"starts_on": "2040-09-01", "ends_on": "2040-08-01"}, "must end after it starts"),
        ({"starts_on": "2040-09-01", "ends_on": "2040-09-01"}, "must end after it starts"),
        ({"starts_on": "2040-02-30", "ends_on": "2040-12-01"}, "Start date must be a date"),
        ({"starts_on": "", "ends_on": "2040-12-01"}, "Start date is required"),
        ({"starts_on": {"y": 2040}, "ends_on": "2040-12-01"}, "Start date must be a date"),
    ]
    for dates, message in bad:
        with pytest.raises(ValidationFailed, match=message):
            call(school_admin.period_create, admin, name="Autumn 2040", **dates)
    with pytest.raises(ValidationFailed, match="Period name is required"):
        call(
            school_admin.period_create,
            admin,
            name="  ",
            starts_on="2040-08-01",
            ends_on="2040-12-01",
        )
    assert count(engine, Period) == before


def test_periods_may_not_overlap_not_even_by_one_day(engine, school, admin):
    current = school.period
    with pytest.raises(ValidationFailed, match=r"overlaps Current"):
        call(
            school_admin.period_create,
            admin,
            name="Clash",
            starts_on=current.ends_on.isoformat(),
            ends_on=(current.ends_on + timedelta(days=10)).isoformat(),
        )
    with pytest.raises(ValidationFailed, match=r"overlaps Current"):  # one period around another
        call(
            school_admin.period_create,
            admin,
            name="Around",
            starts_on=(current.starts_on - timedelta(days=1)),
            ends_on=(current.ends_on + timedelta(days=1)),
        )
    gap_start = current.ends_on + timedelta(days=1)
    new_id = call(
        school_admin.period_create,
        admin,
        name="Short break course",
        starts_on=gap_start.isoformat(),
        ends_on=(gap_start + timedelta(days=5)).isoformat(),
    )
    listed = {p.name: p for p in call(school_admin.period_list, admin)}
    assert listed["Short break course"].id == new_id and listed["Current"].current is True
    # Moving an existing period onto another is refused too; moving it within its own dates is fine.
    with pytest.raises(ValidationFailed, match=r"overlaps Next"):
        call(
            school_admin.period_edit,
            admin,
            period_id=new_id,
            name="Short break course",
            starts_on=gap_start.isoformat(),
            ends_on=school.next_period.starts_on.isoformat(),
        )
    call(
        school_admin.period_edit,
        admin,
        period_id=new_id,
        name="Break course",
        starts_on=gap_start.isoformat(),
        ends_on=(gap_start + timedelta(days=3)).isoformat(),
    )
    assert rows(engine, Period, Period.id == new_id)[0].name == "Break course"


def test_a_period_keeps_the_dates_its_plans_already_use(engine, school, admin, mentor_plan):
    mentor = actor_of(school.id("mentor"))
    area_id = call(plan_read.plan_view, mentor, plan_id=mentor_plan).focus_areas[0].id
    target = date.today() + timedelta(days=50)
    call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Read four books",
        target_date=target.isoformat(),
    )
    with pytest.raises(ValidationFailed, match="1 goal or task date"):
        call(
            school_admin.period_edit,
            admin,
            period_id=school.period.id,
            name="Current",
            starts_on=school.period.starts_on.isoformat(),
            ends_on=(target - timedelta(days=1)).isoformat(),
        )
    assert rows(engine, Period, Period.id == school.period.id)[0].ends_on == school.period.ends_on


def test_a_period_with_plans_cannot_be_deleted_and_an_unused_one_can(
    engine, school, admin, mentor_plan
):
    with pytest.raises(ValidationFailed, match="Current has 1 plan"):
        call(school_admin.period_delete, admin, period_id=school.period.id)
    assert count(engine, Period, Period.id == school.period.id) == 1
    assert count(engine, Plan, Plan.id == mentor_plan) == 1

    call(school_admin.period_delete, admin, period_id=school.next_period.id)
    assert count(engine, Period, Period.id == school.next_period.id) == 0
    assert (
        count(engine, AuditEvent, AuditEvent.action == "period.delete", AuditEvent.outcome == "ok")
        == 1
    )


# --- the focus-area catalogue -----------------------------------------------------------------


def mentor_options(engine, school) -> list[str]:
    return call(plan_edit.focus_area_options, actor_of(school.id("mentor")))


def test_focus_area_names_are_unique_whatever_their_case(engine, school, admin):
    with pytest.raises(ValidationFailed, match="already has a focus area called Academic"):
        call(school_admin.focus_area_option_add, admin, name=" academic ")
    career = next(a for a in call(school_admin.focus_area_catalogue, admin) if a.name == "Career")
    with pytest.raises(ValidationFailed, match="already has a focus area called Digital skills"):
        call(school_admin.focus_area_option_edit, admin, option_id=career.id, name="DIGITAL SKILLS")
    # Changing only the case of its own name is a rename, not a clash.
    call(
        school_admin.focus_area_option_edit,
        admin,
        option_id=career.id,
        name="CAREER",
        description="Jobs",
    )
    assert mentor_options(engine, school) == ["Academic", "CAREER", *CATALOGUE[2:]]


def test_a_new_focus_area_is_offered_to_mentors_and_an_archived_one_no_longer(
    engine, school, admin
):
    new_id = call(
        school_admin.focus_area_option_add, admin, name="Creativity", description="Making things"
    )
    assert mentor_options(engine, school)[-1] == "Creativity"

    academic = call(school_admin.focus_area_catalogue, admin)[0]
    call(school_admin.focus_area_option_set_archived, admin, option_id=academic.id, archived=True)
    assert "Academic" not in mentor_options(engine, school)
    mentor = actor_of(school.id("mentor"))
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    assert [a.name for a in call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas] == list(
        CATALOGUE[1:5]
    )
    # The administrator still sees it, marked, and can bring it back.
    assert call(school_admin.focus_area_catalogue, admin)[0].archived is True
    call(school_admin.focus_area_option_set_archived, admin, option_id=academic.id, archived=False)
    assert mentor_options(engine, school)[0] == "Academic"
    assert (
        count(
            engine,
            AuditEvent,
            AuditEvent.target_type == "focus_area_option",
            AuditEvent.target_id == str(new_id),
        )
        == 1
    )


def test_moving_a_focus_area_changes_the_order_mentors_see(engine, school, admin):
    catalogue = call(school_admin.focus_area_catalogue, admin)
    call(school_admin.focus_area_option_move, admin, option_id=catalogue[2].id, direction="up")
    assert mentor_options(engine, school)[:3] == ["Academic", "Personal growth", "Career"]
    call(
        school_admin.focus_area_option_move, admin, option_id=catalogue[0].id, direction="up"
    )  # already first
    call(school_admin.focus_area_option_move, admin, option_id=catalogue[0].id, direction="down")
    assert mentor_options(engine, school)[:3] == ["Personal growth", "Academic", "Career"]
    with pytest.raises(ValidationFailed, match="Move up or down"):
        call(
            school_admin.focus_area_option_move,
            admin,
            option_id=catalogue[0].id,
            direction="sideways",
        )


# --- groups and members -----------------------------------------------------------------------


def test_a_group_is_created_with_a_unique_name_and_a_known_kind(engine, school, admin):
    group_id = call(school_groups.group_create, admin, name="8A", kind="tutor", year_label="Year 8")
    with pytest.raises(ValidationFailed, match="already a group called 8A"):
        call(school_groups.group_create, admin, name="8a", kind="class")
    with pytest.raises(ValidationFailed, match="Choose tutor group or subject class"):
        call(school_groups.group_edit, admin, group_id=group_id, name="8A", kind={"tutor": 1})
    call(
        school_groups.group_edit,
        admin,
        group_id=group_id,
        name="8A",
        kind="class",
        year_label="Year 8",
        course="Mathematics 8",
    )
    row = next(g for g in call(school_groups.group_list, admin) if g.id == group_id)
    assert (row.kind, row.course, row.year_label) == ("class", "Mathematics 8", "Year 8")


def test_removing_a_learner_from_a_group_keeps_their_plans_and_mentor(
    engine, school, admin, mentor_plan
):
    group = rows(engine, Group, Group.site_id == school.site.id)[0]
    detail = call(school_groups.group_view, admin, group_id=group.id)
    assert [m.user_id for m in detail.learners] == [school.id("learner")]
    assert [m.user_id for m in detail.mentors] == [school.id("mentor")]
    assert school.id("learner") in actor_of(school.id("teacher")).taught_learner_ids

    call(
        school_groups.group_member_remove,
        admin,
        group_id=group.id,
        user_id=school.id("learner"),
        role="learner",
    )
    assert (
        count(engine, Enrollment, Enrollment.group_id == group.id, Enrollment.role == "learner")
        == 0
    )
    assert count(engine, Plan, Plan.id == mentor_plan) == 1
    assert school.id("learner") not in actor_of(school.id("teacher")).taught_learner_ids
    assert (
        call(plan_read.plan_view, actor_of(school.id("mentor")), plan_id=mentor_plan).id
        == mentor_plan
    )
    with pytest.raises(ValidationFailed, match="is not in 9C as a learner"):
        call(
            school_groups.group_member_remove,
            admin,
            group_id=group.id,
            user_id=school.id("learner"),
            role="learner",
        )

    call(
        school_groups.group_member_add,
        admin,
        group_id=group.id,
        user_id=school.id("learner"),
        role="learner",
    )
    assert school.id("learner") in actor_of(school.id("teacher")).taught_learner_ids
    assert (
        count(
            engine, AuditEvent, AuditEvent.action.in_(["group.member_add", "group.member_remove"])
        )
        == 2
    )


def test_only_fitting_people_join_a_group_and_only_once(engine, school, admin):
    group_id = call(school_groups.group_create, admin, name="Science 9", kind="class")
    candidates = call(
        school_groups.group_candidates, admin, group_id=group_id, role="teacher", query=""
    )
    assert {c.user_id for c in candidates} == {
        school.id(n) for n in ("teacher", "mentor", "mentor2")
    }
    assert [
        c.user_id
        for c in call(
            school_groups.group_candidates,
            admin,
            group_id=group_id,
            role="learner",
            query="learner2",
        )
    ] == [school.id("learner2")]
    with pytest.raises(ValidationFailed, match="cannot join as a learner"):
        call(
            school_groups.group_member_add,
            admin,
            group_id=group_id,
            user_id=school.id("parent"),
            role="learner",
        )
    call(
        school_groups.group_member_add,
        admin,
        group_id=group_id,
        user_id=school.id("mentor"),
        role="teacher",
    )
    with pytest.raises(ValidationFailed, match="already in Science 9 as a teacher"):
        call(
            school_groups.group_member_add,
            admin,
            group_id=group_id,
            user_id=school.id("mentor"),
            role="teacher",
        )
    assert school.id("mentor") not in {
        c.user_id
        for c in call(
            school_groups.group_candidates, admin, group_id=group_id, role="teacher", query=""
        )
    }


# --- who may, and what may be sent ------------------------------------------------------------


def test_non_administrators_are_refused_audited_and_change_nothing(engine, school, mentor_plan):
    attempts = [
        (school_admin.site_set_ilp_enabled, {"enabled": False}),
        (school_admin.site_rename, {"name": "Mine now"}),
        (school_admin.period_delete, {"period_id": school.next_period.id}),
        (school_admin.focus_area_option_add, {"name": "Sneaky"}),
        (school_groups.group_create, {"name": "Sneaky", "kind": "tutor"}),
        (
            school_groups.group_member_add,
            {"group_id": 1, "user_id": school.id("learner2"), "role": "learner"},
        ),
        (school_admin.period_list, {}),
    ]
    for name in ("mentor", "teacher", "learner", "parent"):
        actor = actor_of(school.id(name))
        for service, kwargs in attempts:
            with pytest.raises(PermissionDenied):
                call(service, actor, **kwargs)
    for service, kwargs in attempts:
        with pytest.raises(NotSignedIn):
            call(service, None, **kwargs)
    denied = rows(
        engine, AuditEvent, AuditEvent.action == "school.manage", AuditEvent.outcome == "denied"
    )
    assert len(denied) == 4 * len(attempts) + len(attempts)
    assert {e.actor_user_id for e in denied} == {
        school.id(n) for n in ("mentor", "teacher", "learner", "parent")
    } | {None}
    site = rows(engine, Site, Site.id == school.site.id)[0]
    assert (site.name, site.ilp_enabled) == ("Test School", True)
    assert count(engine, Period, Period.id == school.next_period.id) == 1
    assert count(engine, FocusAreaOption, FocusAreaOption.name == "Sneaky") == 0
    assert count(engine, Group, Group.name == "Sneaky") == 0
    assert count(engine, Enrollment, Enrollment.user_id == school.id("learner2")) == 0


@pytest.mark.parametrize("forged", ["1 OR 1=1", -3, 0, True, 2.0, None, [1], {"id": 1}])
def test_forged_ids_are_refused_and_change_nothing(engine, school, admin, forged):
    group_id = rows(engine, Group, Group.site_id == school.site.id)[0].id
    attempts = [
        (
            school_admin.period_edit,
            {"period_id": forged, "name": "X", "starts_on": "2041-01-01", "ends_on": "2041-02-01"},
        ),
        (school_admin.period_delete, {"period_id": forged}),
        (school_admin.focus_area_option_edit, {"option_id": forged, "name": "X"}),
        (school_admin.focus_area_option_set_archived, {"option_id": forged, "archived": True}),
        (school_groups.group_view, {"group_id": forged}),
        (
            school_groups.group_member_add,
            {"group_id": group_id, "user_id": forged, "role": "learner"},
        ),
        (
            school_groups.group_member_remove,
            {"group_id": group_id, "user_id": school.id("learner"), "role": forged},
        ),
    ]
    for service, kwargs in attempts:
        with pytest.raises(ValidationFailed):
            call(service, admin, **kwargs)
    assert count(engine, Period, Period.name == "X") == 0
    assert count(engine, FocusAreaOption, FocusAreaOption.archived) == 0
    assert count(engine, Enrollment, Enrollment.group_id == group_id) == 2


def test_another_schools_rows_are_not_found_and_stay_unchanged(engine, school, admin, other_site):
    attempts = [
        (school_admin.period_delete, {"period_id": other_site["period"]}),
        (
            school_admin.period_edit,
            {
                "period_id": other_site["period"],
                "name": "Taken",
                "starts_on": "2050-01-01",
                "ends_on": "2050-02-01",
            },
        ),
        (
            school_admin.focus_area_option_set_archived,
            {"option_id": other_site["option"], "archived": True},
        ),
        (
            school_admin.focus_area_option_move,
            {"option_id": other_site["option"], "direction": "down"},
        ),
        (
            school_groups.group_edit,
            {"group_id": other_site["group"], "name": "Taken", "kind": "tutor"},
        ),
        (
            school_groups.group_member_add,
            {"group_id": other_site["group"], "user_id": school.id("learner"), "role": "learner"},
        ),
    ]
    for service, kwargs in attempts:
        with pytest.raises(NotFound):
            call(service, admin, **kwargs)
    own_group = rows(engine, Group, Group.site_id == school.site.id)[0].id
    with pytest.raises(NotFound):
        call(
            school_groups.group_member_add,
            admin,
            group_id=own_group,
            user_id=other_site["user"],
            role="learner",
        )
    assert rows(engine, Period, Period.id == other_site["period"])[0].name == "Theirs"
    assert (
        rows(engine, FocusAreaOption, FocusAreaOption.id == other_site["option"])[0].archived
        is False
    )
    assert rows(engine, Group, Group.id == other_site["group"])[0].name == "Their group"
    assert count(engine, Enrollment, Enrollment.user_id == other_site["user"]) == 0
    assert count(engine, Enrollment, Enrollment.group_id == other_site["group"]) == 0
