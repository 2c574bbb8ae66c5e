"""Who is connected to whom: mentors to learners, parents to children, and why staff see a learner.

The administrator makes and breaks these links. Access follows from them on the next event of
the person concerned, because every event rebuilds the actor from the database
(:mod:`ilp_app.services.access.actors`). :func:`why_lines` explains that access from the same links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, Guardianship, MentorAssignment, RoleGrant, User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.roles import Role, parse_role
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial
from ilp_app.services.plans.handover import handover_ask

MAX_BULK = 500
MAX_LABEL = 50
MAX_QUERY = 100
SEARCH_LIMIT = 30

MSG_PERSON_NOT_FOUND = "That person does not exist."
MSG_CHOOSE_LEARNERS = "Choose at least one learner."
MSG_TOO_MANY = f"Choose at most {MAX_BULK} learners at a time."
MSG_NOT_MENTOR = "{name} does not have the mentor role. Give them the role first."
MSG_NOT_PARENT = "{name} does not have the parent role. Give them the role first."
MSG_NOT_LEARNERS = "Only learners can be connected: {names} not a learner."
MSG_SELF = "A person cannot be linked to themselves."
MSG_ERASED = "{names} erased: an erased account cannot be linked to anyone."
MSG_LABEL = f"Describe the relationship in at most {MAX_LABEL} characters (for example “Mother”)."
MSG_GROUP_NOT_FOUND = "That group does not exist."
MSG_QUERY = "The search text is too long."

WHY_MENTOR = "You are their mentor"
WHY_ADMIN = "You are a school administrator"
WHY_TEACH = "You teach them in {group}"
WHY_TUTOR = "You lead their tutor group {group}"


@dataclass(frozen=True)
class PersonLink:
    """Another person as the administrator's pages list them: a name and what ties them."""

    id: int
    name: str
    detail: str = ""


@dataclass(frozen=True)
class GroupOption:
    id: int
    name: str
    kind: str
    learner_count: int


# --- validation -----------------------------------------------------------------------------


def _id(value: object) -> int:
    return parse_id(value, what="person")


def _ids(value: object) -> list[int]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed(MSG_CHOOSE_LEARNERS)
    if len(value) > MAX_BULK:
        raise ValidationFailed(MSG_TOO_MANY)
    ids = sorted({_id(v) for v in value})
    if not ids:
        raise ValidationFailed(MSG_CHOOSE_LEARNERS)
    return ids


def _people(session: Session, actor: Actor, ids: list[int]) -> dict[int, User]:
    """The people of the actor's site with these ids; any other id (foreign site too) is refused."""
    found = {
        u.id: u
        for u in session.exec(
            select(User).where(User.id.in_(ids), User.site_id == actor.site_id)
        ).all()
    }
    if len(found) != len(set(ids)):
        raise NotFound(MSG_PERSON_NOT_FOUND)
    return found


def _person(session: Session, actor: Actor, user_id: object) -> User:
    uid = _id(user_id)
    return _people(session, actor, [uid])[uid]


def roles_of(session: Session, ids: list[int]) -> dict[int, set[Role]]:
    out: dict[int, set[Role]] = {i: set() for i in ids}
    if ids:
        for uid, value in session.exec(
            select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.user_id.in_(ids))
        ):
            if (role := parse_role(value)) is not None:
                out[uid].add(role)
    return out


def _names(names: list[str]) -> str:
    return f"{', '.join(names[:5])} {'is' if len(names) == 1 else 'are'}"


def _with_role(session: Session, actor: Actor, user_id: object, role: Role, message: str) -> User:
    user = _person(session, actor, user_id)
    if role not in roles_of(session, [user.id])[user.id]:
        raise ValidationFailed(message.format(name=user.full_name))
    if user.erased_at is not None:
        raise ValidationFailed(MSG_ERASED.format(names=_names([user.full_name])))
    return user


