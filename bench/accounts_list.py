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

import random
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench import scratch_school  # first: it sets the environment the app reads
from bench.scratch_school import analyse, measure, scratch_database
from ilp_app.db.models import Enrollment, Group, RoleGrant, Site, User
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role
from ilp_app.services.school.account_table import account_page, account_query

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


def run(url: str, runs: int) -> None:
    with scratch_database(url) as engine:
        start = time.perf_counter()
        actor, total = _build(engine)
        analyse(engine)
        print(
            f"{engine.dialect.name}: built {total} accounts in {time.perf_counter() - start:.1f} s"
        )

        def page(label: str, query) -> None:
            measure(
                label,
                lambda s: account_page(session=s, actor=actor, query=query),
                runs,
                lambda p: f"; {p.total} match, page {p.page} of {p.pages}",
            )

        page("first", account_query())
        page("last", account_query(sort="email", descending=True, page=10**6))
        page("filtered", account_query(role="learner", group_id=7, status="active"))
        page("search", account_query(text="learner 012"))


def main() -> None:
    scratch_school.main(__doc__.splitlines()[0], run)


if __name__ == "__main__":
    main()
