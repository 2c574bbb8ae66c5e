"""Rules that assign plans, through the services, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import (
    AssignmentRule,
    Enrollment,
    Goal,
    Group,
    LearnerContextItem,
    MentorAssignment,
    Plan,
    PlanFocusArea,
    PlanTemplate,
    RoleGrant,
    Task,
    TemplateItem,
    User,
)
from ilp_app.domain.assignment_rules import REASON_HAS_PLAN, REASON_NO_MENTOR
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.school import assignment_rule_runs as runs
from ilp_app.services.school import assignment_rules as svc
from ilp_app.services.templates import template_apply
from ilp_app.state.admin_rules import AdminRulesState, run_rules_after_import
from tests.support.school import build_school, person_elsewhere
from tests.support.services import audit, call, count, load_actors, rows, signed_in


def _template(session: Session, site_id: int, name: str, *, archived: bool = False) -> int:
    template = PlanTemplate(site_id=site_id, name=name, archived=archived)
    session.add(template)
    session.flush()
    area = TemplateItem(template_id=template.id, kind="area", text="Career")
    session.add(area)
    session.flush()
    goal = TemplateItem(
        template_id=template.id, parent_id=area.id, kind="goal", text="Choose a programme"
    )
    session.add(goal)
    session.flush()
    session.add(
        TemplateItem(template_id=template.id, parent_id=goal.id, kind="task", text="Visit a fair")
    )
    session.flush()
    return template.id


@pytest.fixture
def school(session):
    """9C (year 9) holds the learner and l0..l3, all mentored; learner2 is in 8A (year 8) with
    support needs; "loner" is in 9C with no mentor."""
    school = build_school(session, learners=4)
    nine = session.exec(select(Group)).one()
    nine.kind, nine.year_label = "tutor", "9"
    eight = Group(site_id=school.site.id, name="8A", kind="tutor", year_label="8")
    session.add_all([nine, eight])
    session.flush()
    loner = User(site_id=school.site.id, email="loner@test.school", full_name="Loner Person")
    session.add(loner)
    session.flush()
    session.add(RoleGrant(user_id=loner.id, role=Role.LEARNER.value))
    session.add(Enrollment(group_id=nine.id, user_id=loner.id, role="learner"))
    session.add(Enrollment(group_id=eight.id, user_id=school.people["learner2"].id, role="learner"))
    session.add(
        LearnerContextItem(
            learner_id=school.people["learner2"].id, kind="support_needs", value="Dyslexia"
        )
    )
    school.people["loner"] = loner
    school.nine, school.eight = nine.id, eight.id
    school.template = _template(session, school.site.id, "Year 9 planning")
    school.support = _template(session, school.site.id, "Support plan")
    school.archived = _template(session, school.site.id, "Old", archived=True)
    session.commit()
    return school


@pytest.fixture
def actors(session, school):
    return load_actors(session, school, ("admin", "mentor", "teacher", "parent", "learner"))


def _rule(actors, school, **fields) -> int:
    form = {"name": "Year 9", "template_id": str(school.template), "status": "active"} | fields
    return call(svc.rule_save, actors["admin"], form=form)


YEAR9 = {"year_label": "9"}
NINE_WITH_MENTOR = {"Learner Person", "L0 Person", "L1 Person", "L2 Person", "L3 Person"}


def test_preview_lists_who_would_get_a_plan_and_why_and_writes_nothing(engine, school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    preview = call(runs.rule_preview, actors["admin"], rule_id=rule_id)
    assert {r.name for r in preview.assign} == NINE_WITH_MENTOR
    assert {r.reason for r in preview.assign} == {"In year 9"}
    assert [(r.name, r.reason) for r in preview.skip] == [("Loner Person", REASON_NO_MENTOR)]
    assert preview.template_name == "Year 9 planning"
    assert count(engine, Plan) == 0


def test_applying_makes_draft_plans_that_name_their_rule(engine, school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    run = call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert {r.name for r in run.created} == NINE_WITH_MENTOR
    plans = rows(engine, Plan)
    assert {p.rule_id for p in plans} == {rule_id}
    assert {p.status for p in plans} == {"draft"}
    assert {p.period_id for p in plans} == {school.period.id}
    assert {p.template_id for p in plans} == {school.template}
    # The template's structure was copied into each plan.
    assert count(engine, PlanFocusArea) == count(engine, Goal) == count(engine, Task) == 5
    # The learner's mentor may now work on it: it is an ordinary plan of their mentee.
    mine = next(p for p in plans if p.learner_id == school.id("learner"))
    assert call(plan_read.plan_view, actors["mentor"], plan_id=mine.id).id == mine.id
    assert audit(engine, action="rule.apply")[-1].detail.startswith('{"created": 5')


def test_applying_twice_changes_nothing(engine, school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    before = [(p.id, p.learner_id, p.version, p.updated_at) for p in rows(engine, Plan)]
    areas = count(engine, PlanFocusArea)
    again = call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert again.created == []
    assert again.skipped == 6  # five with a plan now, and the learner with no mentor
    assert [(p.id, p.learner_id, p.version, p.updated_at) for p in rows(engine, Plan)] == before
    assert count(engine, PlanFocusArea) == areas


def test_a_rule_never_touches_an_existing_plan(engine, school, actors):
    own = call(plan_edit.plan_create, actors["mentor"], learner_id=school.id("learner"))
    (before,) = rows(engine, Plan, Plan.id == own)
    rule_id = _rule(actors, school, **YEAR9)
    preview = call(runs.rule_preview, actors["admin"], rule_id=rule_id)
    assert ("Learner Person", REASON_HAS_PLAN.format(period="Current")) in {
        (r.name, r.reason) for r in preview.skip
    }
    run = call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert "Learner Person" not in {r.name for r in run.created}
    (after,) = rows(engine, Plan, Plan.id == own)
    assert after.model_dump() == before.model_dump()
    assert count(engine, Plan, Plan.learner_id == school.id("learner")) == 1


def test_a_context_rule_reaches_only_learners_whose_context_lists_it(engine, school, actors):
    rule_id = _rule(
        actors,
        school,
        name="Support",
        template_id=str(school.support),
        context_kind="support_needs",
    )
    run = call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert [r.learner_id for r in run.created] == [school.id("learner2")]
    assert run.created[0].reason == "Context lists support or additional needs"


def test_a_group_rule_reaches_only_its_members(school, actors):
    rule_id = _rule(actors, school, group_id=str(school.eight))
    preview = call(runs.rule_preview, actors["admin"], rule_id=rule_id)
    assert [(r.name, r.reason) for r in preview.assign] == [("Learner2 Person", "In 8A")]


def test_a_draft_rule_is_previewed_but_not_applied(engine, school, actors):
    rule_id = _rule(actors, school, status="draft", **YEAR9)
    assert len(call(runs.rule_preview, actors["admin"], rule_id=rule_id).assign) == 5
    with pytest.raises(ValidationFailed, match=runs.MSG_NOT_ACTIVE):
        call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert count(engine, Plan) == 0


def test_active_rules_run_again_for_learners_who_arrived_since(engine, school, actors, session):
    _rule(actors, school, **YEAR9)
    _rule(actors, school, status="draft", name="Everyone")  # drafts never run by themselves
    first = call(runs.rules_apply_active, actors["admin"])
    assert len(first.created) == 5
    # A roster import brings a new year 9 learner with a mentor.
    new = User(site_id=school.site.id, email="new@test.school", full_name="New Person")
    session.add(new)
    session.flush()
    session.add(RoleGrant(user_id=new.id, role=Role.LEARNER.value))
    session.add(Enrollment(group_id=school.nine, user_id=new.id, role="learner"))
    session.add(MentorAssignment(mentor_id=school.id("mentor"), learner_id=new.id))
    session.commit()
    second = call(runs.rules_apply_active, actors["admin"])
    assert [r.learner_id for r in second.created] == [new.id]
    assert count(engine, Plan) == 6


def test_a_learner_two_rules_reach_gets_one_plan_from_the_older_rule(engine, school, actors):
    older = _rule(actors, school, **YEAR9)
    _rule(actors, school, name="All", template_id=str(school.support))
    call(runs.rules_apply_active, actors["admin"])
    plans = rows(engine, Plan, Plan.learner_id == school.id("learner"))
    assert [p.rule_id for p in plans] == [older]


def test_applying_is_all_or_nothing(engine, school, actors, monkeypatch):
    rule_id = _rule(actors, school, **YEAR9)
    calls = []

    def failing(session, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return template_apply.copy_add(session, **kwargs)

    monkeypatch.setattr(runs, "copy_add", failing)
    with pytest.raises(RuntimeError):
        call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert count(engine, Plan) == 0


def test_progress_is_reported_per_plan(school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    seen = []
    call(
        runs.rule_apply, actors["admin"], rule_id=rule_id, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner", "anonymous"])
def test_only_administrators_write_preview_or_apply_rules(engine, school, actors, who):
    rule_id = _rule(actors, school, **YEAR9)
    expected = NotSignedIn if who == "anonymous" else PermissionDenied
    form = {"name": "Mine", "template_id": str(school.template)}
    for fn, kwargs in (
        (svc.rule_save, {"form": form}),
        (runs.rule_preview, {"rule_id": rule_id}),
        (runs.rule_apply, {"rule_id": rule_id}),
        (runs.rules_apply_active, {}),
        (svc.rule_list, {}),
    ):
        with pytest.raises(expected):
            call(fn, actors[who], **kwargs)
    assert count(engine, Plan) == 0
    assert count(engine, AssignmentRule) == 1
    assert len(audit(engine, action="rule.manage", outcome="denied")) == 5


def test_another_schools_rule_template_or_group_is_refused(engine, school, actors, session):
    other = person_elsewhere(session, Role.ADMINISTRATOR, email="o@x.school", full_name="O")
    foreign_template = _template(session, other.site_id, "Theirs")
    foreign_group = Group(site_id=other.site_id, name="X1")
    session.add(foreign_group)
    session.flush()
    foreign_rule = AssignmentRule(
        site_id=other.site_id, name="Theirs", template_id=foreign_template, status="active"
    )
    session.add(foreign_rule)
    session.commit()
    admin = actors["admin"]
    with pytest.raises(ValidationFailed, match=svc.MSG_TEMPLATE_CHOICE):
        _rule(actors, school, template_id=str(foreign_template))
    with pytest.raises(ValidationFailed, match=svc.MSG_GROUP_CHOICE):
        _rule(actors, school, group_id=str(foreign_group.id))
    for fn in (runs.rule_preview, runs.rule_apply):
        with pytest.raises(NotFound):
            call(fn, admin, rule_id=foreign_rule.id)
    with pytest.raises(NotFound):
        call(
            svc.rule_save,
            admin,
            rule_id=foreign_rule.id,
            form={"name": "Mine", "template_id": str(school.template)},
        )
    assert count(engine, AssignmentRule) == 1
    assert count(engine, Plan) == 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"template_id": str(10**6)}, svc.MSG_TEMPLATE_CHOICE),
        ({"template_id": "archived"}, svc.MSG_TEMPLATE_CHOICE),
        ({"template_id": {"id": 1}}, "form"),
        ({"name": "x" * 121}, "at most 120"),
        ({"name": "  "}, "Name"),
        ({"status": "running"}, "draft or active"),
        ({"context_kind": "diagnosis"}, "context"),
        ({"group_id": "-1"}, svc.MSG_GROUP_CHOICE),
        ({"year_label": "9" * 51}, "at most 50"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(engine, school, actors, form, message):
    if form.get("template_id") == "archived":
        form = {"template_id": str(school.archived)}
    with pytest.raises(ValidationFailed, match=message):
        _rule(actors, school, **form)
    assert count(engine, AssignmentRule) == 0


def test_a_forged_form_is_refused(engine, school, actors):
    for forged in (None, "name=x", ["name"], {1: "x"}):
        with pytest.raises(ValidationFailed):
            call(svc.rule_save, actors["admin"], form=forged)
    assert count(engine, AssignmentRule) == 0


def test_the_rule_list_counts_the_plans_each_rule_made(school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    (row,) = call(svc.rule_list, actors["admin"])
    assert (row.name, row.status, row.template_name, row.condition, row.plans_made) == (
        "Year 9",
        "active",
        "Year 9 planning",
        "in year 9",
        5,
    )


def test_a_rule_whose_template_was_archived_does_not_run(engine, school, actors, session):
    rule_id = _rule(actors, school, **YEAR9)
    template = session.get(PlanTemplate, school.template)
    template.archived = True
    session.add(template)
    session.commit()
    with pytest.raises(ValidationFailed, match=svc.MSG_TEMPLATE_CHOICE):
        call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    assert call(runs.rules_apply_active, actors["admin"]).created == []
    assert count(engine, Plan) == 0
    assert audit(engine, action="rule.apply", outcome="failed")


def test_a_roster_import_runs_the_active_rules_afterwards(engine, school, actors):
    _rule(actors, school, **YEAR9)
    run_rules_after_import(actors["admin"], "")
    assert count(engine, Plan, Plan.rule_id.is_not(None)) == 5


def test_rules_that_cannot_run_after_an_import_leave_the_import_standing(engine, school, actors):
    _rule(actors, school, **YEAR9)
    # Only the mentor's refusal is possible here: the hook must not raise into the import.
    run_rules_after_import(actors["mentor"], "")
    assert count(engine, Plan) == 0


async def _run(state, handler: str, *args) -> list:
    """Run a background event handler to its end (Reflex refuses a direct call of one)."""
    fn = type(state).event_handlers[handler].fn
    return [event async for event in fn(state, *args)]


async def test_the_page_applies_only_the_rule_it_previewed(engine, school, actors):
    draft = _rule(actors, school, status="draft", name="Draft", **YEAR9)
    shown = _rule(actors, school, name="Support", context_kind="support_needs")
    state = await signed_in(AdminRulesState, engine, school.id("admin"), "administrator")
    await state.load()
    assert [r.name for r in state.rules] == ["Draft", "Support"]
    await state.preview(shown)
    assert [r["name"] for r in state.preview_assign] == ["Learner2 Person"]
    assert count(engine, Plan) == 0
    await _run(state, "apply_preview")
    assert state.result.startswith("Made 1 draft plan")
    assert [p.rule_id for p in rows(engine, Plan)] == [shown]
    # Previewing the draft and applying it is refused with the reason; nothing is made.
    await state.preview(draft)
    events = await _run(state, "apply_preview")
    assert events and count(engine, Plan) == 1


async def test_apply_without_a_preview_does_nothing(engine, school, actors):
    _rule(actors, school, **YEAR9)
    state = await signed_in(AdminRulesState, engine, school.id("admin"), "administrator")
    await state.load()
    assert await _run(state, "apply_preview") == []
    assert count(engine, Plan) == 0


@pytest.mark.parametrize("forged", ["1 OR 1=1", {"id": 1}, -1, 10**6, None])
async def test_a_forged_rule_id_previews_nothing(engine, school, actors, forged):
    _rule(actors, school, **YEAR9)
    state = await signed_in(AdminRulesState, engine, school.id("admin"), "administrator")
    await state.load()
    assert await state.preview(forged) is not None  # a message
    assert state.preview_assign == [] and state._preview_rule == 0


async def test_a_mentor_sending_the_rules_pages_events_is_refused_and_audited(
    engine, school, actors
):
    rule_id = _rule(actors, school, **YEAR9)
    state = await signed_in(AdminRulesState, engine, school.id("mentor"), "mentor")
    for event in (
        state.load(),
        state.preview(rule_id),
        state.open_edit(rule_id),
    ):
        assert await event  # sent away with a message
    state.dialog = "add"  # as if the form were open: the server still refuses it
    await state.submit_rule({"name": "Mine", "template_id": str(school.template)})
    state._preview_rule = rule_id  # as if a preview were on show
    await _run(state, "apply_preview")
    assert count(engine, Plan) == 0
    assert count(engine, AssignmentRule) == 1
    assert state.rules == [] and state.preview_assign == []
    assert len(audit(engine, action="rule.manage", outcome="denied")) >= 4


def test_a_plan_made_by_a_rule_names_the_rule_to_staff_only(engine, school, actors):
    rule_id = _rule(actors, school, **YEAR9)
    call(runs.rule_apply, actors["admin"], rule_id=rule_id)
    (plan,) = rows(engine, Plan, Plan.learner_id == school.id("learner"))
    assert call(plan_read.plan_view, actors["mentor"], plan_id=plan.id).made_by_rule == "Year 9"
    assert call(plan_read.plan_view, actors["admin"], plan_id=plan.id).made_by_rule == "Year 9"
    call(plan_edit.plan_activate, actors["mentor"], plan_id=plan.id)
    assert call(plan_read.plan_view, actors["parent"], plan_id=plan.id).made_by_rule == ""
    assert call(plan_read.plan_view, actors["learner"], plan_id=plan.id).made_by_rule == ""


async def test_the_rule_form_explains_bad_input_and_saves_a_good_rule(engine, school):
    state = await signed_in(AdminRulesState, engine, school.id("admin"), "administrator")
    await state.load()
    assert {t["label"] for t in state.templates} == {"Year 9 planning", "Support plan"}
    assert state.years == ["8", "9"]
    state.open_add()
    form = {"name": "Nines", "template_id": str(school.archived), "year_label": "9"}
    await state.submit_rule(form)
    assert state.dialog == "add" and state.dialog_error == svc.MSG_TEMPLATE_CHOICE
    assert count(engine, AssignmentRule) == 0
    await state.submit_rule(form | {"template_id": str(school.template)})
    assert state.dialog == "" and [r.name for r in state.rules] == ["Nines"]
    await state.open_edit(state.rules[0].id)
    assert state.dialog_values["year_label"] == "9"
    await state.submit_rule(form | {"template_id": str(school.template), "status": "active"})
    assert [(r.name, r.status) for r in state.rules] == [("Nines", "active")]
    assert count(engine, AssignmentRule) == 1


def test_importing_a_roster_runs_the_active_rules_afterwards(engine, school, actors):
    from ilp_app.state import admin_import
    from ilp_app.state.progress import Progress
    from tests.integration.test_roster_upload_after_sign_out import roster_zip

    _rule(actors, school, **YEAR9)
    report = admin_import._import(actors["admin"], roster_zip(), "roster.zip", "", Progress())
    assert report.status == "done"
    # The import itself made no plan; the rule, run after it, gave year 9 theirs.
    assert count(engine, Plan, Plan.rule_id.is_not(None)) == 5


def test_two_administrators_applying_a_rule_at_once_make_each_plan_once(engine, school, actors):
    from concurrent.futures import ThreadPoolExecutor

    rule_id = _rule(actors, school, **YEAR9)

    def apply_once(_):
        return len(call(runs.rule_apply, actors["admin"], rule_id=rule_id).created)

    with ThreadPoolExecutor(max_workers=2) as pool:
        made = sorted(pool.map(apply_once, range(2)))
    assert made == [0, 5]
    assert count(engine, Plan) == 5
