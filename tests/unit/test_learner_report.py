"""Rules of the learner overview: progress per period, achievements, ratings over time, weekly activity."""

from __future__ import annotations

from datetime import date

from ilp_app.domain.learner_report import (
    CHART_HEIGHT,
    GoalFact,
    PeriodBar,
    PlanFact,
    RatingFact,
    When,
    achievements,
    activity_summary,
    goals_ahead,
    outlooks,
    period_when,
    present_plan_id,
    progress_from_counts,
    progress_sum,
    rating_series,
    tasks_summary,
    weekly_activity,
)
from ilp_app.domain.projection import Outlook

TODAY = date(2026, 3, 11)  # a Wednesday


def test_progress_counts_every_status_and_rounds_the_percentage():
    p = progress_from_counts({"completed": 2, "ongoing": 1, "not_started": 4})
    assert (p.completed, p.ongoing, p.not_started, p.total, p.percent) == (2, 1, 4, 7, 29)
    assert progress_from_counts({}).percent == 0


def test_a_plans_progress_is_the_sum_of_its_goals():
    total = progress_sum(
        [progress_from_counts({"completed": 3}), progress_from_counts({"ongoing": 1})]
    )
    assert (total.completed, total.total, total.percent) == (3, 4, 75)


def test_periods_are_past_current_or_next_relative_to_the_schools_current_period():
    current = date(2026, 1, 5)
    assert period_when(date(2025, 8, 18), current) is When.PAST
    assert period_when(current, current) is When.CURRENT
    assert period_when(date(2026, 8, 17), current) is When.NEXT
    assert period_when(date(2026, 8, 17), None) is When.PAST


def test_the_present_plan_is_the_newest_active_one_else_the_current_periods():
    old = PlanFact(id=1, status="locked", period_id=10, starts_on=date(2025, 8, 18))
    now = PlanFact(id=2, status="locked", period_id=11, starts_on=date(2026, 1, 5))
    nxt = PlanFact(id=3, status="active", period_id=12, starts_on=date(2026, 8, 17))
    assert present_plan_id([old, now, nxt], current_period_id=11) == 3
    assert present_plan_id([old, now], current_period_id=11) == 2
    assert present_plan_id([old], current_period_id=11) == 0


def test_a_finished_goal_is_achieved_only_when_every_task_is_done_and_keeps_its_last_ratings():
    goals = [
        GoalFact(1, 7, "Read more"),
        GoalFact(2, 7, "Homework on time"),
        GoalFact(3, 7, "No tasks yet"),
    ]
    progress = {
        1: progress_from_counts({"completed": 3}),
        2: progress_from_counts({"completed": 1, "ongoing": 1}),
    }
    ratings = [
        RatingFact(1, "self", 2, date(2025, 9, 1)),
        RatingFact(1, "self", 4, date(2025, 12, 1)),
        RatingFact(1, "mentor", 3, date(2025, 12, 1)),
        RatingFact(1, "mentor", 5, date(2025, 12, 1)),
    ]
    a = {x.goal_id: x for x in achievements(goals, progress, ratings)}
    assert (a[1].achieved, a[1].final_self, a[1].final_mentor) == (True, 4, 5)
    assert (a[2].achieved, a[2].completed, a[2].total, a[2].final_self) == (False, 1, 2, 0)
    assert not a[3].achieved  # a goal without tasks achieved nothing yet


def test_ratings_follow_a_goal_carried_into_the_next_period_as_one_series():
    goals = [
        GoalFact(1, 7, "Read more books"),
        GoalFact(5, 8, "Read more books, aloud", carried_from_id=1),
    ]
    ratings = [
        RatingFact(1, "self", 2, date(2025, 9, 1)),
        RatingFact(1, "mentor", 3, date(2025, 9, 1)),
        RatingFact(5, "self", 4, date(2026, 2, 1)),
    ]
    [series] = rating_series(goals, ratings)
    assert series.goal_id == 5 and series.statement == "Read more books, aloud"
    assert [(r.day, r.self_score, r.mentor_score) for r in series.rows] == [
        ("2025-09-01", 2, 3),
        ("2026-02-01", 4, 0),
    ]
    assert (
        "self-rating from 2 to 4 of 5" in series.summary
        and "mentor rating 3 of 5" in series.summary
    )


