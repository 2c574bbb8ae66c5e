"""The learner's data archive on SQLite and PostgreSQL: what each requester gets, and who is refused.

Notes and context items carry canary texts; an archive must never contain one its requester
may not see, anywhere in any file (history included).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ilp_app import routes
from ilp_app.db.models import (
    AuditEvent,
    LearnerContextItem,
    MentorAssignment,
    Plan,
    User,
)
from ilp_app.domain.errors import NotFound, PermissionDenied
from ilp_app.services.plans import lifecycle, plan_activity, plan_edit, plan_read
from ilp_app.services.privacy.learner_export import SCHEMA_VERSION, learner_export
from ilp_app.services.reviews import reviews
from tests.support.school import build_school
from tests.support.services import call, token_for

FAMILY_NOTE = "Family note: lovely progress this month"
STAFF_CANARY = "CANARY-staff-note-7f3a"
OWN_PRIVATE_CANARY = "CANARY-mentor-private-19bd"
OTHER_PRIVATE_CANARY = "CANARY-mentor2-private-c2e1"
STAFF_CONTEXT_CANARY = "CANARY-context-staff-55aa"
FAMILY_CONTEXT = "Loves astronomy"
ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z")
ALL_CANARIES = {STAFF_CANARY, OWN_PRIVATE_CANARY, OTHER_PRIVATE_CANARY, STAFF_CONTEXT_CANARY}


@pytest.fixture
def school(session):
    school = build_school(session)
    # A second mentor for the learner, whose private note the first mentor must not see.
    session.add(MentorAssignment(mentor_id=school.id("mentor2"), learner_id=school.id("learner")))
    learner = session.get(User, school.id("learner"))
    learner.full_name, learner.preferred_name, learner.pronouns = "Åsa Ødegård", "Åsa", "she/her"
    session.add(learner)
    session.commit()
    return school


@pytest.fixture
def learner_data(session, school, actors):
    """An active plan with a goal, task, rating, reflection, log, notes of every visibility, an
    acknowledgement, a review with a parent's comment, context items, and a draft for next period."""
    mentor, mentor2, learner, parent = (
        actors["mentor"],
        actors["mentor2"],
        actors["learner"],
        actors["parent"],
    )
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Read more books",
        success_criteria="Three books",
        target_date="",
        objective_ids=[str(school.objectives[0].id)],
    )
    task_id = call(plan_edit.task_add, mentor, goal_id=goal_id, title="Read aloud at home")
    call(
        plan_edit.link_add,
        mentor,
        task_id=task_id,
        title="Book list",
        url="https://www.gutenberg.org/",
    )
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    call(plan_activity.task_advance, learner, task_id=task_id, expected_status="not_started")
    call(plan_activity.rating_add, learner, goal_id=goal_id, score=4)
    call(plan_activity.reflection_add, learner, goal_id=goal_id, body="I read two chapters")
    call(plan_activity.log_post, parent, plan_id=plan_id, body="We read together on Sunday")
    call(plan_activity.note_add, mentor, plan_id=plan_id, body=FAMILY_NOTE, visibility="family")
    call(plan_activity.note_add, mentor, plan_id=plan_id, body=STAFF_CANARY, visibility="staff")
    call(
        plan_activity.note_add,
        mentor,
        plan_id=plan_id,
        body=OWN_PRIVATE_CANARY,
        visibility="private",
    )
    call(
        plan_activity.note_add,
        mentor2,
        plan_id=plan_id,
        body=OTHER_PRIVATE_CANARY,
        visibility="private",
    )
    call(lifecycle.plan_acknowledge, parent, plan_id=plan_id)
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    review_id = call(
        reviews.review_schedule,
        mentor,
        learner_id=school.id("learner"),
        starts_at=start,
        duration_minutes=30,
        location="Room 12",
        attendee_ids=[school.id("learner"), school.id("parent")],
    )
    call(reviews.review_comment_add, parent, review_id=review_id, body="Can we talk about reading?")
    with Session(session.get_bind()) as s:
        s.add(
            LearnerContextItem(
                learner_id=school.id("learner"),
                kind="support_needs",
                value=STAFF_CONTEXT_CANARY,
                visibility="staff",
            )
        )
        s.add(
            LearnerContextItem(
                learner_id=school.id("learner"),
                kind="other",
                label="Interests",
                value=FAMILY_CONTEXT,
                visibility="family",
            )
        )
        s.add(
            Plan(
                site_id=school.site.id,
                learner_id=school.id("learner"),
                period_id=school.next_period.id,
                status="draft",
            )
        )
        s.commit()
    return {"plan_id": plan_id}


