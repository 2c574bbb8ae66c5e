"""The one reader of the environment.

Every other module asks :func:`get_settings` instead of reading ``os.environ``, so
the whole configuration surface of the app is visible in this file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The development secret. Refused outside development and tests.
DEFAULT_SECRET = "insecure-development-secret-change-me"

ENVIRONMENTS = ("development", "test", "production")


@dataclass(frozen=True)
class OidcProvider:
    """A school sign-in provider from ``ILP_OIDC_<KEY>_*`` (Google, Microsoft, Feide or other)."""

    key: str  # lower case, in URLs: /auth/oidc/<key>/start
    issuer: str
    client_id: str
    client_secret: str
    label: str
    domains: tuple[str, ...] = ()  # allowed email domains; empty: any
    roster_claim: str = (
        ""  # a claim holding the person's roster sourcedId, if the provider sends one
    )


class SettingsError(RuntimeError):
    """Raised when the configuration is unsafe or malformed."""


@dataclass(frozen=True)
class Settings:
    """Validated configuration for one process."""

    environment: str
    database_url: str
    redis_url: str | None
    secret_key: str
    frontend_port: int
    backend_port: int
    public_origins: tuple[str, ...]
    cookie_secure: bool
    session_idle_minutes: int
    session_absolute_hours: int
    school_timezone: str = "UTC"
    # Outgoing mail: smtp://host:port or smtps://user:pass@host:465 ("" keeps mail in the outbox).
    smtp_url: str = ""
    mail_from: str = "ILP <no-reply@localhost>"
    oidc_providers: tuple[OidcProvider, ...] = ()
    #: Reverse proxies in front of the app that append to X-Forwarded-For (0: trust none).
    trusted_proxy_hops: int = 0
    #: Where evidence files are kept: private to the app's account, never a public folder.
    evidence_dir: str = str(PROJECT_ROOT / "data" / "evidence")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _proxy_hops(env: dict[str, str]) -> int:
    """How many trusted reverse proxies append to ``X-Forwarded-For`` (docs/security-throttling.md).

    Reflex reads ``REFLEX_TRUSTED_PROXY_HOPS`` on its own, for the event socket only; a value
    there that differs from ours would make sockets and HTTP routes see different addresses.
    """
    name = "ILP_TRUSTED_PROXY_HOPS"
    raw = env.get(name, "").strip() or "0"
    try:
        hops = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if hops < 0:
        raise SettingsError(f"{name} must be 0 or more, got {hops}")
    reflex_raw = env.get("REFLEX_TRUSTED_PROXY_HOPS", "").strip()
    if reflex_raw and reflex_raw != str(hops):
        raise SettingsError(
            f"REFLEX_TRUSTED_PROXY_HOPS={reflex_raw!r} differs from {name}={hops}: set only {name}"
        )
    return hops


def _timezone(env: dict[str, str]) -> str:
    """The school's time zone (an IANA name such as ``Europe/Oslo``); review times are typed and shown in it."""
    name = env.get("ILP_SCHOOL_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise SettingsError(
            f"ILP_SCHOOL_TIMEZONE must be a time zone name such as Europe/Oslo, got {name!r}"
        ) from exc
    return name