def test_rating_points_rise_with_the_score_and_spread_over_time():
    goals = [GoalFact(1, 7, "Speak up in class")]
    ratings = [
        RatingFact(1, "self", 1, date(2026, 1, 1)),
        RatingFact(1, "self", 5, date(2026, 1, 31)),
        RatingFact(1, "self", 3, date(2026, 1, 16)),
    ]
    [series] = rating_series(goals, ratings)
    xs = [r.x for r in series.rows]
    ys = {r.self_score: r.self_y for r in series.rows}
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys[5] < ys[3] < ys[1] < CHART_HEIGHT  # SVG y grows downwards
    assert series.self_points.count(",") == 3 and series.mentor_points == ""


def test_a_goal_never_rated_gets_no_series():
    assert rating_series([GoalFact(1, 7, "Unrated")], []) == []


def test_goals_ahead_keep_only_future_targets_soonest_first_with_their_outlook():
    goals = [
        GoalFact(1, 7, "Later", date(2026, 5, 1)),
        GoalFact(2, 7, "Sooner", date(2026, 3, 20)),
        GoalFact(3, 7, "Missed", date(2026, 3, 1)),
    ]
    progress = {1: progress_from_counts({"completed": 2, "not_started": 2})}
    done = {1: [date(2026, 2, 1), date(2026, 2, 8)]}
    outlook = outlooks(goals, progress, completions=done, ratings=[])
    ahead = goals_ahead(goals, progress, outlook, today=TODAY)
    assert [a.statement for a in ahead] == ["Sooner", "Later"]
    later = ahead[1]
    assert (later.days_left, later.completed, later.total, later.outlook) == (
        51,
        2,
        4,
        Outlook.ON_TRACK.value,
    )
    assert ahead[0].outlook == Outlook.UNKNOWN.value


def test_activity_counts_each_kind_per_week_up_to_today_and_ignores_days_outside_the_period():
    weeks = weekly_activity(
        starts_on=date(2026, 2, 18),
        ends_on=date(2026, 6, 19),
        today=TODAY,
        completions=[date(2026, 2, 18), date(2026, 2, 20), date(2026, 3, 10), date(2026, 1, 5)],
        reflections=[date(2026, 2, 24)],
        log_entries=[date(2026, 3, 11), date(2026, 3, 12)],
    )
    assert [w.week_of for w in weeks] == ["2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"]
    assert [(w.completions, w.reflections, w.log_entries) for w in weeks] == [
        (2, 0, 0),
        (0, 1, 0),
        (0, 0, 0),
        (1, 0, 1),
    ]
    assert [w.percent for w in weeks] == [100, 50, 0, 100]
    assert weeks[0].label == "16 Feb"


def test_a_period_not_started_has_no_activity_weeks():
    weeks = weekly_activity(
        starts_on=date(2026, 8, 17),
        ends_on=date(2026, 12, 18),
        today=TODAY,
        completions=[],
        reflections=[],
        log_entries=[],
    )
    assert weeks == []
    assert "has not started" in activity_summary(weeks, "Autumn 2026")


def test_summaries_state_the_same_numbers_as_the_charts():
    bars = [PeriodBar(1, "Autumn 2025", 5, 8, 63), PeriodBar(2, "Spring 2026", 2, 10, 20)]
    assert (
        tasks_summary(bars)
        == "Tasks completed per period. Autumn 2025: 5 of 8 (63%); Spring 2026: 2 of 10 (20%)."
    )
    weeks = weekly_activity(
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 6, 19),
        today=TODAY,
        completions=[date(2026, 3, 3)],
        reflections=[date(2026, 3, 10), date(2026, 3, 11)],
        log_entries=[],
    )
    text = activity_summary(weeks, "Spring 2026")
    assert text.startswith(
        "Activity per week in Spring 2026: 3 in 2 weeks (1 task completed, 2 reflections, 0 log posts)"
    )
    assert "week of 9 Mar with 2" in text