def _learners(
    session: Session, actor: Actor, learner_ids: object, *, need_role: bool = True
) -> dict[int, User]:
    """The learners to link (``need_role``: holding the learner role and not erased) or to unlink."""
    ids = _ids(learner_ids)
    people = _people(session, actor, ids)
    if need_role:
        roles = roles_of(session, ids)
        wrong = sorted(people[i].full_name for i in ids if Role.LEARNER not in roles[i])
        if wrong:
            raise ValidationFailed(MSG_NOT_LEARNERS.format(names=_names(wrong)))
        # An anonymised learner keeps an account for the school's figures; linking it would
        # show its plans to a new mentor or parent.
        erased = sorted(people[i].full_name for i in ids if people[i].erased_at is not None)
        if erased:
            raise ValidationFailed(MSG_ERASED.format(names=_names(erased)))
    return people


def _insert_missing(session: Session, table, rows: list[dict], keys: list[str]) -> int:
    """Insert ``rows``, skipping those that already exist (safe against a concurrent identical insert)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table).values(rows).on_conflict_do_nothing(index_elements=keys).returning(table.c.id)
    )
    return len(session.exec(stmt).all())


# --- mentors --------------------------------------------------------------------------------


def mentor_connect(
    *,
    session: Session,
    actor: Actor | None,
    mentor_id: object,
    learner_ids: object,
    client_ip: str = "",
) -> int:
    """Connect learners to a mentor (one or many); returns how many links are new.

    Already connected learners are left as they are, so repeating a request changes nothing.

    Raises:
        PermissionDenied: the actor is not an administrator.
        ValidationFailed / NotFound: malformed or foreign ids, or people without the right role.
    """
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    mentor = _with_role(session, actor, mentor_id, Role.MENTOR, MSG_NOT_MENTOR)
    learners = _learners(session, actor, learner_ids)
    if mentor.id in learners:
        raise ValidationFailed(MSG_SELF)
    already = set(
        session.exec(
            select(MentorAssignment.learner_id).where(
                MentorAssignment.mentor_id == mentor.id,
                MentorAssignment.learner_id.in_(sorted(learners)),
            )
        ).all()
    )
    # The mentors they have now are asked for a handover note while they can still write it.
    handover_ask(
        session,
        new_mentor=mentor,
        learner_ids=[lid for lid in sorted(learners) if lid not in already],
    )
    now = datetime.now(UTC)
    added = _insert_missing(
        session,
        MentorAssignment.__table__,
        [
            {"mentor_id": mentor.id, "learner_id": lid, "created_at": now}
            for lid in sorted(learners)
        ],
        ["mentor_id", "learner_id"],
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.mentor_connect",
        target_type="user",
        target_id=mentor.id,
        client_ip=client_ip,
        detail={"learner_ids": sorted(learners), "new": added},
    )
    return added


def mentor_disconnect(
    *,
    session: Session,
    actor: Actor | None,
    mentor_id: object,
    learner_ids: object,
    client_ip: str = "",
) -> int:
    """End a mentor's connection to learners; returns how many links were removed."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    mentor = _person(session, actor, mentor_id)
    learners = _learners(session, actor, learner_ids, need_role=False)
    removed = (
        session.exec(
            sa.delete(MentorAssignment).where(
                MentorAssignment.mentor_id == mentor.id,
                MentorAssignment.learner_id.in_(sorted(learners)),
            )
        ).rowcount
        or 0
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.mentor_disconnect",
        target_type="user",
        target_id=mentor.id,
        client_ip=client_ip,
        detail={"learner_ids": sorted(learners), "removed": removed},
    )
    return removed


# --- parents --------------------------------------------------------------------------------


