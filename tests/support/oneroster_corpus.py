"""OneRoster packages as real exporters write them: one quirk per package, and one with them all.

Each :class:`Sample` is a small zip built here, with the report the import must give (its
grouped findings, as :attr:`~ilp_app.domain.oneroster.FindingGroup.headline` words them) and the
counts it must show when imported into the empty roster of the test school ("Test School",
:func:`tests.support.school.build_school`). Every person has an address of their own, so the
report holds only what the files themselves cause.

The school in every package: org ``org-t`` "Test School", one semester in 2099, a tutor group
8C and a class "Maths 8", four learners, a parent of two of them and a teacher.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from ilp_app.domain import oneroster_headers as headers

STAMP = "2026-08-18T08:00:00Z"
LOCAL = "1/05/2023"  # 1 May or 5 January: never guessed

# The standard headers, as lists (the corpus appends and pads them).
ORGS = list(headers.ORGS)
SESSIONS = list(headers.ACADEMIC_SESSIONS)
COURSES = list(headers.COURSES)
CLASSES = list(headers.CLASSES)
USERS_11 = list(headers.USERS_11)
USERS_12 = list(headers.USERS_12)
ROLES = list(headers.ROLES)
ENROLLMENTS = list(headers.ENROLLMENTS)

# (sourcedId, role, given name, family name, agentSourcedIds, preferred given name, pronouns)
PEOPLE = (
    ("s-1", "student", "Åsa", "Berg", "p-1", "", "she/her"),
    ("s-2", "student", "Ole", "Lie", "", "", ""),
    ("s-3", "student", "Nora", "Haugen", "", "Nori", "she/her"),
    ("s-4", "student", "Emil", "Strand", "", "", ""),
    ("p-1", "parent", "Kari", "Berg", "s-1,s-2", "", ""),
    ("t-1", "teacher", "Ina", "Dahl", "", "", "she/her"),
)
# (sourcedId, class, person, role)
ENROLLED = (
    ("e-1", "c-8c", "s-1", "student"),
    ("e-2", "c-8c", "s-2", "student"),
    ("e-3", "c-8c", "s-3", "student"),
    ("e-4", "c-8c", "s-4", "student"),
    ("e-5", "c-8c", "t-1", "teacher"),
    ("e-6", "c-ma", "s-1", "student"),
    ("e-7", "c-ma", "t-1", "teacher"),
)

UNUSED_12 = (
    "categories",
    "classResources",
    "courseResources",
    "demographics",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "scoreScales",
    "userProfiles",
    "userResources",
)
UNUSED_11 = ("categories", "classResources", "courseResources", "demographics", "lineItems")
UNUSED_11 += ("resources", "results")


@dataclass
class Export:
    """A package before it is written: the manifest's rows and each file's header and rows."""

    manifest: list[list[str]]
    tables: dict[str, tuple[list[str], list[dict[str, str]]]]
    eol: str = "\n"
    bom: bool = False
    sep: str = ","
    # file -> (empty columns at the end of the header, whether the rows end in them too)
    trailing: dict[str, tuple[int, bool]] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)  # raw text after a file's rows

    def text(self, header: list[str], rows: list[list[str]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.sep, lineterminator=self.eol)
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" if self.bom else "") + out.getvalue()

    def files(self) -> dict[str, bytes]:
        out = {"manifest.csv": self.text(["propertyName", "value"], self.manifest)}
        for name, (header, rows) in self.tables.items():
            empty, in_rows = self.trailing.get(name, (0, False))
            text = self.text(
                header + [""] * empty,
                [
                    [row.get(c, "") for c in header] + [""] * (empty if in_rows else 0)
                    for row in rows
                ],
            )
            out[f"{name}.csv"] = text + self.after.get(name, "")
        return {name: text.encode("utf-8") for name, text in out.items()}

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files().items():
                archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), content)
        return buffer.getvalue()

    def rows(self, name: str) -> list[dict[str, str]]:
        return self.tables[name][1]

    def set_manifest(self, prop: str, value: str) -> None:
        row = next(r for r in self.manifest if r[0] == prop)
        row[1] = value

    def rename(self, name: str, column: str, to: str) -> None:
        header, rows = self.tables[name]
        header = [to if c == column else c for c in header]  # the module's headers stay as they are
        self.tables[name] = (header, rows)
        for row in rows:
            row[to] = row.pop(column, "")


def _manifest(version: str, modes: dict[str, str], unused: tuple[str, ...]) -> list[list[str]]:
    files = {**{name: "absent" for name in unused}, **modes}
    return [
        ["manifest.version", "1.0"],
        ["oneroster.version", version],
        *([f"file.{name}", files[name]] for name in sorted(files, key=str.lower)),
        ["source.systemName", "Example SIS"],
        ["source.systemCode", "example"],
    ]


def _common() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    stamp = {"dateLastModified": STAMP}
    return {
        "orgs": (ORGS, [{"sourcedId": "org-t", "name": "Test School", "type": "school", **stamp}]),
        "academicSessions": (
            SESSIONS,
            [
                {
                    "sourcedId": "t-2099",
                    "title": "Autumn 2099",
                    "type": "semester",
                    "startDate": "2099-08-18",
                    "endDate": "2099-12-19",
                    "schoolYear": "2100",
                    **stamp,
                }
            ],
        ),
        "courses": (
            COURSES,
            [{"sourcedId": "k-ma", "title": "Mathematics 8", "orgSourcedId": "org-t", **stamp}],
        ),
        "classes": (
            CLASSES,
            [
                {
                    "sourcedId": "c-8c",
                    "title": "8C",
                    "classType": "homeroom",
                    "schoolSourcedId": "org-t",
                    "termSourcedIds": "t-2099",
                    **stamp,
                },
                {
                    "sourcedId": "c-ma",
                    "title": "Maths 8",
                    "courseSourcedId": "k-ma",
                    "classType": "scheduled",
                    "schoolSourcedId": "org-t",
                    "termSourcedIds": "t-2099",
                    **stamp,
                },
            ],
        ),
    }


def _enrollments() -> tuple[list[str], list[dict[str, str]]]:
    return ENROLLMENTS, [
        {
            "sourcedId": sid,
            "dateLastModified": STAMP,
            "classSourcedId": group,
            "schoolSourcedId": "org-t",
            "userSourcedId": person,
            "role": role,
        }
        for sid, group, person, role in ENROLLED
    ]


def _person(sid: str, given: str, family: str, agents: str) -> dict[str, str]:
    return {
        "sourcedId": sid,
        "dateLastModified": STAMP,
        "enabledUser": "true",
        "username": sid,
        "givenName": given,
        "familyName": family,
        "email": f"{sid}@corpus.school",
        "agentSourcedIds": agents,
    }


def clean_11() -> Export:
    """A clean OneRoster 1.1 export: roles and schools in users.csv."""
    modes = {n: "bulk" for n in ("academicSessions", "classes", "courses", "enrollments")}
    modes |= {"orgs": "bulk", "users": "bulk"}
    users = [
        {**_person(sid, given, family, agents), "orgSourcedIds": "org-t", "role": role}
        for sid, role, given, family, agents, _, _ in PEOPLE
    ]
    return Export(
        manifest=_manifest("1.1", modes, UNUSED_11),
        tables={**_common(), "users": (USERS_11, users), "enrollments": _enrollments()},
    )


def clean_12() -> Export:
    """A clean OneRoster 1.2 export: roles in roles.csv, preferred names and pronouns."""
    modes = {n: "bulk" for n in ("academicSessions", "classes", "courses", "enrollments")}
    modes |= {"orgs": "bulk", "users": "bulk", "roles": "bulk"}
    users = [
        {
            **_person(sid, given, family, agents),
            "preferredGivenName": preferred,
            "primaryOrgSourcedId": "org-t",
            "pronouns": pronouns,
        }
        for sid, _, given, family, agents, preferred, pronouns in PEOPLE
    ]
    roles = [
        {
            "sourcedId": f"r-{n}",
            "dateLastModified": STAMP,
            "userSourcedId": sid,
            "roleType": "primary",
            "role": role,
            "orgSourcedId": "org-t",
        }
        for n, (sid, role, *_) in enumerate(PEOPLE, start=1)
    ]
    return Export(
        manifest=_manifest("1.2", modes, UNUSED_12),
        tables={
            **_common(),
            "users": (USERS_12, users),
            "roles": (ROLES, roles),
            "enrollments": _enrollments(),
        },
    )


# --- the quirks, each applied to an export in place --------------------------------------------


def blank_unused_manifest_values(export: Export) -> None:
    for name in ("scoreScales", "userProfiles", "userResources"):
        export.set_manifest(f"file.{name}", "")


def trailing_empty_columns(export: Export) -> None:
    export.trailing["roles"] = (2, True)  # "…,userProfileSourcedId,," and rows ending ",,"
    export.trailing["classes"] = (1, False)  # only the header ends in a comma


def local_dates(export: Export) -> None:
    """Five of six people (lines 2, 4–7) changed on a day whose day and month are ambiguous."""
    for row in export.rows("users"):
        if row["sourcedId"] != "s-2":
            row["dateLastModified"] = LOCAL


def inactive_session(export: Export) -> None:
    export.rows("academicSessions").append(
        {
            "sourcedId": "t-2098",
            "status": "inactive",
            "dateLastModified": STAMP,
            "title": "Spring 2099",
            "type": "semester",
            "startDate": "2099-01-05",
            "endDate": "2099-06-20",
            "schoolYear": "2099",
        }
    )


def misspelt_columns(export: Export) -> None:
    export.rename("users", "preferredGivenName", "prefferedGivenName")


def quoted_values(export: Export) -> None:
    """A comma inside a name and a line break inside a value, both in double quotes."""
    users = export.rows("users")
    users[0]["familyName"] = "Berg, Jr."
    users[-1]["middleName"] = "Marie\nLouise"  # the last person: later line numbers shift
    export.rows("classes")[1]["title"] = "Maths, 8"


# --- the corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A package, the report its import gives (grouped findings) and its non-zero counts."""

    name: str
    data: bytes
    report: tuple[str, ...] = ()
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    status: str = "done"


