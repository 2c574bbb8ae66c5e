"""A OneRoster package's rows as this app reads them: the records, and the checks every row gets.

Pure. :class:`Roster` holds what an import would bring (one school's periods, groups, people,
enrollments and parent links) with the findings made while reading it; :class:`Known` is what
the school already holds from earlier imports. The row checks shared by every file (a
``sourcedId``, a status, a last-modified date, required values) live in :class:`RowReader`.

Two of them meet exporters halfway, each with a warning: ``inactive`` (OneRoster 1.0) is read as
``tobedeleted``, and in a bulk file a ``dateLastModified`` that cannot be read leaves the row's
last change unknown instead of dropping the row. In a delta file it stays an error, because
there the order of changes depends on it. A local date such as ``1/05/2023`` is never guessed:
its day and month cannot be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ilp_app.domain.oneroster import ERROR, FATAL, WARNING, Checked, Finding, Table
from ilp_app.domain.roles import Role

MAX_SOURCED_ID = 255

#: A date written the local way (1/05/2023, 01.05.23, 1-5-2023): day and month order unknown.
LOCAL_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:\D|$)")
MSG_LOCAL_DATE = (
    "{column} could not be read: in a local date such as 1/05/2023 the day and month are "
    "ambiguous, so it is not guessed."
)
MSG_BAD_STAMP = (
    "dateLastModified could not be read: it should be a date and time such as 2026-08-18T09:00:00Z."
)
MSG_STAMP_UNKNOWN = " The row is imported; its last change is treated as unknown."
MSG_STAMP_NEEDED = " A delta file needs it to put changes in order."
MSG_INACTIVE = "status “inactive” (from OneRoster 1.0) is read as tobedeleted."
#: Each kind of record and the file its rows come from (parent links have no file of their own).
KIND_FILES = {
    "people": "users",
    "groups": "classes",
    "periods": "academicSessions",
    "enrollments": "enrollments",
}

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate"),
    "courses": ("sourcedId", "title"),
    "classes": ("sourcedId", "title", "schoolSourcedId"),
    "users": ("sourcedId", "givenName", "familyName"),
    "roles": ("sourcedId", "userSourcedId", "role", "orgSourcedId"),
    "enrollments": ("sourcedId", "classSourcedId", "userSourcedId", "role"),
}


@dataclass(frozen=True)
class Known:
    """What the school holds from earlier imports (active records only), by ``sourcedId``."""

    site_org: str | None = None
    site_name: str = ""
    people: dict[str, frozenset[Role]] = field(default_factory=dict)
    groups: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PeriodRec:
    source_id: str
    line: int
    deleted: bool = False
    name: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class GroupRec:
    source_id: str
    line: int
    deleted: bool = False
    name: str = ""
    kind: str = "class"
    course: str | None = None  # None: leave the group's course as it is


@dataclass(frozen=True)
class PersonRec:
    source_id: str
    line: int
    deleted: bool = False
    modified: datetime | None = None
    roles: frozenset[Role] = frozenset()
    full_name: str = ""
    preferred_name: str | None = None  # None: the file has no preferred-name columns (1.1)
    pronouns: str | None = None  # None: the file has no pronouns column (1.1)
    email: str = ""  # "" when the file gives no usable address
    enabled: bool = True
    relation: str = (
        ""  # a parent's relationship to their children: "Parent", "Guardian" or "Relative"
    )


@dataclass(frozen=True)
class EnrollmentRec:
    source_id: str
    line: int
    deleted: bool = False
    group_source_id: str = ""
    person_source_id: str = ""
    role: str = ""


@dataclass
class Roster(Checked):
    """The package's content for one school, ready to compare with the database."""

    version: str
    modes: dict[str, str]
    org_id: str = ""
    org_name: str = ""
    periods: list[PeriodRec] = field(default_factory=list)
    groups: list[GroupRec] = field(default_factory=list)
    people: list[PersonRec] = field(default_factory=list)
    enrollments: list[EnrollmentRec] = field(default_factory=list)
    links: set[tuple[str, str]] = field(
        default_factory=set
    )  # (parent sourcedId, learner sourcedId)
    links_managed: bool = False  # users.csv has agentSourcedIds: its links are the roster's word
    link_owners: set[str] = field(default_factory=set)  # parents whose row lists all their children
    seen: dict[str, set[str]] = field(default_factory=dict)  # every sourcedId per file, any row
    rows_read: dict[str, int] = field(default_factory=dict)  # data rows per file, refused included
    findings: list[Finding] = field(default_factory=list)

    def arrivals(self) -> dict[str, dict[str, int]]:
        """Per kind of record, how many rows its file holds and how many of them are left out.

        A row is left out when its errors, or a warning, keep it from the import: it never
        reaches the comparison with the school. Files not in the package are not counted.
        """
        records = {
            "people": self.people,
            "groups": self.groups,
            "periods": self.periods,
            "enrollments": self.enrollments,
        }
        return {
            kind: {
                "in_file": self.rows_read[file],
                "left_out": self.rows_read[file] - len(records[kind]),
            }
            for kind, file in KIND_FILES.items()
            if file in self.rows_read
        }


