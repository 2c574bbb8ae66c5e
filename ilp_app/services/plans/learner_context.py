"""A learner's context header: who they are, where they learn, and what staff should know.

Shown at the top of every plan page. Each fact (a :class:`LearnerContextItem`) carries its own
visibility: "staff" items (often support needs) are for the learner's mentor, teachers and the
school; "family" items are also shown to the learner and their parents. The learner's pronouns
follow ``User.pronouns_visibility`` the same way. Items a viewer may not see are never loaded into
the view model, so they cannot reach that viewer's browser.

Only the learner's mentor (and an administrator) may change the context; every change is audited,
with the kind and visibility of the item but never its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, LearnerContextItem, RoleGrant, User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, ContextItemRef, LearnerRef, can
from ilp_app.domain.roles import Role
from ilp_app.i18n import N_, gettext
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial

# --- rules (pure: no database) -------------------------------------------------------------------

KIND_LABELS: dict[str, str] = {
    "prior_attainment": N_("Prior attainment"),
    "support_needs": N_("Support or additional needs"),
    "other": N_("Other"),
}
VISIBILITY_LABELS: dict[str, str] = {
    "staff": N_("Staff only"),
    "family": N_("Staff, learner and parents"),
}
MAX_VALUE = 2000
MAX_LABEL = 80
MAX_ITEMS = 40

MSG_KIND = "Choose what kind of information this is."
MSG_VALUE_REQUIRED = "Write the information to show."
MSG_VALUE_TOO_LONG = f"That is too long: at most {MAX_VALUE} characters."
MSG_LABEL_REQUIRED = "Give this item a short label, such as “Interests”."
MSG_LABEL_TOO_LONG = f"The label is too long: at most {MAX_LABEL} characters."
MSG_VISIBILITY = "Choose who can see this: staff only, or also the learner and parents."
MSG_TOO_MANY = f"A learner's context holds at most {MAX_ITEMS} items. Remove one first."
MSG_ITEM_NOT_FOUND = "That item no longer exists."
MSG_LEARNER_NOT_FOUND = "That learner does not exist."


@dataclass(frozen=True)
class ItemInput:
    """An item as the form gave it, checked and trimmed."""

    kind: str
    label: str
    value: str
    visibility: str


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_visibility(value: object) -> str:
    """ "staff" or "family"; anything else (of any type) is refused."""
    if not isinstance(value, str) or value.strip() not in VISIBILITY_LABELS:
        raise ValidationFailed(MSG_VISIBILITY)
    return value.strip()


def clean_item(*, kind: object, label: object, value: object, visibility: object) -> ItemInput:
    """Check one item from a form.

    The kind must be one of :data:`KIND_LABELS`; the value 1–2000 characters; the label is
    required for "other" (it names the item) and optional otherwise; the visibility is "staff"
    or "family".

    Raises:
        ValidationFailed: with a message saying what to fix.
    """
    kind_text = _text(kind)
    if kind_text not in KIND_LABELS:
        raise ValidationFailed(MSG_KIND)
    label_text = " ".join(_text(label).split())
    if len(label_text) > MAX_LABEL:
        raise ValidationFailed(MSG_LABEL_TOO_LONG)
    if kind_text == "other" and not label_text:
        raise ValidationFailed(MSG_LABEL_REQUIRED)
    value_text = _text(value)
    if not value_text:
        raise ValidationFailed(MSG_VALUE_REQUIRED)
    if len(value_text) > MAX_VALUE:
        raise ValidationFailed(MSG_VALUE_TOO_LONG)
    return ItemInput(
        kind=kind_text, label=label_text, value=value_text, visibility=clean_visibility(visibility)
    )


def item_heading(kind: str, label: str) -> str:
    """What an item is called on screen: its label for "other", else its kind (with the label)."""
    if kind == "other" or kind not in KIND_LABELS:
        kind = "other"
        return label or gettext(KIND_LABELS[kind])
    return f"{gettext(KIND_LABELS[kind])}: {label}" if label else gettext(KIND_LABELS[kind])


def visible_pronouns(
    actor: Actor | None, *, learner_id: int, pronouns: str, visibility: str
) -> str:
    """The learner's pronouns if ``actor`` may see them under the learner's choice, else ""."""
    if not pronouns or actor is None:
        return ""
    if actor.is_learner(learner_id):
        return pronouns  # the learner always sees what they chose; the choice is about others
    return (
        pronouns
        if can(actor, Action.CONTEXT_ITEM_VIEW, ContextItemRef(learner_id, visibility))
        else ""
    )


def shared_pronouns(*, pronouns: str, visibility: str) -> str:
    """The pronouns to print on a copy that goes home: only those the learner shares with family."""
    return pronouns if visibility == "family" else ""


# --- view models ----------------------------------------------------------------------------------


@dataclass
class ContextGroup:
    name: str
    kind: str  # "tutor" | "class"
    course: str
    year: str
    summary: str  # one line: "Tutor group 8A · Year 8" or "Mathematics 8 · Mathematics"


@dataclass
class ContextItemView:
    id: int
    kind: str
    label: str
    heading: str
    value: str
    visibility: str
    visibility_label: str  # "" for a family viewer (they only ever get family items)
    staff_only: bool


@dataclass
class ContextHeader:
    learner_id: int
    display_name: str
    pronouns: str  # "" when not shared with this viewer
    pronouns_visibility: str  # "" unless the viewer sees staff context
    year: str
    groups: list[ContextGroup] = field(default_factory=list)
    items: list[ContextItemView] = field(default_factory=list)
    staff_view: bool = False
    can_edit: bool = False


def _group_summary(group: Group, *, year: str) -> str:
    """One line for a group; a class's year is left out when it is the learner's year, shown once."""
    if group.kind == "tutor":
        parts = [gettext("Tutor group %(name)s") % {"name": group.name}, group.year_label]
    else:
        parts = [
            group.name,
            group.course if group.course != group.name else "",
            group.year_label if group.year_label != year else "",
        ]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " · ".join(seen)


def _learner_groups(session: Session, learner_id: int) -> list[Group]:
    return list(
        session.exec(
            select(Group)
            .join(Enrollment, Enrollment.group_id == Group.id)
            .where(
                Enrollment.user_id == learner_id,
                Enrollment.role == "learner",
                Group.retired_at.is_(None),
            )
            .order_by(Group.kind.desc(), Group.name)  # "tutor" before "class"
        ).all()
    )


def _items(session: Session, learner_id: int) -> list[LearnerContextItem]:
    return list(
        session.exec(
            select(LearnerContextItem)
            .where(LearnerContextItem.learner_id == learner_id)
            .order_by(LearnerContextItem.position, LearnerContextItem.id)
        ).all()
    )


def _learner(session: Session, actor: Actor, lid: int) -> User:
    learner = session.get(User, lid)
    if learner is None or learner.site_id != actor.site_id:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    return learner


def context_header(
    *, session: Session, actor: Actor | None, learner_id: object, client_ip: str = ""
) -> ContextHeader:
    """The header of ``learner_id``'s plan pages, as ``actor`` may see it.

    Staff of the learner (and administrators) get every item, each with its visibility, and all
    the learner's groups; the learner and their parents get the family items and the tutor group.

    Raises:
        NotSignedIn, PermissionDenied: the actor may not see this learner (audited).
        NotFound, ValidationFailed: no such learner, or not an id.
    """
    if actor is None:
        authorize(actor, Action.LEARNER_VIEW, None, client_ip=client_ip)
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.LEARNER_VIEW, LearnerRef(lid), client_ip=client_ip)
    learner = _learner(session, actor, lid)
    staff_view = can(actor, Action.CONTEXT_ITEM_VIEW, ContextItemRef(lid, "staff"))
    groups = [g for g in _learner_groups(session, lid) if staff_view or g.kind == "tutor"]
    year = next(
        (g.year_label for g in groups if g.kind == "tutor" and g.year_label),
        next((g.year_label for g in groups if g.year_label), ""),
    )
    items = [
        ContextItemView(
            id=i.id,
            kind=i.kind,
            label=i.label,
            heading=item_heading(i.kind, i.label),
            value=i.value,
            visibility=i.visibility,
            visibility_label=gettext(VISIBILITY_LABELS.get(i.visibility, "")) if staff_view else "",
            staff_only=i.visibility != "family",
        )
        for i in _items(session, lid)
        if can(actor, Action.CONTEXT_ITEM_VIEW, ContextItemRef(lid, i.visibility))
    ]
    return ContextHeader(
        learner_id=lid,
        display_name=learner.display_name,
        pronouns=visible_pronouns(
            actor, learner_id=lid, pronouns=learner.pronouns, visibility=learner.pronouns_visibility
        ),
        pronouns_visibility=learner.pronouns_visibility if staff_view else "",
        year=year,
        groups=[
            ContextGroup(
                name=g.name,
                kind=g.kind,
                course=g.course,
                year=g.year_label,
                summary=_group_summary(g, year=year),
            )
            for g in groups
        ],
        items=items,
        staff_view=staff_view,
        can_edit=can(actor, Action.CONTEXT_EDIT, LearnerRef(lid)),
    )


def family_pronouns(*, session: Session, learner_id: int) -> str:
    """The pronouns for a printout that goes home: only if the learner shares them with family."""
    learner = session.get(User, learner_id)
    if learner is None:
        return ""
    return shared_pronouns(pronouns=learner.pronouns, visibility=learner.pronouns_visibility)


# --- changes --------------------------------------------------------------------------------------


def _editable_learner(
    session: Session, actor: Actor | None, learner_id: object, client_ip: str
) -> User:
    """The learner whose context ``actor`` wants to change, once allowed (refusals are audited)."""
    if actor is None:
        authorize(actor, Action.CONTEXT_EDIT, None, client_ip=client_ip)
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.CONTEXT_EDIT, LearnerRef(lid), client_ip=client_ip)
    learner = _learner(session, actor, lid)
    is_learner = session.exec(
        select(RoleGrant.id).where(RoleGrant.user_id == lid, RoleGrant.role == Role.LEARNER.value)
    ).first()
    if is_learner is None:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    return learner


def _item_of(
    session: Session, actor: Actor, learner: User, item_id: object, action: str, client_ip: str
) -> LearnerContextItem:
    """The item ``item_id`` of ``learner``. An id of another learner's item is refused and audited."""
    iid = parse_id(item_id, what="item")
    item = session.get(LearnerContextItem, iid, with_for_update=True)
    if item is None:
        raise NotFound(MSG_ITEM_NOT_FOUND)
    if item.learner_id != learner.id:
        raise denial(actor, action, LearnerRef(item.learner_id), client_ip=client_ip)
    return item


