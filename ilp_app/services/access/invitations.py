"""Invitations: an administrator invites people (one, the ones ticked, or everyone of a group
who has not signed in yet), each by mail with a single-use link valid for 7 days.

The link is an account token like a password reset's (stored as a keyed hash, secret in the
URL fragment) and opens the same page: the person chooses a password and is signed in.
Inviting again replaces the old link. Administrators see who was invited when, who accepted,
and whose mail was not delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import (
    AccountToken,
    AuthSession,
    Enrollment,
    Guardianship,
    OutgoingMail,
    Site,
    User,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.i18n import N_, gettext, use_language
from ilp_app.services.access.languages import mail_language
from ilp_app.services.access.password_reset import INVITATION, reset_url
from ilp_app.services.audit import audit_record
from ilp_app.services.mail.outbox import html_from_text, mail_queue
from ilp_app.services.school.school_rows import school_manager

LIFETIME = timedelta(days=7)
MAX_AT_ONCE = 1000
MSG_TOO_MANY = f"Invite at most {MAX_AT_ONCE} people at once."
MSG_CHOOSE = "Choose the people to invite."
SUBJECT = N_("You are invited to ILP")


@dataclass
class InviteResult:
    invited: int = 0
    skipped: list[str] = field(default_factory=list)  # "Name: why"


@dataclass(frozen=True)
class InvitationStatus:
    invited_at: str = ""  # "" never invited
    expires_at: str = ""
    accepted_at: str = ""
    undelivered: bool = False  # the last invitation's mail could not be delivered
    has_signed_in: bool = False


def _ids(user_ids: object) -> list[int]:
    if not isinstance(user_ids, list | tuple) or not user_ids:
        raise ValidationFailed(MSG_CHOOSE)
    if len(user_ids) > MAX_AT_ONCE:
        raise ValidationFailed(MSG_TOO_MANY)
    return sorted({parse_id(i, what="account") for i in user_ids})


def invitation_replace(session: Session, user_id: int, secret: str, now: datetime) -> None:
    """Make ``secret`` the person's one open invitation (7 days); any earlier link stops working."""
    session.exec(
        sa.update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.kind == INVITATION,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now, expires_at=now)
    )
    session.add(
        AccountToken(
            user_id=user_id,
            kind=INVITATION,
            token_hash=security.token_digest(secret),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )


def invite_user(session: Session, user: User, school: str, origin: str, now: datetime) -> None:
    """Mail ``user`` a new invitation link (callers authorise; ``invite`` does)."""
    token = security.token_new()
    invitation_replace(session, user.id, token, now)
    link = reset_url(origin, token)
    with use_language(mail_language(session=session, user=user)):
        text = gettext(
            "Hello %(name)s,\n\n"
            "%(school)s uses ILP for individual learning plans: the goals, tasks and progress "
            "that learners, mentors and families work on together. Open the link below to "
            "choose your password. It works once, within 7 days.\n\n"
            "%(link)s\n\n"
            "Questions? Answer your school, %(school)s."
        ) % {"name": user.display_name, "school": school, "link": link}
        mail_queue(
            session,
            site_id=user.site_id,
            kind=INVITATION,
            to_address=user.email,
            subject=gettext(SUBJECT),
            text_body=text,
            html_body=html_from_text(
                text.replace(f"{link}\n\n", ""),
                link=link,
                link_text=gettext("Choose your password"),
            ),
            now=now,
        )


def invite(
    *,
    session: Session,
    actor,
    user_ids: object,
    origin: str,
    client_ip: str = "",
    now: datetime | None = None,
) -> InviteResult:
    """Invite these people of the administrator's school (a new link replaces an old one)."""
    actor = school_manager(actor, client_ip)
    now = now or datetime.now(UTC)
    ids = _ids(user_ids)
    school = session.get(Site, actor.site_id).name
    result = InviteResult()
    users = session.exec(select(User).where(User.id.in_(ids), User.site_id == actor.site_id)).all()
    found = {u.id: u for u in users}
    for user_id in ids:
        user = found.get(user_id)
        if user is None:
            result.skipped.append("An account of another school, or none: not invited")
        elif not user.is_active or user.erased_at is not None:
            result.skipped.append(f"{user.display_name}: the account is disabled")
        elif "@" not in user.email:
            result.skipped.append(f"{user.display_name}: no email address")
        else:
            invite_user(session, user, school, origin, now)
            result.invited += 1
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.invite",
        target_type="users",
        target_id=",".join(str(i) for i in ids)[:100],
        client_ip=client_ip,
        detail={"invited": result.invited, "skipped": len(result.skipped)},
    )
    return result


def not_yet_signed_in(
    *, session: Session, actor, group_id: object, client_ip: str = ""
) -> list[int]:
    """The learners of a group and their parents who have never signed in (to invite them)."""
    actor = school_manager(actor, client_ip)
    gid = parse_id(group_id, what="group")
    learners = set(
        session.exec(
            select(Enrollment.user_id)
            .join(User, User.id == Enrollment.user_id)
            .where(
                Enrollment.group_id == gid,
                Enrollment.role == "learner",
                User.site_id == actor.site_id,
            )
        ).all()
    )
    parents = set(
        session.exec(
            select(Guardianship.parent_id).where(Guardianship.learner_id.in_(learners or [-1]))
        ).all()
    )
    people = learners | parents
    signed_in = set(
        session.exec(
            select(AuthSession.user_id).where(AuthSession.user_id.in_(people or [-1]))
        ).all()
    )
    return sorted(people - signed_in)


def invitation_status(
    *, session: Session, actor, user_id: object, client_ip: str = ""
) -> InvitationStatus:
    """Whether and when this person was invited, accepted, and whether the mail got through."""
    actor = school_manager(actor, client_ip)
    uid = parse_id(user_id, what="account")
    user = session.get(User, uid)
    if user is None or user.site_id != actor.site_id:
        return InvitationStatus()
    token = session.exec(
        select(AccountToken)
        .where(AccountToken.user_id == uid, AccountToken.kind == INVITATION)
        .order_by(AccountToken.id.desc())
    ).first()
    signed_in = session.exec(select(AuthSession.id).where(AuthSession.user_id == uid)).first()
    if token is None:
        return InvitationStatus(has_signed_in=signed_in is not None)
    mail = session.exec(
        select(OutgoingMail.status)
        .where(OutgoingMail.to_address == user.email, OutgoingMail.kind == INVITATION)
        .order_by(OutgoingMail.id.desc())
    ).first()
    accepted = token.used_at is not None and token.expires_at > token.used_at
    return InvitationStatus(
        invited_at=f"{token.created_at:%Y-%m-%d %H:%M}",
        expires_at=f"{token.expires_at:%Y-%m-%d %H:%M}",
        accepted_at=f"{token.used_at:%Y-%m-%d %H:%M}" if accepted else "",
        undelivered=mail == "failed",
        has_signed_in=signed_in is not None,
    )
