"""What a OneRoster package's rows mean here: checked row by row, mapped to plain records.

Pure: a :class:`~ilp_app.domain.oneroster.Package` and what the school already holds
(:class:`Known`) in; a :class:`Roster` of records and findings out.

Rules, each reported with its file, line and column:

* a row without a ``sourcedId``, with a second use of a ``sourcedId`` in the same file, with a
  ``status`` other than active/tobedeleted (or ``inactive``, read as tobedeleted with a warning),
  or with a date that cannot be read is an **error**: that row is not imported (the first row
  with a repeated ``sourcedId`` is). The exception is ``dateLastModified`` in a bulk file: the row
  is imported with a warning and its last change is treated as unknown;
* a row this app has no place for is a **warning** and is left out: a role with no counterpart
  here (only student, teacher, guardian/parent/relative and administrator are used), a grading
  period, a record of another school, an enrollment in a class or of a person that is not
  imported;
* a parent whose ``agentSourcedIds`` names a child who is not imported (or the reverse) is a
  **warning**: the person is imported and that one link is not made.

Records of one school (org) are imported: the one the site was imported from before, or else
the only school in orgs.csv (or the one named like the site, when there are several).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ilp_app.domain.oneroster import FATAL, Finding, Package, Table
from ilp_app.domain.oneroster_people import read_people
from ilp_app.domain.oneroster_records import (
    MSG_LOCAL_DATE,
    REQUIRED_COLUMNS,
    EnrollmentRec,
    GroupRec,
    Known,
    PeriodRec,
    Roster,
    RowReader,
    columns_present,
    local_date,
)

ENROLLMENT_ROLES = {"student": "learner", "teacher": "teacher"}
PERIOD_TYPES = frozenset({"term", "semester", "schoolyear"})
CLASS_TYPES = {"homeroom": "tutor", "scheduled": "class", "": "class"}


def _choose_org(roster: Roster, package: Package, known: Known) -> None:
    table = package.tables.get("orgs")
    orgs: list[tuple[str, str, str]] = []  # (sourcedId, name, type)
    if table is not None and columns_present(roster, table, REQUIRED_COLUMNS["orgs"]):
        reader = RowReader(roster, table)

        def removed(line: int, sid: str, _modified: datetime | None) -> None:
            if sid == known.site_org:
                reader.note(
                    line,
                    "status",
                    "The school itself is not retired by an import; this row is ignored.",
                )

        orgs = [(sid, row["name"], row["type"].lower()) for _, row, sid, _ in reader.rows(removed)]
    if roster.fatal:
        return
    if known.site_org:
        roster.org_id = known.site_org
        roster.org_name = next(
            (name for sid, name, _ in orgs if sid == known.site_org), known.site_name
        )
        if (
            table is not None
            and roster.mode("orgs") == "bulk"
            and all(sid != known.site_org for sid, _, _ in orgs)
        ):
            roster.findings.append(
                Finding(
                    "orgs.csv",
                    0,
                    "",
                    f"This school was imported from the org "
                    f"“{known.site_org}”, which is not in this file. Import that school's "
                    "export.",
                    FATAL,
                )
            )
        return
    if table is None:
        roster.findings.append(
            Finding(
                "orgs.csv",
                0,
                "",
                "The first import of a school needs orgs.csv, to know "
                "which school the file is for.",
                FATAL,
            )
        )
        return
    schools = [o for o in orgs if o[2] == "school"] or orgs
    if len(schools) > 1:
        named = [o for o in schools if o[1].casefold() == known.site_name.casefold()]
        if len(named) != 1:
            names = ", ".join(f"{name} ({sid})" for sid, name, _ in schools[:5])
            roster.findings.append(
                Finding(
                    "orgs.csv",
                    0,
                    "name",
                    f"The file holds several schools ({names}) and "
                    f"none is named “{known.site_name}”. Export one school, or rename "
                    "this school to match.",
                    FATAL,
                )
            )
            return
        schools = named
    if not schools:
        roster.findings.append(Finding("orgs.csv", 0, "", "orgs.csv lists no school.", FATAL))
        return
    roster.org_id, roster.org_name = schools[0][0], schools[0][1]


def _tombstones(records: list, record: type) -> Callable[[int, str, datetime | None], None]:
    """Where a ``tobedeleted`` row goes: a record of its kind that only says it is deleted."""
    return lambda line, sid, _modified: records.append(record(sid, line, deleted=True))


def _periods(roster: Roster, table: Table) -> None:
    reader = RowReader(roster, table)
    for line, row, sid, _ in reader.rows(_tombstones(roster.periods, PeriodRec)):
        if not reader.needed(line, row, "title", "type", "startDate", "endDate"):
            continue
        kind = row["type"].lower()
        if kind == "gradingperiod":
            reader.note(
                line, "type", "Grading periods are not used as plan periods; this row is left out."
            )
            continue
        if kind not in PERIOD_TYPES:
            reader.error(
                line,
                "type",
                f"type “{row['type'][:40]}” is not term, semester, schoolYear or gradingPeriod.",
            )
            continue
        if reader.elsewhere(line, row, "orgSourcedId", "period"):
            continue
        try:
            starts, ends = date.fromisoformat(row["startDate"]), date.fromisoformat(row["endDate"])
        except ValueError:
            local = next((c for c in ("startDate", "endDate") if local_date(row[c])), None)
            if local is not None:
                # A period's dates change what plans cover: never guessed, not even in bulk.
                reader.error(line, local, MSG_LOCAL_DATE.format(column=local))
            else:
                reader.error(
                    line, "startDate", "startDate and endDate must be dates such as 2026-08-18."
                )
            continue
        if ends < starts:
            reader.error(line, "endDate", "endDate is before startDate.")
            continue
        if reader.fits(line, "title", row["title"], 100):
            roster.periods.append(
                PeriodRec(sid, line, name=row["title"], starts_on=starts, ends_on=ends)
            )


def _courses(roster: Roster, table: Table | None) -> dict[str, str]:
    if table is None:
        return {}
    reader = RowReader(roster, table)
    return {
        sid: row["title"]
        for line, row, sid, _ in reader.rows()
        if reader.needed(line, row, "title") and reader.fits(line, "title", row["title"], 200)
    }


def _groups(roster: Roster, table: Table, courses: dict[str, str], courses_read: bool) -> None:
    reader = RowReader(roster, table)
    for line, row, sid, _ in reader.rows(_tombstones(roster.groups, GroupRec)):
        if not reader.needed(line, row, "title", "schoolSourcedId") or not reader.fits(
            line, "title", row["title"], 100
        ):
            continue
        if reader.elsewhere(line, row, "schoolSourcedId", "class"):
            continue
        class_type = row.get("classType", "").lower()
        if class_type not in CLASS_TYPES:
            reader.error(
                line,
                "classType",
                f"classType “{row['classType'][:40]}” is not homeroom or scheduled.",
            )
            continue
        course = None
        course_id = row.get("courseSourcedId", "")
        if courses_read:
            course = courses.get(course_id, "")
            if course_id and course_id not in courses:
                reader.note(
                    line,
                    "courseSourcedId",
                    f"Course “{course_id}” is not in courses.csv; the group is "
                    "imported without a course.",
                )
        roster.groups.append(
            GroupRec(sid, line, name=row["title"], kind=CLASS_TYPES[class_type], course=course)
        )


def _enrollments(roster: Roster, table: Table, known: Known) -> None:
    reader = RowReader(roster, table)
    groups = (set(known.groups) | {g.source_id for g in roster.groups}) - {
        g.source_id for g in roster.groups if g.deleted
    }
    people = (set(known.people) | {p.source_id for p in roster.people}) - {
        p.source_id for p in roster.people if p.deleted
    }
    for line, row, sid, _ in reader.rows(_tombstones(roster.enrollments, EnrollmentRec)):
        if not reader.needed(line, row, "classSourcedId", "userSourcedId", "role"):
            continue
        if reader.elsewhere(line, row, "schoolSourcedId", "enrollment"):
            continue
        role = ENROLLMENT_ROLES.get(row["role"].lower())
        if role is None:
            reader.note(
                line,
                "role",
                f"Enrollments as “{row['role'][:40]}” are not used here; this one is left out.",
            )
        elif row["classSourcedId"] not in groups:
            reader.note(
                line,
                "classSourcedId",
                f"Class “{row['classSourcedId']}” is not among the classes "
                "imported; this enrollment is left out.",
            )
        elif row["userSourcedId"] not in people:
            reader.note(
                line,
                "userSourcedId",
                f"Person “{row['userSourcedId']}” is not among the people "
                "imported; this enrollment is left out.",
            )
        else:
            roster.enrollments.append(
                EnrollmentRec(
                    sid,
                    line,
                    group_source_id=row["classSourcedId"],
                    person_source_id=row["userSourcedId"],
                    role=role,
                )
            )


def roster_from_package(package: Package, known: Known) -> Roster:
    """Check every row of ``package`` and map what this app uses to records.

    Args:
        package: as read by :func:`ilp_app.domain.oneroster.read_package`.
        known: what the school already holds from earlier imports.

    Returns:
        The roster. Its findings are the package's, then each file's in the order read; when
        ``roster.fatal`` is True nothing may be imported.
    """
    roster = Roster(
        version=package.version,
        modes=dict(package.modes),
        findings=list(package.findings),
        rows_read={name: table.read for name, table in package.tables.items()},
    )
    if package.fatal:
        return roster
    for name, table in package.tables.items():
        if name not in ("orgs", "roles", "users"):
            columns_present(roster, table, REQUIRED_COLUMNS[name])
    if roster.fatal:
        return roster
    _choose_org(roster, package, known)
    if roster.fatal:
        return roster
    if "academicSessions" in package.tables:
        _periods(roster, package.tables["academicSessions"])
    courses = _courses(roster, package.tables.get("courses"))
    if "classes" in package.tables:
        _groups(roster, package.tables["classes"], courses, "courses" in package.tables)
    if "users" in package.tables:
        read_people(roster, package, known)
    if roster.fatal:
        return roster
    if "enrollments" in package.tables:
        _enrollments(roster, package.tables["enrollments"], known)
    return roster
