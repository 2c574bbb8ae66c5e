"""OneRoster import of a large school: 10,000 people with their enrollments and parent links.

Builds a synthetic OneRoster 1.1 package (deterministic: same bytes every run) with 10,000
users (6,000 learners, 3,600 parents, 400 teachers), 300 classes (40 homerooms, 260 subject
classes), about 30,000 enrollments and 6,000 parent links, then measures on a fresh database:

* validation: ``roster_validate`` (read the zip, check every row, compare with the school);
* import: ``roster_import`` into a school that has none of it yet (a fresh database each run);
* re-import: the same file again, which changes nothing;
* baseline: a plain executemany INSERT of the same users, roles, enrollments and links, with
  no checks, in the same run and on the same database, so the ratio says what the import's
  reading, checking and comparing cost on this machine.

    .venv/bin/python -m bench.roster_import                       # SQLite
    .venv/bin/python -m bench.roster_import --postgres postgresql://postgres@127.0.0.1:5432/bench_db
    ILP_TEST_POSTGRES_URL=postgresql://... .venv/bin/python -m bench.roster_import

PostgreSQL runs DROP SCHEMA public CASCADE on the database it is given: point it at a scratch
database. Figures are printed, never judged; the target is an import under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from ilp_app.db.engine import make_engine, use_engine  # noqa: E402
from ilp_app.db.models import Enrollment, Group, Guardianship, RoleGrant, Site, User  # noqa: E402
from ilp_app.domain import oneroster_headers as headers  # noqa: E402
from ilp_app.domain.permissions import Actor  # noqa: E402
from ilp_app.domain.roles import Role  # noqa: E402
from ilp_app.services.roster.roster_import import roster_import, roster_validate  # noqa: E402
from ilp_app.services.uow import unit_of_work  # noqa: E402

LEARNERS, PARENTS, TEACHERS = 6000, 3600, 400
HOMEROOMS, SUBJECT_CLASSES = 40, 260
CLASSES_PER_LEARNER = 4
ORG = "org-bench"
STAMP = "2026-08-18T08:00:00Z"


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def build_package() -> tuple[bytes, dict[str, int]]:
    """The synthetic package and how many rows of each kind it holds."""
    learners = [f"s{i:05d}" for i in range(LEARNERS)]
    parents = [f"p{i:05d}" for i in range(PARENTS)]
    teachers = [f"t{i:04d}" for i in range(TEACHERS)]
    classes = [(f"h{i:03d}", f"Tutor {i:03d}", "homeroom") for i in range(HOMEROOMS)]
    classes += [(f"c{i:03d}", f"Subject {i:03d}", "scheduled") for i in range(SUBJECT_CLASSES)]
    # Each parent has one or two children (every fifth has two); learners are shared round-robin.
    children = {
        p: [learners[(2 * n) % LEARNERS]]
        + ([learners[(2 * n + 1) % LEARNERS]] if n % 5 == 0 else [])
        for n, p in enumerate(parents)
    }
    users = []
    for sid in learners:
        users.append(
            [
                sid,
                "active",
                STAMP,
                "true",
                ORG,
                "student",
                sid,
                "",
                "Åsa",
                f"Ødegård {sid}",
                "",
                "",
                f"{sid}@bench.school",
                "",
                "",
                "",
                "08",
                "",
            ]
        )
    for sid in parents:
        users.append(
            [
                sid,
                "active",
                STAMP,
                "true",
                ORG,
                "parent",
                sid,
                "",
                "Kari",
                f"Nordmann, {sid}",
                "",
                "",
                f"{sid}@bench.school",
                "",
                "",
                ",".join(children[sid]),
                "",
                "",
            ]
        )
    for sid in teachers:
        users.append(
            [
                sid,
                "active",
                STAMP,
                "true",
                ORG,
                "teacher",
                sid,
                "",
                "Ingrid",
                f"Lærer {sid}",
                "",
                "",
                f"{sid}@bench.school",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    enrollments = []
    for n, (cid, _, _) in enumerate(classes):
        enrollments.append(
            [
                f"e-{cid}-t",
                "active",
                STAMP,
                cid,
                ORG,
                teachers[n % TEACHERS],
                "teacher",
                "true",
                "",
                "",
            ]
        )
    for n, sid in enumerate(learners):
        taken = [classes[n % HOMEROOMS][0]] + [
            classes[HOMEROOMS + (n * 7 + k * 37) % SUBJECT_CLASSES][0]
            for k in range(CLASSES_PER_LEARNER)
        ]
        for cid in dict.fromkeys(taken):
            enrollments.append(
                [f"e-{cid}-{sid}", "active", STAMP, cid, ORG, sid, "student", "false", "", ""]
            )
    files = {
        "manifest.csv": _csv(
            ["propertyName", "value"],
            [
                ["manifest.version", "1.0"],
                ["oneroster.version", "1.1"],
                ["file.orgs", "bulk"],
                ["file.academicSessions", "bulk"],
                ["file.classes", "bulk"],
                ["file.users", "bulk"],
                ["file.enrollments", "bulk"],
                ["file.courses", "absent"],
                ["file.demographics", "absent"],
            ],
        ),
        "orgs.csv": _csv(
            list(headers.ORGS),
            [[ORG, "active", STAMP, "Bench School", "school", "", ""]],
        ),
        "academicSessions.csv": _csv(
            list(headers.ACADEMIC_SESSIONS),
            [
                [
                    "y2027",
                    "active",
                    STAMP,
                    "2026-2027",
                    "schoolYear",
                    "2026-08-18",
                    "2027-06-20",
                    "",
                    "2027",
                ]
            ],
        ),
        "classes.csv": _csv(
            list(headers.CLASSES),
            [
                [cid, "active", STAMP, title, "08", "", "", kind, "", ORG, "y2027", "", "", ""]
                for cid, title, kind in classes
            ],
        ),
        "users.csv": _csv(list(headers.USERS_11), users),
        "enrollments.csv": _csv(
            list(headers.ENROLLMENTS),
            enrollments,
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    links = sum(len(c) for c in children.values())
    return buffer.getvalue(), {
        "users": len(users),
        "classes": len(classes),
        "enrollments": len(enrollments),
        "links": links,
    }


class Database:
    """A fresh, empty schema with one site and its administrator, on SQLite or PostgreSQL."""

    def __init__(self, postgres_url: str | None, workdir: Path):
        self.postgres_url, self.workdir, self.n = postgres_url, workdir, 0

    def fresh(self) -> tuple[sa.Engine, Actor]:
        self.n += 1
        if self.postgres_url:
            engine = make_engine(self.postgres_url)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            engine = make_engine(f"sqlite:///{self.workdir / f'bench{self.n}.db'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as s:
            site = Site(name="Bench School")
            s.add(site)
            s.flush()
            admin = User(site_id=site.id, email="admin@bench.school", full_name="Admin")
            s.add(admin)
            s.flush()
            s.add(RoleGrant(user_id=admin.id, role=Role.ADMINISTRATOR.value))
            s.commit()
            actor = Actor(user_id=admin.id, roles=frozenset({Role.ADMINISTRATOR}), site_id=site.id)
        use_engine(engine)
        return engine, actor


def timed(fn: Callable[[], object], cpu: list[float] | None = None) -> float:
    """Wall-clock seconds of ``fn()``; this process's CPU seconds are appended to ``cpu``."""
    start, start_cpu = time.perf_counter(), time.process_time()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return time.perf_counter() - start


