"""Signing in and out, sessions, password changes and account administration.

Every test runs on SQLite and, when ILP_TEST_POSTGRES_URL is set, on PostgreSQL. Each
``commit`` stands for the end of one request: the services add to the caller's transaction
and the caller (a state) commits it, even after a refused sign-in. Throttling of failed
sign-ins is tested in test_sign_in_throttling.py.

On SQLite, a second connection cannot even begin while the test's ``session`` holds a
transaction (the app begins every transaction IMMEDIATE), so tests end the fixture session's
transaction before anything opens another session. Refusals are written to the audit trail by
``unit_of_work`` after its rollback, so tests that check the audit trail run the service in one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from passlib.hash import pbkdf2_sha256
from sqlmodel import Session, select

import ilp_app.db.engine as db_engine
from ilp_app import security
from ilp_app.db.models import AuditEvent, AuthSession, RoleGrant, Site, User
from ilp_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.passwords import MSG_TOO_COMMON
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.domain.roles import Role
from ilp_app.services.access import auth
from ilp_app.services.access.actors import actor_load
from ilp_app.services.school import users
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import get_settings

PASSWORD = "velvet harbour lanterns"
ADMIN_PASSWORD = "granite orchard compass"
NEW_PASSWORD = "quiet meadow bicycle"
TEMP_PASSWORD = "amber kettle morning"


# --- helpers -----------------------------------------------------------------------------


def add_user(
    session: Session,
    email: str,
    *,
    roles: tuple[Role, ...] = (Role.LEARNER,),
    password: str | None = PASSWORD,
    password_hash: str | None = None,
    active: bool = True,
    site: Site | None = None,
) -> User:
    """Create a user (and a site, if none given) with role grants, and commit."""
    if site is None:
        site = session.exec(select(Site)).first()
        if site is None:
            site = Site(name="Northfield School")
            session.add(site)
            session.flush()
    if password_hash is None and password is not None:
        password_hash = security.password_hash(password)
    user = User(
        site_id=site.id,
        email=email,
        full_name=email.split("@")[0].title(),
        password_hash=password_hash,
        is_active=active,
    )
    session.add(user)
    session.flush()
    for role in roles:
        session.add(RoleGrant(user_id=user.id, role=role.value))
    session.commit()
    return user


def actor_of(session: Session, user: User) -> Actor:
    """The user's actor as the server loads it; ends the transaction the load began."""
    actor = actor_load(session=session, user=user, active_role=None)
    session.commit()
    return actor


def sign_in(
    session: Session, email: object, password: object, *, client_ip: str = "192.0.2.1"
) -> str:
    result = auth.sign_in(session=session, email=email, password=password, client_ip=client_ip)
    session.commit()
    return result.token


def refused_sign_in(
    session: Session, email: object, password: object, *, client_ip: str = "192.0.2.1"
):
    """Attempt a sign-in that must be refused; commit like a state does; return the error."""
    with pytest.raises(auth.SignInRefused) as info:
        auth.sign_in(session=session, email=email, password=password, client_ip=client_ip)
    session.commit()
    return info.value


def resolves_to(session: Session, token: str) -> int | None:
    """The user id behind ``token`` right now, or None."""
    me = auth.current_user(session=session, token=token)
    session.commit()
    return me.actor.user_id if me else None


