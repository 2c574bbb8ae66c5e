"""Reading a OneRoster CSV package (1.1 or 1.2): the zip, its manifest and its CSV tables.

Pure: bytes in, tables and findings out. Nothing here trusts the upload. The zip is opened
with limits on its size, its number of members and its total uncompressed size (a small zip
can expand to gigabytes); member paths that climb out of the package are refused; each CSV
is decoded as UTF-8 (a byte order mark is dropped) and read with the ``csv`` module, so quoted
commas, quoted line breaks and CRLF line ends are all read as the format means them.

Exporters differ in small ways that change no data, and those are read leniently, each with a
warning: a blank manifest value for a file this app does not use (read as ``absent``), empty
header columns at the end of a file (what a spreadsheet leaves behind), rows of nothing but
commas, and known misspellings of optional column names (reported; their values are not used).
What could change data stays strict: a blank manifest value for a file this app reads, a column
name used twice, and a file separated by semicolons are fatal.

Rows keep the line of the file they start on, so every finding points at a line a person can
open in a spreadsheet or an editor. What the rows *mean* is checked in
:mod:`ilp_app.domain.oneroster_rows`. Repeated findings are grouped for the report by
:func:`group_findings`.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 40
MAX_ROWS_PER_FILE = 200_000
MAX_FIELD_CHARS = 10_000

MANIFEST = "manifest.csv"
VERSIONS = ("1.1", "1.2")
MODES = ("bulk", "delta", "absent")

#: The files this app reads, in the order they are checked and reported.
READ_FILES = ("orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments")
#: Files the manifest must mention: a package without them is not one this app can import.
REQUIRED_FILES = ("orgs", "academicSessions", "classes", "users", "enrollments")
#: Files of the standard that this app has no use for (read neither for content nor for errors).
UNUSED_FILES = (
    "demographics",
    "categories",
    "classResources",
    "courseResources",
    "lineItems",
    "resources",
    "results",
    "userProfiles",
    "userResources",
    "scoreScales",
    "lineItemScoreScales",
    "resultScoreScales",
    "lineItemLearningObjectiveIds",
    "resultLearningObjectiveIds",
)

FATAL, ERROR, WARNING = "fatal", "error", "warning"
SEVERITY_LABELS = {FATAL: "Fatal", ERROR: "Error", WARNING: "Warning"}

#: Optional columns this app reads, per file (``status`` and ``dateLastModified`` in every file).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs": (),
    "academicSessions": (),
    "courses": (),
    "classes": ("classType", "courseSourcedId"),
    "users": (
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "email",
        "agentSourcedIds",
        "preferredGivenName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    "roles": (),
    "enrollments": ("schoolSourcedId",),
}
#: Misspelt column names that exporters are known to write, by their letters in lower case,
#: and the column each one stands for. A name that differs from an optional column only in
#: case, spaces, dashes or underscores is recognised as well.
KNOWN_MISSPELLINGS = {
    "prefferedgivenname": "preferredGivenName",
    "preferedgivenname": "preferredGivenName",
    "prefferedfamilyname": "preferredFamilyName",
    "preferedfamilyname": "preferredFamilyName",
    "agentsourceids": "agentSourcedIds",
    "agentsourcedid": "agentSourcedIds",
    "pronoun": "pronouns",
    "primaryorgsourceid": "primaryOrgSourcedId",
    "orgsourceids": "orgSourcedIds",
    "orgsourcedid": "orgSourcedIds",
    "emailaddress": "email",
    "datelastmodifed": "dateLastModified",
    "datelastmodfied": "dateLastModified",
    "coursesourceid": "courseSourcedId",
    "schoolsourceid": "schoolSourcedId",
}

MSG_TOO_LARGE = f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Split the export by school, or ask for help."
MSG_NOT_ZIP = "This is not a zip file. Upload the OneRoster CSV export as one .zip file."
MSG_TOO_MANY = (
    f"The zip holds more than {MAX_MEMBERS} files; a OneRoster export has at most about 20."
)
MSG_EXPANDS = f"The zip expands to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB of CSV; nothing was read."
MSG_UNSAFE_PATH = "The zip holds a file whose path leaves the package (“{name}”); nothing was read."
MSG_ENCRYPTED = "The zip is password-protected; export it without a password."
MSG_NO_MANIFEST = "manifest.csv is missing: a OneRoster package starts with it."
MSG_TWO_MANIFESTS = (
    "The zip holds more than one manifest.csv; upload one school's export at a time."
)
MSG_SEMICOLONS = (
    "{filename} is separated by semicolons; OneRoster files are separated by commas. "
    "Export it again as comma-separated UTF-8 CSV."
)
MSG_BLANK_UNUSED = (
    "file.{name} has no value; it is read as absent, since this app does not use {name}.csv."
)
MSG_BLANK_NEEDED = (
    "file.{name} has no value. This app reads {name}.csv, so the manifest must say bulk, "
    "delta or absent for it."
)
MSG_TRAILING_COLUMNS = "The header ends in {n} empty column{s}; {they} ignored."
MSG_NAMELESS_COLUMN = "Column {n} of the header has no name; its values are not read."
MSG_MISSPELT_COLUMN = (
    "The column “{found}” looks like a misspelling of “{meant}”, which this app reads. Its "
    "values are not used: the app does not guess what a column means."
)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a package: where (file, line, column) and what.

    ``severity``: "fatal" (nothing is imported), "error" (this row is not imported) or
    "warning" (the row is imported, or knowingly left out, as the problem says).
    ``line`` is 0 for a problem with the file as a whole.
    """

    file: str
    line: int
    column: str
    problem: str
    severity: str

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "problem": self.problem,
            "severity": self.severity,
        }


