"""Who may do what with a staff member's own plan, written out by hand and checked cell by cell.

Staff member 20 (a teacher) owns the plan; 21 supervises them. Every other actor is related to
20 in some way that must NOT open the plan: a colleague teaching the same class, a mentor or a
parent with a stale link to 20, a learner of 20's class, a supervisor of someone else.
"""

from __future__ import annotations

import pytest

from ilp_app.domain.permissions import (
    Action,
    Actor,
    LearnerRef,
    NoteRef,
    PlanRef,
    StaffRef,
    SupervisionRef,
    can,
    is_support_read,
)
from ilp_app.domain.plans import NoteVisibility, PlanStatus
from ilp_app.domain.roles import Role
from tests.support.matrix import matrix_cells

S, SUP = 20, 21  # the staff member whose plan it is, and their supervisor
CLASS = 70  # a class the staff member and a colleague both teach; learner 10 is in it
ACTORS: dict[str, Actor | None] = {
    "staff": Actor(
        user_id=S,
        roles=frozenset({Role.TEACHER}),
        taught_learner_ids=frozenset({10}),
        staff_group_ids=frozenset({CLASS}),
    ),
    "supervisor": Actor(user_id=SUP, roles=frozenset({Role.MENTOR}), supervisee_ids=frozenset({S})),
    "administrator": Actor(user_id=1, roles=frozenset({Role.ADMINISTRATOR})),
    "colleague": Actor(
        user_id=22,
        roles=frozenset({Role.TEACHER}),
        taught_learner_ids=frozenset({10}),
        staff_group_ids=frozenset({CLASS}),
    ),
    # Links that must never reach a staff plan, even if one were made by mistake.
    "mentor_linked": Actor(user_id=23, roles=frozenset({Role.MENTOR}), mentee_ids=frozenset({S})),
    "parent_linked": Actor(user_id=24, roles=frozenset({Role.PARENT}), child_ids=frozenset({S})),
    "learner": Actor(user_id=10, roles=frozenset({Role.LEARNER})),
    "other_supervisor": Actor(
        user_id=25, roles=frozenset({Role.TEACHER}), supervisee_ids=frozenset({26})
    ),
    # A supervisor link without any staff role (the person left the staff) opens nothing.
    "supervisor_no_role": Actor(
        user_id=27, roles=frozenset({Role.PARENT}), supervisee_ids=frozenset({S})
    ),
    "anonymous": None,
    "must_change_password": Actor(
        user_id=28,
        roles=frozenset({Role.MENTOR}),
        supervisee_ids=frozenset({S}),
        must_change_password=True,
    ),
}

D, A, K = (
    PlanRef(plan_id=5, learner_id=S, status=s, staff=True)
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
    ("staff_plans.view", Action.STAFF_PLANS_VIEW, StaffRef(S)),
    ("staff_plan.create", Action.STAFF_PLAN_CREATE, StaffRef(S)),
    *(
        (f"view-own-note:{v.value}", Action.NOTE_VIEW, NoteRef(S, S, v, staff=True))
        for v in (PRIVATE, STAFF, FAMILY)
    ),
    *(
        (f"view-supervisor-note:{v.value}", Action.NOTE_VIEW, NoteRef(S, SUP, v, staff=True))
        for v in (PRIVATE, STAFF, FAMILY)
    ),
    ("edit-own-note", Action.NOTE_EDIT, NoteRef(S, S, STAFF, staff=True)),
    ("edit-supervisor-note", Action.NOTE_EDIT, NoteRef(S, SUP, STAFF, staff=True)),
    ("connect:21-for-20", Action.SUPERVISOR_CONNECT, SupervisionRef(SUP, S)),
    ("connect:20-for-20", Action.SUPERVISOR_CONNECT, SupervisionRef(S, S)),  # themselves
    ("connect:21-for-1", Action.SUPERVISOR_CONNECT, SupervisionRef(SUP, 1)),  # the admin's own
)

# Y = allowed, . = denied. Groups of three are draft / active / locked.
#                         view edit act  task refl rself rment log  nwrite next ack  sv sc  own-note sup-note edit(o,s) connect
MATRIX: dict[str, str] = {
    "staff": "YYY  YY.  ...  .Y.  .Y.  .Y.   ...   YY.  YY.    ...  .Y.  Y  Y   YYY  .YY   Y.  ...",
    "supervisor": "YYY  YY.  Y..  .Y.  ...  ...   .Y.   YY.  YY.    .Y.  .Y.  Y  Y   .YY  YYY   .Y  ...",
    "administrator": "YYY  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  Y  .   .YY  .YY   ..  Y..",
    "colleague": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "mentor_linked": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "parent_linked": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "learner": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "other_supervisor": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "supervisor_no_role": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "anonymous": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
    "must_change_password": "...  ...  ...  ...  ...  ...   ...   ...  ...    ...  ...  .  .   ...  ...   ..  ...",
}

CELLS = matrix_cells(MATRIX, COLUMNS, marks=lambda row: list(row.replace(" ", "")))


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_staff_plan_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


def test_a_staff_plan_read_by_an_administrator_is_a_support_read():
    admin = ACTORS["administrator"]
    assert is_support_read(admin, S, staff=True) is True
    # An administrator who supervises the staff member reads as their supervisor, unrecorded.
    admin_supervisor = Actor(
        user_id=1, roles=frozenset({Role.ADMINISTRATOR}), supervisee_ids=frozenset({S})
    )
    assert is_support_read(admin_supervisor, S, staff=True) is False


def test_learner_rules_never_apply_to_a_staff_plan():
    # The same plan read as a learner's plan would let the stale mentor and parent in.
    as_learner_plan = PlanRef(plan_id=5, learner_id=S, status=PlanStatus.ACTIVE)
    assert can(ACTORS["mentor_linked"], Action.PLAN_VIEW, as_learner_plan) is True
    assert can(ACTORS["parent_linked"], Action.PLAN_VIEW, as_learner_plan) is True
    assert can(ACTORS["mentor_linked"], Action.PLAN_VIEW, A) is False
    assert can(ACTORS["parent_linked"], Action.PLAN_VIEW, A) is False


def test_a_supervisor_gains_nothing_over_the_learners_their_staff_teach():
    supervisor = ACTORS["supervisor"]
    assert can(supervisor, Action.LEARNER_VIEW, LearnerRef(10)) is False
    learner_plan = PlanRef(plan_id=6, learner_id=10, status=PlanStatus.ACTIVE)
    assert can(supervisor, Action.PLAN_VIEW, learner_plan) is False


@pytest.mark.parametrize("action", PLAN_ACTIONS)
@pytest.mark.parametrize(
    "forged",
    [
        PlanRef(plan_id=5, learner_id=S, status=PlanStatus.ACTIVE, staff="yes"),
        PlanRef(plan_id=5, learner_id=S, status="active", staff=True),
        StaffRef(S),
        {"plan_id": 5, "learner_id": S, "staff": True},
    ],
    ids=["staff-as-text", "status-as-text", "staff-ref", "dict"],
)
def test_forged_staff_plan_targets_are_refused_even_for_the_supervisor(action, forged):
    assert can(ACTORS["supervisor"], action, forged) is False
    assert can(ACTORS["staff"], action, forged) is False


def test_forged_supervision_targets_are_refused():
    admin = ACTORS["administrator"]
    for forged in (StaffRef(S), (SUP, S), {"supervisor_id": SUP, "staff_id": S}, None):
        assert can(admin, Action.SUPERVISOR_CONNECT, forged) is False
    assert can(admin, Action.STAFF_PLANS_VIEW, LearnerRef(S)) is False
