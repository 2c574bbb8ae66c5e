"""The administrator runs the school: its name and ILP switch, its periods, its focus-area catalogue.

Every function authorises :attr:`Action.SCHOOL_MANAGE` first (a refusal is audited by the unit
of work), treats ids from the browser as a selection only (a row of another site is "not
found"), validates everything before changing anything, and records each change in the audit
trail. Groups and their members are in :mod:`ilp_app.services.school.school_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import FocusAreaOption, Goal, Period, Plan, Site, Task
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.overview import rag_rules
from ilp_app.domain.parsing import parse_date, parse_text, parse_whole_number
from ilp_app.domain.permissions import Actor
from ilp_app.domain.plans import (
    MAX_FOCUS_AREA,
    PERIOD_KIND_LABELS,
    PERIOD_KIND_SCHOOL_YEAR,
    PERIOD_KIND_TERM,
)
from ilp_app.services.audit import audit_record
from ilp_app.services.plans.periods import period_current
from ilp_app.services.school.school_rows import name_in_use, own_row, school_manager
from ilp_app.settings import get_settings

MAX_SITE_NAME = 200
MAX_PERIOD_NAME = 100
MAX_AREA_DESCRIPTION = 300

MSG_CHOOSE_ON_OFF = "Choose on or off."
MSG_PERIOD_NOT_FOUND = "That period does not exist."
MSG_PERIOD_ORDER = "The period must end after it starts."
MSG_PERIOD_KIND = "Choose whether the period is a term or a school year."
MSG_PERIOD_OVERLAP = (
    "{name} overlaps {other} ({starts} to {ends}). Periods may not overlap: plans are made for the one "
    "period that contains today."
)
MSG_PERIOD_IN_USE = (
    "{name} has {count} plan(s), so it cannot be deleted. Plans keep their period for good."
)
MSG_PERIOD_DATES_IN_USE = (
    "{count} goal or task date(s) in plans of {name} fall outside {starts} to {ends}. "
    "Choose dates that include them."
)
MSG_AREA_NOT_FOUND = "That focus area does not exist."
MSG_AREA_EXISTS = "The catalogue already has a focus area called {name}."
MSG_WRONG_DIRECTION = "Move up or down."


def _site(session: Session, actor: Actor, *, lock: bool = False) -> Site:
    """The administrator's own site; locked when a check-then-write must not race another admin."""
    stmt = select(Site).where(Site.id == actor.site_id)
    site = session.exec(stmt.with_for_update() if lock else stmt).first()
    if site is None:
        raise NotFound("Your school no longer exists.")
    return site


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    client_ip: str,
    **detail,
) -> None:
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail or None,
        client_ip=client_ip,
    )


# --- the site -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSettings:
    id: int
    name: str
    ilp_enabled: bool
    quiet_amber_days: int = 7
    quiet_red_days: int = 21
    mail_quiet_from: int = 21
    mail_quiet_until: int = 7
    # The school sign-in providers configured for this server (no secrets): label, issuer, domains.
    providers: list[dict[str, str]] = field(default_factory=list)


def site_settings(*, session: Session, actor: Actor | None, client_ip: str = "") -> SiteSettings:
    """The school's name and whether it runs ILPs."""
    actor = school_manager(actor, client_ip)
    site = _site(session, actor)
    return SiteSettings(
        id=site.id,
        name=site.name,
        ilp_enabled=site.ilp_enabled,
        quiet_amber_days=site.quiet_amber_days,
        quiet_red_days=site.quiet_red_days,
        mail_quiet_from=site.mail_quiet_from,
        mail_quiet_until=site.mail_quiet_until,
        providers=[
            {
                "label": p.label,
                "issuer": p.issuer,
                "domains": ", ".join(p.domains) or "any",
                "key": p.key,
            }
            for p in get_settings().oidc_providers
        ],
    )


def site_set_mail_quiet_hours(
    *,
    session: Session,
    actor: Actor | None,
    quiet_from: object,
    quiet_until: object,
    client_ip: str = "",
) -> None:
    """No mail to families from ``quiet_from`` to ``quiet_until`` o'clock (school time)."""
    actor = school_manager(actor, client_ip)
    hours = [
        parse_whole_number(
            v, minimum=0, maximum=23, message="Quiet hours: a whole hour from 0 to 23."
        )
        for v in (quiet_from, quiet_until)
    ]
    site = _site(session, actor)
    before = {"from": site.mail_quiet_from, "until": site.mail_quiet_until}
    site.mail_quiet_from, site.mail_quiet_until = hours
    session.add(site)
    _audit(
        session,
        actor,
        "site.mail_quiet_hours",
        "site",
        site.id,
        client_ip,
        before=before,
        after={"from": hours[0], "until": hours[1]},
    )


