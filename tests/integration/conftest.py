"""Each test gets a fresh database: SQLite in a temporary file, and PostgreSQL when configured.

PostgreSQL tests run against ``ILP_TEST_POSTGRES_URL`` (CI always sets it); without it they
are skipped with a visible reason.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import ilp_app.db.models  # noqa: F401  (registers the tables)
from ilp_app.db.engine import make_engine, use_engine
from ilp_app.state import live
from tests.support.http import api_client
from tests.support.school import build_school
from tests.support.services import load_actors

POSTGRES_URL = os.environ.get("ILP_TEST_POSTGRES_URL", "").strip()
SKIP_PG_REASON = "PostgreSQL not configured: set ILP_TEST_POSTGRES_URL (CI sets it) to run these"


def postgres_url() -> str:
    url = POSTGRES_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


_pg_reset_sql: list[str] = []  # set once the schema exists: what empties it again


def _reset_statements(conn) -> list[str]:
    """Delete every row (children first) and restart every id sequence, in two statements."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    sequences = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
        )
    ]
    restart = "SELECT " + ", ".join(f"setval('public.\"{name}\"', 1, false)" for name in sequences)
    return ["; ".join(f'DELETE FROM "{name}"' for name in tables), restart]


def _fresh_postgres() -> sa.Engine:
    """An engine on an empty schema: created once per run, then emptied per test.

    Deleting every row and restarting the id sequences gives each test the same empty database as
    a fresh schema would; on tables this small it takes a few milliseconds, where TRUNCATE of ~35
    tables took about 170.
    """
    engine = make_engine(postgres_url())
    if _pg_reset_sql:
        try:
            with engine.begin() as conn:
                for statement in _pg_reset_sql:
                    conn.exec_driver_sql(statement)
            return engine
        except sa.exc.ProgrammingError:  # another test (migrations) changed the schema: start over
            pass
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
        SQLModel.metadata.create_all(conn)
        _pg_reset_sql[:] = _reset_statements(conn)
    return engine


_sqlite_template: dict[str, bytes] = {}


def _fresh_sqlite(path) -> sa.Engine:
    """A new SQLite file with the schema: built once, then copied (a copy takes ~3 ms, a build ~55)."""
    if "db" not in _sqlite_template:
        engine = make_engine(f"sqlite:///{path}")
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        with contextlib.closing(sqlite3.connect(path)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole schema in the file itself
        _sqlite_template["db"] = path.read_bytes()
    else:
        path.write_bytes(_sqlite_template["db"])
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A fresh, empty schema on each database this run can reach."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip(SKIP_PG_REASON)
        eng = _fresh_postgres()
    else:
        eng = _fresh_sqlite(tmp_path / "test.db")
    use_engine(eng)
    yield eng
    use_engine(None)
    eng.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def school(session):
    """The small school of :func:`tests.support.school.build_school`; a module may define its own."""
    return build_school(session)


@pytest.fixture
def actors(session, school):
    """Everyone in the module's ``school`` as the server loads them, and "anonymous" as None."""
    return load_actors(session, school)


@pytest.fixture
def pushed(monkeypatch):
    """What states push to other screens (no app runs in these tests), in order.

    ``("plans", learner ids)`` for open plans to reload, ``("rosters", mentor ids)`` for homes,
    ``("erased", learner id, group ids)`` for boards to drop an erased learner from.
    """
    sent = []
    monkeypatch.setattr(live, "announce", lambda **kw: sent.append(("plans", kw["learner_ids"])))
    monkeypatch.setattr(live, "roster_changed", lambda ids: sent.append(("rosters", ids)))
    monkeypatch.setattr(
        live, "learner_erased", lambda lid, gids: sent.append(("erased", lid, set(gids)))
    )
    return sent


@pytest.fixture
def client():
    """A client of the app's HTTP routes."""
    with api_client() as test_client:
        yield test_client
