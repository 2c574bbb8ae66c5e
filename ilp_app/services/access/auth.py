"""Signing in and out, server-side sessions, password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import ANY_ADDRESS, AuthSession, LoginAttempt, Site, User
from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.passwords import password_problems
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.roles import Role, default_home_role, parse_role
from ilp_app.domain.sessions import (
    SessionPolicy,
    SessionVerdict,
    session_needs_touch,
    session_verdict,
)
from ilp_app.domain.throttling import (
    DEFAULT_POLICY,
    NONE,
    FailureCount,
    ThrottlePolicy,
    counted_failure,
    throttle_message,
    throttle_wait,
)
from ilp_app.i18n.runtime import N_
from ilp_app.services.access.actors import actor_load, user_roles
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial
from ilp_app.settings import get_settings

MSG_SIGN_IN_FAILED = N_(
    "That email and password do not match an account. Check them and try again."
)
MSG_ACCOUNT_DISABLED = N_("This account is disabled. Ask your school's administrator for help.")
MSG_NO_ROLE = N_("This account has no role yet. Ask your school's administrator for help.")
MSG_CURRENT_PASSWORD_WRONG = "Your current password is not correct."
MSG_PASSWORDS_DIFFER = "The new passwords do not match."
MSG_PASSWORD_UNCHANGED = "Choose a password different from the current one."
MSG_ROLE_NOT_HELD = "You do not hold that role."

#: Longest input ever hashed: bounds the work one forged request can cause.
MAX_PASSWORD_INPUT = 1024
MAX_EMAIL = 254


class SignInRefused(DomainError):
    """Sign-in failed; the message is safe to show (it never says whether the email exists).

    ``code`` names the reason (``failed``, ``throttled``, ``disabled``, ``no_role``) for a sign-in
    page that is reached by a redirect and so cannot be handed the message itself.
    """

    def __init__(self, message: str, *, code: str = "failed", wait_seconds: int = 0):
        super().__init__(message)
        self.code = code
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class SignInResult:
    token: str
    user_id: int
    home_role: Role
    must_change_password: bool


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in person for one request."""

    actor: Actor
    display_name: str
    email: str
    session_id: int
    #: The language the person chose ("" until they do) and their school's default.
    language: str = ""
    school_language: str = "en"
    #: Read without recording activity, and activity is due (see :func:`session_touch`).
    touch_due: bool = False


def email_key(email: str) -> str:
    return email.strip().lower()


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def session_policy() -> SessionPolicy:
    s = get_settings()
    return SessionPolicy(
        idle=timedelta(minutes=s.session_idle_minutes),
        absolute=timedelta(hours=s.session_absolute_hours),
    )


def user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(sa.func.lower(User.email) == email_key(email))).first()


#: Compare-and-set rounds before an attempt gives up; each lost round means another attempt on
#: the same account was counted first, so a few rounds always settle it.
CLAIM_ROUNDS = 20
FORGIVE_TRIES = 3