def site_set_status_rules(
    *,
    session: Session,
    actor: Actor | None,
    amber_days: object,
    red_days: object,
    client_ip: str = "",
) -> None:
    """When the overview's status turns amber and red (days without activity); see RagRules."""
    actor = school_manager(actor, client_ip)
    rules = rag_rules(amber_days, red_days)
    site = _site(session, actor)
    before = {"amber_days": site.quiet_amber_days, "red_days": site.quiet_red_days}
    after = {"amber_days": rules.amber_days, "red_days": rules.red_days}
    if before == after:
        return
    site.quiet_amber_days, site.quiet_red_days = rules.amber_days, rules.red_days
    session.add(site)
    _audit(
        session, actor, "site.status_rules", "site", site.id, client_ip, before=before, after=after
    )


def site_rename(
    *, session: Session, actor: Actor | None, name: object, client_ip: str = ""
) -> None:
    """Change the school's name (shown to everyone, and in the "ILPs are switched off" message)."""
    actor = school_manager(actor, client_ip)
    clean = parse_text(name, field="School name", max_length=MAX_SITE_NAME)
    site = _site(session, actor)
    if clean == site.name:
        return
    before, site.name = site.name, clean
    session.add(site)
    _audit(session, actor, "site.rename", "site", site.id, client_ip, before=before, after=clean)


def site_set_ilp_enabled(
    *, session: Session, actor: Actor | None, enabled: object, client_ip: str = ""
) -> None:
    """Switch ILPs on or off for the whole school.

    While they are off, everyone but the administration is refused every ILP page and action
    (see ``Actor.ilp_enabled``); nothing is deleted, and switching back on restores access.
    """
    actor = school_manager(actor, client_ip)
    if not isinstance(enabled, bool):
        raise ValidationFailed(MSG_CHOOSE_ON_OFF)
    site = _site(session, actor)
    if site.ilp_enabled == enabled:
        return
    site.ilp_enabled = enabled
    session.add(site)
    _audit(
        session,
        actor,
        "site.ilp_enable" if enabled else "site.ilp_disable",
        "site",
        site.id,
        client_ip,
    )


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    id: int
    name: str
    starts_on: str
    ends_on: str
    plans: int
    current: bool
    imported: bool
    retired: bool
    kind_label: str = "Term"


def _plan_counts(session: Session, site_id: int) -> dict[int, int]:
    return dict(
        session.exec(
            select(Plan.period_id, sa.func.count())
            .where(Plan.site_id == site_id)
            .group_by(Plan.period_id)
        ).all()
    )


def period_list(*, session: Session, actor: Actor | None, client_ip: str = "") -> list[PeriodRow]:
    """The school's periods, earliest first, with how many plans each holds and which is current."""
    actor = school_manager(actor, client_ip)
    periods = session.exec(
        select(Period).where(Period.site_id == actor.site_id).order_by(Period.starts_on, Period.id)
    ).all()
    counts = _plan_counts(session, actor.site_id)
    current_ids = {
        p.id
        for p in (
            period_current(session=session, site_id=actor.site_id, kind=kind)
            for kind in (PERIOD_KIND_TERM, PERIOD_KIND_SCHOOL_YEAR)
        )
        if p is not None
    }
    return [
        PeriodRow(
            id=p.id,
            name=p.name,
            starts_on=p.starts_on.isoformat(),
            ends_on=p.ends_on.isoformat(),
            plans=counts.get(p.id, 0),
            current=p.id in current_ids,
            imported=bool(p.source_id),
            retired=p.retired_at is not None,
            kind_label=PERIOD_KIND_LABELS.get(p.kind, p.kind),
        )
        for p in periods
    ]


def _period_values(name: object, starts_on: object, ends_on: object) -> tuple[str, date, date]:
    clean = parse_text(name, field="Period name", max_length=MAX_PERIOD_NAME)
    start = parse_date(starts_on, field="Start date", required=True)
    end = parse_date(ends_on, field="End date", required=True)
    if not start < end:
        raise ValidationFailed(MSG_PERIOD_ORDER)
    return clean, start, end


def _check_no_overlap(
    session: Session,
    site_id: int,
    name: str,
    start: date,
    end: date,
    except_id: int | None = None,
    kind: str = PERIOD_KIND_TERM,
) -> None:
    """Periods of a kind never share a day: "the current period" (and "the next one") must be
    unambiguous. A school year holds terms, so periods of different kinds may overlap."""
    stmt = select(Period).where(
        Period.site_id == site_id,
        Period.starts_on <= end,
        Period.ends_on >= start,
        Period.kind == kind,
    )
    if except_id is not None:
        stmt = stmt.where(Period.id != except_id)
    other = session.exec(stmt.order_by(Period.starts_on)).first()
    if other is not None:
        raise ValidationFailed(
            MSG_PERIOD_OVERLAP.format(
                name=name,
                other=other.name,
                starts=other.starts_on.isoformat(),
                ends=other.ends_on.isoformat(),
            )
        )


