"""Rules of the group overview: on track, red/amber/green, names fit for a class."""

from datetime import date

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.overview import (
    QUIET_RED_DAYS,
    RAG_ORDER,
    Rag,
    first_name,
    goal_on_track,
    initials,
    is_quiet,
    quiet_label,
    quiet_order,
    rag_reasons,
    rag_rules,
    rag_status,
)

START, TARGET = date(2026, 8, 18), date(2026, 12, 18)


def test_a_goal_halfway_through_its_time_with_half_its_tasks_done_is_on_track():
    assert goal_on_track(
        completed=2, total=4, starts_on=START, target=TARGET, today=date(2026, 10, 18)
    )


def test_a_goal_near_its_target_with_nothing_done_is_behind():
    assert not goal_on_track(
        completed=0, total=4, starts_on=START, target=TARGET, today=date(2026, 12, 1)
    )


def test_progress_may_trail_the_calendar_by_twenty_points():
    today = date(2026, 10, 18)  # half the time gone
    assert goal_on_track(completed=3, total=10, starts_on=START, target=TARGET, today=today)
    assert not goal_on_track(completed=2, total=10, starts_on=START, target=TARGET, today=today)


def test_goals_without_tasks_or_dates_are_not_called_behind():
    assert goal_on_track(
        completed=0, total=0, starts_on=START, target=TARGET, today=date(2026, 12, 17)
    )
    assert goal_on_track(
        completed=0, total=3, starts_on=START, target=None, today=date(2026, 12, 17)
    )


@pytest.mark.parametrize(
    ("days_quiet", "behind", "total", "expected"),
    [
        (0, 0, 4, Rag.GREEN),
        (6, 0, 4, Rag.GREEN),
        (7, 0, 4, Rag.AMBER),
        (0, 1, 4, Rag.AMBER),
        (20, 0, 4, Rag.AMBER),  # quiet for under three weeks, nothing behind: keep an eye on
        (21, 0, 4, Rag.RED),
        (0, 2, 4, Rag.AMBER),  # behind but working: not red
        (7, 2, 4, Rag.RED),  # behind and quiet for a week: act now
        (6, 4, 4, Rag.AMBER),
        (None, 0, 4, Rag.RED),
        (3, 0, 0, Rag.GREEN),
    ],
)
def test_rag_status(days_quiet, behind, total, expected):
    assert rag_status(days_quiet=days_quiet, goals_behind=behind, goals_total=total) is expected


def test_the_school_sets_the_thresholds_and_the_legend_follows():
    rules = rag_rules("5", 10)
    assert rag_status(days_quiet=5, goals_behind=0, goals_total=2, rules=rules) is Rag.AMBER
    assert rag_status(days_quiet=10, goals_behind=0, goals_total=2, rules=rules) is Rag.RED
    assert rag_status(days_quiet=9, goals_behind=0, goals_total=2, rules=rules) is Rag.AMBER
    legend = dict(rules.legend())
    assert "10+ days" in legend[Rag.RED] and "5+ days" in legend[Rag.AMBER]
    assert rag_reasons(days_quiet=6, goals_behind=0, rules=rules) == ["No activity for 6 days"]


@pytest.mark.parametrize(
    ("amber", "red"),
    [(7, 7), (10, 5), (0, 5), (5, 121), ("x", 9), (2.5, 9), ({"a": 1}, 9), (None, 9), (10**30, 9)],
)
def test_thresholds_that_make_no_sense_are_refused(amber, red):
    with pytest.raises(ValidationFailed):
        rag_rules(amber, red)


def test_names_for_the_whole_class():
    assert initials("Åsa Ødegård") == "ÅØ"
    assert initials("Nguyễn Thị Hồng") == "NH"
    assert initials("Zofia") == "Z"
    assert first_name("Hồng", "Nguyễn Thị Hồng") == "Hồng"
    assert first_name("", "Sofía Cedeño") == "Sofía"


def test_quiet_labels():
    assert [quiet_label(d) for d in (None, 0, 1, 9)] == [
        "No activity yet",
        "Today",
        "Yesterday",
        "9 days ago",
    ]


@pytest.mark.parametrize(
    ("days_quiet", "quiet"),
    [
        (None, True),
        (QUIET_RED_DAYS, True),
        (QUIET_RED_DAYS + 30, True),
        (QUIET_RED_DAYS - 1, False),
        (0, False),
    ],
)
def test_the_quiet_filter_shows_learners_without_activity_for_the_red_number_of_days(
    days_quiet, quiet
):
    assert is_quiet(days_quiet) is quiet


def test_quiet_longest_first_puts_learners_who_never_did_anything_first():
    keys = {d: quiet_order(d) for d in (None, 0, 3, 400)}
    assert sorted(keys, key=lambda d: -keys[d]) == [None, 400, 3, 0]


def test_the_status_sort_puts_who_needs_attention_first():
    assert sorted(Rag, key=lambda r: RAG_ORDER[r]) == [Rag.RED, Rag.AMBER, Rag.GREEN]
