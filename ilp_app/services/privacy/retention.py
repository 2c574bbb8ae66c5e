"""Retention: how long a school keeps each kind of record, and the job that deletes older ones.

Each site sets a period per record type (:mod:`ilp_app.domain.retention`); with no setting the
type's default applies. Records that belong to no site (failed sign-ins, audit events of no
known person) follow the longest period any site keeps that type, so no school loses records
it wants to keep.

The job deletes in batches of :data:`BATCH_SIZE`, committing after each batch: a large backlog
never holds a lock for long, and an interrupted run keeps what it finished. Running it again
deletes only what has become old since, so it is safe to run as often as wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    AuditEvent,
    AuthSession,
    Goal,
    ImportRun,
    LoginAttempt,
    Notification,
    Plan,
    RetentionRule,
    Review,
    Site,
    Task,
    User,
)
from ilp_app.domain import retention as rules
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import PlanStatus
from ilp_app.services.access.auth import session_policy
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence.evidence import evidence_purge
from ilp_app.services.guard import authorize

BATCH_SIZE = 500


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRuleView:
    """One record type as the administrator's settings table shows it."""

    record_type: str
    label: str
    description: str
    keep_text: str  # "Forever" or "730 days"
    keep_value: str  # what the edit field holds: "730", or "" for forever
    default_text: str
    minimum_text: str  # "1 day", "90 days"
    is_default: bool  # nothing stored: the default applies


def _stored(session: Session, site_id: int) -> dict[str, int | None]:
    rows = session.exec(select(RetentionRule).where(RetentionRule.site_id == site_id)).all()
    return {r.record_type: r.keep_days for r in rows}


def retention_periods(*, session: Session, site_id: int) -> dict[str, int | None]:
    """The period in force for every record type at a site (None: kept forever)."""
    stored = _stored(session, site_id)
    return {kind.key: rules.effective_keep_days(kind, stored) for kind in rules.RECORD_TYPES}


def _views(stored: dict[str, int | None]) -> list[RetentionRuleView]:
    views = []
    for kind in rules.RECORD_TYPES:
        days = rules.effective_keep_days(kind, stored)
        views.append(
            RetentionRuleView(
                record_type=kind.key,
                label=kind.label,
                description=kind.description,
                keep_text=rules.describe_period(days),
                keep_value="" if days is None else str(days),
                default_text=rules.describe_period(kind.default_days),
                minimum_text=rules.describe_period(kind.minimum_days),
                is_default=kind.key not in stored,
            )
        )
    return views


def retention_rules(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> list[RetentionRuleView]:
    """Every record type with the period the administrator's site keeps it."""
    authorize(actor, Action.RETENTION_MANAGE, client_ip=client_ip)
    return _views(_stored(session, actor.site_id))


def retention_rule_set(
    *,
    session: Session,
    actor: Actor | None,
    record_type: object,
    keep_days: object,
    client_ip: str = "",
) -> list[RetentionRuleView]:
    """Set how long the site keeps one record type (empty or None: forever); returns the new table.

    Raises:
        NotSignedIn, PermissionDenied: not an administrator (audited).
        ValidationFailed: unknown type, not a whole number, or below the type's minimum.
    """
    authorize(actor, Action.RETENTION_MANAGE, client_ip=client_ip)
    kind = rules.record_type(record_type)
    days = rules.parse_keep_days(keep_days, kind)
    row = session.exec(
        select(RetentionRule).where(
            RetentionRule.site_id == actor.site_id, RetentionRule.record_type == kind.key
        )
    ).first()
    before = rules.effective_keep_days(kind, _stored(session, actor.site_id))
    if row is None:
        row = RetentionRule(site_id=actor.site_id, record_type=kind.key)
    row.keep_days = days
    row.updated_at = datetime.now(UTC)
    session.add(row)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="retention.set",
        target_type="record_type",
        target_id=kind.key,
        client_ip=client_ip,
        detail={"from": rules.describe_period(before), "to": rules.describe_period(days)},
    )
    session.flush()
    return _views(_stored(session, actor.site_id))