def archive(actor, learner_id) -> dict[str, str]:
    data = call(learner_export, actor, learner_id=learner_id)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def plan_files(files: dict[str, str]) -> list[dict]:
    return [json.loads(text) for name, text in sorted(files.items()) if name.startswith("plans/")]


def test_parents_archive_has_family_notes_but_no_staff_or_private_canaries(
    school, actors, learner_data
):
    files = archive(actors["parent"], school.id("learner"))
    text = everything(files)
    assert FAMILY_NOTE in text and FAMILY_CONTEXT in text
    for canary in ALL_CANARIES:
        assert canary not in text
    (plan,) = plan_files(files)  # the draft for next period is not the family's yet
    assert [n["text"] for n in plan["notes"]] == [FAMILY_NOTE]
    assert any(FAMILY_NOTE in h["after"] for h in plan["history"])


def test_mentors_archive_has_staff_notes_but_never_another_mentors_private_note(
    school, actors, learner_data
):
    text = everything(archive(actors["mentor"], school.id("learner")))
    for expected in (
        FAMILY_NOTE,
        STAFF_CANARY,
        OWN_PRIVATE_CANARY,
        STAFF_CONTEXT_CANARY,
        FAMILY_CONTEXT,
    ):
        assert expected in text
    assert OTHER_PRIVATE_CANARY not in text


def test_learners_own_archive_and_administrators_archive_follow_note_visibility(
    school, actors, learner_data
):
    own = everything(archive(actors["learner"], school.id("learner")))
    assert FAMILY_NOTE in own and "I read two chapters" in own
    assert not any(canary in own for canary in ALL_CANARIES)
    admin = everything(archive(actors["admin"], school.id("learner")))
    assert STAFF_CANARY in admin and STAFF_CONTEXT_CANARY in admin
    assert OWN_PRIVATE_CANARY not in admin and OTHER_PRIVATE_CANARY not in admin


@pytest.mark.parametrize(
    ("who", "whom"),
    [
        ("parent2", "learner"),
        ("teacher", "learner"),
        ("learner2", "learner"),
        ("mentor", "learner2"),
    ],
)
def test_people_without_the_right_are_refused_and_audited(
    engine, school, actors, learner_data, who, whom
):
    actor, target = actors[who], school.id(whom)
    with pytest.raises(PermissionDenied):
        call(learner_export, actor, learner_id=target)
    with Session(engine) as s:
        denied = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "learner.export", AuditEvent.outcome == "denied"
            )
        ).all()
    assert [(e.actor_user_id, e.target_id) for e in denied] == [(actor.user_id, str(target))]


def test_an_export_is_audited_with_who_exported_whom(engine, school, actors, learner_data):
    archive(actors["parent"], school.id("learner"))
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "learner.export")).one()
    assert (event.actor_user_id, event.outcome, event.target_type, event.target_id) == (
        school.id("parent"),
        "ok",
        "learner",
        str(school.id("learner")),
    )
    assert "Åsa" not in event.detail


