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
from ilp_app.i18n.runtime import N_, gettext

MAX_DECLINE_REASON = 300

MSG_REASON_REQUIRED = N_("Please give the learner a short reason.")
MSG_UNKNOWN_KIND = N_("A proposal is for a goal or for a task.")


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
        return gettext(_LABELS[self])


_LABELS = {
    ProposalStatus.PENDING: N_("Proposed"),
    ProposalStatus.ACCEPTED: N_("Accepted"),
    ProposalStatus.ACCEPTED_CHANGED: N_("Accepted with changes"),
    ProposalStatus.DECLINED: N_("Declined"),
    ProposalStatus.WITHDRAWN: N_("Withdrawn"),
    ProposalStatus.CLOSED_LOCKED: N_("Closed when the plan was locked"),
}

KIND_LABELS = {ProposalKind.GOAL: N_("Goal"), ProposalKind.TASK: N_("Task")}


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

# Whole sentences, one per outcome, so each language can word its own.
MSG_ALREADY_ACCEPTED = N_("This proposal has already been accepted; it can no longer be changed.")
MSG_ALREADY_DECLINED = N_("This proposal has already been declined; it can no longer be changed.")
MSG_ALREADY_WITHDRAWN = N_("This proposal has already been withdrawn; it can no longer be changed.")
MSG_ALREADY_CLOSED = N_(
    "This proposal was closed when the plan was locked; it can no longer be changed."
)

_ALREADY = {
    ProposalStatus.ACCEPTED: MSG_ALREADY_ACCEPTED,
    ProposalStatus.ACCEPTED_CHANGED: MSG_ALREADY_ACCEPTED,
    ProposalStatus.DECLINED: MSG_ALREADY_DECLINED,
    ProposalStatus.WITHDRAWN: MSG_ALREADY_WITHDRAWN,
    ProposalStatus.CLOSED_LOCKED: MSG_ALREADY_CLOSED,
}


def proposal_next(status: ProposalStatus | str, step: ProposalStep) -> ProposalStatus:
    """The status a proposal has after ``step``.

    Only a pending proposal moves: every step starts from "pending" and editing keeps it there.

    Raises:
        ValidationFailed: the proposal was already decided or withdrawn.
    """
    current = ProposalStatus(status)
    if current is not ProposalStatus.PENDING:
        raise ValidationFailed(_ALREADY[current])
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
