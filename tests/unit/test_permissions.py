"""The permissions matrix, written out by hand and checked cell by cell.

The expected answers below are data, not derived from ``ilp_app.domain.permissions``: when a
rule changes, this table must be changed on purpose.
"""

from __future__ import annotations

import pytest

from ilp_app.domain.errors import NotSignedIn, PermissionDenied
from ilp_app.domain.permissions import Action, Actor, LearnerRef, UserRef, can, require
from ilp_app.domain.roles import Role
from tests.support.matrix import matrix_cells

# People (user ids are fixed so targets can be fixed too):
#   1 administrator            2 mentor of learner 10      3 teacher of learner 11
#   4 parent of learner 12     13 learner (themselves)     5 administrator+mentor of 10 who
#   must change a temporary password. Learner 99 is nobody's.
ACTORS: dict[str, Actor | None] = {
    "administrator": Actor(user_id=1, roles=frozenset({Role.ADMINISTRATOR}), site_id=1),
    "mentor": Actor(
        user_id=2, roles=frozenset({Role.MENTOR}), site_id=1, mentee_ids=frozenset({10})
    ),
    "teacher": Actor(
        user_id=3, roles=frozenset({Role.TEACHER}), site_id=1, taught_learner_ids=frozenset({11})
    ),
    "parent": Actor(
        user_id=4, roles=frozenset({Role.PARENT}), site_id=1, child_ids=frozenset({12})
    ),
    "learner": Actor(user_id=13, roles=frozenset({Role.LEARNER}), site_id=1),
    "anonymous": None,
    "must_change_password": Actor(
        user_id=5,
        roles=frozenset({Role.ADMINISTRATOR, Role.MENTOR}),
        site_id=1,
        mentee_ids=frozenset({10}),
        must_change_password=True,
    ),
}

# Columns of the matrix: (label, action, target).
COLUMNS: tuple[tuple[str, Action, object], ...] = (
    ("home:administrator", Action.HOME_VIEW, Role.ADMINISTRATOR),
    ("home:mentor", Action.HOME_VIEW, Role.MENTOR),
    ("home:teacher", Action.HOME_VIEW, Role.TEACHER),
    ("home:learner", Action.HOME_VIEW, Role.LEARNER),
    ("home:parent", Action.HOME_VIEW, Role.PARENT),
    ("account", Action.ACCOUNT_MANAGE, None),
    ("admin_console", Action.ADMIN_CONSOLE_VIEW, None),
    ("user_list", Action.USER_LIST, None),
    ("manage:user1", Action.USER_MANAGE, UserRef(1)),  # the administrator's own account
    ("manage:user13", Action.USER_MANAGE, UserRef(13)),  # another user (the learner)
    ("learner:10", Action.LEARNER_VIEW, LearnerRef(10)),  # the mentor's mentee
    ("learner:11", Action.LEARNER_VIEW, LearnerRef(11)),  # taught by the teacher
    ("learner:12", Action.LEARNER_VIEW, LearnerRef(12)),  # the parent's child
    ("learner:13", Action.LEARNER_VIEW, LearnerRef(13)),  # the learner themselves
    ("learner:99", Action.LEARNER_VIEW, LearnerRef(99)),  # nobody's
    ("lang:1", Action.LANGUAGE_CHOOSE, UserRef(1)),  # the administrator's own language
    ("lang:4", Action.LANGUAGE_CHOOSE, UserRef(4)),  # the parent's own
    ("lang:12", Action.LANGUAGE_CHOOSE, UserRef(12)),  # the parent's child's
    ("lang:13", Action.LANGUAGE_CHOOSE, UserRef(13)),  # the learner's own
    ("lang:5", Action.LANGUAGE_CHOOSE, UserRef(5)),  # before replacing a temporary password
)

# Y = allowed, . = denied; one character per column above, in the same order.
#                                 homes  acct adm list mg1 mg13 l10 l11 l12 l13 l99  lang: 1 4 12 13 5
MATRIX: dict[str, str] = {
    "administrator": "Y . . . .  Y    Y   Y    .   Y    Y   Y   Y   Y   Y    Y . . . .",
    "mentor": ". Y . . .  Y    .   .    .   .    Y   .   .   .   .    . . . . .",
    "teacher": ". . Y . .  Y    .   .    .   .    .   Y   .   .   .    . . . . .",
    "parent": ". . . . Y  Y    .   .    .   .    .   .   Y   .   .    . Y . . .",
    "learner": ". . . Y .  Y    .   .    .   .    .   .   .   Y   .    . . . Y .",
    "anonymous": ". . . . .  .    .   .    .   .    .   .   .   .   .    . . . . .",
    "must_change_password": ". . . . .  Y    .   .    .   .    .   .   .   .   .    . . . . Y",
}


