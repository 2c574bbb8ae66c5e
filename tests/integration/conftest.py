"""Each test gets a fresh database: SQLite in a temporary file, and PostgreSQL when configured.

PostgreSQL tests run against ``ILP_TEST_POSTGRES_URL`` (CI always sets it); without it they
are skipped with a visible reason.
"""

from __future__ import annotations

import os

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


_pg_schema_ready = False


def _fresh_postgres() -> sa.Engine:
    """An engine on an empty schema: created once per run, then emptied with TRUNCATE per test.

    Truncating every table (identities restarted) gives each test the same empty database as a
    fresh schema would, at a fraction of the cost of dropping and recreating ~25 tables.
    """
    global _pg_schema_ready
    engine = make_engine(postgres_url())
    if _pg_schema_ready:
        names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return engine
        except sa.exc.ProgrammingError:  # another test (migrations) changed the schema: start over
            pass
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
        SQLModel.metadata.create_all(conn)
    _pg_schema_ready = True
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A fresh, empty schema on each database this run can reach."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip(SKIP_PG_REASON)
        eng = _fresh_postgres()
    else:
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        SQLModel.metadata.create_all(eng)
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
    monkeypatch.setattr(live, "learner_erased", lambda lid, gids: sent.append(("erased", lid, set(gids))))
    return sent


@pytest.fixture
def client():
    """A client of the app's HTTP routes."""
    with api_client() as test_client:
        yield test_client
