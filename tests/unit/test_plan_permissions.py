"""Who may do what with a plan, written out by hand as a matrix and checked cell by cell.

Every actor below is related to learner 10 in one way (or not at all); the columns walk each
plan action through the three plan statuses, then notes by author and visibility.
"""

from __future__ import annotations

import pytest

from ilp_app.domain.permissions import (
    Action,
    Actor,
    GroupRef,
    LearnerRef,
    NoteRef,
    PlanRef,
    can,
    is_support_read,
)
from ilp_app.domain.plans import NoteVisibility, PlanStatus
from ilp_app.domain.roles import Role
from tests.support.matrix import matrix_cells

L = 10  # the learner whose plan it is
ACTORS: dict[str, Actor | None] = {
    "administrator": Actor(user_id=1, roles=frozenset({Role.ADMINISTRATOR})),
    "mentor": Actor(
        user_id=2,
        roles=frozenset({Role.MENTOR}),
        mentee_ids=frozenset({L}),
        staff_group_ids=frozenset({70}),
    ),
    "teacher": Actor(
        user_id=3,
        roles=frozenset({Role.TEACHER}),
        taught_learner_ids=frozenset({L}),
        staff_group_ids=frozenset({71}),
    ),
    "parent": Actor(user_id=4, roles=frozenset({Role.PARENT}), child_ids=frozenset({L})),
    "learner": Actor(user_id=L, roles=frozenset({Role.LEARNER})),
    "other_mentor": Actor(user_id=6, roles=frozenset({Role.MENTOR}), mentee_ids=frozenset({99})),
    "other_parent": Actor(user_id=7, roles=frozenset({Role.PARENT}), child_ids=frozenset({99})),
    "other_learner": Actor(user_id=99, roles=frozenset({Role.LEARNER})),
    "anonymous": None,
    "must_change_password": Actor(
        user_id=8,
        roles=frozenset({Role.MENTOR}),
        mentee_ids=frozenset({L}),
        must_change_password=True,
    ),
}

D, A, K = (
    PlanRef(plan_id=5, learner_id=L, status=s)
    for s in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.LOCKED)
)
PRIVATE, STAFF, FAMILY = NoteVisibility.PRIVATE, NoteVisibility.STAFF, NoteVisibility.FAMILY

PLAN_ACTIONS = (
    Action.PLAN_VIEW,
    Action.PLAN_EDIT,
    Action.PLAN_ACTIVATE,
    Action.TASK_PROGRESS,
    Action.REFLECTION_WRITE,
    Action.RATING_SELF,
    Action.RATING_MENTOR,
    Action.LOG_POST,
    Action.NOTE_WRITE,
    Action.PLAN_NEXT_PERIOD,
    Action.PLAN_ACKNOWLEDGE,
)
COLUMNS: tuple[tuple[str, Action, object], ...] = (
    *((f"{a.value}:{t.status.value}", a, t) for a in PLAN_ACTIONS for t in (D, A, K)),
    ("plan.create", Action.PLAN_CREATE, LearnerRef(L)),
    ("template.manage", Action.TEMPLATE_MANAGE, None),
    ("template.apply", Action.TEMPLATE_APPLY, LearnerRef(L)),
    ("review.schedule", Action.REVIEW_SCHEDULE, LearnerRef(L)),
    ("review.view", Action.REVIEW_VIEW, LearnerRef(L)),
    ("review.comment", Action.REVIEW_COMMENT, LearnerRef(L)),
    *(
        (f"view-mentor-note:{v.value}", Action.NOTE_VIEW, NoteRef(L, 2, v))
        for v in (PRIVATE, STAFF, FAMILY)
    ),
    *(
        (f"view-teacher-note:{v.value}", Action.NOTE_VIEW, NoteRef(L, 3, v))
        for v in (PRIVATE, STAFF, FAMILY)
    ),
    ("edit-mentor-note", Action.NOTE_EDIT, NoteRef(L, 2, STAFF)),
    ("edit-teacher-note", Action.NOTE_EDIT, NoteRef(L, 3, STAFF)),
    ("group:70", Action.GROUP_VIEW, GroupRef(70)),  # the mentor's tutor group
    ("group:71", Action.GROUP_VIEW, GroupRef(71)),  # the teacher's class
    ("group:72", Action.GROUP_VIEW, GroupRef(72)),  # nobody's here
    ("move:70", Action.GROUP_NEXT_PERIOD, GroupRef(70)),  # the mentor's tutor group
    ("move:71", Action.GROUP_NEXT_PERIOD, GroupRef(71)),  # the teacher's class
)

