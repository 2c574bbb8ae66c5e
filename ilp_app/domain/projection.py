"""Will a goal be reached by its target date? A simple, stated projection from its own history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from ilp_app.i18n.runtime import N_, gettext

GOOD_RATING = 4

PROJECTION_RULE = (
    "On track means: drawing a straight line through the goal's task completions so far (or, "
    "without two completions, through its ratings), all tasks are done — or the rating reaches "
    f"{GOOD_RATING} of 5 — by the target date. Fewer than two dated completions or ratings: not "
    "enough data yet."
)


class Outlook(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return gettext(OUTLOOK_LABELS[self.value])


OUTLOOK_LABELS = {
    "on_track": N_("On track for the target date"),
    "behind": N_("Behind for the target date"),
    "unknown": N_("Not enough data yet"),
}


def _reaches(points: Sequence[tuple[date, float]], goal_value: float, target: date) -> bool:
    (d0, v0), (d1, v1) = points[0], points[-1]
    if v1 >= goal_value:
        return True
    days = (d1 - d0).days
    if days <= 0 or v1 <= v0:
        return False
    slope = (v1 - v0) / days
    return v1 + slope * (target - d1).days >= goal_value


def goal_outlook(
    *,
    completions: Sequence[date],
    total_tasks: int,
    ratings: Sequence[tuple[date, int]],
    target: date | None,
) -> Outlook:
    """On track, behind, or unknown, by the rule in :data:`PROJECTION_RULE`."""
    if target is None:
        return Outlook.UNKNOWN
    if len(completions) >= 2 and total_tasks:
        done = sorted(completions)
        points = [(d, (i + 1) / total_tasks) for i, d in enumerate(done)]
        return Outlook.ON_TRACK if _reaches(points, 1.0, target) else Outlook.BEHIND
    if len(ratings) >= 2:
        points = sorted(ratings)
        return (
            Outlook.ON_TRACK
            if _reaches([(d, float(s)) for d, s in points], GOOD_RATING, target)
            else Outlook.BEHIND
        )
    return Outlook.UNKNOWN
