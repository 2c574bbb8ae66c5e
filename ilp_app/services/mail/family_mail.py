"""What families hear by mail: each parent chooses per child how often (every change as it
happens, a daily or a weekly summary, or nothing; weekly unless they choose), no mail in the
school's quiet hours, and one click to stop.

The summaries are built by ``python -m ilp_app.jobs.digests`` (run it from cron as often as
wanted: a day's or a week's summary is queued once). A summary holds tasks completed, new
reflections, the mentor's notes for the family, upcoming reviews and goals behind their target
date; every link goes into the app, and no subject line names a child or says anything private.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import routes
from ilp_app.db.models import (
    DigestSent,
    FamilyMailChoice,
    Guardianship,
    Plan,
    PlanNote,
    Reflection,
    Review,
    Site,
    Task,
    User,
)
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.plans import NoteVisibility, PlanStatus, TaskStatus
from ilp_app.i18n import N_, choose_language, gettext, use_language
from ilp_app.i18n.formatting import format_moment
from ilp_app.services.audit import audit_record
from ilp_app.services.mail.outbox import html_from_text, mail_queue
from ilp_app.services.reports.overview import overview_rows
from ilp_app.services.reviews.review_model import ReviewStatus, school_tz
from ilp_app.settings import get_settings, public_origin

CADENCES = {
    "instant": N_("Every change, as it happens"),
    "daily": N_("A daily summary"),
    "weekly": N_("A weekly summary"),
    "off": N_("No mail"),
}
DEFAULT = "weekly"
MSG_CADENCE = "Choose how often: every change, daily, weekly or no mail."
MSG_NOT_YOUR_CHILD = "You can only choose for your own children."
KIND_INSTANT, KIND_DIGEST = "family_update", "family_digest"


@dataclass
class ChildMailChoice:
    learner_id: int
    name: str
    cadence: str


# --- choices ---------------------------------------------------------------------------------


def _cadences(session: Session, parent_id: int) -> dict[int, str]:
    rows = session.exec(
        select(FamilyMailChoice.learner_id, FamilyMailChoice.cadence).where(
            FamilyMailChoice.parent_id == parent_id
        )
    ).all()
    return dict(rows)


def family_choices(*, session: Session, actor) -> list[ChildMailChoice]:
    """The parent's own children and how often they hear about each."""
    if actor is None or not actor.child_ids:
        return []
    chosen = _cadences(session, actor.user_id)
    children = session.exec(select(User).where(User.id.in_(sorted(actor.child_ids)))).all()
    return [
        ChildMailChoice(c.id, c.display_name, chosen.get(c.id, DEFAULT))
        for c in sorted(children, key=lambda u: u.display_name.casefold())
    ]


def _store(session: Session, parent_id: int, learner_id: int, cadence: str, now: datetime) -> None:
    row = session.exec(
        select(FamilyMailChoice).where(
            FamilyMailChoice.parent_id == parent_id, FamilyMailChoice.learner_id == learner_id
        )
    ).first()
    row = row or FamilyMailChoice(parent_id=parent_id, learner_id=learner_id)
    row.cadence, row.updated_at = cadence, now
    session.add(row)


def family_choice_set(
    *, session: Session, actor, learner_id: object, cadence: object, client_ip: str = ""
) -> None:
    """A parent chooses how often they hear about one of their own children."""
    if not isinstance(cadence, str) or cadence not in CADENCES:
        raise ValidationFailed(MSG_CADENCE)
    lid = parse_id(learner_id, what="learner")
    if actor is None or lid not in actor.child_ids:
        raise PermissionDenied(MSG_NOT_YOUR_CHILD)
    _store(session, actor.user_id, lid, cadence, datetime.now(UTC))
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="family.mail_choice",
        target_type="learner",
        target_id=lid,
        client_ip=client_ip,
        detail={"cadence": cadence},
    )


# --- one-click unsubscribe (RFC 8058) ----------------------------------------------------------


def _signature(parent_id: int, learner_id: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"unsubscribe:{parent_id}:{learner_id}".encode(), sha256).hexdigest()[:32]


def unsubscribe_url(origin: str, parent_id: int, learner_id: int) -> str:
    path = routes.url_for(
        routes.API_UNSUBSCRIBE,
        parent_id=parent_id,
        learner_id=learner_id,
        signature=_signature(parent_id, learner_id),
    )
    return origin.rstrip("/") + path


