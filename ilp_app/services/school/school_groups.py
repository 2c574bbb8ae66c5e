"""The administrator's groups: tutor groups and subject classes, and who learns and teaches in each.

Membership decides what teachers see (a teacher sees the learners of the groups they teach) and
which tutor groups a mentor oversees. Taking a learner out of a group only removes that
membership: their plans, mentor and everything else stay as they are. People are named by their
full name here, as the school's records know them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, MentorAssignment, RoleGrant, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role
from ilp_app.services.audit import audit_record
from ilp_app.services.school.school_rows import name_in_use, own_row, school_manager

KIND_LABELS = {"tutor": "Tutor group", "class": "Subject class"}
MEMBER_LABELS = {"learner": "learner", "teacher": "teacher"}
#: Who may join a group in each capacity: learners learn; teachers and mentors teach.
MEMBER_ROLES = {"learner": (Role.LEARNER,), "teacher": (Role.TEACHER, Role.MENTOR)}
MAX_GROUP_NAME = 100
MAX_YEAR_LABEL = 50
MAX_COURSE = 200
MAX_QUERY = 100
MAX_CANDIDATES = 20

MSG_GROUP_NOT_FOUND = "That group does not exist."
MSG_GROUP_EXISTS = "There is already a group called {name}."
MSG_KIND = "Choose tutor group or subject class."
MSG_MEMBER_ROLE = "Choose learner or teacher."
MSG_PERSON_NOT_FOUND = "That person does not exist."
MSG_NOT_ELIGIBLE = "{name} cannot join as a {role}: they have no {role} role."
MSG_ALREADY_MEMBER = "{name} is already in {group} as a {role}."
MSG_NOT_MEMBER = "{name} is not in {group} as a {role}."
MSG_QUERY = "The search text is too long."


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    kind: str
    kind_label: str
    year_label: str
    course: str
    learners: int
    teachers: int
    imported: bool
    retired: bool


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    name: str
    email: str
    role: str
    active: bool
    imported: bool


@dataclass(frozen=True)
class MentorLink:
    """A mentor of some of the group's learners, for the link to their page."""

    user_id: int
    name: str
    learners: int


@dataclass(frozen=True)
class GroupDetail:
    group: GroupRow
    learners: list[MemberRow]
    teachers: list[MemberRow]
    mentors: list[MentorLink]


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    email: str


def _audit(
    session: Session, actor: Actor, action: str, target_id: object, client_ip: str, **detail
) -> None:
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=action,
        target_type="group",
        target_id=target_id,
        detail=detail or None,
        client_ip=client_ip,
    )


def _row(session: Session, group: Group) -> GroupRow:
    counts = dict(
        session.exec(
            select(Enrollment.role, sa.func.count())
            .where(Enrollment.group_id == group.id)
            .group_by(Enrollment.role)
        ).all()
    )
    return GroupRow(
        id=group.id,
        name=group.name,
        kind=group.kind,
        kind_label=KIND_LABELS.get(group.kind, group.kind),
        year_label=group.year_label,
        course=group.course,
        learners=counts.get("learner", 0),
        teachers=counts.get("teacher", 0),
        imported=bool(group.source_id),
        retired=group.retired_at is not None,
    )


def group_list(*, session: Session, actor: Actor | None, client_ip: str = "") -> list[GroupRow]:
    """The school's groups: current ones by name, then those the roster retired."""
    actor = school_manager(actor, client_ip)
    groups = session.exec(select(Group).where(Group.site_id == actor.site_id)).all()
    ordered = sorted(
        groups, key=lambda g: (g.retired_at is not None, g.kind != "tutor", g.name.casefold())
    )
    return [_row(session, g) for g in ordered]


def _own_group(session: Session, actor: Actor, group_id: object) -> Group:
    return own_row(session, actor, Group, group_id, what="group", missing=MSG_GROUP_NOT_FOUND)


def _group_values(
    session: Session,
    actor: Actor,
    name: object,
    kind: object,
    year_label: object,
    course: object,
    except_id: int | None = None,
) -> dict:
    values = {
        "name": parse_text(name, field="Group name", max_length=MAX_GROUP_NAME),
        "year_label": parse_text(
            year_label, field="Year", max_length=MAX_YEAR_LABEL, required=False
        ),
        "course": parse_text(course, field="Course", max_length=MAX_COURSE, required=False),
    }
    if not isinstance(kind, str) or kind not in KIND_LABELS:
        raise ValidationFailed(MSG_KIND)
    values["kind"] = kind
    existing = name_in_use(session, Group, actor.site_id, values["name"], except_id)
    if existing is not None:
        raise ValidationFailed(MSG_GROUP_EXISTS.format(name=existing))
    return values


def group_create(
    *,
    session: Session,
    actor: Actor | None,
    name: object,
    kind: object = "tutor",
    year_label: object = "",
    course: object = "",
    client_ip: str = "",
) -> int:
    """Add a tutor group or subject class (names are unique whatever their case)."""
    actor = school_manager(actor, client_ip)
    values = _group_values(session, actor, name, kind, year_label, course)
    group = Group(site_id=actor.site_id, **values)
    session.add(group)
    session.flush()
    _audit(session, actor, "group.create", group.id, client_ip, **values)
    return group.id


def group_edit(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    name: object,
    kind: object,
    year_label: object = "",
    course: object = "",
    client_ip: str = "",
) -> None:
    """Change a group's name, kind, year or course."""
    actor = school_manager(actor, client_ip)
    group = _own_group(session, actor, group_id)
    values = _group_values(session, actor, name, kind, year_label, course, except_id=group.id)
    before = {k: getattr(group, k) for k in values}
    if before == values:
        return
    for key, value in values.items():
        setattr(group, key, value)
    session.add(group)
    _audit(session, actor, "group.edit", group.id, client_ip, before=before, after=values)