def _counts(**changes: dict[str, int]) -> dict[str, dict[str, int]]:
    """The clean export's counts, with ``changes`` per kind laid over them."""
    base = {
        "people": {"created": 6, "in_file": 6},
        "groups": {"created": 2, "in_file": 2},
        "periods": {"created": 1, "in_file": 1},
        "enrollments": {"created": 7, "in_file": 7},
        "links": {"created": 2},
    }
    for kind, change in changes.items():
        base[kind] = {k: v for k, v in {**base[kind], **change}.items() if v}
    return {kind: c for kind, c in base.items() if c}


LOCAL_WHY = (
    "dateLastModified could not be read: in a local date such as 1/05/2023 the day and month are "
    "ambiguous, so it is not guessed."
)
INACTIVE = (
    "Warning: status “inactive” (from OneRoster 1.0) is read as tobedeleted "
    "(academicSessions.csv, line 3)"
)
BLANK_UNUSED = tuple(
    f"Warning: file.{name} has no value; it is read as absent, since this app does not use "
    f"{name}.csv (manifest.csv, line {line})"
    for name, line in (("scoreScales", 21), ("userProfiles", 22), ("userResources", 23))
)
MISSPELT = (
    "Warning: The column “prefferedGivenName” looks like a misspelling of “preferredGivenName”, "
    "which this app reads. Its values are not used: the app does not guess what a column means "
    "(users.csv, line 1)"
)
TRAILING_CLASSES = "Warning: The header ends in 1 empty column; it is ignored (classes.csv, line 1)"
TRAILING_ROLES = "Warning: The header ends in 2 empty columns; they are ignored (roles.csv, line 1)"


