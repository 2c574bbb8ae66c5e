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

POSTGRES_URL = os.environ.get("ILP_TEST_POSTGRES_URL", "").strip()
SKIP_PG_REASON = "PostgreSQL not configured: set ILP_TEST_POSTGRES_URL (CI sets it) to run these"


def postgres_url() -> str:
    url = POSTGRES_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _fresh_postgres() -> sa.Engine:
    engine = make_engine(postgres_url())
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
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
