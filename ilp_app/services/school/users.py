"""Administration of one account: disable/enable, issue a temporary password (the list is `account_table`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from ilp_app import security
from ilp_app.db.models import User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.passwords import password_problems
from ilp_app.domain.permissions import Action, Actor, UserRef
from ilp_app.services.access.auth import sessions_revoke
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.school.people_admin import MSG_ERASED

MSG_USER_NOT_FOUND = "That account does not exist."
MSG_QUERY_TOO_LONG = "The search text is too long."
MAX_QUERY = 100


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
