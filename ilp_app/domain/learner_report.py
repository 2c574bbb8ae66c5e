"""The arithmetic of a learner's overview across periods.

Plain facts in, plain numbers out: the service loads only what the viewer may see, this module
counts it (progress per period, what a finished plan achieved, ratings over time, activity per
week) and works out where the charts draw it. Every chart's text alternative prints the same
numbers, so the summaries are built here too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from ilp_app.domain.plans import PlanStatus, Progress, TaskStatus
from ilp_app.domain.projection import Outlook, goal_outlook

# The rating chart's drawing area (SVG user units); the chart scales to its container.
CHART_WIDTH, CHART_HEIGHT = 320, 150
#: Margins around the plot inside it: room for the score labels (left) and the dates (bottom).
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 28, 14, 10, 26
RATING_LOW, RATING_HIGH = 1, 5
_NONE = Progress(total=0, not_started=0, ongoing=0, completed=0)


class When(StrEnum):
    PAST = "past"
    CURRENT = "current"
    NEXT = "next"

    @property
    def label(self) -> str:
        return {"past": "Past period", "current": "This period", "next": "Next period"}[self.value]


def period_when(starts_on: date, current_starts_on: date | None) -> When:
    """Whether a period lies before, at or after the school's current period."""
    if current_starts_on is None or starts_on < current_starts_on:
        return When.PAST
    return When.CURRENT if starts_on == current_starts_on else When.NEXT


def progress_from_counts(counts: Mapping[str, int]) -> Progress:
    """Progress from task counts per status (as a grouped query returns them)."""
    get = lambda s: int(counts.get(s.value, 0))  # noqa: E731
    done, ongoing, todo = (
        get(TaskStatus.COMPLETED),
        get(TaskStatus.ONGOING),
        get(TaskStatus.NOT_STARTED),
    )
    return Progress(total=done + ongoing + todo, not_started=todo, ongoing=ongoing, completed=done)


def progress_sum(parts: Iterable[Progress]) -> Progress:
    """The progress of several goals together."""
    parts = list(parts)
    return Progress(
        total=sum(p.total for p in parts),
        not_started=sum(p.not_started for p in parts),
        ongoing=sum(p.ongoing for p in parts),
        completed=sum(p.completed for p in parts),
    )


@dataclass(frozen=True)
class PlanFact:
    id: int
    status: str
    period_id: int
    starts_on: date


def present_plan_id(plans: Sequence[PlanFact], current_period_id: int | None) -> int:
    """The plan that is "now": the newest active one, else the current period's; 0 when neither."""
    active = [p for p in plans if p.status == PlanStatus.ACTIVE.value]
    if active:
        return max(active, key=lambda p: p.starts_on).id
    return next((p.id for p in plans if p.period_id == current_period_id), 0)


@dataclass(frozen=True)
class GoalFact:
    id: int
    plan_id: int
    statement: str
    target_date: date | None = None
    carried_from_id: int | None = None


@dataclass(frozen=True)
class RatingFact:
    goal_id: int
    kind: str  # "self" | "mentor"
    score: int
    on: date


@dataclass
class Achievement:
    goal_id: int
    statement: str
    completed: int
    total: int
    achieved: bool  # every task of the goal completed
    final_self: int  # 0 = never rated
    final_mentor: int


def _final(ratings: Iterable[RatingFact]) -> dict[tuple[int, str], int]:
    """The last score per (goal, kind): ratings arrive oldest first; a later one on the same day wins."""
    final: dict[tuple[int, str], int] = {}
    for r in sorted(ratings, key=lambda r: r.on):
        final[(r.goal_id, r.kind)] = r.score
    return final


def achievements(
    goals: Sequence[GoalFact], progress: Mapping[int, Progress], ratings: Iterable[RatingFact]
) -> list[Achievement]:
    """What each goal of a finished plan came to: its tasks done, and its final self and mentor ratings."""
    final = _final(ratings)
    result = []
    for g in goals:
        p = progress.get(g.id, _NONE)
        result.append(
            Achievement(
                goal_id=g.id,
                statement=g.statement,
                completed=p.completed,
                total=p.total,
                achieved=p.total > 0 and p.completed == p.total,
                final_self=final.get((g.id, "self"), 0),
                final_mentor=final.get((g.id, "mentor"), 0),
            )
        )
    return result