# --- deleting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRemoval:
    """How many records of one type one run deleted, at one site (``site_id`` 0: records of no site)."""

    site_id: int
    site_name: str
    record_type: str
    label: str
    period: str  # the period applied: "730 days", or "Forever" (nothing deleted)
    removed: int


def _in_batches(session: Session, ids: sa.Select, model, batch_size: int) -> int:
    """Delete the rows whose ids ``ids`` selects, a batch per transaction; returns how many."""
    removed = 0
    while True:
        batch = list(session.exec(ids.limit(batch_size)).all())
        if not batch:
            return removed
        session.exec(sa.delete(model).where(model.id.in_(batch)))
        session.commit()
        removed += len(batch)


def plans_delete(session: Session, plan_ids: list[int]) -> None:
    """Delete plans with everything in them, first letting go of what points at them from outside.

    Goals, tasks, notes, history and the rest go with the plan (``ON DELETE CASCADE``); a later
    plan keeps its own goals but no longer says where they were carried from, and a review keeps
    its record without the plan link.
    """
    if not plan_ids:
        return
    evidence_purge(session, plan_ids)  # the rows would cascade; their files would not
    goals = select(Goal.id).where(Goal.plan_id.in_(plan_ids))
    tasks = select(Task.id).where(Task.plan_id.in_(plan_ids))
    session.exec(
        sa.update(Goal)
        .where(Goal.carried_from_goal_id.in_(goals))
        .values(carried_from_goal_id=None)
    )
    session.exec(
        sa.update(Task)
        .where(Task.carried_from_task_id.in_(tasks))
        .values(carried_from_task_id=None)
    )
    session.exec(
        sa.update(Plan).where(Plan.previous_plan_id.in_(plan_ids)).values(previous_plan_id=None)
    )
    session.exec(sa.update(Review).where(Review.plan_id.in_(plan_ids)).values(plan_id=None))
    session.exec(sa.delete(Plan).where(Plan.id.in_(plan_ids)))


def _locked_plans(session: Session, ids: sa.Select, batch_size: int) -> int:
    removed = 0
    while True:
        batch = list(session.exec(ids.limit(batch_size)).all())
        if not batch:
            return removed
        plans_delete(session, batch)
        session.commit()
        removed += len(batch)


def _site_users(site_id: int) -> sa.Select:
    return select(User.id).where(User.site_id == site_id)


def _ended_before(before: datetime):
    """Sessions that ended before ``before``: revoked, idle too long, or past their absolute lifetime."""
    policy = session_policy()
    return sa.or_(
        AuthSession.revoked_at < before,
        AuthSession.last_seen_at < before - policy.idle,
        AuthSession.created_at < before - policy.absolute,
    )


def _inactive_learners(site_id: int) -> sa.Select:
    return select(User.id).where(
        User.site_id == site_id,
        sa.or_(~User.is_active, User.retired_at.is_not(None), User.erased_at.is_not(None)),
    )


#: Per record type kept per site: how to delete that site's records older than ``before``.
_PER_SITE: dict[str, Callable[[Session, int, datetime, int], int]] = {
    rules.AUDIT_EVENTS: lambda s, site, before, n: _in_batches(
        s,
        select(AuditEvent.id).where(
            AuditEvent.at < before, AuditEvent.actor_user_id.in_(_site_users(site))
        ),
        AuditEvent,
        n,
    ),
    rules.NOTIFICATIONS: lambda s, site, before, n: _in_batches(
        s,
        select(Notification.id).where(
            Notification.created_at < before, Notification.user_id.in_(_site_users(site))
        ),
        Notification,
        n,
    ),
    rules.ENDED_SESSIONS: lambda s, site, before, n: _in_batches(
        s,
        select(AuthSession.id).where(
            _ended_before(before), AuthSession.user_id.in_(_site_users(site))
        ),
        AuthSession,
        n,
    ),
    rules.IMPORT_REPORTS: lambda s, site, before, n: _in_batches(
        s,
        select(ImportRun.id).where(ImportRun.site_id == site, ImportRun.started_at < before),
        ImportRun,
        n,
    ),
    rules.LOCKED_PLANS: lambda s, site, before, n: _locked_plans(
        s,
        select(Plan.id).where(
            Plan.site_id == site,
            Plan.status == PlanStatus.LOCKED.value,
            Plan.locked_at < before,
            Plan.learner_id.in_(_inactive_learners(site)),
        ),
        n,
    ),
}

