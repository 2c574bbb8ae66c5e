"""Reading a OneRoster CSV package (1.1 or 1.2): the zip, its manifest and its CSV tables.

Pure: bytes in, tables and findings out. Nothing here trusts the upload. The zip is opened
with limits on its size, its number of members and its total uncompressed size (a small zip
can expand to gigabytes); member paths that climb out of the package are refused; each CSV
is decoded as UTF-8 (a byte order mark is dropped) and read with the ``csv`` module, so quoted
commas, quoted line breaks and CRLF line ends are all read as the format means them.

Rows keep the line of the file they start on, so every finding points at a line a person can
open in a spreadsheet or an editor. What the rows *mean* is checked in
:mod:`ilp_app.domain.oneroster_rows`.
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
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


_FILE_ORDER = {
    name: i
    for i, name in enumerate(("", MANIFEST, *(f"{n}.csv" for n in (*READ_FILES, *UNUSED_FILES))))
}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings by file (in the order files are read), then line; the order found is kept within a line."""
    return sorted(findings, key=lambda f: (_FILE_ORDER.get(f.file, len(_FILE_ORDER)), f.line))


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
        if len(row) < 2:
            _fatal(
                package,
                "Each manifest row needs a property name and a value.",
                file=MANIFEST,
                line=line,
            )
            continue
        properties[row[0].strip()] = (line, row[1].strip())
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
        elif mode == "absent" and name in present:
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
        columns = tuple(c.strip() for c in header)
        duplicate = next((c for i, c in enumerate(columns) if c in columns[:i]), None)
        if duplicate is not None:
            _fatal(
                package,
                f"The column “{duplicate[:60]}” appears twice in the header.",
                file=filename,
                line=1,
            )
            return None
        table = Table(name=name, columns=columns)
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(table.rows) >= MAX_ROWS_PER_FILE:
                _fatal(
                    package,
                    f"The file has more than {MAX_ROWS_PER_FILE:,} rows.",
                    file=filename,
                    line=line,
                )
                return None
            if len(row) != len(columns):
                package.findings.append(
                    Finding(
                        filename,
                        line,
                        "",
                        f"This row has {len(row)} values but the header has {len(columns)} columns "
                        "(a comma inside a value must be in double quotes); the row is not imported.",
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