def _audit(
    session: Session, actor: Actor, action: str, learner: User, client_ip: str, **detail
) -> None:
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=action,
        target_type="learner",
        target_id=learner.id,
        detail=detail,
        client_ip=client_ip,
    )


def context_item_add(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    kind: object,
    label: object = "",
    value: object,
    visibility: object,
    client_ip: str = "",
) -> int:
    """Add an item to the end of a learner's context. Returns its id.

    Raises:
        NotSignedIn, PermissionDenied: not the learner's mentor or an administrator (audited).
        ValidationFailed: see :func:`clean_item`; nothing is saved.
        NotFound: no such learner.
    """
    learner = _editable_learner(session, actor, learner_id, client_ip)
    data = clean_item(kind=kind, label=label, value=value, visibility=visibility)
    count, last = session.exec(
        select(
            sa.func.count(LearnerContextItem.id), sa.func.max(LearnerContextItem.position)
        ).where(LearnerContextItem.learner_id == learner.id)
    ).one()
    if count >= MAX_ITEMS:
        raise ValidationFailed(MSG_TOO_MANY)
    item = LearnerContextItem(
        learner_id=learner.id,
        kind=data.kind,
        label=data.label,
        value=data.value,
        visibility=data.visibility,
        position=(last or 0) + 1,
        updated_by_id=actor.user_id,
        updated_at=datetime.now(UTC),
    )
    session.add(item)
    session.flush()
    _audit(
        session,
        actor,
        "context.item_add",
        learner,
        client_ip,
        item_id=item.id,
        kind=item.kind,
        visibility=item.visibility,
    )
    return item.id


