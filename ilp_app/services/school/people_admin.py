"""The administrator's management of accounts: create, edit details and roles, and one person's page.

Disabling and temporary passwords live in :mod:`ilp_app.services.school.users`; links between people
in :mod:`ilp_app.services.school.relationships`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import (
    AuthSession,
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    RoleGrant,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.passwords import password_problems
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.roles import ROLE_LABELS, Role, parse_role
from ilp_app.services.access.auth import email_key
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.school.relationships import PersonLink, person_links, roles_of

MAX_EMAIL = 254
MAX_FULL_NAME = 200
MAX_PREFERRED_NAME = 100
MAX_PRONOUNS = 50
PRONOUN_AUDIENCES = ("family", "staff")

MSG_USER_NOT_FOUND = "That account does not exist."
MSG_FORM = "The form could not be read. Please try again."
MSG_FULL_NAME = f"Enter the full name (at most {MAX_FULL_NAME} characters)."
MSG_PREFERRED_NAME = f"Use at most {MAX_PREFERRED_NAME} characters for the preferred name."
MSG_PRONOUNS = f"Use at most {MAX_PRONOUNS} characters for the pronouns."
MSG_PRONOUN_AUDIENCE = "Choose who may see the pronouns."
MSG_EMAIL = "Enter a valid email address, such as name@school.org."
MSG_EMAIL_TAKEN = "Another account already uses that email address."
MSG_ROLES = "Choose roles from the list."
MSG_NO_ROLE = "Choose at least one role."
MSG_SELF_DEMOTION = (
    "You cannot remove your own administrator role. Another administrator can do that."
)
MSG_ERASED = "This account was erased and can no longer be changed."

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PersonDetail:
    """One account as the administrator's person page shows it (never the password hash)."""

    id: int
    email: str
    full_name: str
    preferred_name: str
    pronouns: str
    pronouns_visibility: str
    roles: list[str]
    roles_label: str
    is_active: bool
    must_change_password: bool
    has_password: bool
    is_self: bool
    from_roster: bool
    erased: bool
    is_mentor: bool
    is_learner: bool
    is_parent: bool
    mentees: list[PersonLink] = field(default_factory=list)
    mentors: list[PersonLink] = field(default_factory=list)
    parents: list[PersonLink] = field(default_factory=list)
    children: list[PersonLink] = field(default_factory=list)
    groups: list[PersonLink] = field(default_factory=list)


@dataclass(frozen=True)
class _Fields:
    email: str
    full_name: str
    preferred_name: str
    pronouns: str
    pronouns_visibility: str
    roles: frozenset[Role]


