"""What a review's preparation looks like to one viewer (see :mod:`review_prep`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PrepAnswerView:
    author: str
    question: str
    answer: str


@dataclass
class ReviewPrep:
    """One review's preparation as one viewer may see it."""

    questions: list[str] = field(default_factory=list)  # to answer (empty: nothing to answer)
    mine: list[str] = field(default_factory=list)  # the viewer's answers, in question order
    answers: list[PrepAnswerView] = field(default_factory=list)  # what the viewer may read
    confidence_about: str = ""
    plan_to: str = ""
    can_check: bool = False  # the learner may give their confidence and intention
    can_set_check: bool = False  # the mentor may set what the review asks
    confidence: int = 0
    intention: str = ""
    intention_label: str = ""
    disagreement: str = ""  # for staff only: where the two answers pull apart