@dataclass
class GoalAhead:
    goal_id: int
    plan_id: int
    statement: str
    target_date: str
    days_left: int
    completed: int
    total: int
    percent: int
    outlook: str  # see domain.projection
    outlook_label: str


def outlooks(
    goals: Sequence[GoalFact],
    progress: Mapping[int, Progress],
    *,
    completions: Mapping[int, Sequence[date]],
    ratings: Iterable[RatingFact],
) -> dict[int, Outlook]:
    """Each goal's outlook for its target date, by the rule in ``domain.projection``."""
    by_goal: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for r in ratings:
        by_goal[r.goal_id].append((r.on, r.score))
    return {
        g.id: goal_outlook(
            completions=completions.get(g.id, ()),
            total_tasks=progress.get(g.id, _NONE).total,
            ratings=by_goal[g.id],
            target=g.target_date,
        )
        for g in goals
    }


def goals_ahead(
    goals: Sequence[GoalFact],
    progress: Mapping[int, Progress],
    outlook: Mapping[int, Outlook],
    *,
    today: date,
) -> list[GoalAhead]:
    """Goals whose target date is today or later, soonest first, each with its progress and outlook.

    ``goals`` carry their effective target (their own date, else the end of their period).
    """
    ahead = []
    for g in goals:
        if g.target_date is None or g.target_date < today:
            continue
        p = progress.get(g.id, _NONE)
        o = outlook.get(g.id, Outlook.UNKNOWN)
        ahead.append(
            GoalAhead(
                goal_id=g.id,
                plan_id=g.plan_id,
                statement=g.statement,
                target_date=g.target_date.isoformat(),
                days_left=(g.target_date - today).days,
                completed=p.completed,
                total=p.total,
                percent=p.percent,
                outlook=o.value,
                outlook_label=o.label,
            )
        )
    ahead.sort(key=lambda a: (a.target_date, a.statement.casefold()))
    return ahead


# --- ratings over time ---------------------------------------------------------------------


@dataclass
class RatingRow:
    day: str  # "2026-03-02"
    self_score: int  # 0 = no self-rating that day
    mentor_score: int
    x: float = 0.0
    self_y: float = 0.0
    mentor_y: float = 0.0


@dataclass
class RatingSeries:
    goal_id: int  # the newest goal of the chain
    statement: str
    rows: list[RatingRow] = field(default_factory=list)
    self_points: str = ""  # SVG polyline points
    mentor_points: str = ""
    summary: str = ""


def _chain_roots(goals: Sequence[GoalFact]) -> dict[int, int]:
    """Each goal's first ancestor among ``goals``: a goal carried into the next period continues its series."""
    parent = {g.id: g.carried_from_id for g in goals}
    roots = {}
    for g in goals:
        root, seen = g.id, {g.id}
        while parent.get(root) in parent and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        roots[g.id] = root
    return roots


def rating_y(score: int) -> float:
    """Where a score of 1–5 sits on the rating chart (SVG y grows downwards)."""
    span = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    return round(PLOT_TOP + (RATING_HIGH - score) * span / (RATING_HIGH - RATING_LOW), 1)


def _place(rows: list[RatingRow]) -> None:
    first, last = date.fromisoformat(rows[0].day), date.fromisoformat(rows[-1].day)
    days = (last - first).days
    span = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    for row in rows:
        offset = (date.fromisoformat(row.day) - first).days
        row.x = round(PLOT_LEFT + (span * offset / days if days else span / 2), 1)
        row.self_y = rating_y(row.self_score) if row.self_score else 0.0
        row.mentor_y = rating_y(row.mentor_score) if row.mentor_score else 0.0


def _points(rows: list[RatingRow], kind: str) -> str:
    return " ".join(f"{r.x},{getattr(r, kind + '_y')}" for r in rows if getattr(r, kind + "_score"))


def _describe(scores: list[int]) -> str:
    if not scores:
        return "not rated"
    if len(scores) == 1:
        return f"{scores[0]} of 5"
    return f"from {scores[0]} to {scores[-1]} of 5"