def _text(value: object, limit: int, message: str, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(message)
    text = " ".join(value.split())
    if (
        len(text) > limit
        or (required and not text)
        or any(unicodedata.category(c) == "Cc" for c in text)
    ):
        raise ValidationFailed(message)
    return text


def _fields(email, full_name, preferred_name, pronouns, pronouns_visibility, roles) -> _Fields:
    address = _text(email, MAX_EMAIL, MSG_EMAIL, required=True)
    if not _EMAIL.match(address):
        raise ValidationFailed(MSG_EMAIL)
    if pronouns_visibility not in PRONOUN_AUDIENCES:
        raise ValidationFailed(MSG_PRONOUN_AUDIENCE)
    if not isinstance(roles, list | tuple | set | frozenset):
        raise ValidationFailed(MSG_ROLES)
    parsed = [parse_role(r) for r in roles]
    if any(r is None for r in parsed):
        raise ValidationFailed(MSG_ROLES)
    if not parsed:
        raise ValidationFailed(MSG_NO_ROLE)
    return _Fields(
        email=address,
        full_name=_text(full_name, MAX_FULL_NAME, MSG_FULL_NAME, required=True),
        preferred_name=_text(preferred_name, MAX_PREFERRED_NAME, MSG_PREFERRED_NAME),
        pronouns=_text(pronouns, MAX_PRONOUNS, MSG_PRONOUNS),
        pronouns_visibility=pronouns_visibility,
        roles=frozenset(parsed),
    )


def _email_free(session: Session, email: str, *, except_id: int | None = None) -> None:
    stmt = select(User.id).where(sa.func.lower(User.email) == email_key(email))
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    if session.exec(stmt).first() is not None:
        raise ValidationFailed(MSG_EMAIL_TAKEN)


def _flush(session: Session) -> None:
    """Write now, so a concurrent duplicate email surfaces as the same clear message."""
    try:
        session.flush()
    except sa.exc.IntegrityError as error:
        raise ValidationFailed(MSG_EMAIL_TAKEN) from error


def _site_user(session: Session, actor: Actor, user_id: object) -> User:
    user = session.get(User, parse_id(user_id, what="account"))
    if user is None or user.site_id != actor.site_id:
        raise NotFound(MSG_USER_NOT_FOUND)
    return user


def user_create(
    *,
    session: Session,
    actor: Actor | None,
    email: object,
    full_name: object,
    roles: object,
    preferred_name: object = "",
    pronouns: object = "",
    pronouns_visibility: object = "family",
    password: object = None,
    client_ip: str = "",
) -> int:
    """Create an account at the administrator's site; returns its id.

    Without ``password`` the account has no usable password until the administrator sets a
    temporary one; with it, the same rules as a temporary password apply and the person must
    replace it at their first sign-in. Slow when a password is given (hashing): call it off the
    event loop.

    Raises:
        PermissionDenied: the actor is not an administrator.
        ValidationFailed: a field is missing, malformed, or the email is taken (in any letter case).
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    f = _fields(email, full_name, preferred_name, pronouns, pronouns_visibility, roles)
    _email_free(session, f.email)
    password_hash = None
    if password not in (None, ""):
        problems = password_problems(password, email=f.email)
        if problems:
            raise ValidationFailed(" ".join(problems))
        password_hash = security.password_hash(password)
    now = datetime.now(UTC)
    user = User(
        site_id=actor.site_id,
        email=f.email,
        full_name=f.full_name,
        preferred_name=f.preferred_name,
        pronouns=f.pronouns,
        pronouns_visibility=f.pronouns_visibility,
        password_hash=password_hash,
        must_change_password=password_hash is not None,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    _flush(session)
    session.add_all(RoleGrant(user_id=user.id, role=r.value) for r in sorted(f.roles))
    # The password is never written to the audit trail.
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.create",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
        detail={
            "roles": sorted(r.value for r in f.roles),
            "temporary_password": password_hash is not None,
        },
    )
    return user.id


def user_update(
    *,
    session: Session,
    actor: Actor | None,
    user_id: object,
    email: object,
    full_name: object,
    roles: object,
    preferred_name: object = "",
    pronouns: object = "",
    pronouns_visibility: object = "family",
    client_ip: str = "",
) -> list[str]:
    """Change an account's details and roles; returns the names of what changed.

    Roles take effect at the person's next click (every event reloads their access). Sessions
    whose active role was removed are ended, so nobody keeps a home they no longer hold.

    Raises:
        PermissionDenied: the actor is not an administrator.
        ValidationFailed: bad fields, a taken email, or an administrator removing their own role.
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    user = _site_user(session, actor, user_id)
    if user.erased_at is not None:
        raise ValidationFailed(MSG_ERASED)
    f = _fields(email, full_name, preferred_name, pronouns, pronouns_visibility, roles)
    before = roles_of(session, [user.id])[user.id]
    if (
        user.id == actor.user_id
        and Role.ADMINISTRATOR in before
        and Role.ADMINISTRATOR not in f.roles
    ):
        raise ValidationFailed(MSG_SELF_DEMOTION)
    if email_key(f.email) != email_key(user.email):
        _email_free(session, f.email, except_id=user.id)
    changed = [
        name
        for name in ("email", "full_name", "preferred_name", "pronouns", "pronouns_visibility")
        if getattr(user, name) != getattr(f, name)
    ]
    for name in changed:
        setattr(user, name, getattr(f, name))
    added, removed = sorted(f.roles - before), sorted(before - f.roles)
    if added or removed:
        changed.append("roles")
    if not changed:
        return []
    user.updated_at = datetime.now(UTC)
    session.add(user)
    _flush(session)
    session.add_all(RoleGrant(user_id=user.id, role=r.value) for r in added)
    ended = 0
    if removed:
        values = [r.value for r in removed]
        session.exec(
            sa.delete(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role.in_(values))
        )
        ended = (
            session.exec(
                sa.update(AuthSession)
                .where(
                    AuthSession.user_id == user.id,
                    AuthSession.revoked_at.is_(None),
                    AuthSession.active_role.in_(values),
                )
                .values(revoked_at=datetime.now(UTC), revoke_reason="role_removed")
            ).rowcount
            or 0
        )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.update",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
        detail={
            "changed": changed,
            "roles_added": [r.value for r in added],
            "roles_removed": [r.value for r in removed],
            "sessions_ended": ended,
        },
    )
    return changed


def _users(session: Session, ids) -> list[User]:
    ids = list(set(ids))
    return list(session.exec(select(User).where(User.id.in_(ids)))) if ids else []


def person_detail(
    *, session: Session, actor: Actor | None, user_id: object, client_ip: str = ""
) -> PersonDetail:
    """One account of the administrator's site with the people and groups it is linked to."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    user = _site_user(session, actor, user_id)
    uid = user.id
    roles = roles_of(session, [uid])[uid]
    mentee_ids = session.exec(
        select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == uid)
    ).all()
    mentor_ids = session.exec(
        select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == uid)
    ).all()
    parent_rows = session.exec(
        select(Guardianship.parent_id, Guardianship.relationship_label).where(
            Guardianship.learner_id == uid
        )
    ).all()
    child_rows = session.exec(
        select(Guardianship.learner_id, Guardianship.relationship_label).where(
            Guardianship.parent_id == uid
        )
    ).all()
    group_rows = session.exec(
        select(Group.id, Group.name, Enrollment.role)
        .join(Enrollment, Enrollment.group_id == Group.id)
        .where(Enrollment.user_id == uid)
        .order_by(Group.kind.desc(), Group.name)
    ).all()
    return PersonDetail(
        id=uid,
        email=user.email,
        full_name=user.full_name,
        preferred_name=user.preferred_name,
        pronouns=user.pronouns,
        pronouns_visibility=user.pronouns_visibility or "family",
        roles=[r.value for r in Role if r in roles],
        roles_label=", ".join(ROLE_LABELS[r] for r in Role if r in roles),
        is_active=user.is_active,
        must_change_password=user.must_change_password,
        has_password=bool(user.password_hash),
        is_self=uid == actor.user_id,
        from_roster=bool(user.source_id),
        erased=user.erased_at is not None,
        is_mentor=Role.MENTOR in roles,
        is_learner=Role.LEARNER in roles,
        is_parent=Role.PARENT in roles,
        mentees=person_links(session, _users(session, mentee_ids)),
        mentors=person_links(session, _users(session, mentor_ids), detail={}),
        parents=person_links(
            session, _users(session, [p for p, _ in parent_rows]), detail=dict(parent_rows)
        ),
        children=person_links(
            session, _users(session, [c for c, _ in child_rows]), detail=dict(child_rows)
        ),
        groups=[
            PersonLink(id=gid, name=name, detail="Teacher" if role == "teacher" else "Learner")
            for gid, name, role in group_rows
        ],
    )
