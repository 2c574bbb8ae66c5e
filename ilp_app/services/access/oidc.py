"""Signing in with the school's account (OpenID Connect: Google, Microsoft Entra ID, Feide).

The authorization code flow with PKCE (S256), ``state`` and ``nonce``, built with Authlib's
OAuth pieces; the ID token is verified with joserfc against the provider's JWKS (signature,
``iss``, ``aud``, ``exp``, ``nonce``). Nobody gets an account by signing in: a person is found
by the provider's subject once linked, else once by a verified email address of an account
the school made; an unknown person is told the school has not given them access, and the
attempt is audited. A disabled account stays disabled. The session is the app's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from ilp_app import routes, security
from ilp_app.db.models import ExternalIdentity, OidcLogin, User
from ilp_app.domain.errors import DomainError
from ilp_app.domain.roles import Role, default_home_role
from ilp_app.i18n.runtime import N_
from ilp_app.services.access.actors import user_roles
from ilp_app.services.access.auth import email_key, session_create, user_by_email
from ilp_app.services.audit import audit_record
from ilp_app.settings import OidcProvider, get_settings

LOGIN_LIFETIME = timedelta(minutes=10)
HTTP_TIMEOUT_S = 10
CACHE_S = 3600
ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "PS256")

MSG_NO_ACCESS = N_("Your school has not given you access to ILP yet.")
MSG_FAILED = N_(
    "Signing in with your school account did not work. Try again, or use your password."
)


class OidcRefused(DomainError):
    """Signing in with a provider was refused; ``code`` names it for the sign-in page."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Started:
    url: str  # where the browser goes: the provider's authorization endpoint
    state: str  # also kept in the browser's cookie, to be matched by the callback


@dataclass(frozen=True)
class SignedIn:
    token: str
    user_id: int
    home_role: Role


def provider(key: object) -> OidcProvider | None:
    return next((p for p in get_settings().oidc_providers if p.key == key), None)


_cache: dict[str, tuple[float, dict]] = {}


def _get_json(url: str) -> dict:
    now = time.monotonic()
    cached = _cache.get(url)
    if cached and now - cached[0] < CACHE_S:
        return cached[1]
    answer = httpx.get(url, timeout=HTTP_TIMEOUT_S)
    answer.raise_for_status()
    document = answer.json()
    _cache[url] = (now, document)
    return document


def discover(p: OidcProvider) -> dict:
    """The provider's metadata; its ``issuer`` must be the one configured."""
    meta = _get_json(f"{p.issuer}/.well-known/openid-configuration")
    if meta.get("issuer", "").rstrip("/") != p.issuer:
        raise OidcRefused(MSG_FAILED, "oidc_failed")
    return meta


def callback_url(origin: str, p: OidcProvider) -> str:
    return origin.rstrip("/") + routes.url_for(routes.AUTH_OIDC_CALLBACK, key=p.key)


