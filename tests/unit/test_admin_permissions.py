"""Administration, learner context and data-protection rules, written out by hand cell by cell.

Actors are those of ``test_permissions``: 1 administrator, 2 mentor of learner 10, 3 teacher of
learner 11, 4 parent of learner 12, 13 a learner. Learner 99 is nobody's.
"""

from __future__ import annotations

import dataclasses

import pytest

from ilp_app.domain.permissions import Action, ContextItemRef, LearnerRef, can
from tests.support.matrix import matrix_cells
from tests.unit.test_permissions import ACTORS

COLUMNS: tuple[tuple[str, Action, object], ...] = (
    ("school", Action.SCHOOL_MANAGE, None),
    ("objectives", Action.OBJECTIVE_LIBRARY_VIEW, None),
    ("ctx10:staff", Action.CONTEXT_ITEM_VIEW, ContextItemRef(10, "staff")),
    ("ctx10:family", Action.CONTEXT_ITEM_VIEW, ContextItemRef(10, "family")),
    ("ctx11:staff", Action.CONTEXT_ITEM_VIEW, ContextItemRef(11, "staff")),
    ("ctx12:staff", Action.CONTEXT_ITEM_VIEW, ContextItemRef(12, "staff")),
    ("ctx12:family", Action.CONTEXT_ITEM_VIEW, ContextItemRef(12, "family")),
    ("ctx13:staff", Action.CONTEXT_ITEM_VIEW, ContextItemRef(13, "staff")),
    ("ctx13:family", Action.CONTEXT_ITEM_VIEW, ContextItemRef(13, "family")),
    ("ctx-edit:10", Action.CONTEXT_EDIT, LearnerRef(10)),
    ("ctx-edit:99", Action.CONTEXT_EDIT, LearnerRef(99)),
    ("export:10", Action.LEARNER_EXPORT, LearnerRef(10)),
    ("export:11", Action.LEARNER_EXPORT, LearnerRef(11)),
    ("export:12", Action.LEARNER_EXPORT, LearnerRef(12)),
    ("export:13", Action.LEARNER_EXPORT, LearnerRef(13)),
    ("erase:13", Action.LEARNER_ERASE, LearnerRef(13)),
    ("erase:1", Action.LEARNER_ERASE, LearnerRef(1)),  # the administrator's own account
    ("retention", Action.RETENTION_MANAGE, None),
    ("rules", Action.RULE_MANAGE, None),
    ("school-view", Action.SCHOOL_VIEW, None),
)

#                       sch obj  ctx: 10s 10f 11s 12s 12f 13s 13f  edit 10 99  export 10 11 12 13  erase 13 1  ret rul sv
MATRIX: dict[str, str] = {
    "administrator": "Y Y  Y Y Y Y Y Y Y  Y Y  Y Y Y Y  Y .  Y  Y Y",
    "mentor": ". Y  Y Y . . . . .  Y .  Y . . .  . .  .  . .",
    "teacher": ". Y  . . Y . . . .  . .  . . . .  . .  .  . .",
    "parent": ". .  . . . . Y . .  . .  . . Y .  . .  .  . .",
    "learner": ". .  . . . . . . Y  . .  . . . Y  . .  .  . .",
    "anonymous": ". .  . . . . . . .  . .  . . . .  . .  .  . .",
    "must_change_password": ". .  . . . . . . .  . .  . . . .  . .  .  . .",
}


CELLS = matrix_cells(MATRIX, COLUMNS)


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_admin_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


@pytest.mark.parametrize(
    "forged", ["10", {"learner_id": 10, "visibility": "family"}, LearnerRef(10), None]
)
def test_forged_context_targets_are_refused(forged):
    assert can(ACTORS["mentor"], Action.CONTEXT_ITEM_VIEW, forged) is False
    assert can(ACTORS["parent"], Action.CONTEXT_ITEM_VIEW, forged) is False


def test_a_site_with_ilps_switched_off_keeps_only_administration_open():
    mentor = dataclasses.replace(ACTORS["mentor"], ilp_enabled=False)
    admin = dataclasses.replace(ACTORS["administrator"], ilp_enabled=False)
    parent = dataclasses.replace(ACTORS["parent"], ilp_enabled=False)
    assert can(mentor, Action.LEARNER_VIEW, LearnerRef(10)) is False
    assert can(mentor, Action.PLAN_CREATE, LearnerRef(10)) is False
    assert can(parent, Action.LEARNER_VIEW, LearnerRef(12)) is False
    # Families keep their right to their data; the school keeps running.
    assert can(parent, Action.LEARNER_EXPORT, LearnerRef(12)) is True
    assert can(admin, Action.LEARNER_EXPORT, LearnerRef(10)) is True
    assert (
        can(mentor, Action.LEARNER_EXPORT, LearnerRef(10)) is False
    )  # staff see no plan while off
    assert can(admin, Action.SCHOOL_MANAGE) is True
    assert (
        can(admin, Action.OBJECTIVE_LIBRARY_VIEW) is True
    )  # to import standards before switching on
    assert can(admin, Action.LEARNER_VIEW, LearnerRef(10)) is False
