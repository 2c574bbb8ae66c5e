"""The committed migrations build, from an empty database, exactly the schema the models declare."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

import ilp_app.db.models  # noqa: F401  (registers the tables)
from ilp_app.db.engine import make_engine
from ilp_app.db.migrate import upgrade
from ilp_app.db.models import Site, User

#: An expression index: autogenerate can neither reflect nor compare it, so it is checked by hand.
EMAIL_INDEX = "uq_user_email_lower"

SKIP_PG_REASON = "PostgreSQL not configured: set ILP_TEST_POSTGRES_URL (CI sets it) to run these"


def _postgres_url() -> str:
    url = os.environ.get("ILP_TEST_POSTGRES_URL", "").strip()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated(request, tmp_path):
    """An engine on a database built only by running the migrations from empty."""
    if request.param == "postgres":
        url = _postgres_url()
        if not url:
            pytest.skip(SKIP_PG_REASON)
        _empty_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'fresh' / 'migrated.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_migrations_create_every_model_table(migrated):
    tables = set(sa.inspect(migrated).get_table_names())
    assert set(SQLModel.metadata.tables) - tables == set()
    assert "alembic_version" in tables


def _index_definition(engine: sa.Engine, name: str) -> str:
    # Reflection skips expression indexes on SQLite, so read the catalogue directly.
    query = {
        "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name",
        "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = :name",
    }[engine.dialect.name]
    with engine.connect() as conn:
        return (conn.execute(sa.text(query), {"name": name}).scalar() or "").lower()


def test_migrations_create_the_case_insensitive_email_index(migrated):
    definition = _index_definition(migrated, EMAIL_INDEX)
    assert definition.startswith("create unique index")
    assert "lower(" in definition
    assert "email" in definition


def test_emails_differing_only_in_case_cannot_both_exist(migrated):
    with Session(migrated) as session:
        site = Site(name="Northfield School")
        session.add(site)
        session.flush()
        session.add(User(site_id=site.id, email="A@x.org", full_name="Ann"))
        session.commit()
        session.add(User(site_id=site.id, email="a@X.org", full_name="Another Ann"))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(User(site_id=site.id, email="b@x.org", full_name="Ben"))
        session.commit()  # a different address is still welcome


def _is_email_index(diff) -> bool:
    return (
        isinstance(diff, tuple)
        and diff[0] in ("add_index", "remove_index")
        and getattr(diff[1], "name", None) == EMAIL_INDEX
    )


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
def test_migrations_match_the_models(migrated):
    with migrated.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, SQLModel.metadata) if not _is_email_index(d)]
    assert diffs == []


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_templates_single_year_becomes_the_first_of_its_years(kind, tmp_path):
    """Upgrading keeps each template's year (now in its set of years) and makes it a learner
    template; a template without a year suits any year, as before."""
    if kind == "postgres":
        url = _postgres_url()
        if not url:
            pytest.skip(SKIP_PG_REASON)
        _empty_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'years' / 'migrated.db'}"
    upgrade(url, "0015")
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            s.add(Site(name="S"))
            s.commit()
            site = s.exec(select(Site.id)).one()
        with engine.begin() as conn:
            for name, year in (("Nine", "Year 9"), ("Any", "")):
                conn.execute(
                    sa.text(
                        "INSERT INTO plan_template (site_id, name, description, year_label, "
                        "archived, revision, created_at, updated_at) VALUES "
                        "(:s, :n, '', :y, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"s": site, "n": name, "y": year},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO template_item (template_id, kind, position, text, detail, "
                    "objective_codes, revision, removed) SELECT id, 'area', 0, 'Kept', '', '', 1, "
                    "false FROM plan_template WHERE name = 'Nine'"
                )
            )
        upgrade(url)
        with engine.connect() as conn:
            years = conn.execute(
                sa.text(
                    "SELECT t.name, y.year_label FROM plan_template_year y "
                    "JOIN plan_template t ON t.id = y.template_id"
                )
            ).all()
            kinds = conn.execute(sa.text("SELECT DISTINCT plan_kind FROM plan_template")).all()
            items = conn.execute(sa.text("SELECT text FROM template_item")).scalars().all()
        assert [tuple(r) for r in years] == [("Nine", "Year 9")]
        assert items == ["Kept"]  # nothing else of a template is lost on the way
        assert [tuple(r) for r in kinds] == [("learner",)]
    finally:
        engine.dispose()
