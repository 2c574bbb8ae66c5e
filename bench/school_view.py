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

import random
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench import scratch_school  # first: it sets the environment the app reads
from bench.scratch_school import analyse, measure, scratch_database
from ilp_app.db.models import (
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
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role
from ilp_app.services.school.school_view import (
    school_figures,
    school_list,
    school_view_csv,
)

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


def run(url: str, runs: int) -> None:
    with scratch_database(url) as engine:
        start = time.perf_counter()
        actor = _build(engine)
        analyse(engine)
        print(
            f"{engine.dialect.name}: built {LEARNERS} learners in {time.perf_counter() - start:.1f} s"
        )
        measure("figures", lambda s: school_figures(session=s, actor=actor), runs)
        measure("list", lambda s: school_list(session=s, actor=actor, kind="quiet"), runs)
        measure("csv", lambda s: school_view_csv(session=s, actor=actor), runs)


def main() -> None:
    scratch_school.main(__doc__.splitlines()[0], run)


if __name__ == "__main__":
    main()
