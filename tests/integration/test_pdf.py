"""Printed plans through the services: what reaches paper, for whom, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from ilp_app import security
from ilp_app.api import pdf_response
from ilp_app.db.models import AuthSession, Group, User
from ilp_app.domain.errors import PermissionDenied
from ilp_app.pdf.plan_pdf import SIGNATURE_ROLES, TASK_HEADINGS
from ilp_app.services import plan_activity, plan_edit, plan_read, printing
from ilp_app.services.uow import unit_of_work
from tests.support.school import build_school

UNICODE_NAMES = ("Nguyễn Thị Hồng", "Zofia Wąsowicz", "Sofía Cedeño")
STAFF_CANARY = "STAFF-CANARY-123"
PRIVATE_CANARY = "PRIVATE-CANARY-9"
FAMILY_NOTE = "FAMILY-NOTE-OK"


def call(fn, actor, **kwargs):
    with unit_of_work() as s:
        return fn(session=s, actor=actor, **kwargs)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces, so wrapped phrases still match."""
    return " ".join(text.split())


@pytest.fixture
def school(session):
    school = build_school(session)
    learner = school.people["learner"]
    learner.full_name, learner.preferred_name, learner.pronouns = "Åsa Ødegård", "Åsa", "she/her"
    session.add(learner)
    session.commit()
    return school


@pytest.fixture
def actors(session, school):
    loaded = {name: school.actor(session, name) for name in school.people}
    session.commit()
    return loaded


def _plan(school, actors, goals: list[tuple[str, list[str]]]) -> int:
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    for statement, tasks in goals:
        goal_id = call(plan_edit.goal_add, mentor, focus_area_id=area_id, statement=statement,
                       success_criteria="Shown to the mentor",
                       target_date=(school.period.ends_on - timedelta(days=5)).isoformat(),
                       objective_ids=[str(school.objectives[0].id)])
        for title in tasks:
            call(plan_edit.task_add, mentor, goal_id=goal_id, title=title)
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return plan_id


GOALS = [
    (f"Interview {UNICODE_NAMES[0]} about her work", ["Write five questions", "Record the interview"]),
    (f"Read the poems of {UNICODE_NAMES[1]}", ["Borrow the book from the library"]),
    (f"Present the story of {UNICODE_NAMES[2]} to the class", ["Make the slides", "Rehearse twice at home"]),
]


@pytest.fixture
def plan_id(school, actors):
    """An active plan with three goals, a reflection, and one note of each visibility."""
    plan_id = _plan(school, actors, GOALS)
    goal_id = call(plan_read.plan_view, actors["mentor"], plan_id=plan_id).focus_areas[0].goals[0].id
    call(plan_activity.reflection_add, actors["learner"], goal_id=goal_id, body="Asking good questions is hard")
    call(plan_activity.rating_add, actors["learner"], goal_id=goal_id, score=3)
    for body, visibility in ((STAFF_CANARY, "staff"), (PRIVATE_CANARY, "private"), (FAMILY_NOTE, "family")):
        call(plan_activity.note_add, actors["mentor"], plan_id=plan_id, body=body, visibility=visibility)
    return plan_id


