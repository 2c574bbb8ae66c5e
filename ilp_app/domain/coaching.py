"""Coaching prompts and sentence starters: what the school asks a learner, and when.

A coaching conversation helps learners see themselves as actors in their own learning: even
when a learner rates themselves poorly, ask how they got there from zero and what the next step
is. The school keeps its own library; :data:`DEFAULT_LIBRARY` is the set it starts with, written
in the school's language when it is loaded (the lines are in the catalogues).
"""

from __future__ import annotations

from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed
from ilp_app.i18n.runtime import N_, gettext

MAX_PROMPT = 300
MAX_PER_SITUATION = 20
MAX_ANSWER = 1000
#: A self-rating at or below this asks the learner how they got there and what comes next.
LOW_RATING = 2

#: What a low self-rating asks when the school's library has fewer than two questions for it.
LOW_RATING_QUESTIONS = (
    N_("How did you get from zero to here?"),
    N_("What is your next small step?"),
)

MSG_UNKNOWN_SITUATION = "Choose one of the situations in the list."
MSG_UNKNOWN_KIND = "Choose a prompt (a question) or a sentence starter."
MSG_TOO_MANY = f"A situation has at most {MAX_PER_SITUATION} prompts and starters."


class Situation(StrEnum):
    REFLECT_GOAL = "reflect_goal"
    PREPARE_REVIEW = "prepare_review"
    RATED_LOW = "rated_low"
    RATED_HIGH = "rated_high"
    STUCK = "stuck"

    @property
    def label(self) -> str:
        return _SITUATION_LABELS[self]


_SITUATION_LABELS = {
    Situation.REFLECT_GOAL: "Reflecting on a goal",
    Situation.PREPARE_REVIEW: "Preparing a review",
    Situation.RATED_LOW: "Rating oneself low (1 or 2)",
    Situation.RATED_HIGH: "Rating oneself high (4 or 5)",
    Situation.STUCK: "Being stuck",
}


class PromptKind(StrEnum):
    PROMPT = "prompt"  # a question to answer
    STARTER = "starter"  # the first words of an answer, tapped to begin the text

    @property
    def label(self) -> str:
        return "Question" if self is PromptKind.PROMPT else "Sentence starter"


#: The library a school starts with: (situation, kind, text), in order.
DEFAULT_LIBRARY: tuple[tuple[Situation, PromptKind, str], ...] = (
    (Situation.REFLECT_GOAL, PromptKind.PROMPT, N_("What have you done towards this goal so far?")),
    (Situation.REFLECT_GOAL, PromptKind.PROMPT, N_("What helped you most, and who helped you?")),
    (Situation.REFLECT_GOAL, PromptKind.STARTER, N_("Something that went well was…")),
    (Situation.REFLECT_GOAL, PromptKind.STARTER, N_("Something I found hard was…")),
    (Situation.REFLECT_GOAL, PromptKind.STARTER, N_("I learned that I…")),
    (Situation.REFLECT_GOAL, PromptKind.STARTER, N_("Next time I will try…")),
    (
        Situation.PREPARE_REVIEW,
        PromptKind.PROMPT,
        N_("What are you most proud of since the last review?"),
    ),
    (
        Situation.PREPARE_REVIEW,
        PromptKind.PROMPT,
        N_("Which goal would you like to talk about most, and why?"),
    ),
    (
        Situation.PREPARE_REVIEW,
        PromptKind.PROMPT,
        N_("What would help you most in the next weeks, at school or at home?"),
    ),
    (Situation.PREPARE_REVIEW, PromptKind.STARTER, N_("I am proud that…")),
    (Situation.PREPARE_REVIEW, PromptKind.STARTER, N_("I would like help with…")),
    (
        Situation.RATED_LOW,
        PromptKind.PROMPT,
        N_("You did not start from zero. What have you already done to get here?"),
    ),
    (
        Situation.RATED_LOW,
        PromptKind.PROMPT,
        N_("What is the next small step that would take you one point higher?"),
    ),
    (Situation.RATED_LOW, PromptKind.STARTER, N_("I can already…")),
    (Situation.RATED_LOW, PromptKind.STARTER, N_("My next small step is…")),
    (Situation.RATED_HIGH, PromptKind.PROMPT, N_("What did you do that made the difference?")),
    (Situation.RATED_HIGH, PromptKind.PROMPT, N_("How could you stretch this goal further?")),
    (Situation.RATED_HIGH, PromptKind.STARTER, N_("What made the difference was…")),
    (Situation.STUCK, PromptKind.PROMPT, N_("What exactly is in the way right now?")),
    (Situation.STUCK, PromptKind.PROMPT, N_("Who could you ask, and what would you ask them?")),
    (
        Situation.STUCK,
        PromptKind.PROMPT,
        N_("What is one thing you could try in the next ten minutes?"),
    ),
    (Situation.STUCK, PromptKind.STARTER, N_("I am stuck because…")),
    (Situation.STUCK, PromptKind.STARTER, N_("One thing I could try is…")),
)


def parse_situation(value: object) -> Situation:
    try:
        return Situation(value)
    except ValueError:
        raise ValidationFailed(MSG_UNKNOWN_SITUATION) from None


def parse_prompt_kind(value: object) -> PromptKind:
    try:
        return PromptKind(value)
    except ValueError:
        raise ValidationFailed(MSG_UNKNOWN_KIND) from None


def asks_how_far(kind: str, score: int) -> bool:
    """Whether a rating should ask "how did you get here from zero, and what next?"."""
    return kind == "self" and 1 <= score <= LOW_RATING


# --- confidence against intention (asking one thing two ways) ---------------------------------

MAX_CHECK_TOPIC = 200
#: How many of the school's review questions learner and parents answer before a review.
PREP_QUESTIONS = 3

MSG_UNKNOWN_INTENTION = N_("Choose yes, not sure or no.")
MSG_CONFIDENCE_RANGE = N_("Choose how confident you are, from 1 to 5.")


class Intention(StrEnum):
    YES = "yes"
    NOT_SURE = "not_sure"
    NO = "no"

    @property
    def label(self) -> str:
        return gettext(INTENTION_LABELS[self.value])


INTENTION_LABELS = {"yes": N_("Yes"), "not_sure": N_("Not sure"), "no": N_("No")}


def parse_intention(value: object) -> Intention:
    try:
        return Intention(value)
    except ValueError:
        raise ValidationFailed(MSG_UNKNOWN_INTENTION) from None


def parse_confidence(value: object) -> int:
    if isinstance(value, bool):
        raise ValidationFailed(MSG_CONFIDENCE_RANGE)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(MSG_CONFIDENCE_RANGE)
    return value


def check_disagreement(confidence: int, intention: Intention | str) -> str:
    """What the mentor might talk about when the two answers pull apart ("" when they agree).

    Learners often rate their confidence low yet plan to go on, which says they expect to
    manage; or say they are confident and yet do not plan to go on.
    """
    plan = Intention(intention)
    if confidence <= 2 and plan is Intention.YES:
        return gettext(
            "Low confidence, but planning to go on: what makes them expect to manage, and what "
            "would raise their confidence?"
        )
    if confidence >= 4 and plan is Intention.NO:
        return gettext("Confident, but not planning to go on: what holds them back?")
    return ""
