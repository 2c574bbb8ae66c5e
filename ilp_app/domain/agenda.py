"""A learner's tasks in the order a lesson needs them: overdue first, then what is due next.

Plain rules on dates, no framework: when a task counts as overdue, how its due date reads,
and where it sorts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ilp_app.i18n.runtime import gettext, ngettext

#: Sorts after every dated task: a task with no due date.
NO_DATE = date.max


@dataclass(frozen=True)
class Due:
    overdue: bool
    text: (
        str  # "Overdue by 3 days", "Due today", "Due tomorrow", "Due in 5 days", "Due 12 Jan 2027"
    )
    day: date  # NO_DATE when the task has none


def _english_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def due_of(
    due: date | None, today: date, *, write_day: Callable[[date], str] = _english_day
) -> Due:
    """How a task's due date reads on ``today``; an unfinished task past it is overdue.

    ``write_day`` writes a date in the reader's language (Babel, outside the domain).
    """
    if due is None:
        return Due(overdue=False, text="", day=NO_DATE)
    days = (due - today).days
    if days < 0:
        late = -days
        text = ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", late)
        return Due(True, text % {"num": late}, due)
    if days == 0:
        return Due(False, gettext("Due today"), due)
    if days == 1:
        return Due(False, gettext("Due tomorrow"), due)
    if days < 7:
        return Due(
            False, ngettext("Due in %(num)d day", "Due in %(num)d days", days) % {"num": days}, due
        )
    return Due(False, gettext("Due %(day)s") % {"day": write_day(due)}, due)


def agenda_key(due: Due, position: int) -> tuple[date, int]:
    """Overdue (the oldest first) and then the soonest due; undated tasks last, in plan order."""
    return (due.day, position)
