"""The year-end showcase: composed by the plan's owner, shown only as chosen, shared on purpose."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from ilp_app import routes
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.domain.evidence import MSG_NOT_APPROVED
from ilp_app.services.evidence import evidence, showcase, storage
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.settings import get_settings
from tests.support.services import call, token_for


@pytest.fixture(autouse=True)
def evidence_folder(tmp_path, monkeypatch):
    settings = dataclasses.replace(get_settings(), evidence_dir=str(tmp_path / "evidence"))
    monkeypatch.setattr(storage, "get_settings", lambda: settings)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def plan(school, actors):
    mentor, learner = actors["mentor"], actors["learner"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goals = [
        call(
            plan_edit.goal_add,
            mentor,
            focus_area_id=area,
            statement=statement,
            success_criteria="",
            target_date="",
            objective_ids=[],
        )
        for statement in ("Speak up in class", "Read more books")
    ]
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    for goal_id, body in zip(goals, ("I asked two questions", "SECRET diary line"), strict=True):
        call(plan_activity.reflection_add, learner, goal_id=goal_id, body=body)
    view = call(plan_read.plan_view, learner, plan_id=plan_id)
    reflections = [g.reflections[0].id for a in view.focus_areas for g in a.goals]
    approved = call(
        evidence.evidence_add_file,
        learner,
        plan_id=plan_id,
        target=f"g{goals[0]}",
        title="Poster",
        data=png(),
    )
    call(evidence.evidence_approve, mentor, evidence_id=approved)
    pending = call(
        evidence.evidence_add_link,
        learner,
        plan_id=plan_id,
        target=f"g{goals[0]}",
        title="Pending video",
        url="https://example.org/v",
    )
    return {
        "plan_id": plan_id,
        "goals": goals,
        "reflections": reflections,
        "approved": approved,
        "pending": pending,
    }


def toggle(actor, plan, part, ref_id):
    return call(showcase.showcase_toggle, actor, plan_id=plan["plan_id"], part=part, ref_id=ref_id)


def test_the_owner_composes_and_only_the_chosen_parts_are_shown(actors, plan):
    learner = actors["learner"]
    toggle(learner, plan, "reflection", plan["reflections"][0])  # brings its goal along
    toggle(learner, plan, "evidence", plan["approved"])
    view = call(showcase.showcase_view, actors["mentor"], plan_id=plan["plan_id"])
    (slide,) = view.slides
    assert slide.statement == "Speak up in class"
    assert slide.reflections == ["I asked two questions"]
    assert [e.title for e in slide.evidence] == ["Poster"]
    assert "SECRET" not in repr(view)
    assert view.choices == []  # only the owner gets the composer


def test_pending_evidence_cannot_go_in_the_showcase(actors, plan):
    with pytest.raises(ValidationFailed, match=MSG_NOT_APPROVED):
        toggle(actors["learner"], plan, "evidence", plan["pending"])


def test_slides_are_reordered_by_the_owner(actors, plan):
    learner = actors["learner"]
    for goal_id in plan["goals"]:
        toggle(learner, plan, "goal", goal_id)
    call(
        showcase.showcase_move,
        learner,
        plan_id=plan["plan_id"],
        goal_id=plan["goals"][1],
        direction="up",
    )
    view = call(showcase.showcase_view, learner, plan_id=plan["plan_id"])
    assert [s.statement for s in view.slides] == ["Read more books", "Speak up in class"]


@pytest.mark.parametrize("who", ["mentor", "parent", "teacher", "learner2", "admin"])
def test_only_the_owner_composes(actors, plan, who):
    with pytest.raises(PermissionDenied):
        toggle(actors[who], plan, "goal", plan["goals"][0])


def test_the_family_sees_it_only_once_shared(engine, school, actors, plan, client):
    learner, parent = actors["learner"], actors["parent"]
    toggle(learner, plan, "evidence", plan["approved"])
    with pytest.raises(PermissionDenied, match=showcase.MSG_NOT_SHARED):
        call(showcase.showcase_view, parent, plan_id=plan["plan_id"])
    path = routes.url_for(routes.API_SHOWCASE_PDF, plan_id=plan["plan_id"])
    client.cookies.set(routes.SESSION_COOKIE, token_for(engine, school.id("parent"), "parent"))
    assert client.get(path).status_code == 403
    call(
        showcase.showcase_save,
        learner,
        plan_id=plan["plan_id"],
        closing_reflection="I grew braver this year.",
        shared=True,
    )
    assert call(showcase.showcase_view, parent, plan_id=plan["plan_id"]).slides
    with pytest.raises(PermissionDenied) as other_family:
        call(showcase.showcase_view, actors["parent2"], plan_id=plan["plan_id"])
    assert str(other_family.value) != showcase.MSG_NOT_SHARED  # tells them nothing
    response = client.get(path)
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Speak up in class" in text and "I grew braver this year." in text
    assert "SECRET" not in text and "Pending video" not in text
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert sum(len(page.images) for page in pages) == 1  # the approved photo, on its slide


def test_a_forged_save_changes_nothing(actors, plan):
    with pytest.raises(ValidationFailed):
        call(
            showcase.showcase_save,
            actors["learner"],
            plan_id=plan["plan_id"],
            closing_reflection="x" * 5000,
            shared=True,
        )
    with pytest.raises(PermissionDenied):
        call(showcase.showcase_view, actors["parent"], plan_id=plan["plan_id"])


@pytest.mark.parametrize(
    ("part", "ref_id"),
    [("bogus", 1), ("goal", "abc"), ("goal", 999), ("reflection", {"id": 1}), (None, 1)],
)
def test_forged_choices_get_a_message_and_change_nothing(actors, plan, part, ref_id):
    with pytest.raises(ValidationFailed):
        toggle(actors["learner"], plan, part, ref_id)
    assert call(showcase.showcase_view, actors["learner"], plan_id=plan["plan_id"]).slides == []


def test_a_goal_of_another_plan_cannot_be_chosen(school, actors, plan):
    mentor2 = actors["mentor2"]
    other = call(plan_edit.plan_create, mentor2, learner_id=school.id("learner2"))
    area = call(plan_read.plan_view, mentor2, plan_id=other).focus_areas[0].id
    foreign = call(
        plan_edit.goal_add,
        mentor2,
        focus_area_id=area,
        statement="Foreign goal",
        success_criteria="",
        target_date="",
        objective_ids=[],
    )
    with pytest.raises(ValidationFailed):
        toggle(actors["learner"], plan, "goal", foreign)