def unsubscribe(
    *, session: Session, parent_id: object, learner_id: object, signature: object
) -> bool:
    """Stop mail about one child for one parent, if the link's signature is right."""
    try:
        pid, lid = parse_id(parent_id, what="parent"), parse_id(learner_id, what="learner")
    except ValidationFailed:
        return False
    if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(pid, lid)):
        return False
    linked = session.exec(
        select(Guardianship.id).where(Guardianship.parent_id == pid, Guardianship.learner_id == lid)
    ).first()
    if linked is None:
        return False
    _store(session, pid, lid, "off", datetime.now(UTC))
    audit_record(
        session=session,
        actor_user_id=pid,
        action="family.unsubscribe",
        target_type="learner",
        target_id=lid,
    )
    return True


# --- quiet hours -------------------------------------------------------------------------------


def after_quiet_hours(site: Site, moment: datetime) -> datetime:
    """``moment``, or the end of the school's quiet hours if it falls inside them."""
    local = moment.astimezone(school_tz())
    start, end = site.mail_quiet_from, site.mail_quiet_until
    quiet = (local.hour >= start or local.hour < end) if start > end else start <= local.hour < end
    if not quiet:
        return moment
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)


# --- every change, as it happens ----------------------------------------------------------------


def family_instant_mail(
    session: Session, *, plan: Plan, recipients: set[int], text: str, now: datetime
) -> None:
    """Mail the parents among ``recipients`` who chose to hear every change about this child."""
    parents = (
        set(
            session.exec(
                select(Guardianship.parent_id).where(Guardianship.learner_id == plan.learner_id)
            ).all()
        )
        & recipients
    )
    if not parents:
        return
    wanting = [
        pid
        for pid in sorted(parents)
        if _cadences(session, pid).get(plan.learner_id, DEFAULT) == "instant"
    ]
    if not wanting:
        return
    site = session.get(Site, plan.site_id)
    origin = public_origin("")
    link = origin + routes.plan_url(plan.id)
    for pid in wanting:
        parent = session.get(User, pid)
        if parent is None or not parent.is_active or "@" not in parent.email:
            continue
        stop = unsubscribe_url(origin, pid, plan.learner_id)
        with use_language(reader_language(parent, site)):
            body = gettext(
                "%(text)s\n\nSee it in ILP: %(link)s\n\n"
                "You get a mail for every change. To stop: %(stop)s"
            ) % {"text": text, "link": link, "stop": stop}
            subject = gettext("Something new in a plan in ILP")
            _queue(session, site, parent, KIND_INSTANT, subject, body, link, stop, now)


def reader_language(person: User, site: Site | None) -> str:
    """The language a mail to ``person`` is written in: theirs, else the school's.

    (A mail has no browser to ask.)"""
    return choose_language(chosen=person.language, school=site.default_language if site else "")


def _queue(session, site, parent, kind, subject, body, link, stop, now) -> None:
    mail_queue(
        session,
        site_id=site.id,
        kind=kind,
        to_address=parent.email,
        subject=subject,
        text_body=body,
        html_body=html_from_text(body, link=link, link_text=gettext("Open ILP")),
        now=after_quiet_hours(site, now),
        list_unsubscribe=stop,
    )


# --- summaries -----------------------------------------------------------------------------------


def _period_key(cadence: str, now: datetime) -> str:
    local = now.astimezone(school_tz())
    if cadence == "daily":
        return f"day:{local:%Y-%m-%d}"
    year, week, _ = local.isocalendar()
    return f"week:{year}-W{week:02d}"