def rating_series(goals: Sequence[GoalFact], ratings: Iterable[RatingFact]) -> list[RatingSeries]:
    """Self-rating against mentor rating over time, one series per goal (followed across periods).

    ``goals`` come oldest plan first, so the newest goal of a chain names the series. Goals
    never rated get no series. On a day with several ratings of one kind, the last one counts.
    """
    roots = _chain_roots(goals)
    by_id = {g.id: g for g in goals}
    newest: dict[int, GoalFact] = {}
    for g in goals:
        newest[roots[g.id]] = g
    days: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for r in sorted(ratings, key=lambda r: r.on):
        if r.goal_id in by_id and r.kind in ("self", "mentor"):
            days[roots[r.goal_id]][r.on.isoformat()][r.kind] = r.score
    result = []
    for root, goal in newest.items():
        if root not in days:
            continue
        rows = [
            RatingRow(day=d, self_score=s.get("self", 0), mentor_score=s.get("mentor", 0))
            for d, s in sorted(days[root].items())
        ]
        _place(rows)
        selfs = [r.self_score for r in rows if r.self_score]
        mentors = [r.mentor_score for r in rows if r.mentor_score]
        when = (
            f"on {rows[0].day}" if len(rows) == 1 else f"between {rows[0].day} and {rows[-1].day}"
        )
        result.append(
            RatingSeries(
                goal_id=goal.id,
                statement=goal.statement,
                rows=rows,
                self_points=_points(rows, "self"),
                mentor_points=_points(rows, "mentor"),
                summary=(
                    f"Ratings of the goal “{goal.statement}” {when}: self-rating {_describe(selfs)}, "
                    f"mentor rating {_describe(mentors)}."
                ),
            )
        )
    return result


# --- tasks per period and activity per week ----------------------------------------------------


@dataclass
class PeriodBar:
    plan_id: int
    label: str  # the period's name
    completed: int
    total: int
    percent: int


def tasks_summary(bars: Sequence[PeriodBar]) -> str:
    """The tasks-per-period chart in one sentence."""
    if not bars:
        return "Tasks completed per period: no plans yet."
    parts = "; ".join(f"{b.label}: {b.completed} of {b.total} ({b.percent}%)" for b in bars)
    return f"Tasks completed per period. {parts}."


@dataclass
class WeekActivity:
    week_of: str  # the Monday, "2026-03-02"
    label: str  # "2 Mar"
    completions: int
    reflections: int
    log_entries: int
    total: int
    percent: int  # the bar's height: this week's total against the busiest week's


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_activity(
    *,
    starts_on: date,
    ends_on: date,
    today: date,
    completions: Iterable[date],
    reflections: Iterable[date],
    log_entries: Iterable[date],
) -> list[WeekActivity]:
    """Tasks completed, reflections and log posts per week, from the period's start to today (or its end)."""
    last = min(ends_on, today)
    if last < starts_on:
        return []
    first_week, last_week = _monday(starts_on), _monday(last)

    def count(days: Iterable[date]) -> Counter:
        return Counter(_monday(d) for d in days if starts_on <= d <= last)

    done, thought, posted = count(completions), count(reflections), count(log_entries)
    weeks = []
    week = first_week
    while week <= last_week:
        weeks.append((week, done[week], thought[week], posted[week]))
        week += timedelta(days=7)
    busiest = max((c + r + p for _, c, r, p in weeks), default=0)
    return [
        WeekActivity(
            week_of=w.isoformat(),
            label=f"{w.day} {w:%b}",
            completions=c,
            reflections=r,
            log_entries=p,
            total=c + r + p,
            percent=round(100 * (c + r + p) / busiest) if busiest else 0,
        )
        for w, c, r, p in weeks
    ]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def activity_summary(weeks: Sequence[WeekActivity], period_name: str) -> str:
    """The activity chart in one sentence."""
    if not weeks:
        return f"Activity per week in {period_name}: the period has not started yet."
    total = sum(w.total for w in weeks)
    span = _count(len(weeks), "week", "weeks")
    if not total:
        return f"Activity per week in {period_name}: nothing yet in {span}."
    busiest = max(weeks, key=lambda w: w.total)
    kinds = ", ".join(
        (
            _count(sum(w.completions for w in weeks), "task completed", "tasks completed"),
            _count(sum(w.reflections for w in weeks), "reflection", "reflections"),
            _count(sum(w.log_entries for w in weeks), "log post", "log posts"),
        )
    )
    return (
        f"Activity per week in {period_name}: {total} in {span} ({kinds}); "
        f"the busiest was the week of {busiest.label} with {busiest.total}."
    )
