"""SQLModel tables: the one place the schema is declared.

Every timestamp is stored in UTC (see :class:`UTCDateTime`). Rows never leave the server:
states copy what a page needs into small view models, so a password hash or a private note
cannot reach a browser by accident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone, PostgreSQL does; this makes both behave the same.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(*, nullable: bool = False, index: bool = False, default: bool = True):
    return Field(
        default_factory=utcnow if default else None,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


class Site(SQLModel, table=True):
    """A school (or one site of a school) that may run ILPs."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    ilp_enabled: bool = True
    created_at: datetime = _ts()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    preferred_name: str = Field(default="", max_length=100)
    pronouns: str = Field(default="", max_length=50)
    is_active: bool = True
    # Never return the hash when serialising for the frontend: states use view models instead.
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = False
    password_changed_at: datetime | None = _ts(nullable=True, default=False)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name


# Email addresses are unique whatever their case; the typed casing is kept for display.
sa.Index("uq_user_email_lower", sa.func.lower(User.__table__.c.email), unique=True)


class RoleGrant(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)


class Period(SQLModel, table=True):
    """An academic period (term, semester or year) a plan covers."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    starts_on: date
    ends_on: date


class Group(SQLModel, table=True):
    """A tutor group (with a mentor) or a subject class (with teachers)."""

    __tablename__ = "learner_group"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    kind: str = Field(default="tutor", max_length=20)  # "tutor" | "class"
    year_label: str = Field(default="", max_length=50)


class Enrollment(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="learner_group.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)  # "learner" | "teacher"


class MentorAssignment(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("mentor_id", "learner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = _ts()


class Guardianship(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("parent_id", "learner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    relationship_label: str = Field(default="", max_length=50)


class AuthSession(SQLModel, table=True):
    """A server-side sign-in. Only a keyed hash of the browser's token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    active_role: str = Field(max_length=20)
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True, default=False)
    revoke_reason: str = Field(default="", max_length=40)
    client_ip: str = Field(default="", max_length=64)


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, kept to throttle guessing per account and per client address."""

    id: int | None = Field(default=None, primary_key=True)
    email_key: str = Field(max_length=254, index=True)
    client_ip: str = Field(max_length=64, index=True)
    at: datetime = _ts(index=True)


class AuditEvent(SQLModel, table=True):
    """Who did (or tried to do) what. Never holds a password or a session token."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60, index=True)
    outcome: str = Field(max_length=20)  # "ok" | "denied" | "failed"
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=2000)
    client_ip: str = Field(default="", max_length=64)