def _with(base, *quirks, **options) -> bytes:
    export = base()
    for quirk in quirks:
        quirk(export)
    for key, value in options.items():
        setattr(export, key, value)
    return export.zip()


def _blank_needed() -> bytes:
    export = clean_11()
    export.set_manifest("file.courses", "")
    return export.zip()


def _duplicate_column() -> bytes:
    export = clean_11()
    header, rows = export.tables["users"]
    export.tables["users"] = ([*header, "email"], rows)
    return export.zip()


def _local_dates_everywhere() -> bytes:
    export = clean_11()
    local_dates(export)
    export.rows("classes")[1]["dateLastModified"] = "05/01/2023"
    export.rows("enrollments")[1]["dateLastModified"] = "2023-13-45"
    return export.zip()


def _local_dates_delta() -> bytes:
    export = clean_11()
    local_dates(export)
    export.set_manifest("file.users", "delta")
    export.set_manifest("file.enrollments", "absent")
    del export.tables["enrollments"]
    return export.zip()


def _inactive_and_unknown_status() -> bytes:
    export = clean_11()
    inactive_session(export)
    export.rows("users")[3]["status"] = "archived"  # s-4, line 5
    return export.zip()


def _misspelt_columns() -> bytes:
    export = clean_12()
    misspelt_columns(export)
    export.rename("users", "agentSourcedIds", "agentSourceIds")
    return export.zip()


