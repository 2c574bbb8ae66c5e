"""Reading a CASE 1.0 package: a framework of standards (``CFDocument``), its items (``CFItems``)
and how they hang together (``CFAssociations`` of type ``isChildOf``).

Everything a school uploads is checked before anything is stored. Each problem becomes a
:class:`Finding` with the JSON path it concerns (``CFItems[3].fullStatement: missing``) so an
administrator can fix the file; errors refuse the package, warnings are reported and the import
goes on. A valid package comes out as its items in tree order (each parent before its children,
siblings by ``sequenceNumber``), ready to be stored.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_PACKAGE_BYTES = 10 * 1024 * 1024
MAX_ITEMS = 20_000
#: Findings listed one by one; past this the report says how many more there were.
MAX_FINDINGS = 200

# Lengths of the columns the package is stored in.
MAX_CODE = 60
MAX_STATEMENT = 1000
MAX_TITLE = 500
MAX_ITEM_TYPE = 100
MAX_SUBJECT = 300
MAX_CREATOR = 300
MAX_VERSION = 100
MAX_ADOPTION_STATUS = 50
MAX_URI = 2000
MAX_LAST_CHANGE = 40

CHILD_OF = "isChildOf"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

MSG_TOO_LARGE = f"The file is larger than {MAX_PACKAGE_BYTES // (1024 * 1024)} MB; split the framework or ask its publisher for a smaller package."
MSG_TOO_MANY_ITEMS = (
    f"The package has {{count}} items; at most {MAX_ITEMS} can be imported at once."
)
MSG_EMPTY = "The file is empty."
MSG_NOT_UTF8 = "The file is not UTF-8 text; export the package as JSON again."
MSG_MISSING = "missing"


class Severity(StrEnum):
    ERROR = "error"  # the package is refused
    WARNING = "warning"  # reported; the import goes on


@dataclass(frozen=True)
class Finding:
    path: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def text(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class CaseDocument:
    identifier: str
    title: str
    creator: str = ""
    version: str = ""
    subject: str = ""
    adoption_status: str = ""
    uri: str = ""
    last_change: str = ""


@dataclass(frozen=True)
class CaseItem:
    """One standard, placed in the tree: ``parent_identifier`` None means the top of the framework."""

    identifier: str
    full_statement: str
    index: int  # where it stands in CFItems, for messages
    human_coding_scheme: str = ""
    abbreviated_statement: str = ""
    item_type: str = ""
    uri: str = ""
    parent_identifier: str | None = None
    position: int = 0  # among its siblings, from 0
    depth: int = 0  # 0 for the top of the framework


@dataclass(frozen=True)
class CaseParse:
    """What reading a package found: the document and items when there was no error, and every finding."""

    document: CaseDocument | None
    items: tuple[CaseItem, ...]
    findings: tuple[Finding, ...]
    more_findings: int = 0  # findings left out of the list (there were more than MAX_FINDINGS)

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


@dataclass
class _Collector:
    findings: list[Finding] = field(default_factory=list)
    dropped: int = 0
    has_error: bool = False

    def add(self, path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.has_error = self.has_error or severity is Severity.ERROR
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(path, message, severity))
        else:
            self.dropped += 1

    def warn(self, path: str, message: str) -> None:
        self.add(path, message, Severity.WARNING)

    def result(
        self, document: CaseDocument | None = None, items: Iterable[CaseItem] = ()
    ) -> CaseParse:
        ok = not self.has_error and document is not None
        return CaseParse(
            document=document if ok else None,
            items=tuple(items) if ok else (),
            findings=tuple(self.findings),
            more_findings=self.dropped,
        )


def is_case_identifier(value: object) -> bool:
    """Whether ``value`` looks like a CASE identifier (a UUID in its usual text form)."""
    return isinstance(value, str) and bool(_UUID.match(value))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _identifier(obj: dict, path: str, out: _Collector) -> str | None:
    value = obj.get("identifier")
    if value is None or value == "":
        out.add(f"{path}.identifier", MSG_MISSING)
        return None
    if not isinstance(value, str):
        out.add(f"{path}.identifier", "must be text")
        return None
    if not is_case_identifier(value.strip()):
        shown = value.strip()[:60]
        out.add(
            f"{path}.identifier",
            f"'{shown}' is not a CASE identifier (a UUID such as "
            "'c6b2f1de-3f0a-4d5e-9a1b-2c3d4e5f6a7b')",
        )
        return None
    return value.strip().lower()


def _required_text(obj: dict, key: str, path: str, out: _Collector, max_length: int) -> str | None:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        out.add(
            f"{path}.{key}",
            MSG_MISSING if value in (None, "") or isinstance(value, str) else "must be text",
        )
        return None
    text = value.strip()
    if len(text) > max_length:
        out.add(
            f"{path}.{key}", f"is {len(text)} characters long; at most {max_length} can be stored"
        )
        return None
    return text


def _subject(value: object) -> str:
    if isinstance(value, str):
        return value.strip()[:MAX_SUBJECT]
    if isinstance(value, list):
        return ", ".join(s.strip() for s in value if isinstance(s, str) and s.strip())[:MAX_SUBJECT]
    return ""


def _document(raw: object, out: _Collector) -> CaseDocument | None:
    if raw is None:
        out.add("CFDocument", MSG_MISSING)
        return None
    if not isinstance(raw, dict):
        out.add("CFDocument", "must be an object")
        return None
    identifier = _identifier(raw, "CFDocument", out)
    title = _required_text(raw, "title", "CFDocument", out, MAX_TITLE)
    if identifier is None or title is None:
        return None
    package_uri = raw.get("CFPackageURI")
    uri = _text(raw.get("uri")) or (
        _text(package_uri.get("uri")) if isinstance(package_uri, dict) else ""
    )
    return CaseDocument(
        identifier=identifier,
        title=title,
        creator=_text(raw.get("creator"))[:MAX_CREATOR],
        version=_text(raw.get("version"))[:MAX_VERSION],
        subject=_subject(raw.get("subject")),
        adoption_status=_text(raw.get("adoptionStatus"))[:MAX_ADOPTION_STATUS],
        uri=uri[:MAX_URI],
        last_change=_text(raw.get("lastChangeDateTime"))[:MAX_LAST_CHANGE],
    )


def _item_type(raw: dict) -> str:
    kind = raw.get("CFItemType")
    if not isinstance(kind, str) or not kind.strip():
        type_uri = raw.get("CFItemTypeURI")
        kind = type_uri.get("title") if isinstance(type_uri, dict) else ""
    return _text(kind)[:MAX_ITEM_TYPE]


def _items(raw: object, document_id: str | None, out: _Collector) -> list[CaseItem]:
    if raw is None:
        out.add("CFItems", MSG_MISSING)
        return []
    if not isinstance(raw, list):
        out.add("CFItems", "must be a list")
        return []
    if not raw:
        out.add("CFItems", "the package has no items")
        return []
    if len(raw) > MAX_ITEMS:
        out.add("CFItems", MSG_TOO_MANY_ITEMS.format(count=len(raw)))
        return []
    items: list[CaseItem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        path = f"CFItems[{index}]"
        if not isinstance(entry, dict):
            out.add(path, "must be an object")
            continue
        identifier = _identifier(entry, path, out)
        statement = _required_text(entry, "fullStatement", path, out, MAX_STATEMENT)
        if identifier is not None:
            if identifier == document_id:
                out.add(f"{path}.identifier", "is the identifier of the CFDocument")
                identifier = None
            elif identifier in seen:
                out.add(
                    f"{path}.identifier",
                    f"is the same as the identifier of CFItems[{seen[identifier]}]",
                )
                identifier = None
            else:
                seen[identifier] = index
        code = entry.get("humanCodingScheme")
        if code is not None and not isinstance(code, str):
            out.warn(f"{path}.humanCodingScheme", "is not text and was ignored")
        if identifier is None or statement is None:
            continue
        items.append(
            CaseItem(
                identifier=identifier,
                full_statement=statement,
                index=index,
                human_coding_scheme=_text(code),
                abbreviated_statement=_text(entry.get("abbreviatedStatement")),
                item_type=_item_type(entry),
                uri=_text(entry.get("uri"))[:MAX_URI],
            )
        )
    return items


def _sequence(value: object, path: str, out: _Collector) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    out.warn(f"{path}.sequenceNumber", "is not a whole number and was ignored")
    return None


def _node_identifier(assoc: dict, key: str, path: str, out: _Collector) -> str | None:
    node = assoc.get(key)
    if not isinstance(node, dict):
        out.add(f"{path}.{key}", MSG_MISSING if node is None else "must be an object")
        return None
    value = node.get("identifier")
    if not isinstance(value, str) or not value.strip():
        out.add(f"{path}.{key}.identifier", MSG_MISSING)
        return None
    return value.strip().lower()


@dataclass(frozen=True)
class _Link:
    parent: str
    sequence: int | None
    path: str


def _links(
    raw: object, document_id: str, items: dict[str, CaseItem], out: _Collector
) -> dict[str, _Link]:
    """Each item's parent (its first valid ``isChildOf``); other association types are left alone."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        out.add("CFAssociations", "must be a list")
        return {}
    parents: dict[str, _Link] = {}
    for index, assoc in enumerate(raw):
        path = f"CFAssociations[{index}]"
        if not isinstance(assoc, dict):
            out.add(path, "must be an object")
            continue
        kind = assoc.get("associationType")
        if not isinstance(kind, str) or not kind.strip():
            out.add(f"{path}.associationType", MSG_MISSING)
            continue
        if kind.strip() != CHILD_OF:
            continue
        child = _node_identifier(assoc, "originNodeURI", path, out)
        parent = _node_identifier(assoc, "destinationNodeURI", path, out)
        if child is None or parent is None:
            continue
        if child not in items:
            out.add(
                f"{path}.originNodeURI.identifier", f"no CFItem has the identifier '{child[:60]}'"
            )
            continue
        if parent != document_id and parent not in items:
            out.add(
                f"{path}.destinationNodeURI.identifier",
                f"neither the CFDocument nor a CFItem has the identifier '{parent[:60]}'",
            )
            continue
        if parent == child:
            out.add(path, f"{_label(items[child])} is a child of itself")
            continue
        sequence = _sequence(assoc.get("sequenceNumber"), path, out)
        if child in parents:
            if parents[child].parent != parent:
                out.warn(
                    path,
                    f"{_label(items[child])} has another parent too; it is shown only under the "
                    f"first one ({parents[child].path})",
                )
            continue
        parents[child] = _Link(parent=parent, sequence=sequence, path=path)
    return parents