def _rows_ensure(session: Session, rows: list[dict]) -> None:
    """Insert the count rows that do not exist yet (a concurrent insert wins quietly)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = insert(LoginAttempt).values(rows)
    session.exec(stmt.on_conflict_do_nothing(index_elements=["email_key", "client_ip"]))


def _count_read(session: Session, key: str, address: str) -> tuple[int, FailureCount] | None:
    row = session.exec(
        select(LoginAttempt.id, LoginAttempt.failures, LoginAttempt.at).where(
            LoginAttempt.email_key == key, LoginAttempt.client_ip == address
        )
    ).first()
    return None if row is None else (row[0], FailureCount(row[1], row[2]))


def _count_swap(session: Session, row_id: int, old: FailureCount, new: FailureCount) -> bool:
    """Store ``new`` only if the row still holds ``old``: a lost race changes nothing."""
    result = session.exec(
        sa.update(LoginAttempt)
        .where(
            LoginAttempt.id == row_id,
            LoginAttempt.failures == old.failures,
            LoginAttempt.at == old.last_failure_at,
        )
        .values(failures=new.failures, at=new.last_failure_at)
    )
    return result.rowcount == 1


def attempt_claim(
    session: Session, *, key: str, address: str, now: datetime, policy: ThrottlePolicy
) -> timedelta:
    """Count this attempt as a failure before the password is checked, unless it must wait.

    Counting first means parallel guesses see each other: past the free allowance only one of
    them goes ahead, whatever the database's isolation level. A right password takes the count
    back (:func:`_attempt_forgive`). Commits on its own.

    Returns:
        Zero when the attempt was counted and may go ahead; otherwise how long it must wait.
    """
    keys = [(key, ANY_ADDRESS)] + ([(key, address)] if address != ANY_ADDRESS else [])
    for _ in range(CLAIM_ROUNDS):
        _rows_ensure(
            session,
            [dict(email_key=k, client_ip=a, failures=0, at=now) for k, a in keys],
        )
        counts = [_count_read(session, k, a) for k, a in keys]
        if None in counts:  # a right password removed it meanwhile (PostgreSQL): read again
            session.rollback()
            continue
        account = counts[0][1]
        pair = counts[1][1] if len(counts) > 1 else NONE
        wait = throttle_wait(account=account, pair=pair, now=now, policy=policy)
        if wait > timedelta(0):
            session.rollback()
            return wait
        # Always the account row first: two attempts never hold each other's row.
        if all(
            _count_swap(session, row_id, old, counted_failure(old, now=now, policy=policy))
            for row_id, old in counts
        ):
            session.commit()
            return timedelta(0)
        session.rollback()
    return policy.first_delay


def _attempt_forgive(session: Session, *, key: str, address: str) -> None:
    """A right password: this address's failures on the account no longer count anywhere."""
    account = sa.and_(LoginAttempt.email_key == key, LoginAttempt.client_ip == ANY_ADDRESS)
    # Rows are locked in the order claims lock them, account first: no deadlock between the two.
    session.exec(select(LoginAttempt.id).where(account).with_for_update()).all()
    forgiven = 1  # this attempt, counted in advance
    if address != ANY_ADDRESS:
        forgiven = (
            session.exec(
                sa.delete(LoginAttempt)
                .where(LoginAttempt.email_key == key, LoginAttempt.client_ip == address)
                .returning(LoginAttempt.failures)
            ).scalar()
            or 1
        )
    session.exec(
        sa.update(LoginAttempt)
        .where(account)
        .values(
            failures=sa.case(
                (LoginAttempt.failures > forgiven, LoginAttempt.failures - forgiven), else_=0
            )
        )
    )
    session.exec(sa.delete(LoginAttempt).where(account, LoginAttempt.failures == 0))


def session_create(
    session: Session, *, user: User, role: Role, client_ip: str, now: datetime
) -> str:
    token = security.token_new()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=security.token_digest(token),
            active_role=role.value,
            created_at=now,
            last_seen_at=now,
            client_ip=client_ip[:64],
        )
    )
    return token