def _members(session: Session, group_id: int, role: str) -> list[MemberRow]:
    rows = session.exec(
        select(User, Enrollment)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.group_id == group_id, Enrollment.role == role)
    ).all()
    members = [
        MemberRow(
            user_id=u.id,
            name=u.full_name,
            email=u.email,
            role=role,
            active=u.is_active,
            imported=bool(e.source_id),
        )
        for u, e in rows
    ]
    return sorted(members, key=lambda m: m.name.casefold())


def group_view(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> GroupDetail:
    """One group with its learners and teachers, and the mentors of its learners."""
    actor = school_manager(actor, client_ip)
    group = _own_group(session, actor, group_id)
    learners = _members(session, group.id, "learner")
    mentor_counts: dict[int, int] = {}
    for mentor_id in session.exec(
        select(MentorAssignment.mentor_id).where(
            MentorAssignment.learner_id.in_([m.user_id for m in learners] or [-1])
        )
    ).all():
        mentor_counts[mentor_id] = mentor_counts.get(mentor_id, 0) + 1
    mentors = [
        MentorLink(user_id=u.id, name=u.full_name, learners=mentor_counts[u.id])
        for u in session.exec(select(User).where(User.id.in_(list(mentor_counts) or [-1]))).all()
    ]
    return GroupDetail(
        group=_row(session, group),
        learners=learners,
        teachers=_members(session, group.id, "teacher"),
        mentors=sorted(mentors, key=lambda m: m.name.casefold()),
    )


def _member_role(value: object) -> str:
    if not isinstance(value, str) or value not in MEMBER_ROLES:
        raise ValidationFailed(MSG_MEMBER_ROLE)
    return value


def _eligible(role: str):
    """Accounts that may join as ``role``: holding a fitting role, and neither retired nor erased."""
    granted = select(RoleGrant.user_id).where(
        RoleGrant.role.in_([r.value for r in MEMBER_ROLES[role]])
    )
    return sa.and_(User.id.in_(granted), User.retired_at.is_(None), User.erased_at.is_(None))


def group_candidates(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    role: object,
    query: object = "",
    client_ip: str = "",
) -> list[Candidate]:
    """People who could join the group as ``role``, matching ``query`` by name or email (not yet members)."""
    actor = school_manager(actor, client_ip)
    group = _own_group(session, actor, group_id)
    role = _member_role(role)
    if not isinstance(query, str) or len(query) > MAX_QUERY:
        raise ValidationFailed(MSG_QUERY)
    members = select(Enrollment.user_id).where(Enrollment.group_id == group.id)
    stmt = select(User).where(
        User.site_id == actor.site_id, User.is_active, _eligible(role), User.id.not_in(members)
    )
    needle = query.strip().lower().replace("%", "").replace("_", "")
    if needle:
        like = f"%{needle}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.full_name).like(like),
                sa.func.lower(User.email).like(like),
                sa.func.lower(User.preferred_name).like(like),
            )
        )
    users = session.exec(stmt.order_by(sa.func.lower(User.full_name)).limit(MAX_CANDIDATES)).all()
    return [Candidate(user_id=u.id, name=u.full_name, email=u.email) for u in users]


def _membership(
    session: Session, actor: Actor, group_id: object, user_id: object, role: object
) -> tuple[Group, User, str]:
    """The group, the person and the capacity a membership change names, each checked."""
    group = _own_group(session, actor, group_id)
    role = _member_role(role)
    user = own_row(session, actor, User, user_id, what="person", missing=MSG_PERSON_NOT_FOUND)
    return group, user, role


def group_member_add(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    user_id: object,
    role: object,
    client_ip: str = "",
) -> None:
    """Put a learner or a teacher in the group."""
    actor = school_manager(actor, client_ip)
    group, user, role = _membership(session, actor, group_id, user_id, role)
    if session.exec(select(User.id).where(User.id == user.id, _eligible(role))).first() is None:
        raise ValidationFailed(
            MSG_NOT_ELIGIBLE.format(name=user.full_name, role=MEMBER_LABELS[role])
        )
    existing = session.exec(
        select(Enrollment).where(Enrollment.group_id == group.id, Enrollment.user_id == user.id)
    ).first()
    if existing is not None:
        raise ValidationFailed(
            MSG_ALREADY_MEMBER.format(
                name=user.full_name,
                group=group.name,
                role=MEMBER_LABELS.get(existing.role, existing.role),
            )
        )
    session.add(Enrollment(group_id=group.id, user_id=user.id, role=role))
    _audit(session, actor, "group.member_add", group.id, client_ip, user_id=user.id, role=role)


def group_member_remove(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    user_id: object,
    role: object,
    client_ip: str = "",
) -> None:
    """Take a learner or teacher out of the group. Nothing else changes: plans and mentors stay."""
    actor = school_manager(actor, client_ip)
    group, user, role = _membership(session, actor, group_id, user_id, role)
    enrollment = session.exec(
        select(Enrollment).where(
            Enrollment.group_id == group.id, Enrollment.user_id == user.id, Enrollment.role == role
        )
    ).first()
    if enrollment is None:
        raise ValidationFailed(
            MSG_NOT_MEMBER.format(name=user.full_name, group=group.name, role=MEMBER_LABELS[role])
        )
    session.delete(enrollment)
    _audit(session, actor, "group.member_remove", group.id, client_ip, user_id=user.id, role=role)