def baseline_insert(engine: sa.Engine, site_id: int, counts: dict[str, int]) -> None:
    """The same number of users, roles, groups, enrollments and links, inserted with no checks."""
    now = datetime.now(UTC)
    users = [
        {
            "site_id": site_id,
            "email": f"u{i}@plain.school",
            "full_name": f"Person {i}",
            "preferred_name": "",
            "pronouns": "",
            "is_active": True,
            "password_hash": None,
            "must_change_password": False,
            "password_changed_at": None,
            "created_at": now,
            "updated_at": now,
            "pronouns_visibility": "family",
            "source_id": f"u{i}",
            "source_modified_at": now,
            "retired_at": None,
            "erased_at": None,
        }
        for i in range(counts["users"])
    ]
    with Session(engine) as s:
        user_ids = [
            r.id
            for r in s.exec(
                sa.insert(User).returning(User.id, sort_by_parameter_order=True), params=users
            ).all()
        ]
        groups = [
            {
                "site_id": site_id,
                "name": f"G{i}",
                "kind": "class",
                "year_label": "",
                "course": "",
                "source_id": f"g{i}",
                "retired_at": None,
            }
            for i in range(counts["classes"])
        ]
        group_ids = [
            r.id
            for r in s.exec(
                sa.insert(Group).returning(Group.id, sort_by_parameter_order=True), params=groups
            ).all()
        ]
        s.exec(sa.insert(RoleGrant), params=[{"user_id": u, "role": "learner"} for u in user_ids])
        pairs = {
            (group_ids[i % len(group_ids)], user_ids[(i * 7) % len(user_ids)])
            for i in range(counts["enrollments"])
        }
        s.exec(
            sa.insert(Enrollment),
            params=[
                {"group_id": g, "user_id": u, "role": "learner", "source_id": f"e{g}-{u}"}
                for g, u in pairs
            ],
        )
        links = {(user_ids[i], user_ids[-1 - i]) for i in range(counts["links"])}
        s.exec(
            sa.insert(Guardianship),
            params=[
                {"parent_id": p, "learner_id": c, "relationship_label": "", "from_roster": True}
                for p, c in links
            ],
        )
        s.commit()