def _environment(env: dict[str, str]) -> str:
    explicit = env.get("ILP_ENV", "").strip().lower()
    if explicit:
        if explicit not in ENVIRONMENTS:
            raise SettingsError(f"ILP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        return explicit
    # `reflex run --env prod` sets REFLEX_ENV_MODE; treat it as production unless told otherwise,
    # so a production deployment can never silently run with the development secret.
    if env.get("REFLEX_ENV_MODE", "").strip().lower() == "prod":
        return "production"
    return "development"


def _smtp_url(env: dict[str, str]) -> str:
    url = env.get("ILP_SMTP_URL", "").strip()
    if url and not url.startswith(("smtp://", "smtps://")):
        raise SettingsError("ILP_SMTP_URL must start with smtp:// or smtps://")
    return url


def _oidc_providers(env: dict[str, str]) -> tuple[OidcProvider, ...]:
    """Every provider K with ``ILP_OIDC_<K>_ISSUER``; its client id and secret are required."""
    found = []
    for name in sorted(env):
        if not (name.startswith("ILP_OIDC_") and name.endswith("_ISSUER")):
            continue
        key = name.removeprefix("ILP_OIDC_").removesuffix("_ISSUER")
        issuer = env[name].strip().rstrip("/")
        client_id = env.get(f"ILP_OIDC_{key}_CLIENT_ID", "").strip()
        secret = env.get(f"ILP_OIDC_{key}_CLIENT_SECRET", "").strip()
        if not key.replace("_", "").isalnum() or not issuer.startswith(("https://", "http://")):
            raise SettingsError(f"{name} must name an http(s) issuer under a plain key")
        if not client_id or not secret:
            raise SettingsError(f"ILP_OIDC_{key}_CLIENT_ID and _CLIENT_SECRET must be set")
        domains = tuple(
            d.strip().lower().lstrip("@")
            for d in env.get(f"ILP_OIDC_{key}_DOMAINS", "").split(",")
            if d.strip()
        )
        label = env.get(f"ILP_OIDC_{key}_LABEL", "").strip() or f"Sign in with {key.title()}"
        roster_claim = env.get(f"ILP_OIDC_{key}_ROSTER_CLAIM", "").strip()
        found.append(
            OidcProvider(key.lower(), issuer, client_id, secret, label, domains, roster_claim)
        )
    return tuple(found)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (``os.environ`` by default).

    Raises:
        SettingsError: if a value is malformed, or the secret is left at its default in production.
    """
    env = dict(os.environ if env is None else env)
    environment = _environment(env)
    database_url = env.get("ILP_DATABASE_URL", "").strip() or (
        f"sqlite:///{PROJECT_ROOT / 'data' / 'ilp.db'}"
    )
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy defaults to psycopg2 for the bare scheme.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    secret_key = env.get("ILP_SECRET_KEY", "").strip() or DEFAULT_SECRET
    if environment == "production" and (secret_key == DEFAULT_SECRET or len(secret_key) < 32):
        raise SettingsError(
            "ILP_SECRET_KEY must be set to a random value of at least 32 characters in production "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    frontend_port = _int(env, "ILP_FRONTEND_PORT", 3000)
    backend_port = _int(env, "ILP_BACKEND_PORT", 8000)
    origins_raw = env.get("ILP_PUBLIC_ORIGINS", "").strip()
    if origins_raw:
        origins = tuple(o.strip().rstrip("/") for o in origins_raw.split(",") if o.strip())
        if "*" in origins:
            raise SettingsError("ILP_PUBLIC_ORIGINS may not contain '*'")
    else:
        origins = tuple(
            f"http://{host}:{port}"
            for port in sorted({frontend_port, backend_port})
            for host in ("localhost", "127.0.0.1")
        )
    return Settings(
        environment=environment,
        database_url=database_url,
        redis_url=env.get("REFLEX_REDIS_URL", "").strip() or None,
        secret_key=secret_key,
        frontend_port=frontend_port,
        backend_port=backend_port,
        public_origins=origins,
        cookie_secure=env.get("ILP_COOKIE_SECURE", "").strip().lower() in {"1", "true", "yes"},
        session_idle_minutes=_int(env, "ILP_SESSION_IDLE_MINUTES", 120),
        session_absolute_hours=_int(env, "ILP_SESSION_ABSOLUTE_HOURS", 12),
        school_timezone=_timezone(env),
        trusted_proxy_hops=_proxy_hops(env),
        smtp_url=_smtp_url(env),
        mail_from=env.get("ILP_MAIL_FROM", "").strip() or "ILP <no-reply@localhost>",
        oidc_providers=_oidc_providers(env),
        evidence_dir=env.get("ILP_EVIDENCE_DIR", "").strip()
        or str(PROJECT_ROOT / "data" / "evidence"),
    )


def public_origin(candidate: str) -> str:
    """``candidate`` (where a browser reached the app) if it is one of the public origins, else
    the first of them: links in mail only ever point at the app's own address."""
    origins = get_settings().public_origins
    clean = (candidate or "").rstrip("/")
    return clean if clean in origins else origins[0]


@functools.cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()
