"""Rules of the group overview: is a goal on track, and a learner's red/amber/green status."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

#: Slack before a goal counts as behind: progress may trail the calendar by this many points.
ON_TRACK_SLACK = 20
QUIET_AMBER_DAYS = 7
QUIET_RED_DAYS = 14
RECENT_REFLECTION_DAYS = 30


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "Needs attention", "amber": "Keep an eye on", "green": "On track"}[
            self.value
        ]


RAG_LEGEND: tuple[tuple[Rag, str], ...] = (
    (Rag.GREEN, f"On track: active in the last {QUIET_AMBER_DAYS} days and no goal behind."),
    (Rag.AMBER, f"Keep an eye on: no activity for {QUIET_AMBER_DAYS}+ days, or a goal behind."),
    (
        Rag.RED,
        f"Needs attention: no activity for {QUIET_RED_DAYS}+ days, or half the goals or more behind.",
    ),
)
ON_TRACK_RULE = (
    "A goal is behind when the share of its tasks completed trails the share of time gone from the "
    f"start of the period to its target date by more than {ON_TRACK_SLACK} points."
)


def goal_on_track(
    *, completed: int, total: int, starts_on: date, target: date | None, today: date
) -> bool:
    """Whether a goal keeps pace with its target date (goals without tasks or dates count as on track)."""
    if total == 0 or target is None or target <= starts_on:
        return True
    elapsed = (min(today, target) - starts_on).days / (target - starts_on).days
    done = completed / total
    return done * 100 + ON_TRACK_SLACK >= max(0.0, elapsed) * 100


def rag_status(*, days_quiet: int | None, goals_behind: int, goals_total: int) -> Rag:
    """Red, amber or green; ``days_quiet`` None means the learner has no activity at all."""
    quiet = days_quiet if days_quiet is not None else 10**6
    if quiet >= QUIET_RED_DAYS or (goals_total and goals_behind * 2 >= goals_total):
        return Rag.RED
    if quiet >= QUIET_AMBER_DAYS or goals_behind > 0:
        return Rag.AMBER
    return Rag.GREEN


#: The order of the "Status" sort: who needs attention first.
RAG_ORDER: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
#: How a learner with no activity at all sorts among the quiet: the quietest of all.
NEVER_ACTIVE = 10**6


def is_quiet(days_quiet: int | None) -> bool:
    """Whether the "no activity for a while" filter shows this learner (None: no activity yet)."""
    return days_quiet is None or days_quiet >= QUIET_RED_DAYS


def quiet_order(days_quiet: int | None) -> int:
    """The "quiet longest first" sort key: days without activity (never active: the most)."""
    return NEVER_ACTIVE if days_quiet is None else days_quiet


def initials(name: str) -> str:
    """'Åsa Ødegård' -> 'ÅØ'; a single name gives its first two letters' capital."""
    parts = [p for p in name.replace("-", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:1].upper()
    return (parts[0][:1] + parts[-1][:1]).upper()


def first_name(preferred: str, full: str) -> str:
    """What a class calls someone: the preferred name, else the first given name."""
    if preferred.strip():
        return preferred.strip()
    return full.split()[0] if full.split() else ""


def quiet_label(days: int | None) -> str:
    if days is None:
        return "No activity yet"
    if days == 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    return f"{days} days ago"


#: How a family reads the status of their child's plan (the same rule as the staff's colours).
FAMILY_WORDS: dict[str, str] = {
    Rag.GREEN: "Going well",
    Rag.AMBER: "Worth a look",
    Rag.RED: "Needs support",
}


def rag_reasons(*, days_quiet: int | None, goals_behind: int) -> list[str]:
    """Why a plan has its status, in words ("No activity for 3 weeks", "2 goals behind")."""
    reasons = []
    if days_quiet is None:
        reasons.append("No activity yet")
    elif days_quiet >= QUIET_AMBER_DAYS:
        weeks = days_quiet // 7
        reasons.append(
            f"No activity for {weeks} week{'s' if weeks != 1 else ''}"
            if days_quiet >= 14
            else f"No activity for {days_quiet} days"
        )
    if goals_behind:
        reasons.append(
            f"{goals_behind} goal{'s' if goals_behind != 1 else ''} behind their target date"
            if goals_behind != 1
            else "1 goal behind its target date"
        )
    return reasons or [f"Active in the last {QUIET_AMBER_DAYS} days, and no goal behind"]
