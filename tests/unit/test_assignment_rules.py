"""Which learners a rule reaches, and what it does for each (no database)."""

from __future__ import annotations

import pytest

from ilp_app.domain.assignment_rules import (
    MSG_CONTEXT_KIND,
    MSG_RULE_STATUS,
    REASON_HAS_PLAN,
    REASON_INACTIVE,
    REASON_NO_MENTOR,
    LearnerFacts,
    RuleCondition,
    RuleStatus,
    condition_matches,
    condition_words,
    parse_context_kind,
    parse_status,
    rule_decide,
)
from ilp_app.domain.errors import ValidationFailed

YEAR9 = LearnerFacts(
    learner_id=1,
    years=frozenset({"9"}),
    group_ids=frozenset({5}),
    context_kinds=frozenset({"support_needs"}),
    has_mentor=True,
)
YEAR8 = LearnerFacts(
    learner_id=2, years=frozenset({"8"}), group_ids=frozenset({6}), has_mentor=True
)


def test_an_empty_condition_reaches_every_learner():
    assert condition_matches(RuleCondition(), YEAR9)
    assert condition_matches(RuleCondition(), LearnerFacts(learner_id=3))


def test_a_year_condition_reaches_only_that_year():
    assert condition_matches(RuleCondition(year_label="9"), YEAR9)
    assert not condition_matches(RuleCondition(year_label="9"), YEAR8)
    # Learners in no group with a year are not "in year 9".
    assert not condition_matches(RuleCondition(year_label="9"), LearnerFacts(learner_id=3))


def test_a_year_is_matched_whatever_its_case():
    facts = LearnerFacts(learner_id=4, years=frozenset({"Year 9"}))
    assert condition_matches(RuleCondition(year_label="year 9"), facts)


def test_a_group_condition_reaches_only_its_members():
    assert condition_matches(RuleCondition(group_id=5), YEAR9)
    assert not condition_matches(RuleCondition(group_id=5), YEAR8)


def test_a_context_condition_needs_an_item_of_that_kind():
    assert condition_matches(RuleCondition(context_kind="support_needs"), YEAR9)
    assert not condition_matches(RuleCondition(context_kind="support_needs"), YEAR8)
    assert not condition_matches(RuleCondition(context_kind="prior_attainment"), YEAR9)


def test_every_part_of_a_condition_must_hold():
    both = RuleCondition(year_label="9", context_kind="support_needs")
    assert condition_matches(both, YEAR9)
    assert not condition_matches(RuleCondition(year_label="9", group_id=6), YEAR9)


def test_a_learner_with_a_plan_is_skipped_with_the_period_named():
    facts = LearnerFacts(learner_id=1, years=frozenset({"9"}), has_plan=True, has_mentor=True)
    decision = rule_decide(RuleCondition(year_label="9"), facts, period_name="Autumn")
    assert decision is not None and not decision.assign
    assert decision.reason == REASON_HAS_PLAN.format(period="Autumn")


def test_a_learner_without_a_mentor_or_with_a_disabled_account_gets_no_plan():
    no_mentor = LearnerFacts(learner_id=1)
    disabled = LearnerFacts(learner_id=2, has_mentor=True, active=False)
    assert rule_decide(RuleCondition(), no_mentor, period_name="P").reason == REASON_NO_MENTOR
    assert rule_decide(RuleCondition(), disabled, period_name="P").reason == REASON_INACTIVE


def test_a_learner_the_condition_does_not_reach_is_left_out_of_the_preview():
    assert rule_decide(RuleCondition(year_label="9"), YEAR8, period_name="P") is None


def test_the_reason_for_a_plan_is_the_condition_in_words():
    decision = rule_decide(
        RuleCondition(year_label="9", group_id=5, context_kind="support_needs"),
        YEAR9,
        period_name="P",
        group_name="9A",
    )
    assert decision.assign
    assert decision.reason == "In year 9, in 9A, context lists support or additional needs"
    assert condition_words(RuleCondition()) == "every learner"
    assert condition_words(RuleCondition(year_label="Year 8")) == "in Year 8"


@pytest.mark.parametrize("forged", ["", "archived", None, 1, {"status": "active"}])
def test_a_status_other_than_draft_or_active_is_refused(forged):
    with pytest.raises(ValidationFailed, match=MSG_RULE_STATUS):
        parse_status(forged)
    assert parse_status("active") is RuleStatus.ACTIVE


@pytest.mark.parametrize("forged", ["allergies", 3, ["support_needs"]])
def test_a_context_kind_the_school_does_not_use_is_refused(forged):
    with pytest.raises(ValidationFailed, match=MSG_CONTEXT_KIND):
        parse_context_kind(forged)
    assert parse_context_kind("") == ""
