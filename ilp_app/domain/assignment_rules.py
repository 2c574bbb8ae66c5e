"""Rules that assign plans: which learners a rule reaches, and why (pure: no database).

A rule's condition is over three facts about a learner: the years of the groups they belong to,
the groups themselves, and the kinds of items in their context. Every part left empty matches
everyone; the parts given must all hold. A rule never makes a second plan: learners who already
have a plan for the period, have no mentor or whose account is disabled are listed with the reason
instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed


class RuleStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"


#: The context kinds a condition may ask for, in the words the context header uses.
CONTEXT_KIND_LABELS: dict[str, str] = {
    "support_needs": "support or additional needs",
    "prior_attainment": "prior attainment",
    "other": "other context",
}

MAX_RULE_NAME = 120
MAX_YEAR_LABEL = 50

MSG_RULE_STATUS = "Choose draft or active."
MSG_CONTEXT_KIND = "Choose which context the learner must have, or none."

REASON_HAS_PLAN = "already has a plan for {period}"
REASON_NO_MENTOR = "has no mentor yet"
REASON_INACTIVE = "account is disabled"


@dataclass(frozen=True)
class RuleCondition:
    """Who a rule is for. Empty parts match everyone."""

    year_label: str = ""
    group_id: int | None = None
    context_kind: str = ""


@dataclass(frozen=True)
class LearnerFacts:
    """What a condition is decided on, for one learner, as the server loaded it."""

    learner_id: int
    years: frozenset[str] = field(default_factory=frozenset)
    group_ids: frozenset[int] = field(default_factory=frozenset)
    context_kinds: frozenset[str] = field(default_factory=frozenset)
    has_plan: bool = False
    has_mentor: bool = False
    active: bool = True


@dataclass(frozen=True)
class RuleDecision:
    """What a rule would do for one learner: make a plan (``assign``) or not, and why."""

    learner_id: int
    assign: bool
    reason: str


def parse_status(value: object) -> RuleStatus:
    """A rule's status from a form ("draft" or "active").

    Raises:
        ValidationFailed: :data:`MSG_RULE_STATUS` for anything else.
    """
    try:
        return RuleStatus(value) if isinstance(value, str) else RuleStatus("")
    except ValueError:
        raise ValidationFailed(MSG_RULE_STATUS) from None


def parse_context_kind(value: object) -> str:
    """A condition's context kind ("" for none).

    Raises:
        ValidationFailed: :data:`MSG_CONTEXT_KIND` for a kind the school does not use.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value in CONTEXT_KIND_LABELS:
        return value
    raise ValidationFailed(MSG_CONTEXT_KIND)


def condition_matches(condition: RuleCondition, facts: LearnerFacts) -> bool:
    """Whether every part of ``condition`` holds for the learner."""
    if condition.year_label and condition.year_label.casefold() not in {
        y.casefold() for y in facts.years
    }:
        return False
    if condition.group_id is not None and condition.group_id not in facts.group_ids:
        return False
    return not (condition.context_kind and condition.context_kind not in facts.context_kinds)


def condition_words(condition: RuleCondition, *, group_name: str = "") -> str:
    """The condition in words, as a preview gives it as the reason ("in year 9, with support …")."""
    parts = []
    if condition.year_label:
        year = condition.year_label
        # Schools write "9" or "Year 9"; either reads "in year 9".
        parts.append(f"in {year}" if year.casefold().startswith("year") else f"in year {year}")
    if condition.group_id is not None:
        parts.append(f"in {group_name or 'the chosen group'}")
    if condition.context_kind:
        parts.append(f"context lists {CONTEXT_KIND_LABELS[condition.context_kind]}")
    return ", ".join(parts) if parts else "every learner"


def rule_decide(
    condition: RuleCondition, facts: LearnerFacts, *, period_name: str, group_name: str = ""
) -> RuleDecision | None:
    """What the rule does for one learner; None when the condition does not reach them.

    A learner the condition reaches gets a plan only when they have none for the period, have a
    mentor (the plan's mentor is theirs) and an active account; otherwise the reason is given.
    """
    if not condition_matches(condition, facts):
        return None
    if facts.has_plan:
        return RuleDecision(facts.learner_id, False, REASON_HAS_PLAN.format(period=period_name))
    if not facts.active:
        return RuleDecision(facts.learner_id, False, REASON_INACTIVE)
    if not facts.has_mentor:
        return RuleDecision(facts.learner_id, False, REASON_NO_MENTOR)
    words = condition_words(condition, group_name=group_name)
    return RuleDecision(facts.learner_id, True, words[:1].upper() + words[1:])
