"""Rules of the group overview: is a goal on track, and a learner's red/amber/green status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_whole_number
from ilp_app.i18n.runtime import N_, gettext, ngettext

#: Slack before a goal counts as behind: progress may trail the calendar by this many points.
ON_TRACK_SLACK = 20
#: The school's defaults for the status (an administrator may change the two numbers).
QUIET_AMBER_DAYS = 7
QUIET_RED_DAYS = 21
RECENT_REFLECTION_DAYS = 30
MIN_QUIET_DAYS, MAX_QUIET_DAYS = 1, 120


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return gettext(RAG_LABELS[self.value])


RAG_LABELS = {"red": N_("Needs attention"), "amber": N_("Keep an eye on"), "green": N_("On track")}


@dataclass(frozen=True)
class RagRules:
    """When a learner's status turns amber or red: days without activity, set by the school.

    Red is meant to be rare and worth acting on today: a learner quiet for ``red_days``, or
    quiet for ``amber_days`` with half their goals or more behind. A learner who is active
    but behind is amber: they are working, and the mentor keeps an eye on them.
    """

    amber_days: int = QUIET_AMBER_DAYS
    red_days: int = QUIET_RED_DAYS

    def legend(self) -> tuple[tuple[Rag, str], ...]:
        days = {"amber": self.amber_days, "red": self.red_days}
        return (
            (
                Rag.GREEN,
                gettext("On track: active in the last %(amber)d days and no goal behind.") % days,
            ),
            (
                Rag.AMBER,
                gettext("Keep an eye on: no activity for %(amber)d+ days, or a goal behind.")
                % days,
            ),
            (
                Rag.RED,
                gettext(
                    "Needs attention: no activity for %(red)d+ days, or for %(amber)d+ days "
                    "with half the goals or more behind."
                )
                % days,
            ),
        )


DEFAULT_RULES = RagRules()
RAG_LEGEND = DEFAULT_RULES.legend()
ON_TRACK_RULE = (
    "A goal is behind when the share of its tasks completed trails the share of time gone from the "
    f"start of the period to its target date by more than {ON_TRACK_SLACK} points."
)


def rag_rules(amber_days: object, red_days: object) -> RagRules:
    """The school's thresholds, checked: whole days, amber before red, within 1 to 120.

    Raises:
        ValidationFailed: with a message a person can act on.
    """
    amber = parse_whole_number(
        amber_days,
        minimum=MIN_QUIET_DAYS,
        maximum=MAX_QUIET_DAYS,
        message=f"Amber: a whole number of days from {MIN_QUIET_DAYS} to {MAX_QUIET_DAYS}.",
    )
    red = parse_whole_number(
        red_days,
        minimum=MIN_QUIET_DAYS,
        maximum=MAX_QUIET_DAYS,
        message=f"Red: a whole number of days from {MIN_QUIET_DAYS} to {MAX_QUIET_DAYS}.",
    )
    if red <= amber:
        raise ValidationFailed("Red must take more days without activity than amber.")
    return RagRules(amber_days=amber, red_days=red)


def goal_on_track(
    *, completed: int, total: int, starts_on: date, target: date | None, today: date
) -> bool:
    """Whether a goal keeps pace with its target date (goals without tasks or dates count as on track)."""
    if total == 0 or target is None or target <= starts_on:
        return True
    elapsed = (min(today, target) - starts_on).days / (target - starts_on).days
    done = completed / total
    return done * 100 + ON_TRACK_SLACK >= max(0.0, elapsed) * 100


def rag_status(
    *, days_quiet: int | None, goals_behind: int, goals_total: int, rules: RagRules = DEFAULT_RULES
) -> Rag:
    """Red, amber or green; ``days_quiet`` None means the learner has no activity at all."""
    quiet = days_quiet if days_quiet is not None else 10**6
    half_behind = bool(goals_total) and goals_behind * 2 >= goals_total
    if quiet >= rules.red_days or (quiet >= rules.amber_days and half_behind):
        return Rag.RED
    if quiet >= rules.amber_days or goals_behind > 0:
        return Rag.AMBER
    return Rag.GREEN


#: The order of the "Status" sort: who needs attention first.
RAG_ORDER: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
#: How a learner with no activity at all sorts among the quiet: the quietest of all.
NEVER_ACTIVE = 10**6


def is_quiet(days_quiet: int | None, rules: RagRules = DEFAULT_RULES) -> bool:
    """Whether the "no activity for a while" filter shows this learner (None: no activity yet)."""
    return days_quiet is None or days_quiet >= rules.red_days


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
        return gettext("No activity yet")
    if days == 0:
        return gettext("Today")
    if days == 1:
        return gettext("Yesterday")
    return ngettext("%(num)d day ago", "%(num)d days ago", days) % {"num": days}


#: How a family reads the status of their child's plan (the same rule as the staff's colours).
FAMILY_WORDS: dict[str, str] = {
    Rag.GREEN: N_("Going well"),
    Rag.AMBER: N_("Worth a look"),
    Rag.RED: N_("Needs support"),
}


def rag_reasons(
    *, days_quiet: int | None, goals_behind: int, rules: RagRules = DEFAULT_RULES
) -> list[str]:
    """Why a plan has its status, in words ("No activity for 3 weeks", "2 goals behind")."""
    reasons = []
    if days_quiet is None:
        reasons.append(gettext("No activity yet"))
    elif days_quiet >= rules.amber_days:
        weeks = days_quiet // 7
        reasons.append(
            ngettext("No activity for %(num)d week", "No activity for %(num)d weeks", weeks)
            % {"num": weeks}
            if days_quiet >= 14
            else ngettext("No activity for %(num)d day", "No activity for %(num)d days", days_quiet)
            % {"num": days_quiet}
        )
    if goals_behind:
        reasons.append(
            ngettext(
                "%(num)d goal behind its target date",
                "%(num)d goals behind their target date",
                goals_behind,
            )
            % {"num": goals_behind}
        )
    return reasons or [
        ngettext(
            "Active in the last %(num)d day, and no goal behind",
            "Active in the last %(num)d days, and no goal behind",
            rules.amber_days,
        )
        % {"num": rules.amber_days}
    ]