def sign_in(
    *,
    session: Session,
    email: object,
    password: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> SignInResult:
    """Check credentials and open a server-side session.

    Slow by design (password hashing): call it off the event loop. Commits ``session`` more
    than once: the attempt is counted for throttling before the password is checked, and a
    refusal's records must outlive the caller's rolled-back unit of work.

    Raises:
        SignInRefused: wrong credentials, throttled, disabled account, or no role.
    """
    now = _now(now)
    if not isinstance(email, str) or not isinstance(password, str):
        raise SignInRefused(MSG_SIGN_IN_FAILED)
    key = email_key(email)[:MAX_EMAIL]
    client_ip = (client_ip or "")[:64]  # stored and counted as the same value
    # Unknown emails are counted too: the answers and their timing must not tell them apart.
    session.commit()  # the claim below may roll back; nothing of the caller's goes with it
    wait = attempt_claim(session, key=key, address=client_ip, now=now, policy=DEFAULT_POLICY)
    if wait > timedelta(0):
        audit_record(
            session=session,
            actor_user_id=None,
            action="auth.sign_in",
            outcome="throttled",
            target_type="email",
            target_id=key,
            client_ip=client_ip,
        )
        session.commit()  # the refusal is recorded even though the caller's unit of work fails
        raise SignInRefused(
            throttle_message(wait), code="throttled", wait_seconds=ceil(wait.total_seconds())
        )

    user = user_by_email(session=session, email=key) if key else None
    stored_hash = user.password_hash if user else None
    session.commit()  # no write lock (SQLite) is held while the password is hashed
    if len(password) > MAX_PASSWORD_INPUT:
        ok, new_hash = False, None
    elif user is None:
        security.password_burn_time(password)
        ok, new_hash = False, None
    else:
        ok, new_hash = security.password_verify(password, stored_hash)

    if not ok:
        audit_record(
            session=session,
            actor_user_id=user.id if user else None,
            action="auth.sign_in",
            outcome="failed",
            target_type="email",
            target_id=key,
            client_ip=client_ip,
        )
        session.commit()  # the refusal is recorded even though the caller's unit of work fails
        raise SignInRefused(MSG_SIGN_IN_FAILED)
    # The right password is not a guess, even when the account may not sign in (below).
    for attempt in range(FORGIVE_TRIES):
        try:
            _attempt_forgive(session, key=key, address=client_ip)
            session.commit()
            break
        except sa.exc.OperationalError as error:
            # PostgreSQL ends one of two transactions that wait on each other's counter row
            # (a deadlock); nothing of it was applied, so forgiving again is safe.
            session.rollback()
            if attempt == FORGIVE_TRIES - 1 or "deadlock" not in str(error).lower():
                raise
    if not user.is_active:
        audit_record(
            session=session,
            actor_user_id=user.id,
            action="auth.sign_in",
            outcome="disabled",
            client_ip=client_ip,
        )
        session.commit()
        raise SignInRefused(MSG_ACCOUNT_DISABLED, code="disabled")
    role = default_home_role(user_roles(session=session, user_id=user.id))
    if role is None:
        raise SignInRefused(MSG_NO_ROLE, code="no_role")

    if new_hash:
        user.password_hash = new_hash
        session.add(user)
    token = session_create(session, user=user, role=role, client_ip=client_ip, now=now)
    audit_record(
        session=session,
        actor_user_id=user.id,
        action="auth.sign_in",
        client_ip=client_ip,
        detail={"hash_upgraded": True} if new_hash else None,
    )
    return SignInResult(
        token=token, user_id=user.id, home_role=role, must_change_password=user.must_change_password
    )


def _session_digest(token: object = None, digest: object = None) -> str | None:
    """The keyed digest naming a session: from a raw ``token`` (a cookie) or as given."""
    if isinstance(token, str) and token and len(token) <= 128:
        return security.token_digest(token)
    if token is not None or not isinstance(digest, str) or len(digest) != security.DIGEST_LENGTH:
        return None
    return digest


def _session_row(
    session: Session, token: object = None, digest: object = None
) -> AuthSession | None:
    """The session row behind a raw ``token`` (from a cookie) or its keyed ``digest``."""
    digest = _session_digest(token, digest)
    if digest is None:
        return None
    return session.exec(select(AuthSession).where(AuthSession.token_hash == digest)).first()


#: A session and its person in one round trip, as plain columns: it runs before every event.
_SESSION_AND_PERSON = (
    sa.select(
        AuthSession.id.label("session_id"),
        AuthSession.created_at,
        AuthSession.last_seen_at,
        AuthSession.revoked_at,
        AuthSession.active_role,
        User.id,
        User.is_active,
        User.preferred_name,
        User.full_name,
        User.email,
        User.site_id,
        User.must_change_password,
        User.language,
        Site.default_language,
    )
    .join(User, User.id == AuthSession.user_id)
    .join(Site, Site.id == User.site_id)
    .where(AuthSession.token_hash == sa.bindparam("digest", type_=sa.String))
)


def current_user(
    *,
    session: Session,
    token: object = None,
    digest: object = None,
    now: datetime | None = None,
    touch: bool = True,
) -> CurrentUser | None:
    """The person behind a browser's session, or None when it is not (or no longer) valid.

    The session is named by the raw cookie ``token`` (HTTP routes) or by its keyed ``digest``
    (the event socket, which never sees the raw token). With ``touch=False`` nothing is
    written, so it can run in a read-only transaction; ``touch_due`` then says whether the
    caller should record activity with :func:`session_touch`.
    """
    now = _now(now)
    digest = _session_digest(token, digest)
    if digest is None:
        return None
    row = session.connection().execute(_SESSION_AND_PERSON, {"digest": digest}).first()
    if row is None:
        return None
    verdict = session_verdict(
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        revoked_at=row.revoked_at,
        now=now,
        policy=session_policy(),
    )
    if verdict is not SessionVerdict.VALID or not row.is_active:
        return None
    touch_due = session_needs_touch(last_seen_at=row.last_seen_at, now=now)
    if touch_due and touch:
        session_touch(session=session, session_id=row.session_id, now=now)
    actor = actor_load(session=session, user=row, active_role=parse_role(row.active_role))
    return CurrentUser(
        actor=actor,
        display_name=row.preferred_name or row.full_name,  # as User.display_name
        email=row.email,
        session_id=row.session_id,
        language=row.language or "",
        school_language=row.default_language or "en",
        touch_due=touch_due and not touch,
    )


def session_touch(*, session: Session, session_id: int, now: datetime | None = None) -> None:
    """Record activity on a session read with ``touch=False`` (at most once a minute each)."""
    session.exec(
        sa.update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(last_seen_at=_now(now))
    )


def sign_out(*, session: Session, token: object) -> None:
    """End the session behind ``token`` (a no-op for an unknown or ended one)."""
    row = _session_row(session, token) if token else None
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = _now(None)
    row.revoke_reason = "sign_out"
    session.add(row)
    audit_record(session=session, actor_user_id=row.user_id, action="auth.sign_out")


def sessions_revoke(
    *, session: Session, user_id: int, reason: str, keep_id: int | None = None
) -> int:
    """End every open session of a user (except ``keep_id``); returns how many were ended."""
    stmt = (
        sa.update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=_now(None), revoke_reason=reason)
    )
    if keep_id is not None:
        stmt = stmt.where(AuthSession.id != keep_id)
    return session.exec(stmt).rowcount or 0


