"""Who may write a handover note for a learner's next mentor: only their mentor, on an open plan
of the learner, never on a staff plan."""

from __future__ import annotations

import pytest

from ilp_app.domain.permissions import Action, PlanRef, can
from ilp_app.domain.plans import PlanStatus
from tests.support.matrix import matrix_cells
from tests.unit.test_plan_permissions import ACTORS, L

D, A, K = (
    PlanRef(plan_id=5, learner_id=L, status=s)
    for s in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.LOCKED)
)
STAFF_PLAN = PlanRef(plan_id=6, learner_id=L, status=PlanStatus.ACTIVE, staff=True)
COLUMNS = (
    *((f"handover:{t.status.value}", Action.HANDOVER_WRITE, t) for t in (D, A, K)),
    ("handover:staff-plan", Action.HANDOVER_WRITE, STAFF_PLAN),
)

#            d a k staff
MATRIX = {
    "administrator": ". . . .",
    "mentor": "Y Y . .",
    "teacher": ". . . .",
    "parent": ". . . .",
    "learner": ". . . .",
    "other_mentor": ". . . .",
    "other_parent": ". . . .",
    "other_learner": ". . . .",
    "anonymous": ". . . .",
    "must_change_password": ". . . .",
}


@pytest.mark.parametrize(
    ("actor_name", "action", "target", "allowed"), matrix_cells(MATRIX, COLUMNS)
)
def test_handover_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed
