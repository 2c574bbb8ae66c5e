"""Threads of one process that save at the same time on SQLite take turns; none is refused."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import sqlalchemy as sa

from ilp_app.db import engine as db_engine

THREADS = 8
SAVES = 15


@pytest.fixture
def impatient_sqlite(tmp_path, monkeypatch):
    """A file database whose busy handler gives up at once, so only turn-taking can queue."""
    monkeypatch.setattr(db_engine, "SQLITE_BUSY_TIMEOUT_MS", 0)
    engine = db_engine.make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    db_engine.use_engine(engine)
    with db_engine.session_scope() as s:
        s.exec(sa.text("CREATE TABLE saved (id INTEGER PRIMARY KEY, thread INTEGER)"))
    yield engine
    db_engine.use_engine(None)
    engine.dispose()


def _save_from_threads() -> list[BaseException]:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        for _ in range(SAVES):
            try:
                with db_engine.session_scope() as s:
                    s.exec(sa.text("INSERT INTO saved (thread) VALUES (:n)"), params={"n": n})
                    time.sleep(0.001)  # hold the write lock as a real save does
            except Exception as error:  # noqa: BLE001 - every refusal is the finding
                errors.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


def _count(engine) -> int:
    with engine.connect() as c:
        return c.execute(sa.text("SELECT count(*) FROM saved")).scalar_one()


def test_concurrent_saves_all_land_without_the_busy_handler(impatient_sqlite):
    assert _save_from_threads() == []
    assert _count(impatient_sqlite) == THREADS * SAVES


def test_without_turns_the_same_saves_are_refused(impatient_sqlite, monkeypatch):
    """The control: the same load with no turn-taking meets "database is locked"."""
    monkeypatch.setattr(db_engine, "_one_writer", lambda _engine: contextlib.nullcontext())
    errors = _save_from_threads()
    assert errors and all("locked" in str(e) for e in errors)
    assert _count(impatient_sqlite) == THREADS * SAVES - len(errors)
