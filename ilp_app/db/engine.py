"""Engine and session setup for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from ilp_app.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000


#: Threads the server runs database work in; PostgreSQL's pool allows 10 + 20 connections.
DATABASE_THREADS = 24

#: Execution option that marks a transaction as read-only (see :func:`read_scope`).
READ_ONLY = "ilp_read_only"


def secure_sqlite_file(path: str | os.PathLike) -> None:
    """Make a SQLite database readable by its owner only: 0700 folder, 0600 file.

    The file holds every learner's plan and notes; other local accounts must not read it.
    SQLite gives its -wal and -shm files the permissions of the database file.
    """
    db = Path(path)
    db.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        info = db.parent.stat()
        # A folder we do not own, or a shared one (sticky or world-writable, like /tmp, even
        # when run as root), keeps its mode: closing it would break everyone else's files.
        shared = info.st_mode & (stat.S_ISVTX | stat.S_IWOTH)
        if info.st_uid == os.getuid() and not shared:
            db.parent.chmod(0o700)
    for file in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            file.chmod(0o600)


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
            secure_sqlite_file(engine.url.database)
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A read takes no write lock: reads run side by side with each other and with a writer
        # (WAL). Every other transaction takes the write lock at BEGIN.
        read_only = conn.get_execution_options().get(READ_ONLY)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


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
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=10,
        # A server that stops answering (a stalled or unplugged database) is noticed within
        # seconds, not the minutes TCP would take: the event fails with a message the person
        # sees, instead of a tap that vanishes.
        connect_args={
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 10_000,
        },
    )


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
def read_scope() -> Iterator[Session]:
    """A transaction that only reads: on SQLite it never waits for, nor holds, the write lock.

    Writing in it is an error on PostgreSQL (``SET TRANSACTION READ ONLY``) and may fail with
    "database is locked" on SQLite; use :func:`session_scope` for anything that writes.
    """
    engine = get_engine().execution_options(**{READ_ONLY: True})
    with Session(engine, expire_on_commit=False) as session:
        if engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql("SET TRANSACTION READ ONLY")
        try:
            yield session
        finally:
            session.rollback()


_writers: weakref.WeakKeyDictionary[sa.Engine, threading.RLock] = weakref.WeakKeyDictionary()
_writers_guard = threading.Lock()


@contextmanager
def _one_writer(engine: sa.Engine) -> Iterator[None]:
    """On SQLite, the threads of this process take turns to write, in the order they ask.

    SQLite lets one transaction write at a time. A thread that finds the write lock taken
    sleeps in SQLite's busy handler, in steps that grow to 100 ms, and does not notice when
    the lock is released meanwhile: under a classroom's taps that added most of a tick's
    latency. Here a waiting thread wakes as soon as the writer before it has committed. The
    busy timeout still covers writers in other processes. Re-entrant, so a nested unit of work
    behaves as before (it waits for SQLite's own lock).
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _writers_guard:
        lock = _writers.setdefault(engine, threading.RLock())
    with lock:
        yield


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on any exception."""
    engine = get_engine()
    with _one_writer(engine), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
