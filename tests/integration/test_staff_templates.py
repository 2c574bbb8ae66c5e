"""Staff plan templates through the services, on SQLite and PostgreSQL: a staff plan starts from a
staff template, and a template never makes the other kind of plan (forged ids included)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import (
    AssignmentRule,
    Group,
    Period,
    Plan,
    PlanTemplate,
    PlanTemplateYear,
    RoleGrant,
    TemplateItem,
    User,
)
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.domain.plans import PERIOD_KIND_SCHOOL_YEAR, STAFF_FOCUS_AREAS
from ilp_app.domain.roles import Role
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.school import assignment_rules
from ilp_app.services.school.transitions import template_suggestions
from ilp_app.services.staff import staff_plans
from ilp_app.services.templates import template_apply, template_suggest, templates
from ilp_app.services.templates.template_store import (
    MSG_LEARNER_TEMPLATE_ONLY,
    MSG_STAFF_TEMPLATE_ONLY,
)
from tests.support.school import build_school, person_elsewhere
from tests.support.services import actor_of, call, count, rows


def _template(
    session: Session,
    site_id: int,
    name: str,
    kind: str,
    areas: tuple[str, ...],
    *,
    years: tuple[str, ...] = (),
    **extra,
) -> int:
    template = PlanTemplate(site_id=site_id, name=name, plan_kind=kind, **extra)
    session.add(template)
    session.flush()
    session.add_all(PlanTemplateYear(template_id=template.id, year_label=y) for y in years)
    for position, text in enumerate(areas):
        area = TemplateItem(template_id=template.id, kind="area", position=position, text=text)
        session.add(area)
        session.flush()
        session.add(
            TemplateItem(
                template_id=template.id,
                parent_id=area.id,
                kind="goal",
                text=f"Example goal for {text}",
                detail="Example criteria",
            )
        )
    session.flush()
    return template.id


@pytest.fixture
def setup(session):
    """The small school with a school year, a head who supervises the teacher, two staff
    templates ("Professional year" sorts first), a learner template for year 9 and one archived
    staff template."""
    school = build_school(session)
    today = date.today()
    session.add(
        Period(
            site_id=school.site.id,
            name="School year",
            starts_on=today - timedelta(days=100),
            ends_on=today + timedelta(days=200),
            kind=PERIOD_KIND_SCHOOL_YEAR,
        )
    )
    head = User(site_id=school.site.id, email="head@test.school", full_name="Head Person")
    session.add(head)
    session.flush()
    session.add(RoleGrant(user_id=head.id, role=Role.TEACHER.value))
    school.people["head"] = head
    group = session.exec(select(Group).where(Group.name == "9C")).one()
    group.kind, group.year_label = "tutor", "Year 9"
    session.add(group)
    sid = school.site.id
    ids = {
        "second": _template(session, sid, "Teaching and learning", "staff", ("Craft",)),
        "staff": _template(
            session,
            sid,
            "Professional year",
            "staff",
            ("Professional goals", "Bucket list", "Observations"),
        ),
        "archived": _template(session, sid, "Old staff", "staff", ("Old",), archived=True),
        "learner": _template(
            session, sid, "Year 9 start", "learner", ("Upper secondary",), years=("Year 9",)
        ),
    }
    session.commit()
    call(
        staff_plans.supervisor_connect,
        actor_of(school.id("admin")),
        staff_id=school.id("teacher"),
        supervisor_id=head.id,
    )
    return school, ids


def _areas(plan_id: int, actor) -> list[str]:
    return [a.name for a in call(plan_read.plan_view, actor, plan_id=plan_id).focus_areas]


def _staff_plans(engine) -> int:
    return count(engine, Plan, Plan.kind == "staff")


# --- starting a staff plan from a staff template ------------------------------------------------


def test_a_staff_plan_starts_from_the_schools_first_staff_template(engine, setup):
    school, ids = setup
    head = actor_of(school.id("head"))
    plan_id = call(staff_plans.staff_plan_create, head, staff_id=school.id("teacher"))
    plan = rows(engine, Plan, Plan.id == plan_id)[0]
    assert (plan.kind, plan.template_id, plan.template_revision) == ("staff", ids["staff"], 1)
    assert _areas(plan_id, head) == ["Professional goals", "Bucket list", "Observations"]
    goals = call(plan_read.plan_view, head, plan_id=plan_id).focus_areas[0].goals
    assert [g.statement for g in goals] == ["Example goal for Professional goals"]


def test_the_supervisor_may_pick_another_staff_template(engine, setup):
    school, ids = setup
    head = actor_of(school.id("head"))
    plan_id = call(
        staff_plans.staff_plan_create,
        head,
        staff_id=school.id("teacher"),
        template_id=str(ids["second"]),
    )
    assert rows(engine, Plan, Plan.id == plan_id)[0].template_id == ids["second"]
    assert _areas(plan_id, head) == ["Craft"]


def test_the_home_offers_only_the_schools_staff_templates_first_by_name(setup):
    school, ids = setup
    home = call(staff_plans.staff_home, actor_of(school.id("teacher")))
    assert [(t.id, t.name) for t in home.templates] == [
        (ids["staff"], "Professional year"),
        (ids["second"], "Teaching and learning"),
    ]


@pytest.mark.parametrize(
    ("which", "error", "message"),
    [
        ("learner", ValidationFailed, MSG_STAFF_TEMPLATE_ONLY),
        ("archived", ValidationFailed, template_apply.MSG_TEMPLATE_ARCHIVED),
        ("elsewhere", NotFound, None),
        ("missing", NotFound, None),
        ("malformed", ValidationFailed, None),
    ],
)
def test_a_staff_plan_refuses_any_template_but_the_schools_staff_templates(
    engine, session, setup, which, error, message
):
    school, ids = setup
    if which == "elsewhere":
        other = person_elsewhere(session, Role.ADMINISTRATOR, email="o@x.test", full_name="O")
        ids["elsewhere"] = _template(session, other.site_id, "Theirs", "staff", ("Theirs",))
        session.commit()
    forged = {"missing": 10**6, "malformed": {"id": ids["staff"]}}.get(which, ids.get(which))
    with pytest.raises(error) as info:
        call(
            staff_plans.staff_plan_create,
            actor_of(school.id("teacher")),
            staff_id=school.id("teacher"),
            template_id=forged,
        )
    if message:
        assert info.value.message == message
    assert _staff_plans(engine) == 0


def test_a_colleague_cannot_start_a_staff_plan_even_with_a_staff_template(engine, setup):
    school, ids = setup
    with pytest.raises(PermissionDenied):
        call(
            staff_plans.staff_plan_create,
            actor_of(school.id("mentor")),
            staff_id=school.id("teacher"),
            template_id=ids["staff"],
        )
    assert _staff_plans(engine) == 0


def test_a_school_without_staff_templates_starts_from_the_built_in_focus_areas(
    engine, session, setup
):
    school, _ = setup
    for t in session.exec(select(PlanTemplate).where(PlanTemplate.plan_kind == "staff")).all():
        t.archived = True
        session.add(t)
    session.commit()
    teacher = actor_of(school.id("teacher"))
    plan_id = call(staff_plans.staff_plan_create, teacher, staff_id=school.id("teacher"))
    assert _areas(plan_id, teacher) == list(STAFF_FOCUS_AREAS)
    assert rows(engine, Plan, Plan.id == plan_id)[0].template_id is None


# --- learner templates stay with learners ---------------------------------------------------------


def test_a_staff_template_never_makes_a_learners_plan(engine, setup):
    school, ids = setup
    with pytest.raises(ValidationFailed) as info:
        call(
            template_apply.template_apply,
            actor_of(school.id("mentor")),
            template_id=str(ids["staff"]),
            learner_ids=[school.id("learner")],
        )
    assert info.value.message == MSG_LEARNER_TEMPLATE_ONLY
    assert count(engine, Plan) == 0


def test_a_staff_template_is_never_added_to_a_learners_plan(engine, setup):
    school, ids = setup
    mentor = actor_of(school.id("mentor"))
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    before = _areas(plan_id, mentor)
    with pytest.raises(ValidationFailed) as info:
        call(
            template_suggest.template_add_to_plan,
            mentor,
            plan_id=plan_id,
            template_id=ids["staff"],
        )
    assert info.value.message == MSG_LEARNER_TEMPLATE_ONLY
    assert _areas(plan_id, mentor) == before


def test_a_rule_may_name_only_a_learner_template(engine, setup):
    school, ids = setup
    admin = actor_of(school.id("admin"))
    choices = call(assignment_rules.rule_choices, admin)
    assert [c.id for c in choices.templates] == [ids["learner"]]
    with pytest.raises(ValidationFailed) as info:
        call(
            assignment_rules.rule_save,
            admin,
            form={"name": "Forged", "template_id": str(ids["staff"]), "status": "active"},
        )
    assert info.value.message == MSG_LEARNER_TEMPLATE_ONLY
    assert count(engine, AssignmentRule) == 0


def test_suggestions_never_offer_a_staff_template(session, setup):
    school, ids = setup
    # Even one that somehow carries a year (a staff template is saved without one).
    session.add(PlanTemplateYear(template_id=ids["staff"], year_label="Year 9"))
    session.commit()
    found = template_suggestions(
        session=session, site_id=school.site.id, learner_ids=[school.id("learner")]
    )
    assert [s.template_id for s in found[school.id("learner")]] == [ids["learner"]]


def test_a_staff_plan_saved_as_a_template_makes_a_staff_template_without_a_year(engine, setup):
    school, ids = setup
    head, admin = actor_of(school.id("head")), actor_of(school.id("admin"))
    plan_id = call(staff_plans.staff_plan_create, head, staff_id=school.id("teacher"))
    tid = call(
        templates.template_from_plan, admin, plan_id=plan_id, name="Our year", years=["Year 9"]
    )
    copy = call(templates.template_duplicate, admin, template_id=tid)
    saved = rows(engine, PlanTemplate, PlanTemplate.id.in_([tid, copy]))
    assert {t.plan_kind for t in saved} == {"staff"}
    call(templates.template_update_meta, admin, template_id=tid, name="Ours", years=["Year 9"])
    assert count(engine, PlanTemplateYear, PlanTemplateYear.template_id.in_([tid, copy])) == 0
    listed = {r.id: r.plan_kind for r in call(templates.template_list, admin)}
    assert listed[tid] == "staff" and listed[ids["learner"]] == "learner"
