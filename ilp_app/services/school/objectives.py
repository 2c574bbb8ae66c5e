"""The school's learning-objective library: browsing it, objectives entered by hand, and choosing
objectives for a goal.

Imported frameworks (see :mod:`ilp_app.services.school.case_import`) are changed only by importing
them again; the objectives a school types in itself are edited here by administrators.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import LearningObjective, ObjectiveFramework
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor, can
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans import plan_edit

#: The library's entry for objectives the school entered by hand (they belong to no framework).
OWN = 0
OWN_TITLE = "The school's own objectives"
MAX_QUERY = 100
MAX_CODE = 60
MAX_STATEMENT = 1000
MAX_SUBJECT = 100
PATH_SEPARATOR = " › "

MSG_QUERY = f"The search text can be at most {MAX_QUERY} characters."
MSG_NO_FRAMEWORK = "That framework does not exist."
MSG_NO_OBJECTIVE = "That learning objective does not exist."
MSG_CODE_TAKEN = "The code {code} is already used by another learning objective."
MSG_CODE_CHARACTERS = "A code cannot contain commas or line breaks."
MSG_IMPORTED = "This objective comes from the framework “{title}”: change it there and import the package again."


@dataclass
class FrameworkRow:
    id: int  # OWN for the school's own objectives
    title: str
    subject: str = ""
    version: str = ""
    creator: str = ""
    adoption_status: str = ""
    imported_at: str = ""
    objectives: int = 0  # current (not archived)
    archived: int = 0


@dataclass
class ObjectiveNode:
    id: int
    code: str
    statement: str
    item_type: str
    subject: str
    depth: int
    parent_id: int  # 0 at the top
    has_children: bool
    archived: bool
    own: bool  # entered by the school (editable), not imported
    match: bool = True  # matches the search (False: shown only as the parent of a match)
    ancestors: list[int] = field(default_factory=list)


@dataclass
class ObjectiveLibrary:
    frameworks: list[FrameworkRow]
    framework_id: int
    framework_title: str
    nodes: list[ObjectiveNode]
    matches: int
    can_manage: bool


def _query(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_QUERY:
        raise ValidationFailed(MSG_QUERY)
    return unicodedata.normalize("NFC", value).strip().casefold()


def _frameworks(session: Session, actor: Actor) -> list[FrameworkRow]:
    counts: dict[tuple[int | None, bool], int] = {
        (fid, archived): n
        for fid, archived, n in session.exec(
            select(LearningObjective.framework_id, LearningObjective.archived, sa.func.count())
            .where(LearningObjective.site_id == actor.site_id)
            .group_by(LearningObjective.framework_id, LearningObjective.archived)
        ).all()
    }
    rows = [
        FrameworkRow(
            id=f.id,
            title=f.title,
            subject=f.subject,
            version=f.version,
            creator=f.creator,
            adoption_status=f.adoption_status,
            imported_at=f.imported_at.strftime("%Y-%m-%d"),
            objectives=counts.get((f.id, False), 0),
            archived=counts.get((f.id, True), 0),
        )
        for f in session.exec(
            select(ObjectiveFramework)
            .where(ObjectiveFramework.site_id == actor.site_id)
            .order_by(ObjectiveFramework.title, ObjectiveFramework.id)
        ).all()
    ]
    rows.append(
        FrameworkRow(
            id=OWN,
            title=OWN_TITLE,
            objectives=counts.get((None, False), 0),
            archived=counts.get((None, True), 0),
        )
    )
    return rows


def _tree(rows: Iterable[LearningObjective]) -> list[tuple[LearningObjective, int, list[int]]]:
    """Objectives in tree order with their depth and ancestors; siblings by position, then code."""
    rows = list(rows)
    ids = {r.id for r in rows}
    children: dict[int, list[LearningObjective]] = defaultdict(list)
    for row in rows:
        children[row.parent_id if row.parent_id in ids else 0].append(row)
    for kids in children.values():
        kids.sort(key=lambda r: (r.position, r.code.casefold(), r.id))
    out: list[tuple[LearningObjective, int, list[int]]] = []
    stack: list[tuple[LearningObjective, int, list[int]]] = [
        (r, 0, []) for r in reversed(children[0])
    ]
    while stack:
        row, depth, ancestors = stack.pop()
        out.append((row, depth, ancestors))
        stack.extend(
            (kid, depth + 1, [*ancestors, row.id]) for kid in reversed(children.get(row.id, []))
        )
    return out


def objective_tree(
    *,
    session: Session,
    actor: Actor | None,
    framework_id: object = None,
    query: object = "",
    include_archived: object = False,
    client_ip: str = "",
) -> ObjectiveLibrary:
    """One framework of the library as a tree, optionally narrowed to what matches ``query``.

    Args:
        framework_id: a framework's id, ``OWN`` (0) for the school's own objectives, or None for
            the first framework there is.
        query: words or a code; matching objectives are kept with the objectives above them.
        include_archived: also show objectives that left their framework.
    """
    authorize(actor, Action.OBJECTIVE_LIBRARY_VIEW, client_ip=client_ip)
    needle = _query(query)
    frameworks = _frameworks(session, actor)
    if framework_id is None:
        chosen = frameworks[0]
    else:
        wanted = OWN if framework_id in (0, "0") else parse_id(framework_id, what="framework")
        chosen = next((f for f in frameworks if f.id == wanted), None)
        if chosen is None:
            raise NotFound(MSG_NO_FRAMEWORK)
    stmt = select(LearningObjective).where(LearningObjective.site_id == actor.site_id)
    stmt = stmt.where(
        LearningObjective.framework_id.is_(None)
        if chosen.id == OWN
        else LearningObjective.framework_id == chosen.id
    )
    if include_archived is not True:
        stmt = stmt.where(~LearningObjective.archived)
    ordered = _tree(session.exec(stmt).all())
    parents = {row.parent_id for row, _, _ in ordered}
    matched = {
        row.id
        for row, _, _ in ordered
        if not needle or needle in row.code.casefold() or needle in row.statement.casefold()
    }
    shown = set(matched)
    for row, _, ancestors in ordered:
        if row.id in matched:
            shown.update(ancestors)
    nodes = [
        ObjectiveNode(
            id=row.id,
            code=row.code,
            statement=row.statement,
            item_type=row.item_type,
            subject=row.subject,
            depth=depth,
            parent_id=row.parent_id or 0,
            has_children=row.id in parents,
            archived=row.archived,
            own=row.framework_id is None,
            match=row.id in matched,
            ancestors=ancestors,
        )
        for row, depth, ancestors in ordered
        if row.id in shown
    ]
    return ObjectiveLibrary(
        frameworks=frameworks,
        framework_id=chosen.id,
        framework_title=chosen.title,
        nodes=nodes,
        matches=len(matched),
        can_manage=can(actor, Action.SCHOOL_MANAGE),
    )


# --- objectives the school enters by hand ------------------------------------------------------


def _fields(
    session: Session,
    actor: Actor,
    code: object,
    statement: object,
    subject: object,
    own_id: int | None = None,
) -> dict:
    clean_code = parse_text(code, field="Code", max_length=MAX_CODE)
    if any(ch in clean_code for ch in ",\n\r\t"):
        raise ValidationFailed(MSG_CODE_CHARACTERS)
    taken = session.exec(
        select(LearningObjective.id).where(
            LearningObjective.site_id == actor.site_id,
            sa.func.lower(LearningObjective.code) == clean_code.lower(),
            LearningObjective.id != (own_id or 0),
        )
    ).first()
    if taken:
        raise ValidationFailed(MSG_CODE_TAKEN.format(code=clean_code))
    return {
        "code": clean_code,
        "statement": parse_text(statement, field="Statement", max_length=MAX_STATEMENT),
        "subject": parse_text(subject, field="Subject", max_length=MAX_SUBJECT, required=False),
    }


def _own(
    session: Session, actor: Actor | None, objective_id: object, client_ip: str
) -> LearningObjective:
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    row = session.get(LearningObjective, parse_id(objective_id, what="learning objective"))
    if row is None or row.site_id != actor.site_id:
        raise NotFound(MSG_NO_OBJECTIVE)
    if row.framework_id is not None:
        framework = session.get(ObjectiveFramework, row.framework_id)
        raise ValidationFailed(MSG_IMPORTED.format(title=framework.title if framework else ""))
    return row


def objective_create(
    *,
    session: Session,
    actor: Actor | None,
    code: object,
    statement: object,
    subject: object = "",
    client_ip: str = "",
) -> int:
    """Add an objective of the school's own (not from a framework); returns its id."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    values = _fields(session, actor, code, statement, subject)
    row = LearningObjective(site_id=actor.site_id, **values)
    session.add(row)
    session.flush()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="objective.create",
        target_type="objective",
        target_id=row.id,
        detail=values,
        client_ip=client_ip,
    )
    return row.id