def audit_rows(engine: sa.Engine) -> list[AuditEvent]:
    with Session(engine) as fresh:
        return list(fresh.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


@pytest.fixture
def short_sqlite_wait(monkeypatch):
    """Make a locked SQLite database fail fast instead of after 15 s (new connections only)."""
    monkeypatch.setattr(db_engine, "SQLITE_BUSY_TIMEOUT_MS", 300)


# --- signing in --------------------------------------------------------------------------


def test_sign_in_with_the_right_password_opens_a_session_for_that_user(session):
    user = add_user(session, "ada@example.org", roles=(Role.MENTOR, Role.PARENT))
    result = auth.sign_in(session=session, email="ada@example.org", password=PASSWORD)
    session.commit()
    assert result.user_id == user.id
    assert result.home_role is Role.MENTOR
    assert result.must_change_password is False
    me = auth.current_user(session=session, token=result.token)
    assert me is not None
    assert me.actor.user_id == user.id
    assert me.actor.roles == frozenset({Role.MENTOR, Role.PARENT})
    assert me.email == "ada@example.org"


def test_email_lookup_ignores_case_and_surrounding_spaces(session):
    user = add_user(session, "Ada.Lovelace@Example.org")
    token = sign_in(session, "  ada.lovelace@EXAMPLE.ORG ", PASSWORD)
    assert resolves_to(session, token) == user.id


def test_wrong_password_and_unknown_email_are_refused_with_the_same_message(session):
    add_user(session, "ada@example.org")
    wrong_password = refused_sign_in(session, "ada@example.org", "not the password at all")
    unknown_email = refused_sign_in(session, "nobody@example.org", PASSWORD)
    assert str(wrong_password) == str(unknown_email) == auth.MSG_SIGN_IN_FAILED


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ({"$ne": ""}, PASSWORD),
        ("ada@example.org", {"$ne": ""}),
        (None, None),
        (["ada@example.org"], PASSWORD),
    ],
)
def test_forged_sign_in_arguments_are_refused(session, email, password):
    add_user(session, "ada@example.org")
    error = refused_sign_in(session, email, password)
    assert str(error) == auth.MSG_SIGN_IN_FAILED
    assert session.exec(select(AuthSession)).all() == []


def test_a_disabled_account_cannot_sign_in(session):
    add_user(session, "ada@example.org", active=False)
    error = refused_sign_in(session, "ada@example.org", PASSWORD)
    assert str(error) == auth.MSG_ACCOUNT_DISABLED
    assert session.exec(select(AuthSession)).all() == []


def test_an_account_without_a_role_cannot_sign_in(session):
    add_user(session, "ada@example.org", roles=())
    error = refused_sign_in(session, "ada@example.org", PASSWORD)
    assert str(error) == auth.MSG_NO_ROLE


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_at_sign_in(session):
    user = add_user(session, "ada@example.org", password_hash=pbkdf2_sha256.hash(PASSWORD))
    assert user.password_hash.startswith("$pbkdf2-sha256$")
    sign_in(session, "ada@example.org", PASSWORD)
    session.expire_all()
    stored = session.get(User, user.id).password_hash
    session.commit()
    assert stored.startswith("$argon2id$")
    # The upgraded hash still verifies the same password.
    sign_in(session, "ada@example.org", PASSWORD)


# --- sessions ----------------------------------------------------------------------------


def test_sign_out_ends_the_session(session):
    user = add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    other = sign_in(session, "ada@example.org", PASSWORD)
    auth.sign_out(session=session, token=token)
    session.commit()
    assert resolves_to(session, token) is None
    assert resolves_to(session, other) == user.id  # only that browser is signed out


def test_an_idle_session_ends(session):
    add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    row = session.exec(select(AuthSession)).one()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    row.last_seen_at = datetime.now(UTC) - idle - timedelta(seconds=5)
    session.add(row)
    session.commit()
    assert resolves_to(session, token) is None


def test_a_session_ends_at_the_absolute_limit_even_if_recently_active(session):
    add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    row = session.exec(select(AuthSession)).one()
    now = datetime.now(UTC)
    row.created_at = (
        now - timedelta(hours=get_settings().session_absolute_hours) - timedelta(seconds=5)
    )
    row.last_seen_at = now - timedelta(seconds=10)
    session.add(row)
    session.commit()
    assert resolves_to(session, token) is None


def test_a_session_in_use_stays_valid(session):
    user = add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    row = session.exec(select(AuthSession)).one()
    row.last_seen_at = datetime.now(UTC) - timedelta(
        minutes=get_settings().session_idle_minutes - 1
    )
    session.add(row)
    session.commit()
    assert resolves_to(session, token) == user.id


@pytest.mark.parametrize(
    "token", [None, "", 12345, {"token": "x"}, ["x"], "x" * 129, "not-a-real-token"]
)
def test_forged_or_unknown_tokens_resolve_to_nobody(session, token):
    add_user(session, "ada@example.org")
    sign_in(session, "ada@example.org", PASSWORD)
    assert auth.current_user(session=session, token=token) is None


def test_tokens_are_stored_only_as_keyed_digests(session):
    add_user(session, "ada@example.org")
    tokens = {sign_in(session, "ada@example.org", PASSWORD) for _ in range(3)}
    stored = {row.token_hash for row in session.exec(select(AuthSession)).all()}
    assert len(stored) == 3
    assert stored.isdisjoint(tokens)
    assert stored == {security.token_digest(t) for t in tokens}