def _digest_text(
    session: Session, child: User, site: Site, since: datetime, now: datetime
) -> list[str]:
    plans = {
        p.id: p
        for p in session.exec(
            select(Plan).where(Plan.learner_id == child.id, Plan.status != PlanStatus.DRAFT.value)
        ).all()
    }
    ids = list(plans) or [-1]
    lines: list[str] = []
    done = session.exec(
        select(Task.title).where(
            Task.plan_id.in_(ids),
            Task.status == TaskStatus.COMPLETED.value,
            Task.status_changed_at >= since,
        )
    ).all()
    if done:
        lines.append(gettext("Tasks completed (%(num)d):") % {"num": len(done)})
        lines += [f"  - {t}" for t in done[:10]]
    reflections = session.exec(
        select(sa.func.count(Reflection.id)).where(
            Reflection.plan_id.in_(ids), Reflection.created_at >= since
        )
    ).one()
    if reflections:
        lines.append(gettext("New reflections: %(num)d") % {"num": reflections})
    notes = session.exec(
        select(PlanNote.body).where(
            PlanNote.plan_id.in_(ids),
            PlanNote.visibility == NoteVisibility.FAMILY.value,
            PlanNote.created_at >= since,
        )
    ).all()
    if notes:
        lines.append(gettext("Notes from school for the family:"))
        lines += [f"  - {n[:300]}" for n in notes[:5]]
    reviews = session.exec(
        select(Review.starts_at).where(
            Review.learner_id == child.id,
            Review.status == ReviewStatus.SCHEDULED.value,
            Review.starts_at >= now,
            Review.starts_at <= now + timedelta(days=14),
        )
    ).all()
    if reviews:
        lines.append(
            gettext("Review meeting: %(when)s")
            % {"when": ", ".join(format_moment(r) for r in sorted(reviews))}
        )
    row = next(
        iter(overview_rows(session=session, site_id=site.id, learner_ids=[child.id], now=now)), None
    )
    if row is not None and row.goals_behind and lines:
        lines.append(gettext("Goals behind their target date: %(num)d") % {"num": row.goals_behind})
    return lines


def digests_queue(*, session: Session, now: datetime | None = None) -> int:
    """Queue the daily and weekly summaries that are due; returns how many mails were queued.

    Safe to run as often as wanted: each parent gets one summary per child per day or week
    (``digest_sent`` is unique), and a period with nothing new sends nothing.
    """
    now = now or datetime.now(UTC)
    queued = 0
    pairs = session.exec(select(Guardianship.parent_id, Guardianship.learner_id)).all()
    origin = public_origin("")
    for parent_id, learner_id in pairs:
        cadence = _cadences(session, parent_id).get(learner_id, DEFAULT)
        if cadence not in ("daily", "weekly"):
            continue
        key = _period_key(cadence, now)
        already = session.exec(
            select(DigestSent.id).where(
                DigestSent.parent_id == parent_id,
                DigestSent.learner_id == learner_id,
                DigestSent.period_key == key,
            )
        ).first()
        if already is not None:
            continue
        last = session.exec(
            select(sa.func.max(DigestSent.created_at)).where(
                DigestSent.parent_id == parent_id, DigestSent.learner_id == learner_id
            )
        ).one()
        since = last or now - (timedelta(days=1) if cadence == "daily" else timedelta(days=7))
        parent, child = session.get(User, parent_id), session.get(User, learner_id)
        session.add(
            DigestSent(
                parent_id=parent_id,
                learner_id=learner_id,
                period_key=key,
                covered_from=since,
                created_at=now,
            )
        )
        if parent is None or child is None or not parent.is_active or "@" not in parent.email:
            continue
        site = session.get(Site, parent.site_id)
        with use_language(reader_language(parent, site)):
            lines = _digest_text(session, child, site, since, now)
            if not lines:
                continue
            link = origin + routes.PARENT
            stop = unsubscribe_url(origin, parent_id, learner_id)
            daily = cadence == "daily"
            names = {
                "parent": parent.display_name,
                "child": child.display_name,
                "school": site.name,
            }
            body = (
                gettext(
                    "Hello %(parent)s,\n\nWhat happened in %(child)s's plan at %(school)s "
                    "since the last summary:"
                )
                % names
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + (
                    gettext(
                        "See it all in ILP: %(link)s\n\nYou get a daily summary. Change it on "
                        "your home page in ILP, or stop these mails: %(stop)s"
                    )
                    if daily
                    else gettext(
                        "See it all in ILP: %(link)s\n\nYou get a weekly summary. Change it on "
                        "your home page in ILP, or stop these mails: %(stop)s"
                    )
                )
                % {"link": link, "stop": stop}
            )
            subject = (
                gettext("Your daily ILP summary") if daily else gettext("Your weekly ILP summary")
            )
            _queue(session, site, parent, KIND_DIGEST, subject, body, link, stop, now)
        queued += 1
    return queued