#: Per record type that may belong to no site: how to delete those records older than ``before``.
_SITELESS: dict[str, Callable[[Session, datetime, int], int]] = {
    rules.AUDIT_EVENTS: lambda s, before, n: _in_batches(
        s,
        select(AuditEvent.id).where(
            AuditEvent.at < before,
            sa.or_(
                AuditEvent.actor_user_id.is_(None), AuditEvent.actor_user_id.not_in(select(User.id))
            ),
        ),
        AuditEvent,
        n,
    ),
    rules.LOGIN_ATTEMPTS: lambda s, before, n: _in_batches(
        s, select(LoginAttempt.id).where(LoginAttempt.at < before), LoginAttempt, n
    ),
}


def retention_apply(
    *,
    session: Session,
    site_ids: list[int] | None = None,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[RetentionRemoval]:
    """Delete every record older than its site's period (all sites when ``site_ids`` is None).

    Records of no site are always included. Commits after each batch; the caller's unit of work
    commits whatever it adds afterwards (such as the audit event of the run).
    """
    now = now or datetime.now(UTC)
    sites = session.exec(select(Site).order_by(Site.id)).all()
    periods = {site.id: retention_periods(session=session, site_id=site.id) for site in sites}
    session.commit()  # end the read before the first batch takes the write lock
    removals = []
    for site in sites:
        if site_ids is not None and site.id not in site_ids:
            continue
        for key, delete in _PER_SITE.items():
            days = periods[site.id][key]
            before = rules.cutoff(now, days)
            removed = 0 if before is None else delete(session, site.id, before, batch_size)
            removals.append(
                RetentionRemoval(
                    site_id=site.id,
                    site_name=site.name,
                    record_type=key,
                    label=rules.record_type(key).label,
                    period=rules.describe_period(days),
                    removed=removed,
                )
            )
    for key, delete in _SITELESS.items():
        days = rules.longest(p[key] for p in periods.values())
        before = rules.cutoff(now, days)
        removed = 0 if before is None else delete(session, before, batch_size)
        removals.append(
            RetentionRemoval(
                site_id=0,
                site_name="",
                record_type=key,
                label=rules.record_type(key).label,
                period=rules.describe_period(days),
                removed=removed,
            )
        )
    return removals


def _totals(removals: list[RetentionRemoval]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for r in removals:
        totals[r.record_type] = totals.get(r.record_type, 0) + r.removed
    return totals


def retention_run_now(
    *,
    session: Session,
    actor: Actor | None,
    client_ip: str = "",
    now: datetime | None = None,
) -> list[RetentionRemoval]:
    """An administrator applies their site's periods now (and those of records of no site); audited."""
    authorize(actor, Action.RETENTION_MANAGE, client_ip=client_ip)
    removals = retention_apply(session=session, site_ids=[actor.site_id], now=now)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="retention.run",
        target_type="site",
        target_id=actor.site_id,
        detail={"removed": _totals(removals)},
        client_ip=client_ip,
    )
    return removals


def retention_job(*, session: Session, now: datetime | None = None) -> list[RetentionRemoval]:
    """The scheduled run: every site's periods, audited as done by no one (the system)."""
    removals = retention_apply(session=session, now=now)
    audit_record(
        session=session,
        actor_user_id=None,
        action="retention.run",
        target_type="site",
        target_id="all",
        detail={"removed": _totals(removals)},
    )
    return removals