@pytest.mark.parametrize("printer", ["mentor", "parent"])
def test_printed_plan_has_names_goals_tasks_and_signature_lines(actors, plan_id, printer):
    filename, data = call(printing.plan_pdf, actors[printer], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert filename == "plan-asa-current.pdf"
    assert "Åsa (she/her)" in text
    for name in UNICODE_NAMES:
        assert name in text
    for statement, tasks in GOALS:
        assert statement in text
        for title in tasks:
            assert title in text
    assert "Asking good questions is hard" in text
    assert "Self rating: 3/5" in text
    assert "NOR-8-03" in text
    for role in SIGNATURE_ROLES:
        assert role in text
    assert "Test School" in text and "Current" in text


@pytest.mark.parametrize("printer", ["mentor", "parent"])
def test_printed_plan_carries_family_notes_and_never_staff_or_private_ones(actors, plan_id, printer):
    on_screen = {n.body for n in call(plan_read.plan_view, actors[printer], plan_id=plan_id).notes}
    if printer == "mentor":  # the mentor sees all three on screen: the filter is the printer's own
        assert {STAFF_CANARY, PRIVATE_CANARY, FAMILY_NOTE} <= on_screen
    _, data = call(printing.plan_pdf, actors[printer], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert FAMILY_NOTE in text
    assert STAFF_CANARY not in text
    assert PRIVATE_CANARY not in text


def test_pronouns_are_left_out_when_not_given(session, school, actors, plan_id):
    learner = session.get(User, school.id("learner"))
    learner.pronouns = ""
    session.add(learner)
    session.commit()
    _, data = call(printing.plan_pdf, actors["mentor"], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert "Åsa" in text and "(she/her)" not in text and "()" not in text


def test_a_long_plan_runs_over_pages_with_numbers_and_repeated_task_headings(school, actors):
    many_goals = [(f"Goal number {i} with a statement long enough to wrap " + "and wrap " * 12,
                   [f"Task {i}-a", f"Task {i}-b"]) for i in range(40)]
    many_goals.append(("One goal with a long task list", [f"Long list item {j}" for j in range(90)]))
    plan_id = _plan(school, actors, many_goals)
    _, data = call(printing.plan_pdf, actors["mentor"], plan_id=plan_id)
    pages = pages_text(data)
    assert len(pages) > 2
    assert f"Page 2 of {len(pages)}" in pages[1]
    everything = flat("\n".join(pages))
    for statement, tasks in many_goals:
        assert flat(statement) in everything
        for title in tasks:
            assert title in everything
    heading = " ".join(TASK_HEADINGS)
    # The long list spans a page break: each page it continues on starts again with the headings.
    continued = [flat(p) for p in pages if "Long list item" in p]
    assert len(continued) >= 2
    for page in continued[1:]:
        assert heading in page
        assert page.index(heading) < page.index("Long list item")
    assert "Åsa" in pages[-1].split("\n")[0]  # the running header names the learner on every page


def test_parent_cannot_print_another_familys_plan(school, actors, plan_id):
    with pytest.raises(PermissionDenied):
        call(printing.plan_pdf, actors["parent2"], plan_id=plan_id)
    with pytest.raises(PermissionDenied):
        call(printing.plan_pdf, actors["mentor2"], plan_id=plan_id)


def test_group_print_has_each_current_plan_from_a_new_page(session, school, actors, plan_id):
    group_id = session.exec(select(Group.id)).first()
    session.commit()  # end the read before the service takes its own unit of work
    seen = []
    filename, data = call(printing.group_pdf, actors["teacher"], group_id=group_id,
                          progress=lambda done, total: seen.append((done, total)))
    pages = pages_text(data)
    assert filename == "plans-9c.pdf"
    assert pages[0].startswith("Test School · Current · Åsa")
    assert GOALS[0][0] in flat("\n".join(pages))
    assert STAFF_CANARY not in flat("\n".join(pages))
    assert seen and seen[-1][0] == seen[-1][1]
    with pytest.raises(PermissionDenied):
        call(printing.group_pdf, actors["parent"], group_id=group_id)


def _token(session, user_id: int, role: str) -> str:
    token = security.token_new()
    now = datetime.now(UTC)
    session.add(AuthSession(user_id=user_id, token_hash=security.token_digest(token), active_role=role,
                            created_at=now, last_seen_at=now))
    session.commit()
    return token


def test_pdf_download_answers_by_session(session, school, plan_id):
    ok = pdf_response(_token(session, school.id("parent"), "parent"), plan_id, "192.0.2.1")
    assert ok.status_code == 200
    assert ok.media_type == "application/pdf"
    assert ok.headers["content-disposition"] == 'attachment; filename="plan-asa-current.pdf"'
    assert ok.headers["cache-control"] == "no-store"
    assert FAMILY_NOTE in flat("\n".join(pages_text(ok.body)))

    assert pdf_response(None, plan_id).status_code == 401
    assert pdf_response("not-a-session", plan_id).status_code == 401
    other_parent = _token(session, school.id("parent2"), "parent")
    refused = pdf_response(other_parent, plan_id)
    assert refused.status_code == 403
    assert refused.body == b"You do not have access to that."
    assert pdf_response(other_parent, 999999).status_code == 404


def test_pdf_route_is_served_at_the_plan_pdf_path():
    from ilp_app import api

    (route,) = [r for r in api.routes() if r.name == "plan_pdf"]
    assert route.path == "/api/plans/{plan_id}.pdf"
    assert printing.plan_pdf_url(7) == "/api/plans/7.pdf"
    assert route.matches({"type": "http", "path": "/api/plans/7.pdf", "method": "GET"})[0].name == "FULL"
