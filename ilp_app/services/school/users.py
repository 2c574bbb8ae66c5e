"""Administration of accounts: list, disable/enable, issue a temporary password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import RoleGrant, User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.passwords import password_problems
from ilp_app.domain.permissions import Action, Actor, UserRef
from ilp_app.domain.roles import ROLE_LABELS, Role, parse_role
from ilp_app.services.access.auth import sessions_revoke
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_read import plan_summaries
from ilp_app.services.school.people_admin import MSG_ERASED

MSG_USER_NOT_FOUND = "That account does not exist."
MSG_QUERY_TOO_LONG = "The search text is too long."
MAX_QUERY = 100
PAGE_SIZE = 200


@dataclass(frozen=True)
class UserRow:
    id: int
    full_name: str
    preferred_name: str
    email: str
    roles: str
    is_active: bool
    must_change_password: bool
    has_password: bool
    plan_id: int = 0  # a learner's plan for the current period, for support reads


def user_list(
    *, session: Session, actor: Actor | None, query: object = "", client_ip: str = ""
) -> list[UserRow]:
    """Accounts of the administrator's site, optionally filtered by name or email."""
    authorize(actor, Action.USER_LIST, client_ip=client_ip)
    if not isinstance(query, str):
        raise ValidationFailed(MSG_QUERY_TOO_LONG)
    if len(query) > MAX_QUERY:
        raise ValidationFailed(MSG_QUERY_TOO_LONG)
    stmt = select(User).where(User.site_id == actor.site_id).order_by(sa.func.lower(User.full_name))
    needle = query.strip().lower()
    if needle:
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.full_name).like(like),
                sa.func.lower(User.email).like(like),
                sa.func.lower(User.preferred_name).like(like),
            )
        )
    users = session.exec(stmt.limit(PAGE_SIZE)).all()
    grants: dict[int, list[str]] = {}
    if users:
        for uid, role in session.exec(
            select(RoleGrant.user_id, RoleGrant.role).where(
                RoleGrant.user_id.in_([u.id for u in users])
            )
        ).all():
            parsed = parse_role(role)
            if parsed:
                grants.setdefault(uid, []).append(ROLE_LABELS[parsed])
    period = period_current(session=session, site_id=actor.site_id)
    learner_label = ROLE_LABELS[Role.LEARNER]
    plans = plan_summaries(
        session=session,
        learner_ids=[u.id for u in users if learner_label in grants.get(u.id, [])],
        period_id=period.id if period else -1,
    )
    return [
        UserRow(
            id=u.id,
            full_name=u.full_name,
            preferred_name=u.preferred_name,
            email=u.email,
            roles=", ".join(sorted(grants.get(u.id, []))),
            is_active=u.is_active,
            must_change_password=u.must_change_password,
            has_password=bool(u.password_hash),
            plan_id=plans[u.id].plan_id if u.id in plans else 0,
        )
        for u in users
    ]


def _managed_user(session: Session, actor: Actor | None, user_id: object, client_ip: str) -> User:
    try:
        user_id = parse_id(user_id, what="account")
    except ValidationFailed:
        authorize(actor, Action.USER_LIST, client_ip=client_ip)
        raise
    authorize(actor, Action.USER_MANAGE, UserRef(user_id), client_ip=client_ip)
    user = session.get(User, user_id)
    if user is None or user.site_id != actor.site_id:
        raise NotFound(MSG_USER_NOT_FOUND)
    return user


def user_set_active(
    *, session: Session, actor: Actor | None, user_id: object, active: object, client_ip: str = ""
) -> None:
    """Disable (ending every session) or re-enable an account."""
    user = _managed_user(session, actor, user_id, client_ip)
    if not isinstance(active, bool):
        raise ValidationFailed("Choose enable or disable.")
    if user.is_active == active:
        return
    if active and user.erased_at is not None:  # an anonymised learner's account stays closed
        raise ValidationFailed(MSG_ERASED)
    user.is_active = active
    user.updated_at = datetime.now(UTC)
    session.add(user)
    if not active:
        sessions_revoke(session=session, user_id=user.id, reason="disabled")
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.enable" if active else "user.disable",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
    )


def temporary_password_set(
    *, session: Session, actor: Actor | None, user_id: object, password: object, client_ip: str = ""
) -> None:
    """Give an account a temporary password that must be replaced at the next sign-in.

    Slow by design (hashing): call it off the event loop.
    """
    user = _managed_user(session, actor, user_id, client_ip)
    if user.erased_at is not None:
        raise ValidationFailed(MSG_ERASED)
    problems = password_problems(password, email=user.email)
    if problems:
        raise ValidationFailed(" ".join(problems))
    user.password_hash = security.password_hash(password)
    user.must_change_password = True
    user.updated_at = datetime.now(UTC)
    session.add(user)
    sessions_revoke(session=session, user_id=user.id, reason="temporary_password")
    # The password itself is never written to the audit trail or a log.
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.temporary_password",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
    )