def _own_period(session: Session, actor: Actor, period_id: object) -> Period:
    return own_row(session, actor, Period, period_id, what="period", missing=MSG_PERIOD_NOT_FOUND)


def period_create(
    *,
    session: Session,
    actor: Actor | None,
    name: object,
    starts_on: object,
    ends_on: object,
    kind: object = PERIOD_KIND_TERM,
    client_ip: str = "",
) -> int:
    """Add a period (its name, first and last day, and whether it is a term or a school year);
    it may not overlap another of its kind."""
    actor = school_manager(actor, client_ip)
    clean, start, end = _period_values(name, starts_on, ends_on)
    if kind in (None, ""):
        kind = PERIOD_KIND_TERM
    if not isinstance(kind, str) or kind not in PERIOD_KIND_LABELS:
        raise ValidationFailed(MSG_PERIOD_KIND)
    _site(session, actor, lock=True)
    _check_no_overlap(session, actor.site_id, clean, start, end, kind=kind)
    period = Period(site_id=actor.site_id, name=clean, starts_on=start, ends_on=end, kind=kind)
    session.add(period)
    session.flush()
    _audit(
        session,
        actor,
        "period.create",
        "period",
        period.id,
        client_ip,
        name=clean,
        starts_on=start.isoformat(),
        ends_on=end.isoformat(),
        kind=kind,
    )
    return period.id


def _dates_outside(session: Session, period_id: int, start: date, end: date) -> int:
    """Goal target dates and task due dates of the period's plans that the new dates would leave out."""
    plans = select(Plan.id).where(Plan.period_id == period_id)
    goals = session.exec(
        select(sa.func.count())
        .select_from(Goal)
        .where(
            Goal.plan_id.in_(plans),
            Goal.target_date.is_not(None),
            sa.or_(Goal.target_date < start, Goal.target_date > end),
        )
    ).one()
    tasks = session.exec(
        select(sa.func.count())
        .select_from(Task)
        .where(
            Task.plan_id.in_(plans),
            Task.due_date.is_not(None),
            sa.or_(Task.due_date < start, Task.due_date > end),
        )
    ).one()
    return goals + tasks


def period_edit(
    *,
    session: Session,
    actor: Actor | None,
    period_id: object,
    name: object,
    starts_on: object,
    ends_on: object,
    client_ip: str = "",
) -> None:
    """Rename a period or move its dates (not past dates its plans already use, nor onto another period)."""
    actor = school_manager(actor, client_ip)
    period = _own_period(session, actor, period_id)
    clean, start, end = _period_values(name, starts_on, ends_on)
    _site(session, actor, lock=True)
    _check_no_overlap(
        session, actor.site_id, clean, start, end, except_id=period.id, kind=period.kind
    )
    outside = _dates_outside(session, period.id, start, end)
    if outside:
        raise ValidationFailed(
            MSG_PERIOD_DATES_IN_USE.format(
                count=outside, name=period.name, starts=start.isoformat(), ends=end.isoformat()
            )
        )
    before = {
        "name": period.name,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }
    after = {"name": clean, "starts_on": start.isoformat(), "ends_on": end.isoformat()}
    if before == after:
        return
    period.name, period.starts_on, period.ends_on = clean, start, end
    session.add(period)
    _audit(
        session, actor, "period.edit", "period", period.id, client_ip, before=before, after=after
    )


def period_delete(
    *, session: Session, actor: Actor | None, period_id: object, client_ip: str = ""
) -> None:
    """Delete a period no plan uses. One with plans stays (a roster import may retire it instead)."""
    actor = school_manager(actor, client_ip)
    period = _own_period(session, actor, period_id)
    used = session.exec(
        select(sa.func.count()).select_from(Plan).where(Plan.period_id == period.id)
    ).one()
    if used:
        raise ValidationFailed(MSG_PERIOD_IN_USE.format(name=period.name, count=used))
    _audit(
        session,
        actor,
        "period.delete",
        "period",
        period.id,
        client_ip,
        name=period.name,
        starts_on=period.starts_on.isoformat(),
        ends_on=period.ends_on.isoformat(),
    )
    session.delete(period)


# --- the focus-area catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class FocusAreaRow:
    id: int
    name: str
    description: str
    archived: bool
    first: bool
    last: bool


