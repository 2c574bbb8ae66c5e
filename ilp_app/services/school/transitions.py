"""The school's transition years, the years its groups are in, and the templates to suggest first
for a learner in a transition year (see :mod:`ilp_app.domain.transitions`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    PlanTemplate,
    PlanTemplateYear,
    Site,
    TransitionYear,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PLAN_KIND_LEARNER
from ilp_app.domain.transitions import (
    DEFAULT_TRANSITION_YEARS,
    MAX_REASON,
    Suggestion,
    TemplateOption,
    natural_key,
    suggest_templates,
    year_key,
)
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize

MSG_NOT_A_GROUP_YEAR = "Choose one of the years the school's groups are in."


@dataclass(frozen=True)
class TransitionRow:
    year_label: str
    reason: str


@dataclass
class TransitionSettings:
    rows: list[TransitionRow] = field(default_factory=list)
    # The years the school's groups are in: the only years a transition or a template names.
    year_choices: list[str] = field(default_factory=list)
    defaults: bool = True  # still the defaults (never edited)


_natural = natural_key


def school_years(*, session: Session, site_id: int) -> list[str]:
    """The years the school's current groups are in ("Year 8", "Year 9"), in order."""
    labels = session.exec(
        select(Group.year_label)
        .where(Group.site_id == site_id, Group.retired_at.is_(None), Group.year_label != "")
        .distinct()
    ).all()
    by_key = {year_key(v): " ".join(v.split()) for v in labels if v.strip()}
    return sorted(by_key.values(), key=_natural)


def group_year(value: object, *, session: Session, site_id: int, keep: str = "") -> str:
    """``value`` as one of the school's group years ("" for none); ``keep`` is also accepted
    (a value saved before, whose group may have gone)."""
    text = parse_text(value, field="Year", max_length=50, required=False)
    if not text:
        return ""
    choices = {year_key(y): y for y in school_years(session=session, site_id=site_id)}
    if keep:
        choices.setdefault(year_key(keep), keep)
    if year_key(text) not in choices:
        raise ValidationFailed(MSG_NOT_A_GROUP_YEAR)
    return choices[year_key(text)]


def group_years(
    values: tuple[str, ...], *, session: Session, site_id: int, keep: list[str] | tuple = ()
) -> list[str]:
    """Each of ``values`` as one of the school's group years (see :func:`group_year`); ``keep``
    are the years saved before, still accepted after their groups have gone."""
    choices = {year_key(y): y for y in school_years(session=session, site_id=site_id)}
    for kept in keep:
        choices.setdefault(year_key(kept), kept)
    if any(year_key(v) not in choices for v in values):
        raise ValidationFailed(MSG_NOT_A_GROUP_YEAR)
    return list(dict.fromkeys(choices[year_key(v)] for v in values))


def transition_rows(*, session: Session, site_id: int) -> tuple[list[TransitionRow], bool]:
    """The school's transition years, and whether they are still the defaults."""
    site = session.get(Site, site_id)
    if site is None or not site.transition_years_set:
        return [TransitionRow(y, r) for y, r in DEFAULT_TRANSITION_YEARS], True
    stored = session.exec(select(TransitionYear).where(TransitionYear.site_id == site_id)).all()
    rows = [TransitionRow(t.year_label, t.reason) for t in stored]
    return sorted(rows, key=lambda r: _natural(r.year_label)), False


def transition_settings(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> TransitionSettings:
    """For the School page: the transition years and the years that may be chosen."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    rows, defaults = transition_rows(session=session, site_id=actor.site_id)
    return TransitionSettings(
        rows=rows,
        year_choices=school_years(session=session, site_id=actor.site_id),
        defaults=defaults,
    )


def _materialise(session: Session, site_id: int) -> None:
    """Store the defaults as the school's own, the first time it edits them."""
    site = session.get(Site, site_id, with_for_update=True)
    if site.transition_years_set:
        return
    for year, reason in DEFAULT_TRANSITION_YEARS:
        session.add(TransitionYear(site_id=site_id, year_label=year, reason=reason))
    site.transition_years_set = True
    session.add(site)
    session.flush()


def _stored(session: Session, site_id: int, label: str) -> TransitionYear | None:
    return next(
        (
            t
            for t in session.exec(
                select(TransitionYear).where(TransitionYear.site_id == site_id)
            ).all()
            if year_key(t.year_label) == year_key(label)
        ),
        None,
    )


def transition_year_set(
    *,
    session: Session,
    actor: Actor | None,
    year_label: object,
    reason: object,
    client_ip: str = "",
) -> None:
    """Mark one of the school's group years as a transition year, with why (or change why)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    year = group_year(year_label, session=session, site_id=actor.site_id)
    if not year:
        raise ValidationFailed(MSG_NOT_A_GROUP_YEAR)
    why = parse_text(reason, field="Why it is a transition year", max_length=MAX_REASON)
    _materialise(session, actor.site_id)
    row = _stored(session, actor.site_id, year)
    if row is None:
        row = TransitionYear(site_id=actor.site_id, year_label=year, reason=why)
    row.reason = why
    session.add(row)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="school.transition_year_set",
        target_type="site",
        target_id=actor.site_id,
        detail={"year": year},
        client_ip=client_ip,
    )


def transition_year_remove(
    *, session: Session, actor: Actor | None, year_label: object, client_ip: str = ""
) -> None:
    """The year is no longer a transition year at this school."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    text = parse_text(year_label, field="Year", max_length=50)
    _materialise(session, actor.site_id)
    row = _stored(session, actor.site_id, text)
    if row is not None:
        session.delete(row)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="school.transition_year_remove",
        target_type="site",
        target_id=actor.site_id,
        detail={"year": text},
        client_ip=client_ip,
    )


def learner_years(*, session: Session, learner_ids: list[int]) -> dict[int, str]:
    """Each learner's year: that of their tutor group (the first one, by name)."""
    if not learner_ids:
        return {}
    rows = session.exec(
        select(Enrollment.user_id, Group.year_label)
        .join(Group, Group.id == Enrollment.group_id)
        .where(
            Enrollment.user_id.in_(learner_ids),
            Enrollment.role == "learner",
            Group.kind == "tutor",
            Group.retired_at.is_(None),
        )
        .order_by(Group.name)
    ).all()
    years: dict[int, str] = {}
    for lid, label in rows:
        years.setdefault(lid, label)
    return years


def template_suggestions(
    *, session: Session, site_id: int, learner_ids: list[int]
) -> dict[int, list[Suggestion]]:
    """For each learner, the school's templates for their year, transition templates first with
    why. Callers authorise first (the learners are the actor's own)."""
    years = learner_years(session=session, learner_ids=learner_ids)
    if not years:
        return {}
    by_template: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for tid, name, year in session.exec(
        select(PlanTemplate.id, PlanTemplate.name, PlanTemplateYear.year_label)
        .join(PlanTemplateYear, PlanTemplateYear.template_id == PlanTemplate.id)
        .where(
            PlanTemplate.site_id == site_id,
            ~PlanTemplate.archived,
            PlanTemplate.plan_kind == PLAN_KIND_LEARNER,
        )
    ).all():
        by_template.setdefault(tid, []).append(year)
        names[tid] = name
    templates = [TemplateOption(tid, names[tid], tuple(ys)) for tid, ys in by_template.items()]
    rows, _ = transition_rows(session=session, site_id=site_id)
    transitions = {year_key(r.year_label): r.reason for r in rows}
    return {
        lid: found
        for lid, year in years.items()
        if (found := suggest_templates(templates, year, transitions))
    }
