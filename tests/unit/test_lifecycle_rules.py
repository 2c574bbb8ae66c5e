"""Carry-over and next-period rules."""

from datetime import date

from ilp_app.domain.lifecycle import (
    PeriodLine,
    TaskLine,
    changed_fields,
    goals_worth_carrying,
    next_period,
    tasks_to_carry,
)

SPRING = PeriodLine(1, date(2026, 1, 6), date(2026, 6, 20))
AUTUMN = PeriodLine(2, date(2026, 8, 18), date(2026, 12, 19))
NEXT_SPRING = PeriodLine(3, date(2027, 1, 5), date(2027, 6, 19))
TASKS = [
    TaskLine(1, goal_id=10, status="completed"),
    TaskLine(2, goal_id=10, status="ongoing"),
    TaskLine(3, goal_id=10, status="not_started"),
    TaskLine(4, goal_id=20, status="completed"),
    TaskLine(5, goal_id=30, status="not_started"),
]


def test_next_period_is_the_first_that_starts_after_this_one_ends():
    assert next_period([NEXT_SPRING, SPRING, AUTUMN], SPRING) == AUTUMN
    assert next_period([SPRING, AUTUMN, NEXT_SPRING], AUTUMN) == NEXT_SPRING
    assert next_period([SPRING, AUTUMN], AUTUMN) is None


def test_carry_over_skips_completed_tasks():
    assert tasks_to_carry([10], TASKS) == [2, 3]


def test_only_the_chosen_goals_tasks_move():
    assert tasks_to_carry([30], TASKS) == [5]
    assert tasks_to_carry([], TASKS) == []


def test_goals_with_unfinished_work_or_no_tasks_are_carried_by_default():
    assert goals_worth_carrying([10, 20, 30, 40], TASKS) == [10, 30, 40]


def test_history_keeps_only_what_changed():
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert changed_fields({}, {"title": "New"}) == ({}, {"title": "New"})