def _label(item: CaseItem) -> str:
    return item.human_coding_scheme or f"CFItems[{item.index}]"


def _cycles(
    parents: dict[str, _Link], document_id: str, items: dict[str, CaseItem], out: _Collector
) -> None:
    """Report every loop of ``isChildOf`` links (such items never reach the document)."""
    state: dict[str, int] = {}  # 1 = being followed, 2 = reaches the document
    for start in parents:
        trail: list[str] = []
        node = start
        while node != document_id and node in parents and state.get(node) is None:
            state[node] = 1
            trail.append(node)
            node = parents[node].parent
        if node != document_id and state.get(node) == 1 and node in trail:
            loop = trail[trail.index(node) :]
            names = " → ".join(_label(items[n]) for n in [*loop, node])
            out.add(parents[loop[0]].path, f"the isChildOf links form a loop: {names}")
        for n in trail:
            state[n] = 2


def _tree_order(
    items: list[CaseItem], parents: dict[str, _Link], document_id: str
) -> list[CaseItem]:
    """Items in tree order: a parent before its children, siblings by sequenceNumber then file order."""
    children: dict[str, list[tuple[bool, int, int, CaseItem]]] = defaultdict(list)
    for item in items:
        link = parents.get(item.identifier)
        parent = link.parent if link else document_id
        sequence = link.sequence if link else None
        children[parent].append((sequence is None, sequence or 0, item.index, item))
    for kids in children.values():
        kids.sort(key=lambda k: k[:3])
    ordered: list[CaseItem] = []
    # Each frame: (parent identifier or None for the top, depth of its children, its sorted children, next).
    stack: list[list] = [[None, 0, children.get(document_id, []), 0]]
    while stack:
        frame = stack[-1]
        parent, depth, kids, nxt = frame
        if nxt >= len(kids):
            stack.pop()
            continue
        frame[3] = nxt + 1
        item = kids[nxt][3]
        placed = replace(item, parent_identifier=parent, position=nxt, depth=depth)
        ordered.append(placed)
        stack.append([item.identifier, depth + 1, children.get(item.identifier, []), 0])
    return ordered