def split_ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def local_date(value: str) -> bool:
    """Whether ``value`` is a date in a local order (1/05/2023), which is never guessed."""
    return bool(LOCAL_DATE.match(value.strip()))


def _parse_timestamp(value: str) -> datetime:
    text = value.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class RowReader:
    """Checks of one table's rows, collecting findings into the roster."""

    def __init__(self, roster: Roster, table: Table):
        self.roster, self.table = roster, table
        self.delta = roster.mode(table.name) == "delta"
        self.first_line: dict[str, int] = {}
        roster.seen.setdefault(table.name, set())

    def note(self, line: int, column: str, problem: str, severity: str = WARNING) -> None:
        self.roster.findings.append(Finding(self.table.filename, line, column, problem, severity))

    def error(self, line: int, column: str, problem: str) -> None:
        self.note(line, column, problem + " This row is not imported.", ERROR)

    def common(self, line: int, row: dict[str, str]) -> tuple[str, bool, datetime | None] | None:
        """The row's sourcedId, whether it is to be deleted, and its last change; None for a bad row."""
        sid = row["sourcedId"]
        if not sid:
            self.error(line, "sourcedId", "sourcedId is empty.")
            return None
        if len(sid) > MAX_SOURCED_ID:
            self.error(line, "sourcedId", f"sourcedId is longer than {MAX_SOURCED_ID} characters.")
            return None
        self.roster.seen[self.table.name].add(sid)
        if sid in self.first_line:
            self.error(
                line,
                "sourcedId",
                f"sourcedId “{sid}” is used twice in this file (first on line "
                f"{self.first_line[sid]}).",
            )
            return None
        self.first_line[sid] = line
        status = row.get("status", "").lower()
        if status == "inactive":
            self.note(line, "status", MSG_INACTIVE)
            status = "tobedeleted"
        elif status not in ("", "active", "tobedeleted"):
            self.error(
                line, "status", f"status “{row['status'][:40]}” is not active or tobedeleted."
            )
            return None
        modified = None
        stamp = row.get("dateLastModified", "")
        if stamp:
            try:
                modified = _parse_timestamp(stamp)
            except ValueError:
                problem = (
                    MSG_LOCAL_DATE.format(column="dateLastModified")
                    if local_date(stamp)
                    else MSG_BAD_STAMP
                )
                if self.delta:
                    self.error(line, "dateLastModified", problem + MSG_STAMP_NEEDED)
                    return None
                # In a bulk file the row is the school's whole truth whatever its date: only
                # the check "older than the last import" is lost.
                self.note(line, "dateLastModified", problem + MSG_STAMP_UNKNOWN)
        elif self.delta:
            self.error(line, "dateLastModified", "dateLastModified is required in a delta file.")
            return None
        return sid, status == "tobedeleted", modified

    def rows(
        self, removed: Callable[[int, str, datetime | None], object] | None = None
    ) -> Iterator[tuple[int, dict[str, str], str, datetime | None]]:
        """(line, row, sourcedId, last change) of each row that passes :meth:`common` and stays.

        A ``tobedeleted`` row is not yielded: it goes to ``removed(line, sourcedId, last change)``
        when given, and is passed over otherwise.
        """
        for line, row in self.table.rows:
            common = self.common(line, row)
            if common is None:
                continue
            sid, deleted, modified = common
            if not deleted:
                yield line, row, sid, modified
            elif removed is not None:
                removed(line, sid, modified)

    def elsewhere(self, line: int, row: dict[str, str], column: str, what: str) -> bool:
        """Whether ``column`` names another school than the roster's; such a row is noted as left out."""
        org = row.get(column, "")
        if org and org != self.roster.org_id:
            self.note(
                line, column, f"This {what} belongs to another school ({org}); it is left out."
            )
            return True
        return False

    def needed(self, line: int, row: dict[str, str], *columns: str) -> bool:
        for column in columns:
            if not row.get(column, ""):
                self.error(line, column, f"{column} is empty.")
                return False
        return True

    def fits(self, line: int, column: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.error(line, column, f"{column} is longer than {limit} characters.")
            return False
        return True


def columns_present(roster: Roster, table: Table, required: tuple[str, ...]) -> bool:
    missing = [c for c in required if not table.has(c)]
    for column in missing:
        roster.findings.append(
            Finding(
                table.filename,
                1,
                column,
                f"The required column “{column}” is missing from the header.",
                FATAL,
            )
        )
    return not missing
