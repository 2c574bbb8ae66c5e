"""Apply the committed migrations: ``python -m ilp_app.db.migrate`` (to the configured database)."""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

from ilp_app.db.engine import secure_sqlite_file
from ilp_app.settings import PROJECT_ROOT, get_settings


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default: the configured one) up to ``revision``."""
    settings_url = url or get_settings().database_url
    sqlite_path = (
        settings_url.removeprefix("sqlite:///") if settings_url.startswith("sqlite:///") else ""
    )
    if sqlite_path:
        secure_sqlite_file(sqlite_path)
    command.upgrade(alembic_config(settings_url), revision)
    if sqlite_path:
        secure_sqlite_file(sqlite_path)


if __name__ == "__main__":
    upgrade(sys.argv[1] if len(sys.argv) > 1 else None)
    print("Database is up to date.")