def oidc_start(*, session: Session, p: OidcProvider, origin: str) -> Started:
    """Begin a sign-in: a fresh state, nonce and PKCE verifier, kept server-side for 10 minutes."""
    meta = discover(p)
    state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
    session.add(
        OidcLogin(
            state_hash=security.token_digest(state),
            provider=p.key,
            nonce=nonce,
            code_verifier=verifier,
        )
    )
    url = add_params_to_uri(
        meta["authorization_endpoint"],
        [
            ("response_type", "code"),
            ("client_id", p.client_id),
            ("redirect_uri", callback_url(origin, p)),
            ("scope", "openid email profile"),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
    return Started(url=url, state=state)


def _take_login(session: Session, p: OidcProvider, state: str, now: datetime) -> OidcLogin:
    """The started sign-in for ``state``, used up here (a replay finds it used)."""
    row = session.exec(
        select(OidcLogin).where(OidcLogin.state_hash == security.token_digest(state))
    ).first()
    if row is None or row.provider != p.key or row.created_at < now - LOGIN_LIFETIME:
        raise OidcRefused(MSG_FAILED, "oidc_failed")
    taken = session.exec(
        sa.update(OidcLogin)
        .where(OidcLogin.id == row.id, OidcLogin.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if taken != 1:
        raise OidcRefused(MSG_FAILED, "oidc_failed")
    session.commit()  # used, whatever happens next
    return row


def verified_claims(p: OidcProvider, meta: dict, id_token: str, nonce: str) -> dict:
    """The ID token's claims once its signature (JWKS), iss, aud, exp and nonce all hold."""
    try:
        keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": p.issuer},
            aud={"essential": True, "value": p.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError, KeyError) as error:
        raise OidcRefused(MSG_FAILED, "oidc_failed") from error
    return dict(token.claims)


def oidc_finish(
    *,
    session: Session,
    p: OidcProvider,
    state: object,
    code: object,
    origin: str,
    client_ip: str = "",
    now: datetime | None = None,
) -> SignedIn:
    """The provider sent the browser back: exchange the code, verify the ID token, sign in.

    Raises:
        OidcRefused: a wrong, used or old ``state``, a refused exchange, a bad ID token, an
            unknown person (audited), a disabled account or one without a role.
    """
    now = now or datetime.now(UTC)
    if not isinstance(state, str) or not isinstance(code, str) or not state or not code:
        raise OidcRefused(MSG_FAILED, "oidc_failed")
    login = _take_login(session, p, state, now)
    meta = discover(p)
    answer = httpx.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code[:2000],
            "redirect_uri": callback_url(origin, p),
            "code_verifier": login.code_verifier,
        },
        auth=(p.client_id, p.client_secret),
        timeout=HTTP_TIMEOUT_S,
    )
    if answer.status_code != 200 or "id_token" not in answer.json():
        raise OidcRefused(MSG_FAILED, "oidc_failed")
    claims = verified_claims(p, meta, answer.json()["id_token"], login.nonce)
    return account_sign_in(session=session, p=p, claims=claims, client_ip=client_ip, now=now)


def _refuse(session: Session, user_id: int | None, outcome: str, p: OidcProvider, client_ip: str):
    audit_record(
        session=session,
        actor_user_id=user_id,
        action="auth.oidc_sign_in",
        outcome=outcome,
        target_type="provider",
        target_id=p.key,
        client_ip=client_ip,
    )
    session.commit()


def _by_email(session: Session, p: OidcProvider, claims: dict) -> User | None:
    """The account with the claims' email, if the provider verified it and its domain is allowed."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is not True:
        return None
    if p.domains and email.rpartition("@")[2].lower() not in p.domains:
        return None
    return user_by_email(session=session, email=email_key(email))


def _by_roster_id(session: Session, p: OidcProvider, claims: dict) -> User | None:
    """The one account whose roster sourcedId the provider's ``roster_claim`` names."""
    value = claims.get(p.roster_claim) if p.roster_claim else None
    if not isinstance(value, str) or not value or len(value) > 255:
        return None
    found = session.exec(select(User).where(User.source_id == value)).all()
    return found[0] if len(found) == 1 else None


def _match(session: Session, p: OidcProvider, claims: dict) -> tuple[User | None, bool]:
    """The account for these claims, and whether the subject is to be linked to it now."""
    identity = session.exec(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == p.issuer, ExternalIdentity.subject == str(claims["sub"])
        )
    ).first()
    if identity is not None:
        return session.get(User, identity.user_id), False
    user = _by_email(session, p, claims) or _by_roster_id(session, p, claims)
    if user is None:
        return None, False
    already = session.exec(
        select(ExternalIdentity.id).where(
            ExternalIdentity.user_id == user.id, ExternalIdentity.issuer == p.issuer
        )
    ).first()
    # An account already linked to another subject at this provider is not taken over by email.
    return (None, False) if already is not None else (user, True)


def account_sign_in(
    *, session: Session, p: OidcProvider, claims: dict, client_ip: str = "", now: datetime
) -> SignedIn:
    """Sign in the school's account that the verified ``claims`` name (never a new account)."""
    user, link = _match(session, p, claims)
    if user is None:
        _refuse(session, None, "unknown", p, client_ip)
        raise OidcRefused(MSG_NO_ACCESS, "oidc_unknown")
    if not user.is_active:
        _refuse(session, user.id, "disabled", p, client_ip)
        raise OidcRefused(
            "This account is disabled. Ask your school's administrator for help.", "disabled"
        )
    role = default_home_role(user_roles(session=session, user_id=user.id))
    if role is None:
        raise OidcRefused(
            "This account has no role yet. Ask your school's administrator for help.", "no_role"
        )
    if link:
        session.add(ExternalIdentity(user_id=user.id, issuer=p.issuer, subject=str(claims["sub"])))
    token = session_create(session, user=user, role=role, client_ip=client_ip, now=now)
    audit_record(
        session=session,
        actor_user_id=user.id,
        action="auth.oidc_sign_in",
        target_type="provider",
        target_id=p.key,
        client_ip=client_ip,
        detail={"linked": True} if link else None,
    )
    return SignedIn(token=token, user_id=user.id, home_role=role)
