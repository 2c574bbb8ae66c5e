"""Evidence and showcase rules: who may do what (a hand-written matrix), and what a file is."""

from __future__ import annotations

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.evidence import (
    EVIDENCE_QUOTA_BYTES,
    JPEG,
    M4A,
    MAX_EVIDENCE_BYTES,
    MP3,
    OGG,
    PDF,
    PNG,
    WAV,
    WEBP,
    check_image_size,
    check_pdf,
    check_size,
    move,
    sniff,
)
from ilp_app.domain.permissions import Action, Actor, EvidenceRef, PlanRef, ShowcaseRef, can
from ilp_app.domain.plans import PlanStatus
from ilp_app.domain.roles import Role
from tests.support.matrix import matrix_cells

L = 10
S = 20  # a staff member with a plan of their own
ACTORS: dict[str, Actor | None] = {
    "administrator": Actor(user_id=1, roles=frozenset({Role.ADMINISTRATOR})),
    "mentor": Actor(user_id=2, roles=frozenset({Role.MENTOR}), mentee_ids=frozenset({L})),
    "teacher": Actor(user_id=3, roles=frozenset({Role.TEACHER}), taught_learner_ids=frozenset({L})),
    "parent": Actor(user_id=4, roles=frozenset({Role.PARENT}), child_ids=frozenset({L})),
    "learner": Actor(user_id=L, roles=frozenset({Role.LEARNER})),
    "other_mentor": Actor(user_id=6, roles=frozenset({Role.MENTOR}), mentee_ids=frozenset({99})),
    "other_parent": Actor(user_id=7, roles=frozenset({Role.PARENT}), child_ids=frozenset({99})),
    "staff_owner": Actor(user_id=S, roles=frozenset({Role.TEACHER})),
    "anonymous": None,
}

D, A, K = (PlanRef(plan_id=5, learner_id=L, status=s) for s in PlanStatus)
assert (D.status, A.status, K.status) == (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.LOCKED)
STAFF_PLAN = PlanRef(plan_id=6, learner_id=S, status=PlanStatus.ACTIVE)
PENDING = EvidenceRef(plan=A, added_by_id=L, approved=False)
APPROVED = EvidenceRef(plan=A, added_by_id=L, approved=True)
LOCKED_APPROVED = EvidenceRef(plan=K, added_by_id=L, approved=True)
BY_MENTOR = EvidenceRef(plan=A, added_by_id=2, approved=False)

COLUMNS = (
    ("add:draft", Action.EVIDENCE_ADD, D),
    ("add:active", Action.EVIDENCE_ADD, A),
    ("add:locked", Action.EVIDENCE_ADD, K),
    ("view:pending", Action.EVIDENCE_VIEW, PENDING),
    ("view:approved", Action.EVIDENCE_VIEW, APPROVED),
    ("view:locked", Action.EVIDENCE_VIEW, LOCKED_APPROVED),
    ("approve", Action.EVIDENCE_APPROVE, PENDING),
    ("approve:locked", Action.EVIDENCE_APPROVE, LOCKED_APPROVED),
    ("remove:own", Action.EVIDENCE_REMOVE, PENDING),
    ("remove:mentors", Action.EVIDENCE_REMOVE, BY_MENTOR),
    ("remove:locked", Action.EVIDENCE_REMOVE, LOCKED_APPROVED),
    ("showcase.edit:active", Action.SHOWCASE_EDIT, A),
    ("showcase.edit:locked", Action.SHOWCASE_EDIT, K),
    ("showcase.edit:staff", Action.SHOWCASE_EDIT, STAFF_PLAN),
    ("showcase.view:private", Action.SHOWCASE_VIEW, ShowcaseRef(plan=A, shared=False)),
    ("showcase.view:shared", Action.SHOWCASE_VIEW, ShowcaseRef(plan=A, shared=True)),
    ("showcase.view:draft", Action.SHOWCASE_VIEW, ShowcaseRef(plan=D, shared=True)),
    ("showcase.view:staff", Action.SHOWCASE_VIEW, ShowcaseRef(plan=STAFF_PLAN, shared=False)),
)