def run(label: str, db: Database, data: bytes, counts: dict[str, int], runs: int) -> None:
    progress_calls = []
    validate_s, import_s, reimport_s, baseline_s, import_cpu = [], [], [], [], []
    for _ in range(runs):
        engine, actor = db.fresh()

        def validate(actor=actor):
            with unit_of_work() as s:
                report = roster_validate(session=s, actor=actor, data=data, filename="bench.zip")
            assert not report.fatal and report.counts["people"]["created"] == counts["users"], (
                report.counts
            )

        def do_import(actor=actor):
            with unit_of_work() as s:
                return roster_import(
                    session=s,
                    actor=actor,
                    data=data,
                    filename="bench.zip",
                    progress=lambda done, total: progress_calls.append(done),
                )

        validate_s.append(timed(validate))
        import_s.append(timed(do_import, import_cpu))
        reimport_s.append(timed(do_import))
        with unit_of_work() as s:
            again = roster_import(session=s, actor=actor, data=data, filename="bench.zip")
        changes = again.changes()
        with Session(engine) as s:
            stored = s.exec(sa.select(sa.func.count()).select_from(Enrollment)).scalar_one()
        engine.dispose()
        engine, actor = db.fresh()
        baseline_s.append(
            timed(lambda engine=engine, actor=actor: baseline_insert(engine, actor.site_id, counts))
        )
        engine.dispose()
    med = statistics.median
    print(f"\n{label}: median of {runs} run{'s' if runs != 1 else ''} (fresh database each)")
    print(f"  validate (read, check, compare)  {med(validate_s):7.2f} s")
    print(
        f"  import into an empty school      {med(import_s):7.2f} s   target < 60 s on 2 cores "
        f"(this process's CPU {med(import_cpu):.2f} s)"
    )
    print(
        f"  re-import, same file (no-op)     {med(reimport_s):7.2f} s   changes on a third import: {changes}"
    )
    print(
        f"  baseline plain executemany       {med(baseline_s):7.2f} s   import / baseline = "
        f"{med(import_s) / med(baseline_s):.1f}x"
    )
    print(
        f"  enrollments stored {stored:,}; progress callbacks per import ~{len(progress_calls) // runs}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ILP_TEST_POSTGRES_URL", ""),
        help="also run on this PostgreSQL database (its public schema is dropped)",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    data, counts = build_package()
    print(
        f"package: {len(data) / 1024:.0f} KiB zip; {counts['users']:,} users, {counts['classes']} classes, "
        f"{counts['enrollments']:,} enrollments, {counts['links']:,} parent links "
        f"(built in {time.perf_counter() - started:.2f} s); {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at start"
    )
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sqlite:
            run("SQLite", Database(None, Path(tmp)), data, counts, args.runs)
        if args.postgres:
            url = args.postgres
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            run("PostgreSQL", Database(url, Path(tmp)), data, counts, args.runs)
    use_engine(None)


if __name__ == "__main__":
    main()
