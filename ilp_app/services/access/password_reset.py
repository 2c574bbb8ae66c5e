"""Forgotten passwords: a single-use link by mail, valid for 60 minutes, stored as a keyed hash.

Asking answers the same whether or not the address has an account (the caller also pads the
time), and is throttled per address and per client like sign-in. Using the link sets a new
password under the school's policy, ends every other session of the account and signs the
person in. The token never reaches the logs or the audit: only the mail carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import routes, security
from ilp_app.db.models import AccountToken, Site, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.passwords import password_problems
from ilp_app.domain.roles import default_home_role
from ilp_app.domain.throttling import ThrottlePolicy
from ilp_app.i18n import N_, gettext, use_language
from ilp_app.services.access.actors import user_roles
from ilp_app.services.access.auth import (
    MAX_EMAIL,
    MAX_PASSWORD_INPUT,
    MSG_PASSWORDS_DIFFER,
    attempt_claim,
    email_key,
    session_create,
    sessions_revoke,
    user_by_email,
)
from ilp_app.services.access.languages import mail_language
from ilp_app.services.audit import audit_record
from ilp_app.services.mail.outbox import html_from_text, mail_queue

RESET = "password_reset"
INVITATION = "invitation"  # made by services.access.invitations; completed here the same way
LIFETIME = timedelta(minutes=60)
#: Three requests an hour per address before they wait (each further one doubles the wait).
POLICY = ThrottlePolicy(pair_free=3, account_free=5, first_delay=timedelta(minutes=5))
MSG_LINK_INVALID = (
    "This link has expired or has already been used. Ask for a new one on the sign-in page."
)
SUBJECT = N_("Choose a new password for ILP")


@dataclass(frozen=True)
class ResetDone:
    token: str  # the new session's
    user_id: int


def reset_url(origin: str, token: str) -> str:
    """The link in the mail. The token travels in the fragment: never sent to a server log."""
    return f"{origin.rstrip('/')}{routes.PASSWORD_RESET}#{token}"


def password_reset_request(
    *,
    session: Session,
    email: object,
    origin: str,
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """Mail a reset link to ``email`` if it is an active account's; otherwise do the same work
    and send nothing. Commits (the throttle's count must stand whatever happens next)."""
    now = now or datetime.now(UTC)
    key = email_key(email if isinstance(email, str) else "")[:MAX_EMAIL]
    token = security.token_new()
    digest = security.token_digest(token)
    throttle_key = ("reset:" + key)[:MAX_EMAIL]
    session.commit()
    waited = attempt_claim(
        session, key=throttle_key, address=client_ip[:64], now=now, policy=POLICY
    )
    user = user_by_email(session=session, email=key) if key else None
    if waited > timedelta(0) or user is None or not user.is_active:
        audit_record(
            session=session,
            actor_user_id=user.id if user else None,
            action="auth.password_reset_request",
            outcome="throttled" if waited > timedelta(0) else "ignored",
            target_type="email",
            target_id=key,
            client_ip=client_ip,
        )
        session.commit()
        return
    # A new link replaces any earlier one that was not used.
    session.exec(
        sa.update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.kind == RESET,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    session.add(
        AccountToken(
            user_id=user.id,
            kind=RESET,
            token_hash=digest,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    school = session.get(Site, user.site_id)
    link = reset_url(origin, token)
    with use_language(mail_language(session=session, user=user)):
        text = gettext(
            "Hello %(name)s,\n\n"
            "Someone asked to choose a new password for your account at %(school)s. "
            "If it was you, open the link below within 60 minutes. It works once.\n\n"
            "%(link)s\n\n"
            "If it was not you, you can ignore this message: your password stays as it is."
        ) % {"name": user.display_name, "school": school.name, "link": link}
        mail_queue(
            session,
            site_id=user.site_id,
            kind=RESET,
            to_address=user.email,
            subject=gettext(SUBJECT),
            text_body=text,
            html_body=html_from_text(
                text.replace(f"{link}\n\n", ""),
                link=link,
                link_text=gettext("Choose a new password"),
            ),
            now=now,
        )
    audit_record(
        session=session,
        actor_user_id=user.id,
        action="auth.password_reset_request",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
    )
    session.commit()


def password_reset_complete(
    *,
    session: Session,
    token: object,
    new_password: object,
    confirm_password: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> ResetDone:
    """Set a password through a reset link or an invitation; every other session ends.

    Raises:
        ValidationFailed: the link is unknown, used or expired (:data:`MSG_LINK_INVALID`), the
            passwords differ, or the new one breaks the policy (all problems listed).
    """
    now = now or datetime.now(UTC)
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        raise ValidationFailed(MSG_LINK_INVALID)
    row = session.exec(
        select(AccountToken).where(
            AccountToken.token_hash == security.token_digest(token),
            AccountToken.kind.in_((RESET, INVITATION)),
        )
    ).first()
    user = session.get(User, row.user_id) if row is not None else None
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or user is None
        or not user.is_active
    ):
        audit_record(
            session=session,
            actor_user_id=None,
            action="auth.password_reset",
            outcome="refused",
            client_ip=client_ip,
        )
        session.commit()
        raise ValidationFailed(MSG_LINK_INVALID)
    if not isinstance(new_password, str) or not isinstance(confirm_password, str):
        raise ValidationFailed(MSG_PASSWORDS_DIFFER)
    if new_password != confirm_password:
        raise ValidationFailed(MSG_PASSWORDS_DIFFER)
    problems = password_problems(new_password[:MAX_PASSWORD_INPUT], email=user.email)
    if problems:
        raise ValidationFailed(" ".join(problems))
    # Single use, even against two submissions at once: only one can flip used_at.
    taken = session.exec(
        sa.update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if taken != 1:
        raise ValidationFailed(MSG_LINK_INVALID)
    user.password_hash = security.password_hash(new_password)
    user.must_change_password = False
    user.password_changed_at = now
    user.updated_at = now
    session.add(user)
    sessions_revoke(session=session, user_id=user.id, reason="password_reset")
    role = default_home_role(user_roles(session=session, user_id=user.id))
    if role is None:
        raise ValidationFailed(
            "This account has no role yet. Ask your school's administrator for help."
        )
    new_token = session_create(session, user=user, role=role, client_ip=client_ip, now=now)
    audit_record(
        session=session,
        actor_user_id=user.id,
        action="auth.invitation_accept" if row.kind == INVITATION else "auth.password_reset",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
    )
    return ResetDone(token=new_token, user_id=user.id)