@dataclass
class Table:
    """One CSV file: its column names and its rows as (line, {column: value})."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    read: int = 0  # data rows in the file, including those refused for their shape

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def has(self, column: str) -> bool:
        return column in self.columns


class Checked:
    """Each file's mode and the findings so far: what a package and the roster read from it share."""

    modes: dict[str, str]
    findings: list[Finding]

    @property
    def fatal(self) -> bool:
        """Whether a finding stops the import as a whole."""
        return any(f.severity == FATAL for f in self.findings)

    def mode(self, name: str) -> str:
        """The manifest's word for the file ``name``: "bulk", "delta" or "absent"."""
        return self.modes.get(name, "absent")


@dataclass
class Package(Checked):
    """A package as read: version, each file's mode, its tables, and what went wrong reading it."""

    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    blank: set[str] = field(default_factory=set)  # files whose manifest value was blank


_FILE_ORDER = {
    name: i
    for i, name in enumerate(("", MANIFEST, *(f"{n}.csv" for n in (*READ_FILES, *UNUSED_FILES))))
}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings by file (in the order files are read), then line; the order found is kept within a line."""
    return sorted(findings, key=lambda f: (_FILE_ORDER.get(f.file, len(_FILE_ORDER)), f.line))


MAX_LINE_RANGES = 12


def line_ranges(lines: Iterable[int], limit: int = MAX_LINE_RANGES) -> str:
    """Line numbers as runs: "2, 4–7"; past ``limit`` runs, how many more lines there are."""
    runs: list[list[int]] = []
    for line in sorted(set(lines)):
        if runs and line == runs[-1][1] + 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:limit])
    rest = sum(b - a + 1 for a, b in runs[limit:])
    return text + (f" and {rest:,} more" if rest else "")


@dataclass(frozen=True)
class FindingGroup:
    """Findings that say the same thing about the same file and column, on different lines."""

    file: str
    column: str
    problem: str
    severity: str
    lines: tuple[int, ...]  # in order, without the 0 of a finding about the whole file
    count: int

    @property
    def label(self) -> str:
        """The severity and how many: "Warning × 5" ("Warning" for one)."""
        label = SEVERITY_LABELS.get(self.severity, self.severity)
        return f"{label} × {self.count:,}" if self.count > 1 else label

    @property
    def line_text(self) -> str:
        return line_ranges(self.lines)

    @property
    def headline(self) -> str:
        """The group in one line: "Warning × 5: <problem> (users.csv, lines 2, 4–7)"."""
        where = [self.file] if self.file else []
        if self.lines:
            where.append(f"line{'s' if len(self.lines) > 1 else ''} {self.line_text}")
        place = f" ({', '.join(where)})" if where else ""
        return f"{self.label}: {self.problem.rstrip('.')}{place}"


def group_findings(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Repeated findings as one group each, in the order their first one comes.

    Findings group when file, column, severity and problem are all the same, so a message that
    names a row's own value groups only with rows of the same value.
    """
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.file, f.severity, f.column, f.problem), []).append(f)
    return [
        FindingGroup(
            file=file,
            column=column,
            problem=problem,
            severity=severity,
            lines=tuple(sorted({f.line for f in members if f.line})),
            count=len(members),
        )
        for (file, severity, column, problem), members in groups.items()
    ]


