"""The school view of a school of 2,000 learners: how long its figures and a list take.

Generates (deterministically) 2,000 learners in 80 tutor groups over years 7-10, each group
with its mentor; in the current period 80% of learners have an active plan and 10% a draft,
with parents' acknowledgements, learners' log posts and held reviews spread over the last
year. Then it measures, on a fresh database:

* figures: ``school_figures`` (every figure of the page);
* list: ``school_list`` of the quiet learners (the longest list behind a figure);
* csv: ``school_view_csv``.

    .venv/bin/python -m bench.school_view                      # SQLite
    .venv/bin/python -m bench.school_view --postgres postgresql://postgres@127.0.0.1:5432/bench_db

On PostgreSQL the tables are analysed after they are filled, as autovacuum does on a live
database. PostgreSQL runs DROP SCHEMA public CASCADE on the database it is given: point it at a scratch
database. Figures are printed (median and p95), never judged; the target is under 1 s a page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from ilp_app.db.engine import make_engine, use_engine  # noqa: E402
from ilp_app.db.models import (  # noqa: E402
    Enrollment,
    Group,
    MentorAssignment,
    Period,
    Plan,
    PlanAcknowledgement,
    PlanLogEntry,
    Review,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.permissions import Actor  # noqa: E402
from ilp_app.domain.roles import Role  # noqa: E402
from ilp_app.services.school.school_view import (  # noqa: E402
    school_figures,
    school_list,
    school_view_csv,
)
from ilp_app.services.uow import unit_of_work  # noqa: E402

LEARNERS, GROUPS = 2000, 80


def _build(engine: sa.Engine) -> Actor:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    today = date.today()
    with engine.begin() as c:
        site = c.execute(sa.insert(Site).values(name="Bench School")).inserted_primary_key[0]
        period = c.execute(
            sa.insert(Period).values(
                site_id=site,
                name="Current",
                starts_on=today - timedelta(days=60),
                ends_on=today + timedelta(days=60),
            )
        ).inserted_primary_key[0]

        def people(prefix: str, n: int, role: Role) -> list[int]:
            first = c.execute(sa.select(sa.func.coalesce(sa.func.max(User.id), 0))).scalar() + 1
            c.execute(
                sa.insert(User),
                [
                    {
                        "id": first + i,
                        "site_id": site,
                        "email": f"{prefix}{i}@bench.school",
                        "full_name": f"{prefix.title()} {i:05d}",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(n)
                ],
            )
            ids = list(range(first, first + n))
            c.execute(sa.insert(RoleGrant), [{"user_id": u, "role": role.value} for u in ids])
            return ids

        admin = people("admin", 1, Role.ADMINISTRATOR)[0]
        mentors = people("mentor", GROUPS, Role.MENTOR)
        parents = people("parent", LEARNERS, Role.PARENT)
        learners = people("learner", LEARNERS, Role.LEARNER)
        c.execute(
            sa.insert(Group),
            [
                {
                    "id": 1000 + g,
                    "site_id": site,
                    "name": f"{7 + g % 4}{chr(65 + g // 4)}",
                    "kind": "tutor",
                    "year_label": str(7 + g % 4),
                }
                for g in range(GROUPS)
            ],
        )
        c.execute(
            sa.insert(Enrollment),
            [
                {"group_id": 1000 + i % GROUPS, "user_id": lid, "role": "learner"}
                for i, lid in enumerate(learners)
            ],
        )
        c.execute(
            sa.insert(MentorAssignment),
            [
                {"mentor_id": mentors[i % GROUPS], "learner_id": lid, "created_at": now}
                for i, lid in enumerate(learners)
            ],
        )
        plans, acks, posts, reviews = [], [], [], []
        for i, lid in enumerate(learners):
            draw = rng.random()
            if draw < 0.1:
                continue
            status = "draft" if draw < 0.2 else "active"
            plans.append(
                {
                    "id": 5000 + i,
                    "site_id": site,
                    "learner_id": lid,
                    "period_id": period,
                    "status": status,
                    "version": rng.randint(1, 3),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if status == "active" and rng.random() < 0.7:
                acks.append(
                    {
                        "plan_id": 5000 + i,
                        "version": 1,
                        "user_id": parents[i],
                        "role": "parent",
                        "at": now,
                    }
                )
            for _ in range(rng.randint(0, 4)):
                posts.append(
                    {
                        "plan_id": 5000 + i,
                        "author_id": lid,
                        "body": "post",
                        "created_at": now - timedelta(days=rng.randint(0, 60)),
                    }
                )
            if rng.random() < 0.6:
                held = now - timedelta(days=rng.randint(1, 360))
                reviews.append(
                    {
                        "site_id": site,
                        "learner_id": lid,
                        "starts_at": held,
                        "status": "held",
                        "held_at": held,
                        "created_by_id": mentors[i % GROUPS],
                        "created_at": held,
                    }
                )
        c.execute(sa.insert(Plan), plans)
        for model, rows in ((PlanAcknowledgement, acks), (PlanLogEntry, posts), (Review, reviews)):
            c.execute(sa.insert(model), rows)
    return Actor(user_id=admin, roles=frozenset({Role.ADMINISTRATOR}), site_id=site)


def _measure(label: str, fn, runs: int) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with unit_of_work() as s:
            fn(s)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"  {label:<8} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   ({runs} runs)"
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
        actor = _build(engine)
        if engine.dialect.name == "postgresql":
            # A live database has statistics (autovacuum); without them the planner guesses one
            # row per table and picks nested loops that take seconds here.
            with engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        print(
            f"{engine.dialect.name}: built {LEARNERS} learners in {time.perf_counter() - start:.1f} s"
        )
        _measure("figures", lambda s: school_figures(session=s, actor=actor), runs)
        _measure("list", lambda s: school_list(session=s, actor=actor, kind="quiet"), runs)
        _measure("csv", lambda s: school_view_csv(session=s, actor=actor), runs)
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
