"""The accounts table of a school of 10,000 accounts: one page, filtered and sorted.

Generates (deterministically) 10,000 accounts as a roster import leaves them: 6,000 learners,
3,600 parents and 400 teachers, 300 groups with about 30,000 enrollments, a tenth of the
accounts disabled. Then it measures ``account_page`` for the table's usual requests:

* first: the first page, sorted by name;
* last: the last page, sorted by email the other way round;
* filtered: learners of one group who are still active;
* search: a name fragment.

    .venv/bin/python -m bench.accounts_list                      # SQLite
    .venv/bin/python -m bench.accounts_list --postgres postgresql://postgres@127.0.0.1:5432/bench_db

PostgreSQL wipes the database it is given (DROP SCHEMA public CASCADE) and analyses the tables
once filled, as autovacuum does on a live database. Figures are printed (median and p95), never
judged.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from ilp_app.db.engine import make_engine, use_engine  # noqa: E402
from ilp_app.db.models import Enrollment, Group, RoleGrant, Site, User  # noqa: E402
from ilp_app.domain.permissions import Actor  # noqa: E402
from ilp_app.domain.roles import Role  # noqa: E402
from ilp_app.services.school.account_table import account_page, account_query  # noqa: E402
from ilp_app.services.uow import unit_of_work  # noqa: E402

COUNTS = ((Role.LEARNER, 6000), (Role.PARENT, 3600), (Role.TEACHER, 400))
GROUPS = 300


def _build(engine: sa.Engine) -> tuple[Actor, int]:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    with engine.begin() as c:
        site = c.execute(sa.insert(Site).values(name="Bench School")).inserted_primary_key[0]
        users, grants = [], []
        uid = 1
        for role, n in ((Role.ADMINISTRATOR, 1), *COUNTS):
            for i in range(n):
                users.append(
                    {
                        "id": uid,
                        "site_id": site,
                        "email": f"{role.value}{i}@bench.school",
                        "full_name": f"{rng.choice('ABCDEFGHIJKLMNOPRSTUVW')}{role.value} {i:05d}",
                        "is_active": rng.random() > 0.1 or uid == 1,
                        "created_at": now - timedelta(days=rng.randint(0, 900)),
                        "updated_at": now,
                    }
                )
                grants.append({"user_id": uid, "role": role.value})
                uid += 1
        c.execute(sa.insert(User), users)
        c.execute(sa.insert(RoleGrant), grants)
        c.execute(
            sa.insert(Group),
            [
                {"id": g + 1, "site_id": site, "name": f"G{g:03d}", "kind": "class"}
                for g in range(GROUPS)
            ],
        )
        learners = [g["user_id"] for g in grants if g["role"] == Role.LEARNER.value]
        c.execute(
            sa.insert(Enrollment),
            [
                {"group_id": g + 1, "user_id": lid, "role": "learner"}
                for lid in learners
                for g in rng.sample(range(GROUPS), 5)
            ],
        )
    return Actor(user_id=1, roles=frozenset({Role.ADMINISTRATOR}), site_id=site), len(users)


def _measure(label: str, actor: Actor, query, runs: int) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with unit_of_work() as s:
            page = account_page(session=s, actor=actor, query=query)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"  {label:<9} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
        f"   ({runs} runs; {page.total} match, page {page.page} of {page.pages})"
    )


def run(url: str, runs: int) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            c.exec_driver_sql("CREATE SCHEMA public")
    SQLModel.metadata.create_all(engine)
    use_engine(engine)
    try:
        start = time.perf_counter()
        actor, total = _build(engine)
        if engine.dialect.name == "postgresql":
            with engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        print(
            f"{engine.dialect.name}: built {total} accounts in {time.perf_counter() - start:.1f} s"
        )
        _measure("first", actor, account_query(), runs)
        _measure("last", actor, account_query(sort="email", descending=True, page=10**6), runs)
        _measure(
            "filtered", actor, account_query(role="learner", group_id=7, status="active"), runs
        )
        _measure("search", actor, account_query(text="learner 012"), runs)
    finally:
        use_engine(None)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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


if __name__ == "__main__":
    main()
