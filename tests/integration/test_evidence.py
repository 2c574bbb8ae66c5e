"""Evidence of learning through the services and the download route, with forged files.

Each upload is checked by what the file is, not what it is called; families see a piece only
once the mentor approves it; nobody else's family downloads it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import zipfile
from datetime import timedelta

import pytest
from PIL import Image

from ilp_app import routes
from ilp_app.db.models import AuditEvent, Evidence
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.domain.evidence import (
    EVIDENCE_QUOTA_BYTES,
    MSG_BAD_IMAGE,
    MSG_IMAGE_TOO_BIG,
    MSG_PDF_ACTIVE,
    MSG_QUOTA,
    MSG_TOO_LARGE,
    MSG_UNKNOWN_TYPE,
)
from ilp_app.services.evidence import evidence as service
from ilp_app.services.evidence import evidence_read as reader
from ilp_app.services.evidence import storage
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.settings import get_settings
from tests.support.services import audit, call, count, rows, token_for

GPS_LATITUDE = (59.0, 54.0, 42.0)


@pytest.fixture(autouse=True)
def evidence_folder(tmp_path, monkeypatch):
    folder = tmp_path / "evidence"
    settings = dataclasses.replace(get_settings(), evidence_dir=str(folder))
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    return folder


@pytest.fixture
def plan(school, actors):
    """An active plan of the learner with one goal and one task."""
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=view.focus_areas[0].id,
        statement="Speak up in class",
        success_criteria="A short talk",
        target_date=(school.period.ends_on - timedelta(days=5)).isoformat(),
        objective_ids=[],
    )
    task_id = call(plan_edit.task_add, mentor, goal_id=goal_id, title="Give a talk")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return {"plan_id": plan_id, "goal_id": goal_id, "task_id": task_id}


def jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[2] = GPS_LATITUDE  # GPSLatitude
    gps[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size=(16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def add_file(actors, plan, data: bytes, who="learner", title="My talk", target=None):
    return call(
        service.evidence_add_file,
        actors[who],
        plan_id=plan["plan_id"],
        target=target or f"g{plan['goal_id']}",
        title=title,
        data=data,
    )


def get(client, path: str, token: str | None):
    client.cookies.clear()
    if token is not None:
        client.cookies.set(routes.SESSION_COOKIE, token)
    return client.get(path)


# --- what a file is ---


def test_an_html_page_renamed_png_is_refused_and_nothing_is_stored(
    engine, actors, plan, evidence_folder
):
    page = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    with pytest.raises(ValidationFailed, match=re.escape(MSG_UNKNOWN_TYPE)):
        add_file(actors, plan, page, title="photo.png")
    assert count(engine, Evidence) == 0
    assert not evidence_folder.exists() or not any(evidence_folder.iterdir())


def test_a_zip_is_refused_whatever_it_is_called(engine, actors, plan):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"\0" * 5_000_000)
    with pytest.raises(ValidationFailed, match=re.escape(MSG_UNKNOWN_TYPE)):
        add_file(actors, plan, out.getvalue())
    assert count(engine, Evidence) == 0


def test_a_decompression_bomb_photo_is_refused_before_it_is_decoded(engine, actors, plan):
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, format="PNG")  # 400 megapixels, tiny file
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(ValidationFailed, match=re.escape(MSG_IMAGE_TOO_BIG)):
        add_file(actors, plan, bomb.getvalue())
    assert count(engine, Evidence) == 0


def test_a_truncated_photo_is_refused(engine, actors, plan):
    with pytest.raises(ValidationFailed, match=re.escape(MSG_BAD_IMAGE)):
        add_file(actors, plan, jpeg_with_gps()[:200])
    assert count(engine, Evidence) == 0


def test_a_photos_exif_with_gps_is_stripped(engine, school, actors, plan, client):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test's own premise
    evidence_id = add_file(actors, plan, original)
    response = get(
        client,
        reader.evidence_url(evidence_id),
        token_for(engine, school.id("learner"), "learner"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    stored = Image.open(io.BytesIO(response.content))
    assert stored.size == (64, 48)
    assert not stored.getexif()
    assert b"PhoneMaker" not in response.content and b"Exif" not in response.content


def test_a_file_of_11_mb_is_refused(engine, actors, plan):
    with pytest.raises(ValidationFailed, match=re.escape(MSG_TOO_LARGE)):
        add_file(actors, plan, b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n")
    assert count(engine, Evidence) == 0


def test_a_pdf_with_javascript_is_refused(engine, actors, plan):
    pdf = b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n"
    with pytest.raises(ValidationFailed, match=re.escape(MSG_PDF_ACTIVE)):
        add_file(actors, plan, pdf)


def test_the_quota_counts_every_file_of_the_learner(engine, session, school, actors, plan):
    add_file(actors, plan, png())
    with service_session(engine) as s:
        row = s.get(Evidence, 1)
        row.size_bytes = EVIDENCE_QUOTA_BYTES - 10
        s.add(row)
        s.commit()
    with pytest.raises(ValidationFailed, match=re.escape(MSG_QUOTA)):
        add_file(actors, plan, png())
    assert count(engine, Evidence) == 1


def service_session(engine):
    from sqlmodel import Session

    return Session(engine)


def test_stored_files_have_random_names_private_to_the_app(actors, plan, evidence_folder):
    add_file(actors, plan, png(), title="Åsa's poster.png")
    (stored,) = list(evidence_folder.iterdir())
    assert "poster" not in stored.name and len(stored.name) == 32
    assert stat.S_IMODE(os.stat(evidence_folder).st_mode) == 0o700
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


# --- links ---


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "/relative", "ftp://x.org/a"]
)
def test_only_http_and_https_links_are_accepted(engine, actors, plan, url):
    with pytest.raises(ValidationFailed):
        call(
            service.evidence_add_link,
            actors["learner"],
            plan_id=plan["plan_id"],
            target=f"g{plan['goal_id']}",
            title="Link",
            url=url,
        )
    assert count(engine, Evidence) == 0


def test_a_goal_of_another_plan_is_refused(engine, school, actors, plan):
    with pytest.raises(ValidationFailed):
        call(
            service.evidence_add_link,
            actors["learner"],
            plan_id=plan["plan_id"],
            target="g999",
            title="Link",
            url="https://example.org/",
        )


# --- who sees what ---


def test_evidence_is_hidden_from_families_until_the_mentor_approves_it(
    engine, school, actors, plan, client
):
    evidence_id = add_file(actors, plan, png(), title="Unapproved poster")
    parent = actors["parent"]
    assert call(reader.evidence_list, parent, plan_id=plan["plan_id"]) == []
    path = reader.evidence_url(evidence_id)
    parent_token = token_for(engine, school.id("parent"), "parent")
    refused = get(client, path, parent_token)
    assert refused.status_code == 403 and b"PNG" not in refused.content
    assert audit(engine, action="evidence.view", outcome="denied")
    mentor_view = call(reader.evidence_list, actors["mentor"], plan_id=plan["plan_id"])
    assert [(i.title, i.can_approve) for i in mentor_view] == [("Unapproved poster", True)]

    call(service.evidence_approve, actors["mentor"], evidence_id=evidence_id)
    (shown,) = call(reader.evidence_list, parent, plan_id=plan["plan_id"])
    assert shown.title == "Unapproved poster" and shown.approved
    assert get(client, path, parent_token).status_code == 200


@pytest.mark.parametrize("who", ["parent", "learner", "teacher", "mentor2"])
def test_only_the_learners_mentor_approves(engine, actors, plan, who):
    evidence_id = add_file(actors, plan, png())
    with pytest.raises(PermissionDenied):
        call(service.evidence_approve, actors[who], evidence_id=evidence_id)
    assert rows(engine, Evidence)[0].approved_at is None


def test_another_family_cannot_download_even_approved_evidence(
    engine, school, actors, plan, client
):
    evidence_id = add_file(actors, plan, png())
    call(service.evidence_approve, actors["mentor"], evidence_id=evidence_id)
    path = reader.evidence_url(evidence_id)
    for name, role in (("parent2", "parent"), ("learner2", "learner"), ("mentor2", "mentor")):
        response = get(client, path, token_for(engine, school.id(name), role))
        assert response.status_code == 403, name
        assert b"PNG" not in response.content
    assert get(client, path, None).status_code == 401
    assert get(client, reader.evidence_url("../../etc/passwd"), None).status_code in (401, 404)
    ok = get(client, path, token_for(engine, school.id("parent"), "parent"))
    assert ok.status_code == 200
    assert ok.headers["cache-control"] == "no-store"
    assert ok.headers["x-content-type-options"] == "nosniff"
    assert ok.headers["content-disposition"].startswith("attachment;")


def test_a_parent_never_adds_evidence(engine, actors, plan):
    with pytest.raises(PermissionDenied):
        add_file(actors, plan, png(), who="parent")
    assert count(engine, Evidence) == 0


def test_removing_evidence_deletes_its_file(engine, actors, plan, evidence_folder):
    evidence_id = add_file(actors, plan, png())
    with pytest.raises(PermissionDenied):
        call(service.evidence_remove, actors["parent"], evidence_id=evidence_id)
    call(service.evidence_remove, actors["learner"], evidence_id=evidence_id)
    assert count(engine, Evidence) == 0
    assert not any(evidence_folder.iterdir())
    with pytest.raises(NotFound):
        call(service.evidence_remove, actors["learner"], evidence_id=evidence_id)


def test_a_task_target_attaches_to_its_goal_and_is_audited(engine, actors, plan):
    evidence_id = add_file(actors, plan, png(), target=f"t{plan['task_id']}")
    (row,) = rows(engine, Evidence)
    assert (row.goal_id, row.task_id) == (plan["goal_id"], plan["task_id"])
    assert count(engine, AuditEvent, AuditEvent.action == "evidence.add") == 1
    assert evidence_id == row.id


@pytest.mark.parametrize("mode", ["anonymise", "erase"])
def test_erasing_the_learner_deletes_their_evidence_files_and_showcase(
    engine, school, actors, plan, evidence_folder, mode
):
    from ilp_app.db.models import Showcase
    from ilp_app.services.evidence import showcase
    from ilp_app.services.privacy.erasure import learner_erase

    evidence_id = add_file(actors, plan, png(), title="Poster of Learner Person")
    call(service.evidence_approve, actors["mentor"], evidence_id=evidence_id)
    call(
        showcase.showcase_save,
        actors["learner"],
        plan_id=plan["plan_id"],
        closing_reflection="About me",
        shared=False,
    )
    assert any(evidence_folder.iterdir())
    call(learner_erase, actors["admin"], learner_id=school.id("learner"), mode=mode)
    assert count(engine, Evidence) == 0 and count(engine, Showcase) == 0
    assert not any(evidence_folder.iterdir())


def test_the_familys_archive_holds_approved_evidence_only_and_the_learners_everything(
    school, actors, plan
):
    from ilp_app.services.privacy.learner_export import learner_export

    approved = add_file(actors, plan, png(), title="Approved poster")
    call(service.evidence_approve, actors["mentor"], evidence_id=approved)
    add_file(actors, plan, png(), title="PENDING-canary")

    def archive(who):
        data = call(learner_export, actors[who], learner_id=school.id("learner"))
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {name: z.read(name) for name in z.namelist()}

    parents = archive("parent")
    assert b"PENDING-canary" not in b"".join(parents.values())
    assert parents[f"evidence/{approved}.jpg"].startswith(b"\xff\xd8\xff")  # saved again as JPEG
    learners = archive("learner")
    assert b"PENDING-canary" in learners["evidence.json"]
    assert len([n for n in learners if n.startswith("evidence/")]) == 2


def test_deleting_a_task_keeps_its_evidence_on_the_goal(engine, actors, plan):
    add_file(actors, plan, png(), target=f"t{plan['task_id']}")
    call(plan_edit.task_delete, actors["mentor"], task_id=plan["task_id"])
    (row,) = rows(engine, Evidence)
    assert (row.goal_id, row.task_id) == (plan["goal_id"], None)


def test_deleting_a_goal_deletes_its_evidence_and_their_files(
    engine, actors, plan, evidence_folder
):
    add_file(actors, plan, png())
    call(plan_edit.goal_delete, actors["mentor"], goal_id=plan["goal_id"])
    assert count(engine, Evidence) == 0
    assert not any(evidence_folder.iterdir())


def test_the_mentor_is_told_of_new_evidence_and_the_family_once_it_is_approved(
    engine, school, actors, plan
):
    from ilp_app.db.models import Notification

    evidence_id = add_file(actors, plan, png(), title="Poster to approve")

    def told(name):
        found = rows(engine, Notification, Notification.user_id == school.id(name))
        return [n.text for n in found if n.kind == "evidence"]

    assert told("mentor") == ["Learner Person added evidence to approve: “Poster to approve”"]
    assert told("parent") == [] and told("mentor2") == []
    call(service.evidence_approve, actors["mentor"], evidence_id=evidence_id)
    assert told("parent") == ["Mentor Person approved evidence: “Poster to approve”"]
    assert told("learner") == ["Mentor Person approved evidence: “Poster to approve”"]