def role_switch(*, session: Session, digest: object, role: object) -> Role:
    """Make ``role`` the active one for this session (it decides the home and navigation).

    Raises:
        NotSignedIn: the session is not valid.
        ValidationFailed: the user does not hold that role.
    """
    me = current_user(session=session, digest=digest)
    authorize(me.actor if me else None, Action.ACCOUNT_MANAGE)
    wanted = parse_role(role)
    if wanted is None or wanted not in me.actor.roles:
        raise denial(me.actor, "auth.role_switch", str(role)[:64], message=MSG_ROLE_NOT_HELD)
    row = session.get(AuthSession, me.session_id)
    row.active_role = wanted.value
    session.add(row)
    return wanted


def password_change(
    *,
    session: Session,
    token: object,
    current_password: object,
    new_password: object,
    confirm_password: object,
    client_ip: str = "",
) -> str:
    """Replace the signed-in user's password; ends every session and returns a fresh token.

    Slow by design (hashing): call it off the event loop.

    Raises:
        NotSignedIn: the session is not valid.
        ValidationFailed: wrong current password, mismatch, or a policy problem (all listed).
    """
    me = current_user(session=session, token=token)
    authorize(me.actor if me else None, Action.ACCOUNT_MANAGE, client_ip=client_ip)
    if not all(isinstance(v, str) for v in (current_password, new_password, confirm_password)):
        raise ValidationFailed(MSG_CURRENT_PASSWORD_WRONG)
    user = session.get(User, me.actor.user_id)
    ok, _ = security.password_verify(current_password[:MAX_PASSWORD_INPUT], user.password_hash)
    if not ok:
        audit_record(
            session=session,
            actor_user_id=user.id,
            action="auth.password_change",
            outcome="failed",
            client_ip=client_ip,
        )
        raise ValidationFailed(MSG_CURRENT_PASSWORD_WRONG)
    if new_password != confirm_password:
        raise ValidationFailed(MSG_PASSWORDS_DIFFER)
    problems = password_problems(new_password, email=user.email)
    if problems:
        raise ValidationFailed(" ".join(problems))
    if new_password == current_password:
        raise ValidationFailed(MSG_PASSWORD_UNCHANGED)
    now = _now(None)
    user.password_hash = security.password_hash(new_password)
    user.must_change_password = False
    user.password_changed_at = now
    user.updated_at = now
    session.add(user)
    sessions_revoke(session=session, user_id=user.id, reason="password_change")
    row = session.get(AuthSession, me.session_id)
    role = parse_role(row.active_role) or default_home_role(me.actor.roles)
    new_token = session_create(session, user=user, role=role, client_ip=client_ip, now=now)
    audit_record(
        session=session, actor_user_id=user.id, action="auth.password_change", client_ip=client_ip
    )
    return new_token


def require_user(*, session: Session, token: object) -> CurrentUser:
    """Like :func:`current_user` but raises when nobody is signed in."""
    me = current_user(session=session, token=token)
    if me is None:
        raise NotSignedIn("Please sign in again.")
    return me