def context_item_update(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    item_id: object,
    kind: object,
    label: object = "",
    value: object,
    visibility: object,
    client_ip: str = "",
) -> None:
    """Change an item of a learner's context (its kind, label, text and visibility).

    Raises:
        NotSignedIn, PermissionDenied: not allowed, or the item belongs to another learner (audited).
        ValidationFailed, NotFound: nothing is changed.
    """
    learner = _editable_learner(session, actor, learner_id, client_ip)
    item = _item_of(session, actor, learner, item_id, Action.CONTEXT_EDIT.value, client_ip)
    data = clean_item(kind=kind, label=label, value=value, visibility=visibility)
    before = item.visibility
    item.kind, item.label, item.value, item.visibility = (
        data.kind,
        data.label,
        data.value,
        data.visibility,
    )
    item.updated_by_id, item.updated_at = actor.user_id, datetime.now(UTC)
    session.add(item)
    _audit(
        session,
        actor,
        "context.item_update",
        learner,
        client_ip,
        item_id=item.id,
        kind=item.kind,
        visibility=item.visibility,
        visibility_before=before,
    )


def context_item_remove(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    item_id: object,
    client_ip: str = "",
) -> None:
    """Remove an item from a learner's context.

    Raises:
        NotSignedIn, PermissionDenied: not allowed, or the item belongs to another learner (audited).
        NotFound, ValidationFailed: nothing is changed.
    """
    learner = _editable_learner(session, actor, learner_id, client_ip)
    item = _item_of(session, actor, learner, item_id, Action.CONTEXT_EDIT.value, client_ip)
    _audit(
        session,
        actor,
        "context.item_remove",
        learner,
        client_ip,
        item_id=item.id,
        kind=item.kind,
        visibility=item.visibility,
    )
    session.delete(item)


def pronouns_visibility_set(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    visibility: object,
    client_ip: str = "",
) -> None:
    """Choose whether the learner's pronouns are shown to the learner and parents, or to staff only.

    Raises:
        NotSignedIn, PermissionDenied: not the learner's mentor or an administrator (audited).
        ValidationFailed, NotFound: nothing is changed.
    """
    learner = _editable_learner(session, actor, learner_id, client_ip)
    wanted = clean_visibility(visibility)
    before = learner.pronouns_visibility
    learner.pronouns_visibility = wanted
    learner.updated_at = datetime.now(UTC)
    session.add(learner)
    _audit(
        session,
        actor,
        "context.pronouns_visibility",
        learner,
        client_ip,
        visibility=wanted,
        visibility_before=before,
    )