# Y = allowed, . = denied. Groups of three are draft / active / locked.
# After "create": template manage/apply, then review schedule/view/comment.
#                      view edit act  task refl rself rment log  nwrite next ack  create tm ta  rs rv rc  mnote tnote edit(m,t) group move
MATRIX: dict[str, str] = {
    "administrator": "YYY  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      Y  .   .  Y  .   .YY   .YY   ..   ...  ..",
    "mentor": "YYY  YY.  Y..  .Y.  ...  ...   .Y.   YY.  YY.    .Y.  .Y.  Y      Y  Y   Y  Y  .   YYY   .YY   Y.   Y..  Y.",
    "teacher": "YYY  ...  ...  ...  ...  ...   ...   YY.  YY.    ...  ...  .      .  .   .  Y  .   .YY   YYY   .Y   .Y.  ..",
    "parent": ".YY  ...  ...  ...  ...  ...   ...   .Y.  ...    ...  .Y.  .      .  .   .  Y  Y   ..Y   ..Y   ..   ...  ..",
    "learner": ".YY  ...  ...  .Y.  .Y.  .Y.   ...   .Y.  ...    ...  .Y.  .      .  .   .  Y  Y   ..Y   ..Y   ..   ...  ..",
    "other_mentor": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      Y  .   .  .  .   ...   ...   ..   ...  ..",
    "other_parent": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      .  .   .  .  .   ...   ...   ..   ...  ..",
    "other_learner": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      .  .   .  .  .   ...   ...   ..   ...  ..",
    "anonymous": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      .  .   .  .  .   ...   ...   ..   ...  ..",
    "must_change_password": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .      .  .   .  .  .   ...   ...   ..   ...  ..",
}


CELLS = matrix_cells(MATRIX, COLUMNS, marks=lambda row: list(row.replace(" ", "")))


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_plan_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


@pytest.mark.parametrize("action", PLAN_ACTIONS)
@pytest.mark.parametrize(
    "forged",
    [
        "5",
        {"plan_id": 5, "learner_id": L, "status": "active"},
        LearnerRef(L),
        5,
        None,
        PlanRef(plan_id=5, learner_id=L, status="active"),
    ],
    ids=["str", "dict", "learner-ref", "int", "none", "status-as-text"],
)
def test_forged_plan_targets_are_refused_even_for_the_mentor(action, forged):
    assert can(ACTORS["mentor"], action, forged) is False
    assert can(ACTORS["learner"], action, forged) is False


def test_staff_notes_are_never_visible_to_the_family():
    for who in ("parent", "learner", "other_parent"):
        for author in (2, 3):
            assert can(ACTORS[who], Action.NOTE_VIEW, NoteRef(L, author, STAFF)) is False
            assert can(ACTORS[who], Action.NOTE_VIEW, NoteRef(L, author, PRIVATE)) is False


def test_an_administrator_reads_for_support_only_where_no_other_role_links_them():
    admin_and_mentor = Actor(
        user_id=1,
        roles=frozenset({Role.ADMINISTRATOR, Role.MENTOR}),
        mentee_ids=frozenset({L}),
    )
    admin_and_parent = Actor(
        user_id=1, roles=frozenset({Role.ADMINISTRATOR, Role.PARENT}), child_ids=frozenset({L})
    )
    assert is_support_read(ACTORS["administrator"], L) is True
    assert is_support_read(admin_and_mentor, L) is False
    assert is_support_read(admin_and_mentor, 99) is True
    assert is_support_read(admin_and_parent, L) is False
    for who in ("mentor", "teacher", "parent", "learner", "other_mentor"):
        assert is_support_read(ACTORS[who], L) is False
