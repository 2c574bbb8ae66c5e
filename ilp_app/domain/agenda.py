"""A learner's tasks in the order a lesson needs them: overdue first, then what is due next.

Plain rules on dates, no framework: when a task counts as overdue, how its due date reads,
and where it sorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Sorts after every dated task: a task with no due date.
NO_DATE = date.max


@dataclass(frozen=True)
class Due:
    overdue: bool
    text: (
        str  # "Overdue by 3 days", "Due today", "Due tomorrow", "Due in 5 days", "Due 12 Jan 2027"
    )
    day: date  # NO_DATE when the task has none


def due_of(due: date | None, today: date) -> Due:
    """How a task's due date reads on ``today``; an unfinished task past it is overdue."""
    if due is None:
        return Due(overdue=False, text="", day=NO_DATE)
    days = (due - today).days
    if days < 0:
        late = -days
        return Due(True, f"Overdue by {late} day{'s' if late != 1 else ''}", due)
    if days == 0:
        return Due(False, "Due today", due)
    if days == 1:
        return Due(False, "Due tomorrow", due)
    if days < 7:
        return Due(False, f"Due in {days} days", due)
    return Due(False, f"Due {due.day} {due:%b %Y}", due)


def agenda_key(due: Due, position: int) -> tuple[date, int]:
    """Overdue (the oldest first) and then the soonest due; undated tasks last, in plan order."""
    return (due.day, position)
