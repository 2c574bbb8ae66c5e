"""Rules of a plan: statuses, task progress, what may be written, and how progress is counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_date, parse_id, parse_text
from ilp_app.i18n.runtime import N_, gettext


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    LOCKED = "locked"

    @property
    def label(self) -> str:
        return gettext(PLAN_STATUS_LABELS[self.value])


PLAN_STATUS_LABELS = {"draft": N_("Draft"), "active": N_("Active"), "locked": N_("Locked")}


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    ONGOING = "ongoing"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return gettext(TASK_STATUS_LABELS[self])


TASK_STATUS_LABELS = {
    TaskStatus.NOT_STARTED: N_("Not started"),
    TaskStatus.ONGOING: N_("Ongoing"),
    TaskStatus.COMPLETED: N_("Completed"),
}

#: One tap moves a task along this cycle (a completed task taps back to "not started").
_NEXT_TASK_STATUS = {
    TaskStatus.NOT_STARTED: TaskStatus.ONGOING,
    TaskStatus.ONGOING: TaskStatus.COMPLETED,
    TaskStatus.COMPLETED: TaskStatus.NOT_STARTED,
}

_PLAN_TRANSITIONS = {
    (PlanStatus.DRAFT, PlanStatus.ACTIVE),
    (PlanStatus.ACTIVE, PlanStatus.LOCKED),
    (PlanStatus.DRAFT, PlanStatus.LOCKED),
}


class NoteVisibility(StrEnum):
    PRIVATE = "private"
    STAFF = "staff"
    FAMILY = "family"

    @property
    def label(self) -> str:
        return gettext(NOTE_VISIBILITY_LABELS[self])


NOTE_VISIBILITY_LABELS = {
    NoteVisibility.PRIVATE: N_("Only me"),
    NoteVisibility.STAFF: N_("Staff"),
    NoteVisibility.FAMILY: N_("Learner and parents"),
}
DEFAULT_NOTE_VISIBILITY = NoteVisibility.STAFF

# Limits on what people type: long enough for real use, short enough to keep pages and PDFs sane.
MAX_FOCUS_AREA = 80
MAX_GOAL_STATEMENT = 500
MAX_SUCCESS_CRITERIA = 1000
MAX_TASK_TITLE = 200
MAX_LINK_TITLE = 120
MAX_URL = 2000
MAX_REFLECTION = 5000
MAX_LOG_ENTRY = 2000
MAX_NOTE = 5000
MAX_FOCUS_AREAS = 6

MSG_PLAN_LOCKED = (
    "This plan is locked: it belongs to a finished period and can no longer be changed."
)
MSG_PLAN_NOT_ACTIVE = N_("This plan is not active yet; your mentor is still preparing it.")
MSG_BAD_TRANSITION = "A plan cannot go from {src} to {dst}."
MSG_TASK_CHANGED = N_("This task was just changed somewhere else; here is its current status.")


def next_task_status(current: TaskStatus) -> TaskStatus:
    """The status one tap moves a task to."""
    return _NEXT_TASK_STATUS[current]


def parse_task_status(value: object) -> TaskStatus:
    if isinstance(value, str):
        try:
            return TaskStatus(value)
        except ValueError:
            pass
    raise ValidationFailed("Unknown task status.")


def parse_visibility(value: object) -> NoteVisibility:
    if isinstance(value, str):
        if value == "":
            return DEFAULT_NOTE_VISIBILITY
        try:
            return NoteVisibility(value)
        except ValueError:
            pass
    raise ValidationFailed("Choose who can see the note: Only me, Staff, or Learner and parents.")


def check_transition(src: PlanStatus, dst: PlanStatus) -> None:
    """Raise unless a plan may move from ``src`` to ``dst``."""
    if (src, dst) not in _PLAN_TRANSITIONS:
        raise ValidationFailed(MSG_BAD_TRANSITION.format(src=src.label, dst=dst.label))


def check_writable(status: PlanStatus) -> None:
    """A locked plan refuses every change, whoever asks."""
    if status is PlanStatus.LOCKED:
        raise ValidationFailed(MSG_PLAN_LOCKED)


def clean_date(
    value: object, *, field: str, starts_on: date, ends_on: date, required: bool = False
) -> date | None:
    """A date (see :func:`parse_date`) inside the plan's period, or None when left empty."""
    parsed = parse_date(value, field=field, required=required)
    if parsed is not None and not starts_on <= parsed <= ends_on:
        raise ValidationFailed(
            f"{field} must be within the period ({starts_on.isoformat()} to {ends_on.isoformat()})."
        )
    return parsed


def clean_url(value: object) -> str:
    """An absolute http or https address; anything else (javascript:, data:, relative) is refused."""
    url = parse_text(value, field="Link address", max_length=MAX_URL)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationFailed("Link address must start with http:// or https://.")
    return url


def clean_id(value: object, *, what: str = "item") -> int:
    """Deprecated: call :func:`ilp_app.domain.parsing.parse_id`.

    Kept for the states that still import it; unlike ``parse_id`` it trims surrounding spaces
    first, as it always did.
    """
    return parse_id(value.strip() if isinstance(value, str) else value, what=what)


@dataclass(frozen=True)
class Progress:
    total: int
    not_started: int
    ongoing: int
    completed: int

    @property
    def percent(self) -> int:
        """Completed tasks as a whole percentage of all tasks (0 when there are none)."""
        if self.total == 0:
            return 0
        return round(100 * self.completed / self.total)


def progress_of(statuses: Iterable[TaskStatus | str]) -> Progress:
    counts = {s: 0 for s in TaskStatus}
    for status in statuses:
        counts[TaskStatus(status)] += 1
    return Progress(
        total=sum(counts.values()),
        not_started=counts[TaskStatus.NOT_STARTED],
        ongoing=counts[TaskStatus.ONGOING],
        completed=counts[TaskStatus.COMPLETED],
    )


# --- Staff plans ---------------------------------------------------------------------------

#: ``Plan.kind`` of a learner's plan and of a staff member's own plan.
PLAN_KIND_LEARNER = "learner"
PLAN_KIND_STAFF = "staff"

#: ``Period.kind``: learners' plans follow terms, staff plans the school year.
PERIOD_KIND_TERM = "term"
PERIOD_KIND_SCHOOL_YEAR = "school_year"
PERIOD_KIND_LABELS = {PERIOD_KIND_TERM: "Term", PERIOD_KIND_SCHOOL_YEAR: "School year"}

#: The structure a staff plan starts with: the staff plan's own template.
STAFF_FOCUS_AREAS: tuple[str, ...] = ("Professional goals", "Bucket list", "Observations")
