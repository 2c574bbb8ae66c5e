"""A learner's "My tasks": overdue first and said in words, then what is due next, undated last."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ilp_app.domain.agenda import NO_DATE, due_of
from ilp_app.services.plans.plan_read import FocusAreaView, GoalView, TaskView, task_agenda

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("offset", "overdue", "text"),
    [
        (-3, True, "Overdue by 3 days"),
        (-1, True, "Overdue by 1 day"),
        (0, False, "Due today"),
        (1, False, "Due tomorrow"),
        (5, False, "Due in 5 days"),
        (30, False, "Due 20 Dec 2026"),
    ],
)
def test_a_due_date_reads_in_words(offset, overdue, text):
    due = due_of(TODAY + timedelta(days=offset), TODAY)
    assert (due.overdue, due.text) == (overdue, text)


def test_no_due_date_is_never_overdue_and_sorts_last():
    due = due_of(None, TODAY)
    assert (due.overdue, due.text, due.day) == (False, "", NO_DATE)


def task(task_id: int, goal_id: int, due: str, status: str = "not_started") -> TaskView:
    label = {"not_started": "Not started", "ongoing": "Ongoing", "completed": "Completed"}[status]
    return TaskView(
        id=task_id,
        goal_id=goal_id,
        title=f"Task {task_id}",
        due_date=due,
        status=status,
        status_label=label,
        changed_by="",
        changed_at="",
    )


def goal(goal_id: int, tasks: list[TaskView]) -> GoalView:
    return GoalView(
        id=goal_id,
        focus_area_id=1,
        statement=f"Goal {goal_id}",
        success_criteria="",
        target_date="",
        self_rating=0,
        mentor_rating=0,
        completed=0,
        total=len(tasks),
        percent=0,
        tasks=tasks,
    )


class Plan:
    """Only what the agenda reads of a plan view."""

    def __init__(self, goals: list[GoalView]):
        self.focus_areas = [
            FocusAreaView(id=1, name="Reading", completed=0, total=0, percent=0, goals=goals)
        ]


PLAN = Plan(
    [
        goal(1, [task(1, 1, ""), task(2, 1, "2026-11-25"), task(3, 1, "2026-11-01", "completed")]),
        goal(2, [task(4, 2, "2026-11-18", "ongoing"), task(5, 2, "2026-11-21"), task(6, 2, "")]),
    ]
)


def test_overdue_first_then_due_next_then_undated_in_plan_order_and_no_completed():
    rows = task_agenda(PLAN, TODAY)
    assert [r.id for r in rows] == [4, 5, 2, 1, 6]
    assert [r.overdue for r in rows] == [True, False, False, False, False]
    assert rows[0].due_text == "Overdue by 2 days" and rows[1].due_text == "Due tomorrow"


def test_grouped_by_goal_keeps_the_order_within_each_goal_and_marks_where_a_goal_starts():
    rows = task_agenda(PLAN, TODAY, by_goal=True)
    assert [r.id for r in rows] == [2, 1, 4, 5, 6]
    assert [r.first_of_goal for r in rows] == [True, False, True, False, False]


def test_no_plan_no_tasks():
    assert task_agenda(None, TODAY) == []
