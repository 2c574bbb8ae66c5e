"""Rules for moving a plan into the next period: what is carried, and what stays behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ilp_app.domain.plans import TaskStatus

MAX_CARRY_REASON = 500


@dataclass(frozen=True)
class TaskLine:
    id: int
    goal_id: int
    status: str


@dataclass(frozen=True)
class PeriodLine:
    id: int
    starts_on: date
    ends_on: date


def next_period(periods: Iterable[PeriodLine], current: PeriodLine) -> PeriodLine | None:
    """The first period that starts after ``current`` ends."""
    later = sorted((p for p in periods if p.starts_on > current.ends_on), key=lambda p: p.starts_on)
    return later[0] if later else None


def tasks_to_carry(goal_ids: Iterable[int], tasks: Iterable[TaskLine]) -> list[int]:
    """Unfinished tasks of the goals being carried forward; completed tasks stay in the old plan."""
    chosen = set(goal_ids)
    return [t.id for t in tasks if t.goal_id in chosen and t.status != TaskStatus.COMPLETED.value]


def goals_worth_carrying(goal_ids: Iterable[int], tasks: Iterable[TaskLine]) -> list[int]:
    """The default choice: goals with unfinished work, or with no tasks at all yet."""
    by_goal: dict[int, list[str]] = {g: [] for g in goal_ids}
    for t in tasks:
        if t.goal_id in by_goal:
            by_goal[t.goal_id].append(t.status)
    return [
        g
        for g, statuses in by_goal.items()
        if not statuses or any(s != TaskStatus.COMPLETED.value for s in statuses)
    ]


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what differs, for a readable history entry."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys if k in before}, {
        k: after.get(k) for k in keys if k in after
    }
