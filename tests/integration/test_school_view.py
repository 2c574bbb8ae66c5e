"""The school's view: figures from aggregate queries, checked against a small school counted by hand."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from ilp_app.db.models import (
    Enrollment,
    Group,
    Plan,
    PlanAcknowledgement,
    PlanLogEntry,
    Review,
)
from ilp_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.school import school_view as svc
from ilp_app.state.school_view import SchoolViewState
from ilp_app.web.files import school_view_csv_response
from tests.support.school import build_school, person_elsewhere
from tests.support.services import audit, call, load_actors, signed_in, token_for

NOW = datetime.now(UTC)


@pytest.fixture
def school(session):
    """9C (year 9, tutor): learner, l0, l1, l2 (mentor); 8A (year 8): learner2 (mentor2).

    learner: active plan v2, a parent signed v1 only, posted 10 days ago, reviewed 30 days ago.
    l0: active plan v1 signed by a parent, never active on it.
    l1: a draft plan. l2: no plan this period (an active one last period).
    learner2: active plan v1 signed, last posted 40 days ago, last reviewed 200 days ago.
    """
    s = build_school(session, learners=3)
    nine = session.exec(select(Group)).one()
    nine.kind, nine.year_label = "tutor", "9"
    eight = Group(site_id=s.site.id, name="8A", kind="tutor", year_label="8")
    session.add_all([nine, eight])
    session.flush()
    session.add(Enrollment(group_id=eight.id, user_id=s.id("learner2"), role="learner"))

    def plan(name, status, version=1, period=s.period):
        p = Plan(
            site_id=s.site.id,
            learner_id=s.id(name),
            period_id=period.id,
            status=status,
            version=version,
        )
        session.add(p)
        session.flush()
        return p

    def signed(p, version, who):
        session.add(
            PlanAcknowledgement(plan_id=p.id, version=version, user_id=s.id(who), role="parent")
        )

    def posted(p, name, days):
        session.add(
            PlanLogEntry(
                plan_id=p.id, author_id=s.id(name), body="hi", created_at=NOW - timedelta(days)
            )
        )

    def reviewed(name, days):
        session.add(
            Review(
                site_id=s.site.id,
                learner_id=s.id(name),
                starts_at=NOW - timedelta(days),
                status="held",
                held_at=NOW - timedelta(days),
                created_by_id=s.id("mentor"),
            )
        )

    mine = plan("learner", "active", version=2)
    signed(mine, 1, "parent")
    posted(mine, "learner", 10)
    reviewed("learner", 30)
    l0 = plan("l0", "active")
    signed(l0, 1, "parent")
    posted(l0, "mentor", 1)  # the mentor's post is not the learner's activity
    plan("l1", "draft")
    plan("l2", "active", period=s.past_period)
    other = plan("learner2", "active")
    signed(other, 1, "parent2")
    posted(other, "learner2", 40)
    reviewed("learner2", 200)
    # Another school's learner never counts here.
    elsewhere = person_elsewhere(session, Role.LEARNER, email="x@x.school", full_name="X")
    theirs = Group(site_id=elsewhere.site_id, name="9C", kind="tutor", year_label="9")
    session.add(theirs)
    session.flush()
    session.add(Enrollment(group_id=theirs.id, user_id=elsewhere.id, role="learner"))
    s.nine, s.eight = nine.id, eight.id
    session.commit()
    return s


@pytest.fixture
def actors(session, school):
    return load_actors(session, school, ("admin", "mentor", "teacher", "parent", "learner"))


def test_the_figures_match_the_school_counted_by_hand(school, actors):
    f = call(svc.school_figures, actors["admin"])
    assert [(g.group, g.year, g.learners, g.with_active_plan, g.percent) for g in f.groups] == [
        ("8A", "8", 1, 1, 100),
        ("9C", "9", 4, 2, 50),
    ]
    assert f.drafts == 1
    assert [(m.mentor, m.overdue) for m in f.overdue] == [
        ("Mentor Person", 3),
        ("Mentor2 Person", 1),
    ]
    assert f.unacknowledged == 1
    assert f.quiet == 2
    assert f.period_name == "Current"


def _names(rows):
    return [r.name for r in rows]


def test_every_figure_opens_the_list_behind_it(school, actors):
    admin = actors["admin"]
    group = call(svc.school_list, admin, kind="group", key=school.nine)
    assert [(r.name, r.detail) for r in group] == [
        ("L0 Person", "Active plan"),
        ("L1 Person", "No active plan"),
        ("L2 Person", "No active plan"),
        ("Learner Person", "Active plan"),
    ]
    assert _names(call(svc.school_list, admin, kind="drafts")) == ["L1 Person"]
    assert _names(call(svc.school_list, admin, kind="unacknowledged")) == ["Learner Person"]
    assert _names(call(svc.school_list, admin, kind="quiet")) == ["L0 Person", "Learner2 Person"]
    overdue = call(svc.school_list, admin, kind="overdue", key=school.id("mentor"))
    assert _names(overdue) == ["L0 Person", "L1 Person", "L2 Person"]


@pytest.mark.parametrize(
    ("kind", "key"), [("plans", None), ({"kind": "group"}, None), ("group", "x"), ("overdue", None)]
)
def test_a_forged_figure_gets_a_message(school, actors, kind, key):
    with pytest.raises(ValidationFailed):
        call(svc.school_list, actors["admin"], kind=kind, key=key)


def test_another_schools_group_lists_nobody(school, actors, session):
    other = person_elsewhere(session, Role.ADMINISTRATOR, email="o@o.school", full_name="O")
    theirs = Group(site_id=other.site_id, name="T1", kind="tutor")
    session.add(theirs)
    session.flush()
    session.add(Enrollment(group_id=theirs.id, user_id=other.id, role="learner"))
    session.commit()
    assert call(svc.school_list, actors["admin"], kind="group", key=theirs.id) == []


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner", "anonymous"])
def test_only_administrators_see_the_school_view(engine, school, actors, who):
    expected = NotSignedIn if who == "anonymous" else PermissionDenied
    with pytest.raises(expected):
        call(svc.school_figures, actors[who])
    with pytest.raises(expected):
        call(svc.school_list, actors[who], kind="drafts")
    with pytest.raises(expected):
        call(svc.school_view_csv, actors[who])
    assert len(audit(engine, action="school.view", outcome="denied")) == 3


def test_the_csv_holds_every_figure_and_no_cell_runs_as_a_formula(engine, school, actors, session):
    mentor = school.people["mentor"]
    mentor.full_name = '=HYPERLINK("http://x")'
    session.add(mentor)
    session.commit()
    name, text = call(svc.school_view_csv, actors["admin"])
    assert name.startswith("school-view-") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Figure", "Year", "Group or mentor", "Count", "Of", "Percent"]
    assert ["Learners with an active plan", "9", "9C", "2", "4", "50"] in rows
    assert ["Plans still in draft", "", "", "1", "", ""] in rows
    assert ["Reviews overdue (6 months)", "", '\'=HYPERLINK("http://x")', "3", "", ""] in rows
    assert ["Plan versions not acknowledged by families", "", "", "1", "", ""] in rows
    assert ["Learners with no activity for 28 days", "", "", "2", "", ""] in rows
    assert audit(engine, action="school.view_export")


def test_the_csv_download_is_for_signed_in_administrators_only(engine, school, session):
    token = {
        name: token_for(engine, school.id(name), role)
        for name, role in (("admin", "administrator"), ("mentor", "mentor"))
    }
    assert school_view_csv_response(None, None).status_code == 401
    assert school_view_csv_response("forged-token", None).status_code == 401
    assert school_view_csv_response(token["mentor"], None).status_code == 403
    ok = school_view_csv_response(token["admin"], None)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/csv")
    assert ok.body.decode("utf-8").startswith("\ufeffFigure,")
    assert "no-store" in ok.headers["cache-control"]


async def test_the_page_opens_a_figures_list_and_refuses_a_forged_one(engine, school):
    state = await signed_in(SchoolViewState, engine, school.id("admin"), "administrator")
    await state.load()
    assert [g["count"] for g in state.groups] == ["1 of 1", "2 of 4"]
    await state.open_list("drafts", "")
    assert [r["name"] for r in state.list_rows] == ["L1 Person"]
    assert state.list_title == "Plans still in draft"
    await state.open_list("group", str(school.nine))
    assert state.list_title == "Learners of 9C" and len(state.list_rows) == 4
    await state.open_list("drafts", "")
    for kind, key in (("passwords", ""), ({"kind": 1}, ""), ("group", "9C; --")):
        assert await state.open_list(kind, key) is not None  # a message
    assert [r["name"] for r in state.list_rows] == ["L1 Person"]  # unchanged


async def test_a_mentor_on_the_school_view_gets_nothing(engine, school):
    state = await signed_in(SchoolViewState, engine, school.id("mentor"), "mentor")
    assert await state.load()  # sent away with a message
    assert await state.open_list("drafts", "")
    assert state.groups == [] and state.list_rows == [] and state.drafts == 0