# --- password changes --------------------------------------------------------------------


def test_password_change_ends_every_other_session_and_returns_a_working_token(session):
    user = add_user(session, "ada@example.org")
    here = sign_in(session, "ada@example.org", PASSWORD)
    elsewhere = sign_in(session, "ada@example.org", PASSWORD)
    new_token = auth.password_change(
        session=session,
        token=here,
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    session.commit()
    assert new_token not in (here, elsewhere)
    assert resolves_to(session, elsewhere) is None
    assert resolves_to(session, here) is None  # replaced by the new token
    assert resolves_to(session, new_token) == user.id
    refused_sign_in(session, "ada@example.org", PASSWORD)
    sign_in(session, "ada@example.org", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not my password at all", NEW_PASSWORD, NEW_PASSWORD, auth.MSG_CURRENT_PASSWORD_WRONG),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", auth.MSG_PASSWORDS_DIFFER),
        (PASSWORD, "Password123", "Password123", MSG_TOO_COMMON),
        (PASSWORD, PASSWORD, PASSWORD, auth.MSG_PASSWORD_UNCHANGED),
        (PASSWORD, {"$ne": ""}, {"$ne": ""}, auth.MSG_CURRENT_PASSWORD_WRONG),
    ],
    ids=["wrong-current", "mismatch", "common", "unchanged", "forged-type"],
)
def test_password_change_refusals_change_nothing(session, current, new, confirm, message):
    user = add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    hash_before = user.password_hash
    with pytest.raises(ValidationFailed) as info:
        auth.password_change(
            session=session,
            token=token,
            current_password=current,
            new_password=new,
            confirm_password=confirm,
        )
    session.rollback()
    assert message in str(info.value)
    session.expire_all()
    assert session.get(User, user.id).password_hash == hash_before
    assert resolves_to(session, token) == user.id
    sign_in(session, "ada@example.org", PASSWORD)


def test_password_change_with_an_ended_session_is_refused_as_not_signed_in(
    session, engine, short_sqlite_wait
):
    add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    auth.sign_out(session=session, token=token)
    session.commit()
    # A fresh request, as a state makes it.
    with pytest.raises(NotSignedIn), unit_of_work() as req:
        auth.password_change(
            session=req,
            token=token,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            confirm_password=NEW_PASSWORD,
        )


# --- administration ----------------------------------------------------------------------


def test_disabling_an_account_ends_its_open_sessions(session):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    user = add_user(session, "ada@example.org")
    token = sign_in(session, "ada@example.org", PASSWORD)
    assert resolves_to(session, token) == user.id
    users.user_set_active(
        session=session, actor=actor_of(session, admin), user_id=user.id, active=False
    )
    session.commit()
    assert resolves_to(session, token) is None
    row = session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).one()
    assert row.revoked_at is not None
    assert row.revoke_reason == "disabled"
    assert str(refused_sign_in(session, "ada@example.org", PASSWORD)) == auth.MSG_ACCOUNT_DISABLED


