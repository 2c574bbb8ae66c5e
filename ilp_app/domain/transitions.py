"""Transition years: the years in which a learner's plan matters most (by default sixth grade, the
move from eighth to ninth grade, twelfth grade), and which template to suggest first for them.

Years are the labels the school's groups carry ("Year 9"); they are compared without regard to
case or spacing, so "year  9" is the same year as "Year 9".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ilp_app.i18n.runtime import gettext

#: A school's transition years until it edits them: (year, why it is one).
DEFAULT_TRANSITION_YEARS: tuple[tuple[str, str], ...] = (
    ("Year 6", "Year 6 starts career exploration and a first education plan."),
    ("Year 9", "Year 9 starts upper-secondary planning: career matching and a first CV."),
    ("Year 12", "Year 12 turns to refined career planning and options after school."),
)

MAX_REASON = 200


def natural_key(label: str) -> tuple:
    """Sorts years as people count them: "Year 8" before "Year 10"."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", label))


def year_key(label: str) -> str:
    """The year as compared: "  Year  9 " and "year 9" are the same year."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class TemplateOption:
    id: int
    name: str
    years: tuple[str, ...]  # the group years the template suits (none: any year)


@dataclass(frozen=True)
class Suggestion:
    template_id: int
    name: str
    reason: str
    transition: bool  # made for a transition year: suggested first


def suggest_templates(
    templates: list[TemplateOption], learner_year: str, transitions: dict[str, str]
) -> list[Suggestion]:
    """The templates to suggest for a learner in ``learner_year``, the most fitting first.

    Only templates made for that year (one of their years) are suggested. When it is one of the school's transition
    years (``transitions``: year key -> reason) they carry its reason ("Year 9 starts
    upper-secondary planning") and are marked as transition suggestions.
    """
    key = year_key(learner_year)
    if not key:
        return []
    reason = transitions.get(key, "")
    fitting = sorted(
        (t for t in templates if any(year_key(y) == key for y in t.years)),
        # The most fitting first: a template made for this year alone before one for several.
        key=lambda t: (len(t.years), t.name.casefold()),
    )
    return [
        Suggestion(
            template_id=t.id,
            name=t.name,
            reason=reason
            or gettext("Made for %(year)s.")
            % {"year": next(y for y in t.years if year_key(y) == key)},
            transition=bool(reason),
        )
        for t in fitting
    ]