def _options(session: Session, site_id: int) -> list[FocusAreaOption]:
    return list(
        session.exec(
            select(FocusAreaOption)
            .where(FocusAreaOption.site_id == site_id)
            .order_by(FocusAreaOption.position, FocusAreaOption.id)
        ).all()
    )


def focus_area_catalogue(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> list[FocusAreaRow]:
    """Every focus area of the catalogue in the order mentors see them, archived ones included."""
    actor = school_manager(actor, client_ip)
    options = _options(session, actor.site_id)
    return [
        FocusAreaRow(
            id=o.id,
            name=o.name,
            description=o.description,
            archived=o.archived,
            first=i == 0,
            last=i == len(options) - 1,
        )
        for i, o in enumerate(options)
    ]


def _own_option(session: Session, actor: Actor, option_id: object) -> FocusAreaOption:
    return own_row(
        session, actor, FocusAreaOption, option_id, what="focus area", missing=MSG_AREA_NOT_FOUND
    )


def _area_values(
    session: Session, actor: Actor, name: object, description: object, except_id: int | None = None
) -> tuple[str, str]:
    clean = parse_text(name, field="Focus area", max_length=MAX_FOCUS_AREA)
    text = parse_text(
        description, field="Description", max_length=MAX_AREA_DESCRIPTION, required=False
    )
    _site(session, actor, lock=True)
    # Names are unique whatever their case: "Career" and "career" would look like one area to a mentor.
    existing = name_in_use(session, FocusAreaOption, actor.site_id, clean, except_id)
    if existing is not None:
        raise ValidationFailed(MSG_AREA_EXISTS.format(name=existing))
    return clean, text


def focus_area_option_add(
    *,
    session: Session,
    actor: Actor | None,
    name: object,
    description: object = "",
    client_ip: str = "",
) -> int:
    """Add a focus area at the end of the catalogue; mentors are offered it from now on."""
    actor = school_manager(actor, client_ip)
    clean, text = _area_values(session, actor, name, description)
    last = session.exec(
        select(sa.func.max(FocusAreaOption.position)).where(
            FocusAreaOption.site_id == actor.site_id
        )
    ).one()
    option = FocusAreaOption(
        site_id=actor.site_id,
        name=clean,
        description=text,
        position=(last if last is not None else -1) + 1,
    )
    session.add(option)
    session.flush()
    _audit(
        session,
        actor,
        "focus_area_option.add",
        "focus_area_option",
        option.id,
        client_ip,
        name=clean,
    )
    return option.id


def focus_area_option_edit(
    *,
    session: Session,
    actor: Actor | None,
    option_id: object,
    name: object,
    description: object = "",
    client_ip: str = "",
) -> None:
    """Rename or describe a focus area. Plans already made keep the name they were given."""
    actor = school_manager(actor, client_ip)
    option = _own_option(session, actor, option_id)
    clean, text = _area_values(session, actor, name, description, except_id=option.id)
    if (clean, text) == (option.name, option.description):
        return
    before = {"name": option.name, "description": option.description}
    option.name, option.description = clean, text
    session.add(option)
    _audit(
        session,
        actor,
        "focus_area_option.edit",
        "focus_area_option",
        option.id,
        client_ip,
        before=before,
        after={"name": clean, "description": text},
    )


def focus_area_option_move(
    *,
    session: Session,
    actor: Actor | None,
    option_id: object,
    direction: object,
    client_ip: str = "",
) -> None:
    """Move a focus area one place up or down in the order mentors see them."""
    actor = school_manager(actor, client_ip)
    option = _own_option(session, actor, option_id)
    if direction not in ("up", "down"):
        raise ValidationFailed(MSG_WRONG_DIRECTION)
    options = _options(session, actor.site_id)
    index = next(i for i, o in enumerate(options) if o.id == option.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(options):
        return  # already first (or last)
    options[index], options[other] = options[other], options[index]
    for position, row in enumerate(options):
        if row.position != position:
            row.position = position
            session.add(row)
    _audit(
        session,
        actor,
        "focus_area_option.move",
        "focus_area_option",
        option.id,
        client_ip,
        direction=direction,
    )


def focus_area_option_set_archived(
    *,
    session: Session,
    actor: Actor | None,
    option_id: object,
    archived: object,
    client_ip: str = "",
) -> None:
    """Archive a focus area (no longer offered to mentors; plans keep theirs) or bring it back."""
    actor = school_manager(actor, client_ip)
    option = _own_option(session, actor, option_id)
    if not isinstance(archived, bool):
        raise ValidationFailed("Choose archive or restore.")
    if option.archived == archived:
        return
    option.archived = archived
    session.add(option)
    _audit(
        session,
        actor,
        "focus_area_option.archive" if archived else "focus_area_option.restore",
        "focus_area_option",
        option.id,
        client_ip,
        name=option.name,
    )
