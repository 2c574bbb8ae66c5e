"""Build ``examples/oneroster-sample.zip``: a small OneRoster 1.2 export for the demo school.

Run from the project folder:

    .venv/bin/python examples/make_oneroster_sample.py               # for the semester running today
    .venv/bin/python examples/make_oneroster_sample.py --today 2027-03-01

The package adds a new tutor group, 8C, to Fjordside International School (the demo school
of ``ilp_app.seed``): its tutor (a teacher), six learners and their parents, and a Music 8
class the same learners take. Its one academic session has the name and dates of the demo
school's current semester, so the import recognises that period instead of adding another.

The output is deterministic: the same date gives a byte-identical zip (fixed member order,
timestamps and compression).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ilp_app.domain import oneroster_headers as headers  # noqa: E402
from ilp_app.seed import DOMAIN, SITE_NAME, ascii_fold, demo_periods  # noqa: E402

OUT = Path(__file__).resolve().parent / "oneroster-sample.zip"
ORG = "org-fjordside"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# (sourcedId, given name, family name, preferred given name, pronouns)
TEACHER = ("staff-ragnhild-saebo", "Ragnhild", "Sæbø", "", "she/her")
LEARNERS = (
    ("pupil-ebba-gjorv", "Ebba", "Gjørv", "", "she/her"),
    ("pupil-nils-aberg", "Nils", "Åberg", "", "he/him"),
    ("pupil-tuva-lindstrom", "Tuva", "Lindstrøm", "Tuvi", ""),
    ("pupil-kacper-wrobel", "Kacper", "Wróbel", "", "he/him"),
    ("pupil-chloe-dubois", "Chloé", "Dubois", "", "she/her"),
    ("pupil-ines-gjorv", "Inés", "Gjørv", "", ""),
)
# (sourcedId, given name, family name, OneRoster role, children)
PARENTS = (
    ("parent-marte-gjorv", "Marte", "Gjørv", "parent", ("pupil-ebba-gjorv", "pupil-ines-gjorv")),
    ("parent-oddvar-aberg", "Oddvar", "Åberg", "parent", ("pupil-nils-aberg",)),
    ("parent-sunniva-lindstrom", "Sunniva", "Lindstrøm", "guardian", ("pupil-tuva-lindstrom",)),
    ("parent-agata-wrobel", "Agata", "Wróbel", "parent", ("pupil-kacper-wrobel",)),
    ("parent-camille-dubois", "Camille", "Dubois", "relative", ("pupil-chloe-dubois",)),
)


def _csv(header: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def _email(given: str, family: str) -> str:
    return f"{ascii_fold(given)}.{ascii_fold(family)}@{DOMAIN}".replace(" ", "")


def build(today: date) -> bytes:
    """The sample package for the demo school's semester running on ``today``."""
    _, (term_name, starts_on, ends_on), _ = demo_periods(today)
    stamp = f"{starts_on.isoformat()}T08:00:00Z"
    term = f"term-{term_name.lower().replace(' ', '-')}"
    common = {"status": "active", "dateLastModified": stamp}
    files: dict[str, bytes] = {}
    files["manifest.csv"] = _csv(
        ("propertyName", "value"),
        [
            {"propertyName": k, "value": v}
            for k, v in (
                ("manifest.version", "1.0"),
                ("oneroster.version", "1.2"),
                ("file.academicSessions", "bulk"),
                ("file.classes", "bulk"),
                ("file.courses", "bulk"),
                ("file.demographics", "absent"),
                ("file.enrollments", "bulk"),
                ("file.orgs", "bulk"),
                ("file.roles", "bulk"),
                ("file.users", "bulk"),
                ("source.systemName", "ILP example"),
                ("source.systemCode", "ilp-example"),
            )
        ],
    )
    files["orgs.csv"] = _csv(
        headers.ORGS,
        [{**common, "sourcedId": ORG, "name": SITE_NAME, "type": "school"}],
    )
    files["academicSessions.csv"] = _csv(
        headers.ACADEMIC_SESSIONS,
        [
            {
                **common,
                "sourcedId": term,
                "title": term_name,
                "type": "semester",
                "startDate": starts_on.isoformat(),
                "endDate": ends_on.isoformat(),
                "schoolYear": str(ends_on.year if starts_on.month < 7 else ends_on.year + 1),
            }
        ],
    )
    files["courses.csv"] = _csv(
        headers.COURSES,
        [
            {
                **common,
                "sourcedId": "course-tutor-8",
                "title": "Tutor group, Year 8",
                "grades": "08",
                "orgSourcedId": ORG,
            },
            {
                **common,
                "sourcedId": "course-music-8",
                "title": "Music 8",
                "grades": "08",
                "orgSourcedId": ORG,
                "subjects": "Music",
            },
        ],
    )
    classes = (
        ("class-8c", "8C", "course-tutor-8", "homeroom"),
        ("class-music-8c", "Music 8", "course-music-8", "scheduled"),
    )
    files["classes.csv"] = _csv(
        headers.CLASSES,
        [
            {
                **common,
                "sourcedId": sid,
                "title": title,
                "grades": "08",
                "courseSourcedId": course,
                "classType": kind,
                "schoolSourcedId": ORG,
                "termSourcedIds": term,
            }
            for sid, title, course, kind in classes
        ],
    )
    users, roles = [], []
    parents_of: dict[str, list[str]] = {}
    for sid, _, _, _, children in PARENTS:
        for child in children:
            parents_of.setdefault(child, []).append(sid)

    def person(sid, given, family, preferred="", pronouns="", agents=(), grades=""):
        email = _email(given, family)
        users.append(
            {
                **common,
                "sourcedId": sid,
                "enabledUser": "true",
                "username": email,
                "givenName": given,
                "familyName": family,
                "email": email,
                "agentSourcedIds": ",".join(agents),
                "grades": grades,
                "preferredGivenName": preferred,
                "primaryOrgSourcedId": ORG,
                "pronouns": pronouns,
            }
        )

    person(*TEACHER)
    for sid, given, family, preferred, pronouns in LEARNERS:
        person(sid, given, family, preferred, pronouns, parents_of.get(sid, ()), "08")
    for sid, given, family, _, children in PARENTS:
        person(sid, given, family, agents=children)
    role_rows = (
        [(TEACHER[0], "teacher")]
        + [(s[0], "student") for s in LEARNERS]
        + [(p[0], p[3]) for p in PARENTS]
    )
    for n, (sid, role) in enumerate(role_rows, start=1):
        roles.append(
            {
                **common,
                "sourcedId": f"role-{n:03d}",
                "userSourcedId": sid,
                "roleType": "primary",
                "role": role,
                "orgSourcedId": ORG,
            }
        )
    files["users.csv"] = _csv(headers.USERS_12, users)
    files["roles.csv"] = _csv(
        headers.ROLES,
        roles,
    )
    enrollments = []
    for class_sid, *_ in classes:
        enrollments.append(
            {
                **common,
                "sourcedId": f"enr-{class_sid}-{TEACHER[0]}",
                "classSourcedId": class_sid,
                "schoolSourcedId": ORG,
                "userSourcedId": TEACHER[0],
                "role": "teacher",
                "primary": "true",
            }
        )
        enrollments += [
            {
                **common,
                "sourcedId": f"enr-{class_sid}-{sid}",
                "classSourcedId": class_sid,
                "schoolSourcedId": ORG,
                "userSourcedId": sid,
                "role": "student",
                "primary": "false",
            }
            for sid, *_ in LEARNERS
        ]
    files["enrollments.csv"] = _csv(
        headers.ENROLLMENTS,
        enrollments,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        help="the date whose semester the sample is for (default: today)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.write_bytes(build(args.today))
    print(f"Wrote {args.out} for {demo_periods(args.today)[1][0]}.")


if __name__ == "__main__":
    main()
