"""Audio clips are short: their length is read from the container's headers, for each format.

The clips are generated (silence with real headers), so each test can ask for a length just
under or over the limit.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from ilp_app.db.models import Evidence
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.evidence import MAX_AUDIO_SECONDS, MSG_AUDIO_TOO_LONG, MSG_BAD_AUDIO
from ilp_app.services.evidence import evidence as service
from ilp_app.services.evidence import storage
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.settings import get_settings
from tests.support import audio_clips
from tests.support.services import call, count

CLIPS = {
    "audio/wav": audio_clips.wav,
    "audio/mpeg": audio_clips.mp3,
    "audio/ogg": audio_clips.ogg_opus,
    "audio/mp4": audio_clips.m4a,
}


@pytest.fixture(autouse=True)
def evidence_folder(tmp_path, monkeypatch):
    folder = tmp_path / "evidence"
    settings = dataclasses.replace(get_settings(), evidence_dir=str(folder))
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    return folder


@pytest.fixture
def plan(school, actors):
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
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return {"plan_id": plan_id, "goal_id": goal_id}


def add_clip(actors, plan, data: bytes):
    return call(
        service.evidence_add_file,
        actors["learner"],
        plan_id=plan["plan_id"],
        target=f"g{plan['goal_id']}",
        title="My talk",
        data=data,
    )


def stored(engine) -> list[Evidence]:
    from sqlmodel import Session, select

    with Session(engine) as s:
        return list(s.exec(select(Evidence)).all())


@pytest.mark.parametrize("media_type", sorted(CLIPS))
def test_a_clip_just_under_three_minutes_is_kept(engine, actors, plan, media_type):
    add_clip(actors, plan, CLIPS[media_type](MAX_AUDIO_SECONDS - 2))
    (row,) = stored(engine)
    assert row.kind == "audio" and row.media_type == media_type


@pytest.mark.parametrize("media_type", sorted(CLIPS))
def test_a_clip_over_three_minutes_is_refused_and_nothing_is_stored(
    engine, actors, plan, media_type, evidence_folder
):
    with pytest.raises(ValidationFailed, match=re.escape(MSG_AUDIO_TOO_LONG)):
        add_clip(actors, plan, CLIPS[media_type](MAX_AUDIO_SECONDS + 5))
    assert count(engine, Evidence) == 0
    assert not evidence_folder.exists() or not any(evidence_folder.iterdir())


def test_a_long_clip_is_refused_although_it_is_small(engine, actors, plan):
    # An hour declared in an M4A's headers takes a few hundred bytes: the length
    # is checked on its own, not through the size limit.
    clip = audio_clips.m4a(3600)
    assert len(clip) < 1000
    with pytest.raises(ValidationFailed, match=re.escape(MSG_AUDIO_TOO_LONG)):
        add_clip(actors, plan, clip)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"ID3" + b"\0" * 400, id="mp3-tag-without-frames"),
        pytest.param(b"OggS" + b"\x01" * 400, id="ogg-garbage-pages"),
        pytest.param(audio_clips.wav(5)[:30], id="wav-cut-before-its-data"),
        pytest.param(b"\0\0\0\x14ftypM4A \0\0\0\0M4A " + b"\0" * 64, id="m4a-without-moov"),
        pytest.param(audio_clips.ogg_opus(5)[:40], id="ogg-cut-in-its-first-page"),
    ],
)
def test_an_unreadable_clip_is_refused_with_a_clear_message(engine, actors, plan, data):
    with pytest.raises(ValidationFailed, match=re.escape(MSG_BAD_AUDIO)):
        add_clip(actors, plan, data)
    assert count(engine, Evidence) == 0