def _fatal(
    package: Package, problem: str, file: str = "", line: int = 0, column: str = ""
) -> Package:
    package.findings.append(Finding(file, line, column, problem, FATAL))
    return package


def _unsafe(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.split("/")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
    """The member's bytes, or None when it expands past ``budget`` (declared sizes are not trusted)."""
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(64 * 1024):
            out += chunk
            if len(out) > budget:
                return None
    return bytes(out)


def read_package(data: bytes) -> Package:
    """Open a OneRoster zip and read its manifest and the CSV files this app uses.

    Args:
        data: the uploaded file's bytes.

    Returns:
        The package. When ``package.fatal`` is True nothing in it may be imported; its findings
        say why.
    """
    package = Package()
    if len(data) > MAX_UPLOAD_BYTES:
        return _fatal(package, MSG_TOO_LARGE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _fatal(package, MSG_NOT_ZIP)
    with archive:
        if len(infos) > MAX_MEMBERS:
            return _fatal(package, MSG_TOO_MANY)
        for info in infos:
            if _unsafe(info.filename):
                return _fatal(package, MSG_UNSAFE_PATH.format(name=info.filename[:120]))
        files = [i for i in infos if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        if any(i.flag_bits & 0x1 for i in files):
            return _fatal(package, MSG_ENCRYPTED)
        if sum(i.file_size for i in files) > MAX_UNCOMPRESSED_BYTES:
            return _fatal(package, MSG_EXPANDS)
        manifests = [i for i in files if posixpath.basename(i.filename).lower() == MANIFEST]
        if not manifests:
            return _fatal(package, MSG_NO_MANIFEST)
        if len(manifests) > 1:
            return _fatal(package, MSG_TWO_MANIFESTS)
        root = posixpath.dirname(manifests[0].filename)
        # Files beside the manifest, by their name without ".csv" (matched whatever the case).
        members = {
            posixpath.basename(i.filename)[:-4].lower(): i
            for i in files
            if posixpath.dirname(i.filename) == root and i.filename.lower().endswith(".csv")
        }
        budget = MAX_UNCOMPRESSED_BYTES
        raw: dict[str, bytes] = {}
        for key in ("manifest", *(n.lower() for n in READ_FILES)):
            info = members.get(key)
            if info is None:
                continue
            content = _read_member(archive, info, budget)
            if content is None:
                return _fatal(package, MSG_EXPANDS)
            budget -= len(content)
            raw[key] = content
    if not _read_manifest(package, raw["manifest"]):
        return package
    present = {name for name in (*READ_FILES, *UNUSED_FILES) if name.lower() in members}
    _check_files(package, present)
    if package.fatal:
        return package
    for name in READ_FILES:
        if package.mode(name) != "absent" and name.lower() in raw:
            table = _read_table(package, name, raw[name.lower()])
            if table is not None:
                package.tables[name] = table
    return package


def _decode(package: Package, filename: str, content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _fatal(
            package,
            f"{filename} is not UTF-8 text (byte {error.start + 1}). Export it as UTF-8 CSV.",
            file=filename,
        )
        return None


def _semicolons(package: Package, filename: str, header: list[str]) -> bool:
    """Whether the header is one of a semicolon-separated file (a fatal finding says so)."""
    if any(";" in c for c in header):
        _fatal(package, MSG_SEMICOLONS.format(filename=filename), file=filename, line=1)
        return True
    return False


def _read_manifest(package: Package, content: bytes) -> bool:
    text = _decode(package, MANIFEST, content)
    if text is None:
        return False
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        _fatal(package, f"manifest.csv could not be read as CSV ({error}).", file=MANIFEST)
        return False
    header = [c.strip() for c in rows[0]] if rows else []
    if _semicolons(package, MANIFEST, header):
        return False
    if header[:2] != ["propertyName", "value"]:
        _fatal(
            package,
            "manifest.csv must start with the header “propertyName,value”.",
            file=MANIFEST,
            line=1,
        )
        return False
    properties: dict[str, tuple[int, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(v.strip() for v in row):
            continue
        if not row[0].strip():
            _fatal(
                package,
                "Each manifest row needs a property name and a value.",
                file=MANIFEST,
                line=line,
            )
            continue
        # A row without a comma has a blank value, as one ending in a comma does.
        properties[row[0].strip()] = (line, row[1].strip() if len(row) > 1 else "")
    version_line, version = properties.get("oneroster.version", (0, ""))
    if version not in VERSIONS:
        problem = (
            "manifest.csv does not say which OneRoster version this is (oneroster.version)."
            if not version
            else f"OneRoster version “{version[:20]}” is not supported; export as 1.1 or 1.2."
        )
        _fatal(
            package, problem, file=MANIFEST, line=version_line, column="value" if version else ""
        )
        return False
    package.version = version
    for name in (*READ_FILES, *UNUSED_FILES):
        line, mode = properties.get(f"file.{name}", (0, "absent"))
        if not mode:
            # Blank for a file this app never reads changes nothing; for one it reads, guessing
            # could retire a whole school (bulk) or skip a file it should apply.
            if name in UNUSED_FILES:
                package.findings.append(
                    Finding(MANIFEST, line, "value", MSG_BLANK_UNUSED.format(name=name), WARNING)
                )
                package.blank.add(name)
                mode = "absent"
            else:
                _fatal(
                    package,
                    MSG_BLANK_NEEDED.format(name=name),
                    file=MANIFEST,
                    line=line,
                    column="value",
                )
                continue
        if mode not in MODES:
            _fatal(
                package,
                f"file.{name} is “{mode[:20]}”; it must be bulk, delta or absent.",
                file=MANIFEST,
                line=line,
                column="value",
            )
            continue
        package.modes[name] = mode
    for name in REQUIRED_FILES:
        if f"file.{name}" not in properties:
            _fatal(
                package,
                f"manifest.csv does not say how to read {name}.csv (file.{name}).",
                file=MANIFEST,
            )
    return not package.fatal


def _check_files(package: Package, present: set[str]) -> None:
    for name in (*READ_FILES, *UNUSED_FILES):
        mode = package.mode(name)
        filename = f"{name}.csv"
        if mode != "absent" and name not in present:
            if name in READ_FILES:
                _fatal(
                    package,
                    f"The manifest lists {filename} as {mode}, but the zip does not contain it.",
                    file=filename,
                )
        elif mode == "absent" and name in present and name not in package.blank:
            package.findings.append(
                Finding(
                    filename,
                    0,
                    "",
                    "The manifest says this file is absent, so it was not read.",
                    WARNING,
                )
            )
        elif mode != "absent" and name in UNUSED_FILES:
            package.findings.append(
                Finding(
                    filename, 0, "", "This app has no use for this file; it was not read.", WARNING
                )
            )


def _misspelt(name: str, columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """(column found, column meant) for each header name that stands for an optional column."""
    wanted = ("status", "dateLastModified", *OPTIONAL_COLUMNS.get(name, ()))
    by_letters = {re.sub(r"[^a-z0-9]", "", c.lower()): c for c in wanted}
    out = []
    for found in columns:
        if not found or found in wanted:
            continue
        letters = re.sub(r"[^a-z0-9]", "", found.lower())
        meant = by_letters.get(letters) or KNOWN_MISSPELLINGS.get(letters)
        if meant in wanted and meant not in columns:
            out.append((found, meant))
    return out


def _header(package: Package, name: str, header: list[str]) -> tuple[str, ...] | None:
    """The header's column names, without the empty ones at its end; None when it is refused."""
    filename = f"{name}.csv"
    if _semicolons(package, filename, header):
        return None
    columns = [c.strip() for c in header]
    trailing = 0
    while columns and not columns[-1]:
        columns.pop()
        trailing += 1
    named = [c for c in columns if c]
    duplicate = next((c for i, c in enumerate(named) if c in named[:i]), None)
    if duplicate is not None:
        _fatal(
            package,
            f"The column “{duplicate[:60]}” appears twice in the header.",
            file=filename,
            line=1,
        )
        return None
    if trailing:
        problem = MSG_TRAILING_COLUMNS.format(
            n=trailing, s="s" if trailing > 1 else "", they="they are" if trailing > 1 else "it is"
        )
        package.findings.append(Finding(filename, 1, "", problem, WARNING))
    for n, column in enumerate(columns, start=1):
        if not column:
            package.findings.append(
                Finding(filename, 1, "", MSG_NAMELESS_COLUMN.format(n=n), WARNING)
            )
    for found, meant in _misspelt(name, tuple(columns)):
        package.findings.append(
            Finding(
                filename,
                1,
                found[:60],
                MSG_MISSPELT_COLUMN.format(found=found, meant=meant),
                WARNING,
            )
        )
    return tuple(columns)


def _read_table(package: Package, name: str, content: bytes) -> Table | None:
    filename = f"{name}.csv"
    text = _decode(package, filename, content)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, None)
        if not header:
            _fatal(
                package,
                "The file is empty: it needs at least its header row.",
                file=filename,
                line=1,
            )
            return None
        columns = _header(package, name, header)
        if columns is None:
            return None
        named, width = len(columns), len(header)
        table = Table(name=name, columns=columns)
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not row or (not row[0].strip() and not any(v.strip() for v in row)):
                continue  # a blank line, or a row of nothing but commas
            table.read += 1
            if len(table.rows) >= MAX_ROWS_PER_FILE:
                _fatal(
                    package,
                    f"The file has more than {MAX_ROWS_PER_FILE:,} rows.",
                    file=filename,
                    line=line,
                )
                return None
            if len(row) != named:
                # Under the header's empty end columns a row may have empty values, or none.
                if named < len(row) <= width and not any(v.strip() for v in row[named:]):
                    row = row[:named]
                else:
                    package.findings.append(
                        Finding(
                            filename,
                            line,
                            "",
                            f"This row has {len(row)} values but the header has {named} "
                            f"{'named ' if width > named else ''}columns "
                            "(a comma inside a value must be in double quotes); the row is not "
                            "imported.",
                            ERROR,
                        )
                    )
                    continue
            if any(len(v) > MAX_FIELD_CHARS for v in row):
                package.findings.append(
                    Finding(
                        filename,
                        line,
                        "",
                        "A value in this row is too long; the row is not imported.",
                        ERROR,
                    )
                )
                continue
            table.rows.append((line, {c: v.strip() for c, v in zip(columns, row, strict=True)}))
    except csv.Error as error:
        _fatal(
            package,
            f"The file could not be read as CSV ({error}).",
            file=filename,
            line=reader.line_num,
        )
        return None
    return table