def parse_case_package(data: bytes) -> CaseParse:
    """Read and check a CASE 1.0 JSON package.

    Args:
        data: the uploaded file as it arrived.

    Returns:
        The findings, and (when there was no error) the document and its items in tree order.
    """
    out = _Collector()
    if not isinstance(data, bytes | bytearray) or not data:
        out.add("", MSG_EMPTY)
        return out.result()
    if len(data) > MAX_PACKAGE_BYTES:
        out.add("", MSG_TOO_LARGE)
        return out.result()
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        out.add("", MSG_NOT_UTF8)
        return out.result()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        out.add(
            "",
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
        )
        return out.result()
    except RecursionError:
        out.add("", "The file is nested too deeply to be a CASE package.")
        return out.result()
    if isinstance(raw, dict) and isinstance(raw.get("CFPackage"), dict):
        raw = raw["CFPackage"]
    if not isinstance(raw, dict):
        out.add(
            "",
            "The file is not a CASE package: expected an object with CFDocument, CFItems and "
            "CFAssociations.",
        )
        return out.result()
    document = _document(raw.get("CFDocument"), out)
    document_id = document.identifier if document else None
    items = _items(raw.get("CFItems"), document_id, out)
    if document is None or out.has_error:
        return out.result()
    by_id = {item.identifier: item for item in items}
    parents = _links(raw.get("CFAssociations"), document.identifier, by_id, out)
    _cycles(parents, document.identifier, by_id, out)
    if out.has_error:
        return out.result()
    loose = [item for item in items if item.identifier not in parents]
    if loose and len(loose) < len(items):
        for item in loose:
            out.warn(
                f"CFItems[{item.index}]",
                f"{_label(item)} has no isChildOf association; it is shown at "
                "the top of the framework",
            )
    elif loose:
        out.warn(
            "CFAssociations",
            "no item has an isChildOf association; every item is shown at the top of the framework",
        )
    return out.result(document, _tree_order(items, parents, document.identifier))


