"""What the benchmarks of a school's size share: a scratch database, timed service calls, and
the command line (SQLite in a temporary folder, or a PostgreSQL database that is wiped)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from ilp_app.db.engine import make_engine, use_engine  # noqa: E402
from ilp_app.services.uow import unit_of_work  # noqa: E402


@contextmanager
def scratch_database(url: str) -> Iterator[sa.Engine]:
    """An empty schema at ``url`` (PostgreSQL: ``public`` dropped first), used by the services."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            c.exec_driver_sql("CREATE SCHEMA public")
    SQLModel.metadata.create_all(engine)
    use_engine(engine)
    try:
        yield engine
    finally:
        use_engine(None)
        engine.dispose()


def analyse(engine: sa.Engine) -> None:
    """Table statistics, as autovacuum keeps them on a live PostgreSQL database: without them
    the planner guesses one row per table and picks nested loops that take seconds."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE")


def measure(
    label: str,
    call: Callable[[Session], object],
    runs: int,
    note: Callable[[object], str] = lambda _result: "",
) -> None:
    """Print the median and p95 of ``call`` in a unit of work of its own, ``runs`` times."""
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        with unit_of_work() as s:
            result = call(s)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"  {label:<9} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
        f"   ({runs} runs{note(result)})"
    )


def main(description: str, run: Callable[[str, int], None]) -> None:
    """``--postgres URL`` runs on that (wiped) database; without it, on a temporary SQLite file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", default="", help="a scratch PostgreSQL database (wiped)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.postgres:
        url = args.postgres
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        run(url, args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.runs)
