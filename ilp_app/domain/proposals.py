"""A learner's proposal for their own plan: a goal, or a task under one of their goals.

A proposal waits for the mentor, who accepts it as it is, accepts it with changes, or declines
it with a short reason. Until then its learner may edit or withdraw it; once decided (or
withdrawn) it never changes again. A proposal still waiting when its plan is locked is closed
("Closed when the plan was locked"); if the plan continues into the next period, it waits again
there, as a new proposal on the new plan.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed

MAX_DECLINE_REASON = 300

MSG_ALREADY_DECIDED = "This proposal has already been {status}; it can no longer be changed."
MSG_REASON_REQUIRED = "Please give the learner a short reason."
MSG_UNKNOWN_KIND = "A proposal is for a goal or for a task."


class ProposalKind(StrEnum):
    GOAL = "goal"
    TASK = "task"


class ProposalStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    ACCEPTED_CHANGED = "accepted_changed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED_LOCKED = "closed_locked"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ProposalStatus.PENDING: "Proposed",
    ProposalStatus.ACCEPTED: "Accepted",
    ProposalStatus.ACCEPTED_CHANGED: "Accepted with changes",
    ProposalStatus.DECLINED: "Declined",
    ProposalStatus.WITHDRAWN: "Withdrawn",
    ProposalStatus.CLOSED_LOCKED: "Closed when the plan was locked",
}


class ProposalStep(StrEnum):
    """What can happen to a proposal; each step is one entry in the plan's history."""

    EDIT = "edit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    ACCEPT_CHANGED = "accept_changed"
    DECLINE = "decline"
    CLOSE_ON_LOCK = "close_on_lock"


_AFTER = {
    ProposalStep.EDIT: ProposalStatus.PENDING,
    ProposalStep.WITHDRAW: ProposalStatus.WITHDRAWN,
    ProposalStep.ACCEPT: ProposalStatus.ACCEPTED,
    ProposalStep.ACCEPT_CHANGED: ProposalStatus.ACCEPTED_CHANGED,
    ProposalStep.DECLINE: ProposalStatus.DECLINED,
    ProposalStep.CLOSE_ON_LOCK: ProposalStatus.CLOSED_LOCKED,
}

_DONE_WORDS = {
    ProposalStatus.ACCEPTED: "accepted",
    ProposalStatus.ACCEPTED_CHANGED: "accepted",
    ProposalStatus.DECLINED: "declined",
    ProposalStatus.WITHDRAWN: "withdrawn",
    ProposalStatus.CLOSED_LOCKED: "closed when the plan was locked",
}


def proposal_next(status: ProposalStatus | str, step: ProposalStep) -> ProposalStatus:
    """The status a proposal has after ``step``.

    Only a pending proposal moves: every step starts from "pending" and editing keeps it there.

    Raises:
        ValidationFailed: the proposal was already decided or withdrawn.
    """
    current = ProposalStatus(status)
    if current is not ProposalStatus.PENDING:
        raise ValidationFailed(MSG_ALREADY_DECIDED.format(status=_DONE_WORDS[current]))
    return _AFTER[ProposalStep(step)]


def is_open(status: ProposalStatus | str) -> bool:
    return ProposalStatus(status) is ProposalStatus.PENDING


def parse_kind(value: object) -> ProposalKind:
    try:
        return ProposalKind(value)
    except ValueError:
        raise ValidationFailed(MSG_UNKNOWN_KIND) from None


def accept_step(changed: bool) -> ProposalStep:
    """Accepting with any field different from what the learner wrote is "accepted with changes"."""
    return ProposalStep.ACCEPT_CHANGED if changed else ProposalStep.ACCEPT


def carried_date(value: date | None, *, starts_on: date, ends_on: date) -> date | None:
    """A carried proposal's date, kept only when it falls in the new plan's period.

    A date of the old period would be refused when the mentor accepts; left empty, the mentor
    (or the learner, editing) sets one that fits.
    """
    if value is not None and starts_on <= value <= ends_on:
        return value
    return None