def _quoted() -> bytes:
    export = clean_11()
    quoted_values(export)
    export.rows("users").append(
        {**_person("x-1", "Merlin", "Ambrosius", ""), "orgSourcedIds": "org-t", "role": "wizard"}
    )
    return export.zip()


def _roles_only_from_roles_csv() -> bytes:
    """1.2, a district's export: roles only in roles.csv, some of them at another school."""
    export = clean_12()
    export.rows("orgs").append({"sourcedId": "org-o", "name": "Other School", "type": "school"})
    export.rows("users").append(
        {**_person("u-x", "Per", "Holm", ""), "primaryOrgSourcedId": "org-o"}
    )
    roles = export.rows("roles")
    roles[4]["role"] = "guardian"  # p-1
    base = {"dateLastModified": STAMP, "roleType": "secondary", "role": "teacher"}
    roles.append({**base, "sourcedId": "r-7", "userSourcedId": "t-1", "orgSourcedId": "org-o"})
    roles.append({**base, "sourcedId": "r-8", "userSourcedId": "u-x", "orgSourcedId": "org-o"})
    return export.zip()


def _all_quirks() -> bytes:
    """Every quirk that still imports the whole school, in one 1.2 package."""
    export = clean_12()
    for quirk in (
        blank_unused_manifest_values,
        trailing_empty_columns,
        local_dates,
        inactive_session,
        misspelt_columns,
        quoted_values,
    ):
        quirk(export)
    export.eol, export.bom = "\r\n", True
    export.after["users"] = "," * (len(USERS_12) - 1) + "\r\n"  # a row of nothing but commas
    return export.zip()


