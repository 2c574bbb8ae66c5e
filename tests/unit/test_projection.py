"""The 'on track by the target date?' projection."""

from datetime import date

from ilp_app.domain.projection import Outlook, goal_outlook

TARGET = date(2026, 12, 18)


def test_fewer_than_two_data_points_is_not_enough_data():
    assert (
        goal_outlook(completions=[date(2026, 9, 1)], total_tasks=4, ratings=[], target=TARGET)
        is Outlook.UNKNOWN
    )
    assert (
        goal_outlook(completions=[], total_tasks=4, ratings=[(date(2026, 9, 1), 3)], target=TARGET)
        is Outlook.UNKNOWN
    )


def test_steady_completions_that_finish_before_the_target_are_on_track():
    done = [
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]  # two of four in a month: four by the start of December
    assert (
        goal_outlook(completions=done, total_tasks=4, ratings=[], target=TARGET) is Outlook.ON_TRACK
    )


def test_slow_completions_are_behind():
    done = [date(2026, 9, 1), date(2026, 11, 20)]  # two of ten in almost three months
    assert (
        goal_outlook(completions=done, total_tasks=10, ratings=[], target=TARGET) is Outlook.BEHIND
    )


def test_without_completions_the_rating_trend_decides():
    rising = [(date(2026, 9, 1), 2), (date(2026, 10, 15), 3)]
    flat = [(date(2026, 9, 1), 3), (date(2026, 11, 15), 3)]
    assert (
        goal_outlook(completions=[], total_tasks=3, ratings=rising, target=TARGET)
        is Outlook.ON_TRACK
    )
    assert (
        goal_outlook(completions=[], total_tasks=3, ratings=flat, target=TARGET) is Outlook.BEHIND
    )


def test_a_goal_without_a_target_date_has_no_outlook():
    done = [date(2026, 9, 1), date(2026, 10, 1)]
    assert goal_outlook(completions=done, total_tasks=2, ratings=[], target=None) is Outlook.UNKNOWN