# Columns, in order:
# add: D A K | view: pending approved locked | approve: A K | remove: own mentors' locked
# | showcase.edit: A K staff | showcase.view: private shared draft staff
MATRIX = {
    "administrator": "- - -  Y Y Y  - -  - - -  - - -  Y Y Y Y",
    "mentor": "- Y -  Y Y Y  Y -  Y Y -  - - -  Y Y Y -",
    "teacher": "- - -  Y Y Y  - -  - - -  - - -  Y Y Y -",
    "parent": "- - -  - Y Y  - -  - - -  - - -  - Y - -",
    "learner": "- Y -  Y Y Y  - -  Y - -  Y - -  Y Y - -",
    "other_mentor": "- - -  - - -  - -  - - -  - - -  - - - -",
    "other_parent": "- - -  - - -  - -  - - -  - - -  - - - -",
    "staff_owner": "- - -  - - -  - -  - - -  - - Y  - - - Y",
    "anonymous": "- - -  - - -  - -  - - -  - - -  - - - -",
}


@pytest.mark.parametrize(("who", "action", "target", "allowed"), matrix_cells(MATRIX, COLUMNS))
def test_evidence_and_showcase_permissions(who, action, target, allowed):
    assert can(ACTORS[who], action, target) is allowed


@pytest.mark.parametrize(
    ("who", "action", "target"),
    [
        ("parent", Action.EVIDENCE_VIEW, EvidenceRef(plan=A, added_by_id=L, approved="yes")),
        ("mentor", Action.EVIDENCE_APPROVE, EvidenceRef(plan=A, added_by_id=L, approved=1)),
        ("mentor", Action.EVIDENCE_ADD, PlanRef(plan_id=5, learner_id=L, status="active")),
        ("learner", Action.SHOWCASE_EDIT, PlanRef(plan_id=5, learner_id=L, status="active")),
        ("parent", Action.SHOWCASE_VIEW, ShowcaseRef(plan=A, shared="true")),
        ("mentor", Action.EVIDENCE_VIEW, A),  # a plan is not a piece of evidence
    ],
)
def test_a_forged_target_is_refused(who, action, target):
    assert not can(ACTORS[who], action, target)


# --- what a file is ---


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", WEBP),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", WAV),
        (b"%PDF-1.7\n", PDF),
        (b"OggS\x00\x02", OGG),
        (b"\x00\x00\x00\x20ftypM4A \x00", M4A),
        (b"ID3\x04\x00", MP3),
        (b"\xff\xfb\x90\x00", MP3),
    ],
)
def test_files_are_recognised_by_their_first_bytes(head, expected):
    assert sniff(head + b"\0" * 32) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><script>alert(1)</script>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"PK\x03\x04zipfile",
        b"MZ\x90\x00executable",
        b"GIF89a\x01\x00",
        b"",
    ],
)
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(ValidationFailed):
        sniff(data)


def test_sizes_and_quota():
    check_size(MAX_EVIDENCE_BYTES, used=0)
    for size, used in ((MAX_EVIDENCE_BYTES + 1, 0), (0, 0), (10, EVIDENCE_QUOTA_BYTES - 9)):
        with pytest.raises(ValidationFailed):
            check_size(size, used=used)


def test_a_photo_claiming_too_many_pixels_is_refused():
    check_image_size(4000, 3000)
    with pytest.raises(ValidationFailed):
        check_image_size(20_000, 20_000)


def test_a_pdf_with_actions_is_refused_and_a_plain_one_accepted():
    check_pdf(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/OpenAction"):
        with pytest.raises(ValidationFailed):
            check_pdf(b"%PDF-1.4\n" + marker + b"\n%%EOF\n")


def test_moving_a_slide_stops_at_either_end():
    assert move([1, 2, 3], 3, "up") == [1, 3, 2]
    assert move([1, 2, 3], 1, "up") == [1, 2, 3]
    assert move([1, 2, 3], 3, "down") == [1, 2, 3]
    with pytest.raises(ValidationFailed):
        move([1, 2], 5, "up")
    with pytest.raises(ValidationFailed):
        move([1, 2], 1, "sideways")


def test_an_audio_clip_may_last_three_minutes_and_not_a_second_more():
    from ilp_app.domain.evidence import MAX_AUDIO_SECONDS, check_audio_length

    check_audio_length(MAX_AUDIO_SECONDS)
    with pytest.raises(ValidationFailed, match="at most 3 minutes"):
        check_audio_length(MAX_AUDIO_SECONDS + 1)


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf"), None])
def test_an_audio_clip_of_no_sensible_length_is_unreadable(seconds):
    from ilp_app.domain.evidence import MSG_BAD_AUDIO, check_audio_length

    with pytest.raises(ValidationFailed, match=MSG_BAD_AUDIO[:30]):
        check_audio_length(seconds)