def corpus() -> list[Sample]:
    """Every sample, clean ones first."""
    return [
        Sample("clean-1.1", clean_11().zip(), counts=_counts()),
        Sample("clean-1.2", clean_12().zip(), counts=_counts()),
        Sample(
            "blank-manifest-values-for-unused-files",
            _with(clean_12, blank_unused_manifest_values),
            BLANK_UNUSED,
            _counts(),
        ),
        Sample(
            "blank-manifest-value-for-a-file-the-app-reads",
            _blank_needed(),
            (
                "Fatal: file.courses has no value. This app reads courses.csv, so the manifest "
                "must say bulk, delta or absent for it (manifest.csv, line 9)",
            ),
            status="invalid",
        ),
        Sample(
            "trailing-empty-header-columns",
            _with(clean_12, trailing_empty_columns),
            (TRAILING_CLASSES, TRAILING_ROLES),
            _counts(),
        ),
        Sample(
            "a-column-name-used-twice",
            _duplicate_column(),
            ("Fatal: The column “email” appears twice in the header (users.csv, line 1)",),
            status="invalid",
        ),
        Sample(
            "unreadable-dates-in-a-bulk-file",
            _local_dates_everywhere(),
            (
                f"Warning: {LOCAL_WHY} The row is imported; its last change is treated as "
                "unknown (classes.csv, line 3)",
                f"Warning × 5: {LOCAL_WHY} The row is imported; its last change is treated as "
                "unknown (users.csv, lines 2, 4–7)",
                "Warning: dateLastModified could not be read: it should be a date and time such "
                "as 2026-08-18T09:00:00Z. The row is imported; its last change is treated as "
                "unknown (enrollments.csv, line 3)",
            ),
            _counts(),
        ),
        Sample(
            "local-dates-in-a-delta-file",
            _local_dates_delta(),
            (
                f"Error × 5: {LOCAL_WHY} A delta file needs it to put changes in order. This row "
                "is not imported (users.csv, lines 2, 4–7)",
            ),
            _counts(
                people={"created": 1, "left_out": 5},
                enrollments={"created": 0, "in_file": 0},
                links={"created": 0},
            ),
        ),
        Sample(
            "inactive-and-unknown-status",
            _inactive_and_unknown_status(),
            (
                INACTIVE,
                "Error: status “archived” is not active or tobedeleted. This row is not imported "
                "(users.csv, line 5)",
                "Warning: Person “s-4” is not among the people imported; this enrollment is left "
                "out (enrollments.csv, line 5)",
            ),
            _counts(
                periods={"in_file": 2, "skipped": 1},
                people={"created": 5, "left_out": 1},
                enrollments={"created": 6, "left_out": 1},
            ),
        ),
        Sample(
            "misspelt-optional-columns",
            _misspelt_columns(),
            (
                "Warning: The column “agentSourceIds” looks like a misspelling of "
                "“agentSourcedIds”, which this app reads. Its values are not used: the app does "
                "not guess what a column means (users.csv, line 1)",
                MISSPELT,
            ),
            _counts(links={"created": 0}),
        ),
        Sample("windows-line-endings", _with(clean_11, eol="\r\n"), counts=_counts()),
        Sample("byte-order-marks", _with(clean_12, bom=True), counts=_counts()),
        Sample(
            "quoted-commas-and-line-breaks",
            _quoted(),
            ("Warning: Unknown role “wizard”: this person is not imported (users.csv, line 9)",),
            _counts(people={"in_file": 7, "left_out": 1}),
        ),
        Sample(
            "semicolon-separated",
            _with(clean_11, sep=";"),
            (
                "Fatal: manifest.csv is separated by semicolons; OneRoster files are separated by "
                "commas. Export it again as comma-separated UTF-8 CSV (manifest.csv, line 1)",
            ),
            status="invalid",
        ),
        Sample(
            "roles-only-from-roles-csv",
            _roles_only_from_roles_csv(),
            (
                "Warning: This person belongs to another school (org-o); they are left out "
                "(users.csv, line 8)",
            ),
            _counts(people={"in_file": 7, "left_out": 1}),
        ),
        Sample(
            "all-quirks",
            _all_quirks(),
            (
                *BLANK_UNUSED,
                INACTIVE,
                TRAILING_CLASSES,
                MISSPELT,
                f"Warning × 5: {LOCAL_WHY} The row is imported; its last change is treated as "
                "unknown (users.csv, lines 2, 4–7)",
                TRAILING_ROLES,
            ),
            _counts(periods={"in_file": 2, "skipped": 1}),
        ),
    ]


def sample(name: str) -> Sample:
    return next(s for s in corpus() if s.name == name)