def objective_update(
    *,
    session: Session,
    actor: Actor | None,
    objective_id: object,
    code: object,
    statement: object,
    subject: object = "",
    client_ip: str = "",
) -> bool:
    """Change one of the school's own objectives; False when nothing changed.

    Goals keep their link (it is by id); plan templates name objectives by code, so a new code
    also needs the templates that use the old one updated.
    """
    row = _own(session, actor, objective_id, client_ip)
    values = _fields(session, actor, code, statement, subject, own_id=row.id)
    before = {key: getattr(row, key) for key in values}
    if before == values:
        return False
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="objective.update",
        target_type="objective",
        target_id=row.id,
        detail={"before": before, "after": values},
        client_ip=client_ip,
    )
    return True


def objective_set_archived(
    *,
    session: Session,
    actor: Actor | None,
    objective_id: object,
    archived: object,
    client_ip: str = "",
) -> None:
    """Archive one of the school's own objectives (no longer offered for goals; goals keep it), or restore it."""
    row = _own(session, actor, objective_id, client_ip)
    if not isinstance(archived, bool):
        raise ValidationFailed("Choose archive or restore.")
    if row.archived == archived:
        return
    row.archived = archived
    session.add(row)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="objective.archive" if archived else "objective.restore",
        target_type="objective",
        target_id=row.id,
        client_ip=client_ip,
    )


