"""Rules of plan templates: what a template may carry, and which template changes a plan still waits on.

A template is a tree of items: focus areas hold goals, goals hold tasks, tasks hold links. It
is made from structure only. Whatever belongs to a learner (task statuses, dates, ratings,
reflections, notes, the log, anyone's name) never enters it: :func:`template_items_from_plan`
reads an allow-list of fields and ignores everything else it is given.

Every structural change to a template raises its revision and stamps the changed item with it.
A plan remembers the revision it was made from; :func:`pending_updates` compares the two, and
the mentor's earlier answers, to list what the plan has not taken or refused yet.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.plans import (
    MAX_FOCUS_AREA,
    MAX_GOAL_STATEMENT,
    MAX_LINK_TITLE,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    MAX_URL,
    clean_url,
)
from ilp_app.domain.transitions import year_key

MAX_TEMPLATE_NAME = 120
MAX_TEMPLATE_DESCRIPTION = 1000
MAX_YEAR_LABEL = 50
MAX_TEMPLATE_YEARS = 15
MSG_TOO_MANY_YEARS = f"A template suits at most {MAX_TEMPLATE_YEARS} years."
MAX_OBJECTIVE_CODE = 60
MAX_OBJECTIVE_CODES = 10
MAX_OBJECTIVE_CODES_TEXT = 500
#: Items in one template, removed ones included: keeps applying it to a whole group quick.
MAX_TEMPLATE_ITEMS = 400

#: What a learner's name in a goal or task becomes when the plan is saved as a template.
NAME_PLACEHOLDER = "the learner"


class ItemKind(StrEnum):
    AREA = "area"
    GOAL = "goal"
    TASK = "task"
    LINK = "link"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ItemKind.AREA: "Focus area",
    ItemKind.GOAL: "Goal",
    ItemKind.TASK: "Task",
    ItemKind.LINK: "Link",
}

#: The kind an item must hang under (None: at the top of the template).
PARENT_KIND: dict[ItemKind, ItemKind | None] = {
    ItemKind.AREA: None,
    ItemKind.GOAL: ItemKind.AREA,
    ItemKind.TASK: ItemKind.GOAL,
    ItemKind.LINK: ItemKind.TASK,
}

#: The same limits as the plan fields an item becomes, so an applied plan is always valid.
TEXT_LIMITS = {
    ItemKind.AREA: MAX_FOCUS_AREA,
    ItemKind.GOAL: MAX_GOAL_STATEMENT,
    ItemKind.TASK: MAX_TASK_TITLE,
    ItemKind.LINK: MAX_LINK_TITLE,
}
TEXT_FIELDS = {
    ItemKind.AREA: "Focus area",
    ItemKind.GOAL: "Goal",
    ItemKind.TASK: "Task",
    ItemKind.LINK: "Link title",
}


class UpdateKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {"new": "New", "changed": "Changed", "removed": "Removed"}[self.value]


class Decision(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


def parse_kind(value: object) -> ItemKind:
    if isinstance(value, str):
        try:
            return ItemKind(value)
        except ValueError:
            pass
    raise ValidationFailed("Choose a focus area, goal, task or link.")


# --- cleaning what people type ------------------------------------------------------------


def form_years(form: Mapping) -> list[str]:
    """The years ticked in a template form: one checkbox per year, named "year:<year>"."""
    return [
        key.removeprefix("year:")
        for key, value in form.items()
        if isinstance(key, str) and key.startswith("year:") and value not in (None, False, "")
    ]


def clean_template_meta(
    name: object, description: object, years: object
) -> tuple[str, str, tuple[str, ...]]:
    """A template's name (required), description (optional) and the years it suits (none, one
    year as text, or a list of them; repeats of the same year are dropped)."""
    raw = [] if years in (None, "") else years if isinstance(years, list | tuple) else [years]
    if len(raw) > MAX_TEMPLATE_YEARS:
        raise ValidationFailed(MSG_TOO_MANY_YEARS)
    found: dict[str, str] = {}
    for value in raw:
        year = parse_text(value, field="Year", max_length=MAX_YEAR_LABEL, required=False)
        if year:
            found.setdefault(year_key(year), year)
    return (
        parse_text(name, field="Template name", max_length=MAX_TEMPLATE_NAME),
        parse_text(
            description, field="Description", max_length=MAX_TEMPLATE_DESCRIPTION, required=False
        ),
        tuple(found.values()),
    )


def parse_objective_codes(value: object) -> tuple[str, ...]:
    """Learning-objective codes from a comma-separated text (or a list), trimmed and de-duplicated."""
    if value in (None, "", []):
        return ()
    if isinstance(value, str):
        raw = value.split(",")
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        raw = list(value)
    else:
        raise ValidationFailed("Learning objectives must be codes separated by commas.")
    codes: list[str] = []
    for code in (c.strip() for c in raw):
        if not code:
            continue
        if len(code) > MAX_OBJECTIVE_CODE:
            raise ValidationFailed(
                f"A learning-objective code can be at most {MAX_OBJECTIVE_CODE} characters."
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_OBJECTIVE_CODES:
        raise ValidationFailed(f"Link at most {MAX_OBJECTIVE_CODES} learning objectives to a goal.")
    if len(",".join(codes)) > MAX_OBJECTIVE_CODES_TEXT:
        raise ValidationFailed("Those learning-objective codes are too long together.")
    return tuple(codes)


def clean_item(
    kind: ItemKind, text: object, detail: object = "", objective_codes: object = None
) -> tuple[str, str, tuple[str, ...]]:
    """The text, detail and objective codes an item of ``kind`` may hold.

    A goal's detail is what success looks like; a link's detail is its http(s) address. Focus
    areas and tasks have no detail, and only goals link to learning objectives.
    """
    clean = parse_text(text, field=TEXT_FIELDS[kind], max_length=TEXT_LIMITS[kind])
    if kind is ItemKind.GOAL:
        return (
            clean,
            parse_text(
                detail,
                field="What success looks like",
                max_length=MAX_SUCCESS_CRITERIA,
                required=False,
            ),
            parse_objective_codes(objective_codes),
        )
    if kind is ItemKind.LINK:
        return clean, clean_url(detail), ()
    return clean, "", ()


def check_parent(kind: ItemKind, parent_kind: ItemKind | None) -> None:
    """Raise unless an item of ``kind`` may hang under an item of ``parent_kind`` (None: the top)."""
    wanted = PARENT_KIND[kind]
    if wanted != parent_kind:
        if wanted is None:
            raise ValidationFailed("A focus area sits at the top of the template.")
        raise ValidationFailed(f"A {kind.label.lower()} belongs under a {wanted.label.lower()}.")


# --- what a template may carry --------------------------------------------------------------


@dataclass(frozen=True)
class ItemDraft:
    """One item of a template still to be stored, with the items under it."""

    kind: ItemKind
    text: str
    detail: str = ""
    objective_codes: tuple[str, ...] = ()
    children: tuple[ItemDraft, ...] = ()


def _get(obj: object, name: str, default: object = None) -> object:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _items(obj: object, name: str) -> list:
    value = _get(obj, name, ())
    return (
        list(value)
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)
        else []
    )


def _name_patterns(names: Iterable[str]) -> list[re.Pattern]:
    """Whole-word, case-sensitive patterns for a learner's names: each name whole, and each part of it.

    Parts that are not capitalised ("van", "de") are left alone: as ordinary words they are too
    likely to mean something else in a goal.
    """
    variants: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        variants.add(" ".join(name.split()))
        variants.update(part for part in name.split() if part[:1].isupper())
    # Longest first, so "Ola Nordmann" is replaced whole before "Ola" is looked for.
    return [
        re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)")
        for v in sorted(variants, key=len, reverse=True)
        if len(v) >= 2
    ]


def _plain(value: object, limit: int, patterns: list[re.Pattern]) -> str:
    if not isinstance(value, str):
        return ""
    text = value.strip()
    for pattern in patterns:
        text = pattern.sub(NAME_PLACEHOLDER, text)
    return text[:limit].strip()


def _codes(goal: object) -> tuple[str, ...]:
    raw = _get(goal, "objective_codes")
    if raw is None:
        raw = [o if isinstance(o, str) else _get(o, "code", "") for o in _items(goal, "objectives")]
    try:
        return parse_objective_codes(list(raw) if not isinstance(raw, str) else raw)
    except ValidationFailed:
        return ()


def _link(link: object, patterns: list[re.Pattern]) -> ItemDraft | None:
    title = _plain(_get(link, "title"), MAX_LINK_TITLE, patterns)
    try:
        url = clean_url(_get(link, "url"))
    except ValidationFailed:
        return None  # only http(s) addresses travel; anything else stays behind
    return ItemDraft(ItemKind.LINK, title, url[:MAX_URL]) if title else None


def _task(task: object, patterns: list[re.Pattern]) -> ItemDraft | None:
    title = _plain(_get(task, "title"), MAX_TASK_TITLE, patterns)
    if not title:
        return None
    links = tuple(d for d in (_link(li, patterns) for li in _items(task, "links")) if d)
    return ItemDraft(ItemKind.TASK, title, children=links)


def _goal(goal: object, patterns: list[re.Pattern]) -> ItemDraft | None:
    statement = _plain(_get(goal, "statement"), MAX_GOAL_STATEMENT, patterns)
    if not statement:
        return None
    tasks = tuple(d for d in (_task(t, patterns) for t in _items(goal, "tasks")) if d)
    return ItemDraft(
        ItemKind.GOAL,
        statement,
        _plain(_get(goal, "success_criteria"), MAX_SUCCESS_CRITERIA, patterns),
        _codes(goal),
        tasks,
    )


def template_items_from_plan(
    focus_areas: Iterable[object], *, learner_names: Iterable[str] = ()
) -> list[ItemDraft]:
    """The template a plan's structure makes: focus areas, goals, tasks, links and objective codes.

    Only these fields are read: an area's ``name`` and ``goals``; a goal's ``statement``,
    ``success_criteria``, ``objective_codes`` (or ``objectives`` with a ``code``) and ``tasks``;
    a task's ``title`` and ``links``; a link's ``title`` and ``url``. Statuses, dates, ratings,
    reflections, notes, log entries and names of people are never read, whatever else the
    objects carry. The learner's names (whole, or any capitalised part), where a mentor wrote
    them into a goal or task, are replaced with "the learner".

    Args:
        focus_areas: the plan's focus areas in order, as mappings or objects (e.g. view models).
        learner_names: the learner's full and preferred names.

    Returns:
        The template's top-level items (focus areas), each with its goals, tasks and links.
    """
    patterns = _name_patterns(learner_names)
    drafts = []
    for area in focus_areas:
        name = _plain(_get(area, "name"), MAX_FOCUS_AREA, patterns)
        if name:
            goals = tuple(d for d in (_goal(g, patterns) for g in _items(area, "goals")) if d)
            drafts.append(ItemDraft(ItemKind.AREA, name, children=goals))
    return drafts


# --- which template changes a plan has not answered yet ----------------------------------------


@dataclass(frozen=True)
class TemplateNode:
    """A stored template item, as the update rule sees it."""

    id: int
    parent_id: int | None
    kind: ItemKind
    text: str
    detail: str = ""
    objective_codes: tuple[str, ...] = ()
    revision: int = 1
    removed: bool = False
    position: int = 0


@dataclass(frozen=True)
class PlanCopy:
    """Something in a plan that was made from a template item, as it reads in the plan now."""

    template_item_id: int
    text: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DecisionRecord:
    template_item_id: int
    revision: int
    decision: Decision | str


@dataclass(frozen=True)
class PendingUpdate:
    """One change in the template that the plan has neither taken nor dismissed.

    ``brings`` lists the new items under a new one (a new goal comes with its tasks); they are
    added with it rather than offered one by one.
    """

    key: str
    template_item_id: int
    revision: int
    change: UpdateKind
    kind: ItemKind
    text: str
    detail: str
    plan_text: str = ""
    plan_detail: str = ""
    parent_id: int | None = None
    brings: tuple[int, ...] = ()


def update_key(template_item_id: int, revision: int) -> str:
    """A stable name for one change: the item and the template revision that made it."""
    return f"{template_item_id}:{revision}"


def tree_order(nodes: Iterable[TemplateNode]) -> list[TemplateNode]:
    """Items depth first, siblings by position: the order a template reads in."""
    children: dict[int | None, list[TemplateNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.id))
    ordered: list[TemplateNode] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children[node.id]))
    return ordered


def pending_updates(
    *,
    template_items: Iterable[TemplateNode],
    plan_copies: Iterable[PlanCopy],
    taken_revision: int,
    decisions: Iterable[DecisionRecord] = (),
) -> list[PendingUpdate]:
    """What a plan made from a template has not answered yet, in template order.

    An item counts as unanswered when its revision is above both the revision the plan was
    made from and the last revision of it the mentor accepted or dismissed. It is then:

    * **removed** when the template removed it and the plan still has its copy (a removal
      under an item that is itself offered for removal is part of that one);
    * **changed** when the plan has its copy;
    * **new** when the plan has no copy and its parent is in the plan (focus areas need no
      parent). New items under a new item come with it (``brings``); new items whose parent
      is gone from the plan have nowhere to go and are not offered.

    Args:
        template_items: every item of the template, removed ones included.
        plan_copies: the plan's things that came from template items.
        taken_revision: the template revision the plan was made from.
        decisions: the plan's earlier answers.
    """
    nodes = tree_order(template_items)
    by_id = {n.id: n for n in nodes}
    children: dict[int | None, list[TemplateNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    in_plan = {c.template_item_id: c for c in plan_copies}
    seen: dict[int, int] = defaultdict(lambda: taken_revision)
    for d in decisions:
        seen[d.template_item_id] = max(seen[d.template_item_id], d.revision)

    def unanswered(node: TemplateNode) -> bool:
        return node.revision > seen[node.id]

    def new_below(node: TemplateNode) -> list[int]:
        found = []
        for child in children[node.id]:
            if not child.removed and child.id not in in_plan:
                found.append(child.id)
                found.extend(new_below(child))
        return found

    updates = []
    for node in nodes:
        if not unanswered(node):
            continue
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        copy = in_plan.get(node.id)
        if node.removed:
            if copy is None:
                continue
            if (
                parent is not None
                and parent.removed
                and parent.id in in_plan
                and unanswered(parent)
            ):
                continue
            change = UpdateKind.REMOVED
            brings: tuple[int, ...] = ()
        elif copy is not None:
            change = UpdateKind.CHANGED
            brings = ()
        else:
            top = node.parent_id is None
            if not top and (parent is None or parent.removed or parent.id not in in_plan):
                continue
            change = UpdateKind.NEW
            brings = tuple(new_below(node))
        updates.append(
            PendingUpdate(
                key=update_key(node.id, node.revision),
                template_item_id=node.id,
                revision=node.revision,
                change=change,
                kind=ItemKind(node.kind),
                text=node.text,
                detail=node.detail,
                plan_text=copy.text if copy else "",
                plan_detail=copy.detail if copy else "",
                parent_id=node.parent_id,
                brings=brings,
            )
        )
    return updates
