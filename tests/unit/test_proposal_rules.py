"""Learners' proposals: who may propose and decide (a matrix by hand), and the state machine."""

from __future__ import annotations

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Action, PlanRef, can
from ilp_app.domain.plans import PlanStatus
from ilp_app.domain.proposals import (
    ProposalStatus,
    ProposalStep,
    accept_step,
    carried_date,
    is_open,
    parse_kind,
    proposal_next,
)
from tests.support.matrix import matrix_cells
from tests.unit.test_plan_permissions import ACTORS, L

D, A, K = (
    PlanRef(plan_id=5, learner_id=L, status=s)
    for s in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.LOCKED)
)
OTHER = PlanRef(plan_id=6, learner_id=99, status=PlanStatus.ACTIVE)  # another learner's plan

COLUMNS = tuple(
    (f"{action.value}:{label}", action, target)
    for action in (Action.PROPOSAL_CREATE, Action.PROPOSAL_EDIT, Action.PROPOSAL_DECIDE)
    for label, target in (("draft", D), ("active", A), ("locked", K), ("other", OTHER))
)

# Y = allowed, . = denied. Groups of four: draft / active / locked / another learner's active plan.
#                        create  edit  decide
MATRIX: dict[str, str] = {
    "administrator": "....  ....  ....",
    "mentor": "....  ....  .Y..",
    "teacher": "....  ....  ....",
    "parent": "....  ....  ....",
    "learner": ".Y..  .Y..  ....",
    "other_mentor": "....  ....  ...Y",
    "other_parent": "....  ....  ....",
    "other_learner": "...Y  ...Y  ....",
    "anonymous": "....  ....  ....",
    "must_change_password": "....  ....  ....",
}

CELLS = matrix_cells(MATRIX, COLUMNS, marks=lambda row: list(row.replace(" ", "")))


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_proposal_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


def test_a_parent_never_proposes_even_for_their_own_child():
    assert not can(ACTORS["parent"], Action.PROPOSAL_CREATE, A)


def test_a_learner_cannot_decide_their_own_proposal():
    assert not can(ACTORS["learner"], Action.PROPOSAL_DECIDE, A)


@pytest.mark.parametrize(
    ("step", "after"),
    [
        (ProposalStep.EDIT, ProposalStatus.PENDING),
        (ProposalStep.WITHDRAW, ProposalStatus.WITHDRAWN),
        (ProposalStep.ACCEPT, ProposalStatus.ACCEPTED),
        (ProposalStep.ACCEPT_CHANGED, ProposalStatus.ACCEPTED_CHANGED),
        (ProposalStep.DECLINE, ProposalStatus.DECLINED),
        (ProposalStep.CLOSE_ON_LOCK, ProposalStatus.CLOSED_LOCKED),
    ],
)
def test_every_step_starts_from_a_pending_proposal(step, after):
    assert proposal_next(ProposalStatus.PENDING, step) is after


@pytest.mark.parametrize(
    "done",
    [
        ProposalStatus.ACCEPTED,
        ProposalStatus.ACCEPTED_CHANGED,
        ProposalStatus.DECLINED,
        ProposalStatus.WITHDRAWN,
        ProposalStatus.CLOSED_LOCKED,
    ],
)
@pytest.mark.parametrize("step", list(ProposalStep))
def test_a_decided_or_withdrawn_proposal_never_changes_again(done, step):
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        proposal_next(done, step)


def test_a_declined_proposal_says_so_when_edited():
    with pytest.raises(ValidationFailed, match="already been declined"):
        proposal_next("declined", ProposalStep.EDIT)


def test_only_a_pending_proposal_is_open():
    assert [s for s in ProposalStatus if is_open(s)] == [ProposalStatus.PENDING]


def test_the_learner_sees_proposed_on_a_pending_proposal():
    assert ProposalStatus.PENDING.label == "Proposed"


def test_accepting_with_a_change_is_its_own_step():
    assert accept_step(changed=True) is ProposalStep.ACCEPT_CHANGED
    assert accept_step(changed=False) is ProposalStep.ACCEPT


@pytest.mark.parametrize("forged", ["plan", "", None, 3, {"kind": "goal"}])
def test_a_forged_kind_is_refused_with_a_message(forged):
    with pytest.raises(ValidationFailed, match="goal or for a task"):
        parse_kind(forged)


def test_the_learner_is_told_a_proposal_closed_with_the_locked_plan():
    assert ProposalStatus.CLOSED_LOCKED.label == "Closed when the plan was locked"
    with pytest.raises(ValidationFailed, match="closed when the plan was locked"):
        proposal_next(ProposalStatus.CLOSED_LOCKED, ProposalStep.EDIT)


def test_a_carried_proposal_keeps_its_date_only_inside_the_new_period():
    from datetime import date

    term = {"starts_on": date(2027, 1, 4), "ends_on": date(2027, 6, 18)}
    assert carried_date(date(2027, 3, 1), **term) == date(2027, 3, 1)
    assert carried_date(date(2026, 12, 10), **term) is None
    assert carried_date(date(2027, 6, 19), **term) is None
    assert carried_date(None, **term) is None


def test_proposal_status_and_refusal_read_in_the_readers_language():
    from ilp_app.i18n import use_language

    with use_language("nb"):
        assert ProposalStatus.DECLINED.label == "Avslått"
        with pytest.raises(ValidationFailed) as refused:
            proposal_next(ProposalStatus.WITHDRAWN, ProposalStep.EDIT)
        assert "trukket tilbake" in refused.value.message
    with use_language("nn"):
        assert ProposalStatus.ACCEPTED.label == "Godteke"