def guardian_link(
    *,
    session: Session,
    actor: Actor | None,
    parent_id: object,
    learner_id: object,
    relationship_label: object = "",
    client_ip: str = "",
) -> bool:
    """Link a parent to a child (or change the label of an existing link); True when the link is new."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    if not isinstance(relationship_label, str) or len(relationship_label.strip()) > MAX_LABEL:
        raise ValidationFailed(MSG_LABEL)
    label = " ".join(relationship_label.split())
    parent = _with_role(session, actor, parent_id, Role.PARENT, MSG_NOT_PARENT)
    learner = next(iter(_learners(session, actor, [learner_id]).values()))
    if parent.id == learner.id:
        raise ValidationFailed(MSG_SELF)
    link = session.exec(
        select(Guardianship).where(
            Guardianship.parent_id == parent.id, Guardianship.learner_id == learner.id
        )
    ).first()
    new = link is None
    if new:
        added = _insert_missing(
            session,
            Guardianship.__table__,
            [
                {
                    "parent_id": parent.id,
                    "learner_id": learner.id,
                    "relationship_label": label,
                    "from_roster": False,
                }
            ],
            ["parent_id", "learner_id"],
        )
        new = added > 0
    elif link.relationship_label != label:
        link.relationship_label = label
        session.add(link)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.guardian_link",
        target_type="user",
        target_id=parent.id,
        client_ip=client_ip,
        detail={"learner_id": learner.id, "label": label, "new": new},
    )
    return new


def guardian_unlink(
    *,
    session: Session,
    actor: Actor | None,
    parent_id: object,
    learner_id: object,
    client_ip: str = "",
) -> bool:
    """Remove a parent's link to a child; True when there was one."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    parent = _person(session, actor, parent_id)
    learner = next(iter(_learners(session, actor, [learner_id], need_role=False).values()))
    removed = (
        session.exec(
            sa.delete(Guardianship).where(
                Guardianship.parent_id == parent.id, Guardianship.learner_id == learner.id
            )
        ).rowcount
        or 0
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="relationship.guardian_unlink",
        target_type="user",
        target_id=parent.id,
        client_ip=client_ip,
        detail={"learner_id": learner.id, "removed": removed},
    )
    return removed > 0


# --- choices for the administrator's forms -------------------------------------------------


def _groups_by_learner(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if ids:
        for uid, name in session.exec(
            select(Enrollment.user_id, Group.name)
            .join(Group, Group.id == Enrollment.group_id)
            .where(Enrollment.user_id.in_(ids), Enrollment.role == "learner")
            .order_by(Group.kind.desc(), Group.name)
        ):
            out.setdefault(uid, []).append(name)
    return out


def person_links(
    session: Session, users: list[User], *, detail: dict[int, str] | None = None
) -> list[PersonLink]:
    """People as links, sorted by name; ``detail`` defaults to a learner's groups."""
    if detail is None:
        detail = {
            k: ", ".join(v) for k, v in _groups_by_learner(session, [u.id for u in users]).items()
        }
    return sorted(
        (PersonLink(id=u.id, name=u.full_name, detail=detail.get(u.id, "")) for u in users),
        key=lambda p: p.name.casefold(),
    )


def learner_search(
    *, session: Session, actor: Actor | None, query: object, client_ip: str = ""
) -> list[PersonLink]:
    """Learners of the actor's site whose name or email contains ``query`` (empty query: none)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    if not isinstance(query, str) or len(query) > MAX_QUERY:
        raise ValidationFailed(MSG_QUERY)
    needle = query.strip().lower().replace("%", "").replace("_", "")
    if not needle:
        return []
    like = f"%{needle}%"
    users = session.exec(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            User.site_id == actor.site_id,
            RoleGrant.role == Role.LEARNER.value,
            User.erased_at.is_(None),
            sa.or_(
                sa.func.lower(User.full_name).like(like),
                sa.func.lower(User.preferred_name).like(like),
                sa.func.lower(User.email).like(like),
            ),
        )
        .order_by(sa.func.lower(User.full_name))
        .limit(SEARCH_LIMIT)
    ).all()
    return person_links(session, list(users))


def people_with_role(
    *, session: Session, actor: Actor | None, role: Role, client_ip: str = ""
) -> list[PersonLink]:
    """Active people of the actor's site holding ``role`` (for example every mentor)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    users = session.exec(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.site_id == actor.site_id, User.is_active, RoleGrant.role == role.value)
    ).all()
    return person_links(session, list(users), detail={})