def test_temporary_password_must_be_changed_before_anything_else(session):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    user = add_user(session, "ada@example.org", roles=(Role.LEARNER,))
    old_token = sign_in(session, "ada@example.org", PASSWORD)

    users.temporary_password_set(
        session=session, actor=actor_of(session, admin), user_id=user.id, password=TEMP_PASSWORD
    )
    session.commit()
    session.expire_all()
    assert session.get(User, user.id).must_change_password is True
    session.commit()
    assert resolves_to(session, old_token) is None
    refused_sign_in(session, "ada@example.org", PASSWORD)

    result = auth.sign_in(session=session, email="ada@example.org", password=TEMP_PASSWORD)
    session.commit()
    assert result.must_change_password is True
    me = auth.current_user(session=session, token=result.token)
    session.commit()
    assert me.actor.must_change_password is True
    assert can(me.actor, Action.ACCOUNT_MANAGE) is True
    assert can(me.actor, Action.HOME_VIEW, Role.LEARNER) is False
    assert can(me.actor, Action.LEARNER_VIEW, LearnerRef(user.id)) is False

    new_token = auth.password_change(
        session=session,
        token=result.token,
        current_password=TEMP_PASSWORD,
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    session.commit()
    me = auth.current_user(session=session, token=new_token)
    session.commit()
    assert me.actor.must_change_password is False
    assert can(me.actor, Action.HOME_VIEW, Role.LEARNER) is True
    assert can(me.actor, Action.LEARNER_VIEW, LearnerRef(user.id)) is True


@pytest.mark.parametrize("operation", ["user_set_active", "temporary_password_set"])
@pytest.mark.parametrize("role", [Role.MENTOR, Role.TEACHER, Role.LEARNER, Role.PARENT])
def test_non_administrators_are_refused_account_management_and_the_refusal_is_audited(
    session, engine, operation, role
):
    intruder = add_user(session, "intruder@example.org", roles=(role,), password=ADMIN_PASSWORD)
    victim = add_user(session, "ada@example.org")
    victim_token = sign_in(session, "ada@example.org", PASSWORD)
    actor = actor_of(session, intruder)
    kwargs = {"active": False} if operation == "user_set_active" else {"password": TEMP_PASSWORD}

    session.commit()
    with pytest.raises(PermissionDenied) as info, unit_of_work() as req:
        getattr(users, operation)(
            session=req, actor=actor, user_id=victim.id, client_ip="192.0.2.66", **kwargs
        )
    assert type(info.value) is PermissionDenied

    denied = [e for e in audit_rows(engine) if e.outcome == "denied"]
    assert len(denied) == 1
    assert denied[0].actor_user_id == intruder.id
    assert denied[0].action == Action.USER_MANAGE.value
    assert (denied[0].target_type, denied[0].target_id) == ("user", str(victim.id))
    assert denied[0].client_ip == "192.0.2.66"
    # Nothing changed.
    session.expire_all()
    after = session.get(User, victim.id)
    assert (after.is_active, after.must_change_password) == (True, False)
    session.commit()
    assert resolves_to(session, victim_token) == victim.id


def test_an_administrator_cannot_manage_their_own_account(session, engine):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    actor = actor_of(session, admin)
    session.commit()
    with pytest.raises(PermissionDenied), unit_of_work() as req:
        users.user_set_active(session=req, actor=actor, user_id=admin.id, active=False)
    assert [e.outcome for e in audit_rows(engine)] == ["denied"]
    assert sign_in(session, "head@example.org", ADMIN_PASSWORD)


def test_a_refusal_is_audited_even_inside_the_callers_open_transaction(
    session, engine, short_sqlite_wait
):
    # How a state works: one unit of work loads the signed-in actor, then calls the service.
    intruder = add_user(
        session, "intruder@example.org", roles=(Role.TEACHER,), password=ADMIN_PASSWORD
    )
    victim = add_user(session, "ada@example.org")
    token = sign_in(session, "intruder@example.org", ADMIN_PASSWORD)
    session.close()
    with pytest.raises(PermissionDenied), unit_of_work() as req:
        me = auth.require_user(session=req, token=token)
        users.user_set_active(session=req, actor=me.actor, user_id=victim.id, active=False)
    denied = [e for e in audit_rows(engine) if e.outcome == "denied"]
    assert [(e.actor_user_id, e.target_id) for e in denied] == [(intruder.id, str(victim.id))]


# Each turns the victim's real id into a forged value of another type, or text that is not
# how the app writes an id (ids are parsed by one rule: an int or its plain ASCII digits).
FORGED_IDS = [
    pytest.param(
        lambda uid: str(uid).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        id="arabic-digits",
    ),
    pytest.param(lambda uid: f" {uid}", id="spaced"),
    pytest.param(lambda uid: f"0{uid}", id="leading-zero"),
    pytest.param(lambda uid: {"id": uid}, id="dict"),
    pytest.param(lambda uid: [uid], id="list"),
    pytest.param(float, id="float"),
    pytest.param(lambda uid: True, id="bool"),
    pytest.param(lambda uid: None, id="none"),
]


@pytest.mark.parametrize("operation", ["user_set_active", "temporary_password_set"])
@pytest.mark.parametrize("forge", FORGED_IDS)
def test_forged_user_ids_are_refused_and_change_nothing(session, operation, forge):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    learner = add_user(
        session, "learner@example.org", roles=(Role.LEARNER,), password=ADMIN_PASSWORD
    )
    victim = add_user(session, "ada@example.org")
    victim_token = sign_in(session, "ada@example.org", PASSWORD)
    hash_before = victim.password_hash
    forged_id = forge(victim.id)
    kwargs = {"active": False} if operation == "user_set_active" else {"password": TEMP_PASSWORD}

    for actor, expected in ((admin, ValidationFailed), (learner, PermissionDenied)):
        with pytest.raises(expected):
            getattr(users, operation)(
                session=session, actor=actor_of(session, actor), user_id=forged_id, **kwargs
            )
        session.rollback()

    session.expire_all()
    after = session.get(User, victim.id)
    assert (after.is_active, after.must_change_password, after.password_hash) == (
        True,
        False,
        hash_before,
    )
    session.commit()
    assert resolves_to(session, victim_token) == victim.id


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("user_set_active", {"active": "false"}),
        ("user_set_active", {"active": 0}),
        ("temporary_password_set", {"password": {"$ne": ""}}),
        ("temporary_password_set", {"password": None}),
        ("temporary_password_set", {"password": "short"}),
        ("temporary_password_set", {"password": "qwertyuiop"}),
    ],
)
def test_forged_or_unacceptable_values_are_refused_and_change_nothing(session, operation, kwargs):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    victim = add_user(session, "ada@example.org")
    victim_token = sign_in(session, "ada@example.org", PASSWORD)
    hash_before = victim.password_hash
    with pytest.raises(ValidationFailed):
        getattr(users, operation)(
            session=session, actor=actor_of(session, admin), user_id=victim.id, **kwargs
        )
    session.rollback()
    after = session.get(User, victim.id)
    assert (after.is_active, after.must_change_password, after.password_hash) == (
        True,
        False,
        hash_before,
    )
    session.commit()
    assert resolves_to(session, victim_token) == victim.id


