"""Transition years through the services, on SQLite and PostgreSQL: the school's list with its
defaults, years linked to the groups' years, and the template suggested first with why."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ilp_app.db.models import (
    Group,
    Plan,
    PlanTemplate,
    PlanTemplateYear,
    Site,
    TemplateItem,
    TransitionYear,
)
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.plans import lifecycle, plan_edit, plan_page, plan_read
from ilp_app.services.school import directory, transitions
from ilp_app.services.templates import template_apply, template_suggest
from ilp_app.services.templates import templates as template_service
from tests.support.school import build_school
from tests.support.services import actor_of, audit, call, count, rows

WHY_9 = "Year 9 starts upper-secondary planning"


@pytest.fixture
def setup(session):
    """The small school with its group 9C as a Year 9 tutor group, and a Year 9 template."""
    school = build_school(session)
    group = session.exec(select(Group).where(Group.name == "9C")).one()
    group.kind, group.year_label = "tutor", "Year 9"
    template = PlanTemplate(site_id=school.site.id, name="Upper-secondary planning")
    session.add_all([group, template])
    session.flush()
    session.add(PlanTemplateYear(template_id=template.id, year_label="Year 9"))
    session.commit()
    return school, template.id


def _suggestion(school):
    rows_ = call(directory.mentor_home, actor_of(school.id("mentor"))).learners
    (row,) = [r for r in rows_ if r.id == school.id("learner")]
    return row


def test_a_learner_in_a_transition_year_is_offered_its_template_first_with_why(setup):
    school, template_id = setup
    row = _suggestion(school)
    assert (row.suggested_template_id, row.suggested_template) == (
        template_id,
        "Upper-secondary planning",
    )
    assert row.suggestion_reason.startswith(WHY_9)


def test_the_suggested_template_makes_the_plan(engine, setup):
    school, template_id = setup
    summary = call(
        template_apply.template_apply,
        actor_of(school.id("mentor")),
        template_id=template_id,
        learner_ids=[school.id("learner")],
    )
    (plan,) = rows(engine, Plan, Plan.learner_id == school.id("learner"))
    assert (plan.template_id, summary.created[0].plan_id) == (template_id, plan.id)
    assert _suggestion(school).suggested_template_id == 0  # a plan now: nothing to suggest


def test_the_school_edits_its_transition_years_and_the_reason_follows(engine, setup):
    school, _ = setup
    admin = actor_of(school.id("admin"))
    before = call(transitions.transition_settings, admin)
    assert before.defaults and [r.year_label for r in before.rows] == [
        "Year 6",
        "Year 9",
        "Year 12",
    ]
    assert before.year_choices == ["Year 9"]
    call(
        transitions.transition_year_set,
        admin,
        year_label="year 9",
        reason="Our Year 9 chooses a programme.",
    )
    after = call(transitions.transition_settings, admin)
    assert not after.defaults
    assert {r.year_label: r.reason for r in after.rows}[
        "Year 9"
    ] == "Our Year 9 chooses a programme."
    assert _suggestion(school).suggestion_reason == "Our Year 9 chooses a programme."
    call(transitions.transition_year_remove, admin, year_label="Year 9")
    row = _suggestion(school)
    assert row.suggested_template == "Upper-secondary planning"  # still made for the year...
    assert row.suggestion_reason == "Made for Year 9."  # ...but no longer a transition
    assert [r.year_label for r in call(transitions.transition_settings, admin).rows] == [
        "Year 6",
        "Year 12",
    ]
    assert audit(engine, action="school.transition_year_remove", outcome="ok")


def test_a_transition_year_is_one_of_the_groups_years_and_only_administrators_set_it(engine, setup):
    school, _ = setup
    admin = actor_of(school.id("admin"))
    for bad in ("Year 42", "", {"year": "Year 9"}, ["Year 9"], "x" * 60):
        with pytest.raises(ValidationFailed):
            call(transitions.transition_year_set, admin, year_label=bad, reason="Why")
    for bad_reason in ("", "x" * 201, {"r": 1}):
        with pytest.raises(ValidationFailed):
            call(transitions.transition_year_set, admin, year_label="Year 9", reason=bad_reason)
    for who in ("mentor", "teacher", "parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(
                transitions.transition_year_set,
                actor_of(school.id(who)),
                year_label="Year 9",
                reason="Why",
            )
        with pytest.raises(PermissionDenied):
            call(transitions.transition_settings, actor_of(school.id(who)))
    assert count(engine, TransitionYear) == 0
    assert rows(engine, Site, Site.id == school.site.id)[0].transition_years_set is False
    assert audit(engine, action="school.manage", outcome="denied")


def test_a_template_names_a_year_of_the_schools_groups_not_free_text(engine, setup):
    school, template_id = setup
    mentor = actor_of(school.id("mentor"))
    with pytest.raises(ValidationFailed) as info:
        call(
            template_service.template_update_meta,
            mentor,
            template_id=template_id,
            name="Upper-secondary planning",
            years=["Year 9", "Year nine-ish"],
        )
    assert info.value.message == transitions.MSG_NOT_A_GROUP_YEAR
    call(
        template_service.template_update_meta,
        mentor,
        template_id=template_id,
        name="Upper-secondary planning",
        years=["  year 9 "],
    )
    assert [
        y.year_label
        for y in rows(
            engine,
            PlanTemplateYear,
            PlanTemplateYear.template_id == template_id,
            order=PlanTemplateYear.year_label,
        )
    ] == ["Year 9"]


def _with_areas(session, template_id: int, *names: str) -> None:
    for position, name in enumerate(names):
        area = TemplateItem(template_id=template_id, kind="area", position=position, text=name)
        session.add(area)
        session.flush()
        goal = TemplateItem(
            template_id=template_id, parent_id=area.id, kind="goal", text=f"A goal for {name}"
        )
        session.add(goal)
    session.commit()


def test_a_plan_continued_into_the_next_period_suggests_the_years_template_to_add(
    engine, session, setup
):
    school, template_id = setup
    _with_areas(session, template_id, "Career matching", "Programme choice")
    mentor = actor_of(school.id("mentor"))
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    moved = call(lifecycle.plan_next_period, mentor, plan_id=plan_id)
    page = call(plan_page.plan_page, mentor, plan_id=moved.plan_id)
    assert page.suggestion is not None and page.suggestion.template_id == template_id
    assert page.suggestion.reason.startswith(WHY_9) and page.suggestion.transition
    # Those who cannot change the plan are offered nothing.
    for who in ("teacher", "parent", "learner"):
        assert (
            call(plan_page.plan_page, actor_of(school.id(who)), plan_id=moved.plan_id).suggestion
            is None
        )
    before = call(plan_read.plan_view, mentor, plan_id=moved.plan_id)
    added = call(
        template_suggest.template_add_to_plan,
        mentor,
        plan_id=moved.plan_id,
        template_id=template_id,
    )
    after = call(plan_read.plan_view, mentor, plan_id=moved.plan_id)
    assert added == 2 and after.version == before.version + 1
    assert [a.name for a in after.focus_areas][-2:] == ["Career matching", "Programme choice"]
    assert call(plan_page.plan_page, mentor, plan_id=moved.plan_id).suggestion is None


def test_adding_a_template_is_refused_to_others_and_for_foreign_or_oversized_templates(
    engine, session, setup
):
    school, template_id = setup
    _with_areas(session, template_id, "One", "Two", "Three")
    mentor = actor_of(school.id("mentor"))
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    for who in ("teacher", "parent", "learner", "mentor2"):
        with pytest.raises(PermissionDenied):
            call(
                template_suggest.template_add_to_plan,
                actor_of(school.id(who)),
                plan_id=plan_id,
                template_id=template_id,
            )
    elsewhere = Site(name="Other School")
    session.add(elsewhere)
    session.flush()
    foreign = PlanTemplate(site_id=elsewhere.id, name="Theirs")
    session.add(foreign)
    session.flush()
    session.add(PlanTemplateYear(template_id=foreign.id, year_label="Year 9"))
    session.commit()
    with pytest.raises(NotFound):
        call(
            template_suggest.template_add_to_plan,
            mentor,
            plan_id=plan_id,
            template_id=foreign.id,
        )
    # The new plan has four focus areas; three more would pass the limit of six.
    with pytest.raises(ValidationFailed):
        call(
            template_suggest.template_add_to_plan, mentor, plan_id=plan_id, template_id=template_id
        )
    for forged in ("x", {"id": template_id}, -1):
        with pytest.raises(ValidationFailed):
            call(template_suggest.template_add_to_plan, mentor, plan_id=plan_id, template_id=forged)
    assert len(call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas) == 4


def test_outside_a_transition_year_the_plan_page_suggests_nothing(session, setup):
    school, template_id = setup
    admin = actor_of(school.id("admin"))
    call(transitions.transition_year_remove, admin, year_label="Year 9")
    mentor = actor_of(school.id("mentor"))
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    assert call(plan_page.plan_page, mentor, plan_id=plan_id).suggestion is None


def test_a_template_of_two_years_is_suggested_in_either(engine, session, setup):
    """Saved with Year 8 and Year 9, the template reaches a Year 9 learner as before and still
    lists both years; with Year 8 alone it no longer does."""
    school, template_id = setup
    session.add(Group(site_id=school.site.id, name="8A", kind="tutor", year_label="Year 8"))
    session.commit()
    mentor = actor_of(school.id("mentor"))
    call(
        template_service.template_update_meta,
        mentor,
        template_id=template_id,
        name="Upper-secondary planning",
        years=["Year 8", "Year 9"],
    )
    (row,) = [r for r in call(template_service.template_list, mentor) if r.id == template_id]
    assert row.years == ["Year 8", "Year 9"]
    assert _suggestion(school).suggested_template_id == template_id
    call(
        template_service.template_update_meta,
        mentor,
        template_id=template_id,
        name="Upper-secondary planning",
        years=["Year 8"],
    )
    assert _suggestion(school).suggested_template_id == 0


async def test_the_school_pages_transition_section_saves_for_an_administrator_only(engine, setup):
    from ilp_app.db.models import TransitionYear
    from ilp_app.state.transitions import AdminTransitionsState
    from tests.support.services import count, signed_in

    school, _ = setup
    mentor = await signed_in(AdminTransitionsState, engine, school.id("mentor"), "mentor")
    assert await mentor.save({"year_label": "Year 9", "reason": "Forged"})  # refused
    assert mentor.rows == [] and count(engine, TransitionYear) == 0

    admin = await signed_in(AdminTransitionsState, engine, school.id("admin"), "administrator")
    await admin.load()
    await admin.save({"year_label": "Year 9", "reason": "Our Year 9 chooses a programme."})
    saved = {r.year_label: r.reason for r in admin.rows}
    assert saved["Year 9"] == "Our Year 9 chooses a programme." and not admin.defaults
    stored = count(engine, TransitionYear)
    assert await admin.save("year_label=Year 9")  # a malformed form: a message, no change
    assert count(engine, TransitionYear) == stored
