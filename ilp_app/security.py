"""Password hashing and session tokens: the one module that owns secrets.

argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane): about 20 ms per
hash here, so 30 learners signing in at the start of a lesson do not stall the server.
Older hashes (pbkdf2, or argon2 with other parameters) still verify and are replaced at the
next successful sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from passlib.context import CryptContext

from ilp_app.settings import get_settings

pwd_context = CryptContext(
    schemes=["argon2", "pbkdf2_sha256"],
    deprecated=["pbkdf2_sha256"],
    argon2__type="ID",
    argon2__memory_cost=19_456,
    argon2__rounds=2,
    argon2__parallelism=1,
)

# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = pwd_context.hash(secrets.token_urlsafe(16))


def password_hash(password: str) -> str:
    return pwd_context.hash(password)


def password_verify(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """Check ``password``; returns (ok, new_hash) where new_hash is set when the hash should be upgraded."""
    if not stored_hash:
        pwd_context.verify(password, _DUMMY_HASH)
        return False, None
    try:
        return pwd_context.verify_and_update(password, stored_hash)
    except (ValueError, TypeError):
        return False, None


def password_burn_time(password: str) -> None:
    """Spend the time of one verification (used for unknown accounts)."""
    pwd_context.verify(password, _DUMMY_HASH)


def token_new() -> str:
    """A new random session token for the browser (256 bits)."""
    return secrets.token_urlsafe(32)


#: Length of :func:`token_digest`'s hex output.
DIGEST_LENGTH = 64


def token_digest(token: str) -> str:
    """What the database stores for a token: keyed, so a leaked table cannot be replayed."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
