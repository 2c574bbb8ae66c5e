"""The group report as CSV: the right rows for the right people, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from ilp_app.db.models import Group, User
from ilp_app.domain.errors import PermissionDenied
from ilp_app.services.access import auth
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.reports import reports
from ilp_app.services.uow import unit_of_work
from ilp_app.web.files import csv_response
from tests.support.school import build_school
from tests.support.services import call


@pytest.fixture
def setup(session):
    school = build_school(session, learners=2)
    learner = session.get(User, school.id("learner"))
    learner.full_name, learner.preferred_name = "Åsa Ødegård", '=HYPERLINK("x")'
    group_id = session.exec(select(Group.id).where(Group.name == "9C")).one()
    actors = {name: school.actor(session, name) for name in school.people}
    session.commit()
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more books")
    call(plan_edit.task_add, mentor, goal_id=goal, title="Read aloud at home")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return school, actors, group_id


def test_the_teacher_exports_one_row_per_learner(setup):
    _, actors, group_id = setup
    filename, text = call(reports.group_report_csv, actors["teacher"], group_id=group_id)
    rows = list(csv.reader(io.StringIO(text)))
    assert filename == "group-9C-report.csv"
    assert rows[0][:3] == ["Learner", "Plan", "Completed"]
    assert len(rows) == 1 + 3
    with_plan = next(r for r in rows[1:] if r[1] == "Active")
    assert with_plan[5] == "1" and with_plan[2] == "0"


def test_a_cell_that_looks_like_a_formula_is_escaped(setup):
    _, actors, group_id = setup
    _, text = call(reports.group_report_csv, actors["teacher"], group_id=group_id)
    names = [r[0] for r in csv.reader(io.StringIO(text))][1:]
    assert '\'=HYPERLINK("x")' in names and not any(n.startswith("=") for n in names)


@pytest.mark.parametrize("who", ["parent", "learner", "mentor2", "parent2"])
def test_families_and_other_staff_cannot_export_the_group(setup, who):
    _, actors, group_id = setup
    with pytest.raises(PermissionDenied):
        call(reports.group_report_csv, actors[who], group_id=group_id)


def test_the_download_checks_the_session(setup, session):
    school, _, group_id = setup
    teacher = session.get(User, school.id("teacher"))
    from ilp_app import security

    teacher.password_hash = security.password_hash("a long enough password")
    session.commit()
    with unit_of_work() as s:
        token = auth.sign_in(
            session=s, email="teacher@test.school", password="a long enough password"
        ).token
    assert csv_response(None, group_id).status_code == 401
    assert csv_response("not-a-token", group_id).status_code == 401
    assert csv_response(token, 999999).status_code in (403, 404)
    ok = csv_response(token, group_id)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/csv")
    assert ok.body.decode("utf-8").startswith("\ufeffLearner,")
    assert "no-store" in ok.headers["cache-control"]