CELLS = matrix_cells(MATRIX, COLUMNS)


def test_matrix_covers_every_action_and_every_role_home():
    from tests.unit.test_admin_permissions import COLUMNS as ADMIN_COLUMNS
    from tests.unit.test_coaching_rules import COLUMNS as COACHING_COLUMNS
    from tests.unit.test_evidence_rules import COLUMNS as EVIDENCE_COLUMNS
    from tests.unit.test_handover_permissions import COLUMNS as HANDOVER_COLUMNS
    from tests.unit.test_plan_permissions import COLUMNS as PLAN_COLUMNS
    from tests.unit.test_proposal_rules import COLUMNS as PROPOSAL_COLUMNS
    from tests.unit.test_staff_plan_permissions import COLUMNS as STAFF_COLUMNS

    covered = {action for _, action, _ in COLUMNS} | {action for _, action, _ in PLAN_COLUMNS}
    covered |= {action for _, action, _ in ADMIN_COLUMNS}
    covered |= {action for _, action, _ in PROPOSAL_COLUMNS + COACHING_COLUMNS}
    covered |= {action for _, action, _ in EVIDENCE_COLUMNS}
    covered |= {action for _, action, _ in STAFF_COLUMNS}
    covered |= {action for _, action, _ in HANDOVER_COLUMNS}
    assert covered == set(Action)
    assert {t for _, a, t in COLUMNS if a is Action.HOME_VIEW} == set(Role)


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_require_agrees_with_the_matrix(actor_name, action, target, allowed):
    actor = ACTORS[actor_name]
    if allowed:
        assert require(actor, action, target) is actor
    elif actor is None:
        with pytest.raises(NotSignedIn):
            require(actor, action, target)
    else:
        with pytest.raises(PermissionDenied) as info:
            require(actor, action, target)
        assert type(info.value) is PermissionDenied  # not NotSignedIn: someone is signed in


def test_relationships_without_the_role_grant_nothing():
    # Stale relationship data must not open access once the role itself is gone.
    actor = Actor(
        user_id=7,
        roles=frozenset({Role.LEARNER}),
        mentee_ids=frozenset({10}),
        taught_learner_ids=frozenset({11}),
        child_ids=frozenset({12}),
    )
    for learner_id in (10, 11, 12):
        assert can(actor, Action.LEARNER_VIEW, LearnerRef(learner_id)) is False
    assert can(actor, Action.LEARNER_VIEW, LearnerRef(7)) is True


def test_several_roles_combine_their_relationships():
    actor = Actor(
        user_id=8,
        roles=frozenset({Role.MENTOR, Role.PARENT}),
        mentee_ids=frozenset({10}),
        child_ids=frozenset({12}),
    )
    assert can(actor, Action.LEARNER_VIEW, LearnerRef(10)) is True
    assert can(actor, Action.LEARNER_VIEW, LearnerRef(12)) is True
    assert can(actor, Action.LEARNER_VIEW, LearnerRef(11)) is False
    assert can(actor, Action.HOME_VIEW, Role.TEACHER) is False


FORGED_TARGETS = {
    Action.LEARNER_VIEW: ["10", {"learner_id": 10}, 10, UserRef(10), [10], None, True],
    Action.USER_MANAGE: ["13", {"user_id": 13}, 13, LearnerRef(13), [13], None, True],
    Action.HOME_VIEW: ["administrator", "mentor", {"role": "administrator"}, 0, None],
    Action.LANGUAGE_CHOOSE: ["1", "2", {"user_id": 2}, 2, LearnerRef(2), [2], None, True],
}


@pytest.mark.parametrize(
    ("action", "target"),
    [(a, t) for a, targets in FORGED_TARGETS.items() for t in targets],
    ids=lambda v: repr(v),
)
@pytest.mark.parametrize("actor_name", ["administrator", "mentor"])
def test_forged_target_types_are_denied(actor_name, action, target):
    # The administrator and the mentor both hold real access to learner 10 / user 13 / their home.
    actor = ACTORS[actor_name]
    assert can(actor, action, target) is False
    with pytest.raises(PermissionDenied):
        require(actor, action, target)


def test_unknown_action_is_denied_even_to_an_administrator():
    assert can(ACTORS["administrator"], "plan.delete") is False  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        require(ACTORS["administrator"], "plan.delete")  # type: ignore[arg-type]


def test_require_raises_not_signed_in_for_nobody_even_on_open_actions():
    with pytest.raises(NotSignedIn):
        require(None, Action.ACCOUNT_MANAGE)