# --- the audit trail ---------------------------------------------------------------------


def test_no_password_or_token_is_ever_written_to_the_audit_trail(session, engine):
    admin = add_user(
        session, "head@example.org", roles=(Role.ADMINISTRATOR,), password=ADMIN_PASSWORD
    )
    user = add_user(session, "ada@example.org", password_hash=pbkdf2_sha256.hash(PASSWORD))
    wrong = "a wrong password guess"
    refused_sign_in(session, "ada@example.org", wrong)
    refused_sign_in(session, "nobody@example.org", wrong)
    tokens = [sign_in(session, "ada@example.org", PASSWORD)]  # also upgrades the hash
    tokens.append(
        auth.password_change(
            session=session,
            token=tokens[0],
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            confirm_password=NEW_PASSWORD,
        )
    )
    session.commit()
    with pytest.raises(ValidationFailed):
        auth.password_change(
            session=session,
            token=tokens[1],
            current_password=wrong,
            new_password=PASSWORD,
            confirm_password=PASSWORD,
        )
    session.commit()  # keeps the audited failure
    admin_actor = actor_of(session, admin)
    users.temporary_password_set(
        session=session, actor=admin_actor, user_id=user.id, password=TEMP_PASSWORD
    )
    session.commit()
    tokens.append(sign_in(session, "ada@example.org", TEMP_PASSWORD))
    tokens.append(sign_in(session, "head@example.org", ADMIN_PASSWORD))
    auth.sign_out(session=session, token=tokens[-1])
    session.commit()
    learner_actor = actor_of(session, user)
    session.commit()
    with pytest.raises(PermissionDenied), unit_of_work() as req:
        users.temporary_password_set(
            session=req, actor=learner_actor, user_id=admin.id, password=TEMP_PASSWORD
        )
    session.close()

    events = audit_rows(engine)
    assert {e.outcome for e in events} >= {"ok", "failed", "denied"}
    assert any(e.detail for e in events)  # the hash upgrade is recorded with a detail
    secrets = [PASSWORD, ADMIN_PASSWORD, NEW_PASSWORD, TEMP_PASSWORD, wrong, *tokens]
    secrets += [security.token_digest(t) for t in tokens]
    for event in events:
        text = " ".join(
            [event.detail, event.target_id, event.target_type, event.action, event.outcome]
        )
        for secret in secrets:
            assert secret not in text, f"{event.action} leaks a secret"