def fallback_code(item: CaseItem, wanted: str, attempt: int = 0) -> str:
    """A code for an item whose human coding scheme is missing, too long or already used.

    ``CASE-3f2a9c1b`` (from the identifier) without one, ``OC.1 [3f2a9c1b]`` beside a taken one;
    later attempts take more of the identifier.
    """
    short = item.identifier.replace("-", "")[: 8 + 4 * attempt]
    if not wanted:
        return f"CASE-{short}"[:MAX_CODE]
    suffix = f" [{short}]"
    return wanted[: MAX_CODE - len(suffix)] + suffix


def assign_codes(
    items: Iterable[CaseItem], taken: Collection[str]
) -> tuple[dict[str, str], list[Finding]]:
    """The code each item is stored under, unique at the site (letter case ignored).

    The human coding scheme is kept whenever it is free; otherwise :func:`fallback_code` is used
    and a warning says so. Items are served in the order given, so the same package gets the same
    codes every time it is imported.

    Args:
        items: the package's items, in tree order.
        taken: codes already used at the site by objectives outside this package.

    Returns:
        The code by item identifier, and a warning for each item that did not get its own.
    """
    used = {code.casefold() for code in taken}
    codes: dict[str, str] = {}
    findings: list[Finding] = []
    for item in items:
        wanted = item.human_coding_scheme
        if wanted and len(wanted) <= MAX_CODE and wanted.casefold() not in used:
            code = wanted
        else:
            attempt = 0
            code = fallback_code(item, wanted, attempt)
            while code.casefold() in used:
                attempt += 1
                code = (
                    fallback_code(item, wanted, attempt)
                    if attempt < 7
                    else f"{code[: MAX_CODE - 4]}-{attempt}"
                )
            path = f"CFItems[{item.index}].humanCodingScheme"
            if not wanted:
                reason = "missing"
            elif len(wanted) > MAX_CODE:
                reason = f"longer than {MAX_CODE} characters"
            else:
                reason = f"'{wanted}' is already used by another objective"
            findings.append(
                Finding(path, f"{reason}; stored under the code '{code}'", Severity.WARNING)
            )
        used.add(code.casefold())
        codes[item.identifier] = code
    return codes, findings
