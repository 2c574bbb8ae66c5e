"""Coaching rules: who prepares a review and reads the answers (a matrix by hand), when a rating
asks more, and when confidence and intention disagree."""

from __future__ import annotations

import pytest

from ilp_app.domain.coaching import (
    DEFAULT_LIBRARY,
    Intention,
    PromptKind,
    Situation,
    asks_how_far,
    check_disagreement,
    parse_confidence,
    parse_intention,
    parse_situation,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Action, LearnerRef, can
from tests.support.matrix import matrix_cells
from tests.unit.test_plan_permissions import ACTORS, L

COLUMNS = tuple(
    (f"{action.value}:{label}", action, target)
    for action in (Action.REVIEW_PREPARE, Action.REVIEW_CHECK, Action.REVIEW_PREP_VIEW)
    for label, target in (("own", LearnerRef(L)), ("other", LearnerRef(99)))
)

# Y = allowed, . = denied. Pairs: learner 10 / learner 99.
#                      prepare check view
MATRIX: dict[str, str] = {
    "administrator": "..  ..  YY",
    "mentor": "..  ..  Y.",
    "teacher": "..  ..  Y.",
    "parent": "Y.  ..  ..",
    "learner": "Y.  Y.  ..",
    "other_mentor": "..  ..  .Y",
    "other_parent": ".Y  ..  ..",
    "other_learner": ".Y  .Y  ..",
    "anonymous": "..  ..  ..",
    "must_change_password": "..  ..  ..",
}

CELLS = matrix_cells(MATRIX, COLUMNS, marks=lambda row: list(row.replace(" ", "")))


@pytest.mark.parametrize(("actor_name", "action", "target", "allowed"), CELLS)
def test_review_preparation_permission_matrix(actor_name, action, target, allowed):
    assert can(ACTORS[actor_name], action, target) is allowed


@pytest.mark.parametrize(
    ("kind", "score", "asks"),
    [
        ("self", 1, True),
        ("self", 2, True),
        ("self", 3, False),
        ("self", 5, False),
        ("mentor", 1, False),
    ],
)
def test_only_a_low_self_rating_asks_how_they_got_there(kind, score, asks):
    assert asks_how_far(kind, score) is asks


@pytest.mark.parametrize(
    ("confidence", "intention", "disagree"),
    [
        (1, "yes", True),
        (2, "yes", True),
        (3, "yes", False),
        (2, "not_sure", False),
        (2, "no", False),
        (5, "no", True),
        (4, "no", True),
        (4, "yes", False),
    ],
)
def test_confidence_against_intention(confidence, intention, disagree):
    assert bool(check_disagreement(confidence, intention)) is disagree


@pytest.mark.parametrize("forged", [0, 6, -1, "6", "", "high", True, None, 2.5, [3]])
def test_confidence_is_one_to_five(forged):
    with pytest.raises(ValidationFailed, match="1 to 5"):
        parse_confidence(forged)


def test_confidence_accepts_what_a_form_sends():
    assert parse_confidence("3") == 3 and parse_confidence(5) == 5


@pytest.mark.parametrize("forged", ["maybe", "", None, 1, "YES"])
def test_intention_is_yes_not_sure_or_no(forged):
    with pytest.raises(ValidationFailed, match="yes, not sure or no"):
        parse_intention(forged)
    assert parse_intention("not_sure") is Intention.NOT_SURE


def test_the_default_library_covers_every_situation_with_questions_and_starters():
    for situation in Situation:
        kinds = {kind for s, kind, _ in DEFAULT_LIBRARY if s is situation}
        assert PromptKind.PROMPT in kinds, situation
    starters = [t for s, k, t in DEFAULT_LIBRARY if k is PromptKind.STARTER]
    assert "Something that went well was…" in starters and "Next time I will try…" in starters
    questions = [
        t for s, k, t in DEFAULT_LIBRARY if s is Situation.PREPARE_REVIEW and k is PromptKind.PROMPT
    ]
    assert 2 <= len(questions) <= 3
    assert all(len(t) <= 300 for _, _, t in DEFAULT_LIBRARY)


def test_a_forged_situation_is_refused():
    with pytest.raises(ValidationFailed):
        parse_situation("party")


def test_intention_and_disagreement_read_in_the_readers_language():
    from ilp_app.i18n import use_language

    with use_language("nn"):
        assert Intention.NOT_SURE.label == "Usikker"
        assert check_disagreement(5, Intention.NO).startswith("Trygg, men vil ikkje")
    assert check_disagreement(5, Intention.NO).startswith("Confident, but")
