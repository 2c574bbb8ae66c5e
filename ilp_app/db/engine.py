"""Engine and session setup for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from ilp_app.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _configure_sqlite(engine: sa.Engine) -> None:
    """WAL, a busy timeout and BEGIN IMMEDIATE: concurrent writers queue instead of failing.

    With pysqlite's default deferred transactions two writers that both read first deadlock
    into "database is locked"; taking the write lock at BEGIN avoids that.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url`` with the settings this app relies on."""
    if url.startswith("sqlite"):
        kwargs: dict = {
            "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        }
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_override: sa.Engine | None = None


@functools.cache
def _default_engine() -> sa.Engine:
    return make_engine(get_settings().database_url)


def get_engine() -> sa.Engine:
    return _override or _default_engine()


def use_engine(engine: sa.Engine | None) -> None:
    """Point the app at another engine (tests); None restores the configured one."""
    global _override
    _override = engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on any exception."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