def group_options(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> list[GroupOption]:
    """The site's current groups with how many learners each has."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    counts = sa.func.count(Enrollment.id).filter(Enrollment.role == "learner")
    rows = session.exec(
        select(Group.id, Group.name, Group.kind, counts)
        .outerjoin(Enrollment, Enrollment.group_id == Group.id)
        .where(Group.site_id == actor.site_id, Group.retired_at.is_(None))
        .group_by(Group.id, Group.name, Group.kind)
        .order_by(Group.kind.desc(), Group.name)
    ).all()
    return [
        GroupOption(id=gid, name=name, kind=kind, learner_count=n) for gid, name, kind, n in rows
    ]


def group_learners(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> list[PersonLink]:
    """Everyone enrolled as a learner in one group of the actor's site (still a learner, not erased)."""
    authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)
    group = session.get(Group, parse_id(group_id, what="group"))
    if group is None or group.site_id != actor.site_id:
        raise NotFound(MSG_GROUP_NOT_FOUND)
    users = session.exec(
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            Enrollment.group_id == group.id,
            Enrollment.role == "learner",
            RoleGrant.role == Role.LEARNER.value,
            User.erased_at.is_(None),
        )
    ).all()
    return person_links(session, list(users))


# --- why a staff member sees a learner -----------------------------------------------------


def why_lines(*, session: Session, actor: Actor | None, learner_ids) -> dict[int, list[str]]:
    """For a staff member: the reasons each learner is visible to them, from the same links as the rules.

    Each reason is given only where :class:`~ilp_app.domain.permissions.Actor` grants that access
    (the role *and* the link), so a line never claims more than the rules allow. Learners the
    actor has no link to get no entry; families (learners, parents) get an empty answer.

    Raises:
        NotSignedIn: nobody is signed in.
    """
    if actor is None:
        raise denial(None, "learner.why")
    if not any(actor.has(r) for r in (Role.ADMINISTRATOR, Role.MENTOR, Role.TEACHER)):
        return {}
    ids = sorted({i for i in learner_ids if isinstance(i, int) and not isinstance(i, bool)})
    if not ids:
        return {}
    taught = [i for i in ids if actor.teaches(i)]
    groups: dict[int, list[tuple[str, str]]] = {}
    if taught:
        mine = select(Enrollment.group_id).where(
            Enrollment.user_id == actor.user_id, Enrollment.role == "teacher"
        )
        for uid, name, kind in session.exec(
            select(Enrollment.user_id, Group.name, Group.kind)
            .join(Group, Group.id == Enrollment.group_id)
            .where(
                Enrollment.user_id.in_(taught),
                Enrollment.role == "learner",
                Enrollment.group_id.in_(mine),
            )
            .order_by(Group.kind.desc(), Group.name)
        ):
            groups.setdefault(uid, []).append((name, kind))
    on_site: set[int] = set()
    if actor.has(Role.ADMINISTRATOR):
        on_site = set(
            session.exec(
                select(User.id).where(User.id.in_(ids), User.site_id == actor.site_id)
            ).all()
        )
    out: dict[int, list[str]] = {}
    for lid in ids:
        lines = [WHY_MENTOR] if actor.mentors(lid) else []
        lines += [
            (WHY_TUTOR if kind == "tutor" else WHY_TEACH).format(group=name)
            for name, kind in groups.get(lid, [])
        ]
        if lid in on_site:
            lines.append(WHY_ADMIN)
        if lines:
            out[lid] = lines
    return out


def why_text(lines: list[str]) -> str:
    """The reasons as one line for a card or a header."""
    return " · ".join(lines)