# --- choosing objectives for a goal -------------------------------------------------------------


@dataclass
class ObjectiveChoice:
    id: int
    code: str
    statement: str
    path: str  # where it sits: "Framework › OC.1 › OC.1.2", or the subject of the school's own
    archived: bool = False


def objective_choices(
    *, session: Session, actor: Actor | None, keep_ids: Iterable[int] = ()
) -> list[ObjectiveChoice]:
    """The objectives a mentor may link a goal to, each with where it sits in its framework.

    Archived objectives are left out, except those in ``keep_ids`` (already linked to a goal being
    edited), so editing a goal never drops a link silently.
    """
    offered = plan_edit.objective_options(session=session, actor=actor)
    keep = {i for i in keep_ids if isinstance(i, int) and not isinstance(i, bool)}
    kept = (
        list(
            session.exec(
                select(LearningObjective).where(
                    LearningObjective.site_id == actor.site_id,
                    LearningObjective.archived,
                    LearningObjective.id.in_(keep),
                )
            ).all()
        )
        if keep
        else []
    )
    chosen = [*offered, *kept]
    if not chosen:
        return []
    titles = dict(
        session.exec(
            select(ObjectiveFramework.id, ObjectiveFramework.title).where(
                ObjectiveFramework.site_id == actor.site_id
            )
        ).all()
    )
    skeleton = {
        oid: (code, parent, position)
        for oid, code, parent, position in session.exec(
            select(
                LearningObjective.id,
                LearningObjective.code,
                LearningObjective.parent_id,
                LearningObjective.position,
            ).where(
                LearningObjective.site_id == actor.site_id,
                LearningObjective.framework_id.is_not(None),
            )
        ).all()
    }

    def lineage(row: LearningObjective) -> list[int]:
        chain, node, seen = [], row.parent_id, {row.id}
        while node in skeleton and node not in seen:
            seen.add(node)
            chain.append(node)
            node = skeleton[node][1]
        return chain[::-1]

    choices: list[tuple[tuple, ObjectiveChoice]] = []
    for row in chosen:
        if row.framework_id is None:
            group, path, order = row.subject or OWN_TITLE, row.subject or OWN_TITLE, ()
        else:
            chain = lineage(row)
            group = titles.get(row.framework_id, "")
            path = PATH_SEPARATOR.join([group, *(skeleton[a][0] for a in chain)])
            order = tuple((skeleton[a][2], skeleton[a][0].casefold()) for a in [*chain, row.id])
        key = (row.framework_id is not None, group.casefold(), order, row.code.casefold())
        choices.append(
            (
                key,
                ObjectiveChoice(
                    id=row.id,
                    code=row.code,
                    statement=row.statement,
                    path=path,
                    archived=row.archived,
                ),
            )
        )
    return [choice for _, choice in sorted(choices, key=lambda c: c[0])]