def test_archive_holds_the_documented_files_as_valid_json(school, actors, learner_data):
    files = archive(actors["mentor"], school.id("learner"))
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "ilp-learner-export"
    assert manifest["schema_version"] == SCHEMA_VERSION == 1
    assert manifest["requested_by"] == {"user_id": school.id("mentor"), "as": "mentor"}
    assert sorted(manifest["files"]) == sorted(files)
    current, upcoming = (
        school.period.starts_on.isoformat(),
        school.next_period.starts_on.isoformat(),
    )
    assert set(files) == {
        "README.txt",
        "manifest.json",
        "profile.json",
        "reviews.json",
        "context.json",
        "evidence.json",
        f"plans/{current}-current.json",
        f"plans/{upcoming}-next.json",
    }
    for name, text in files.items():
        if name.endswith(".json"):
            json.loads(text)
        elif name == "README.txt":
            for documented in (
                "manifest.json",
                "profile.json",
                "plans/",
                "reviews.json",
                "context.json",
                "evidence.json",
                "schema_version",
                "ISO 8601",
            ):
                assert documented in text
    assert ISO_TIME.fullmatch(manifest["generated_at"])

    profile = json.loads(files["profile.json"])
    assert profile["learner"]["full_name"] == "Åsa Ødegård"
    assert profile["learner"]["pronouns"] == "she/her"
    assert profile["learner"]["groups"] == [{"name": "9C", "kind": "class", "course": ""}]
    assert [m["name"] for m in profile["mentors"]] == ["Mentor Person", "Mentor2 Person"]
    assert [g["name"] for g in profile["guardians"]] == ["Parent Person"]

    plan = json.loads(files[f"plans/{current}-current.json"])
    assert plan["status"] == "active" and plan["period"]["name"] == "Current"
    goal = next(g for a in plan["focus_areas"] for g in a["goals"])
    assert goal["statement"] == "Read more books"
    assert goal["learning_objectives"][0]["code"] == "NOR-8-03"
    (task,) = goal["tasks"]
    assert task["title"] == "Read aloud at home" and task["status"] == "ongoing"
    assert task["links"] == [{"title": "Book list", "url": "https://www.gutenberg.org/"}]
    assert ISO_TIME.fullmatch(task["status_changed_at"])
    assert [(r["kind"], r["score"]) for r in goal["ratings"]] == [("self", 4)]
    assert goal["reflections"][0]["text"] == "I read two chapters"
    assert ISO_TIME.fullmatch(goal["reflections"][0]["written_at"])
    assert [e["text"] for e in plan["log"]] == ["We read together on Sunday"]
    assert [(a["name"], a["role"]) for a in plan["acknowledgements"]] == [
        ("Parent Person", "parent")
    ]
    assert all(ISO_TIME.fullmatch(h["at"]) for h in plan["history"])

    (review,) = json.loads(files["reviews.json"])["reviews"]
    assert review["location"] == "Room 12" and ISO_TIME.fullmatch(review["starts_at"])
    assert [c["text"] for c in review["comments"]] == ["Can we talk about reading?"]
    context = json.loads(files["context.json"])["items"]
    assert {i["value"] for i in context} == {STAFF_CONTEXT_CANARY, FAMILY_CONTEXT}


def test_parents_do_not_get_pronouns_the_learner_keeps_for_staff(
    session, school, actors, learner_data
):
    learner = session.get(User, school.id("learner"))
    learner.pronouns_visibility = "staff"
    session.add(learner)
    session.commit()
    parent = json.loads(archive(actors["parent"], school.id("learner"))["profile.json"])
    mentor = json.loads(archive(actors["mentor"], school.id("learner"))["profile.json"])
    assert parent["learner"]["pronouns"] is None
    assert mentor["learner"]["pronouns"] == "she/her"


@pytest.mark.parametrize("who", ["admin", "teacher", "parent"])
def test_only_learners_have_an_archive(school, actors, who):
    with pytest.raises(NotFound):
        call(learner_export, actors["admin"], learner_id=school.id(who))


# --- the download route ----------------------------------------------------------------------


def download(client, path: str, token: str | None):
    client.cookies.clear()
    if token is not None:
        client.cookies.set(routes.SESSION_COOKIE, token)
    return client.get(path)


def test_the_route_serves_a_learner_their_own_archive_as_me(engine, school, client, learner_data):
    response = download(
        client, "/api/learners/me/export.zip", token_for(engine, school.id("learner"), "learner")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    assert re.fullmatch(
        rf'attachment; filename="ilp-learner-{school.id("learner")}-[0-9]{{8}}\.zip"',
        response.headers["content-disposition"],
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert "profile.json" in z.namelist()


def test_the_route_refuses_without_session_and_to_another_family(
    engine, school, client, learner_data
):
    path = f"/api/learners/{school.id('learner')}/export.zip"
    assert download(client, path, None).status_code == 401
    refused = download(client, path, token_for(engine, school.id("parent2"), "parent"))
    assert refused.status_code == 403
    assert "Åsa" not in refused.text and "PK" not in refused.text[:2]
    assert (
        download(
            client,
            "/api/learners/abc/export.zip",
            token_for(engine, school.id("admin"), "administrator"),
        ).status_code
        == 404
    )
