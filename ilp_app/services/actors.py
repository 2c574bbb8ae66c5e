"""Load the signed-in person with the relationships that grant access."""

from __future__ import annotations

from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role, parse_role


def user_roles(*, session: Session, user_id: int) -> frozenset[Role]:
    rows = session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user_id)).all()
    return frozenset(r for r in (parse_role(v) for v in rows) if r is not None)


def actor_load(*, session: Session, user: User, active_role: Role | None) -> Actor:
    """Build the :class:`Actor` for ``user`` from the database (never from client input)."""
    uid = user.id
    roles = user_roles(session=session, user_id=uid)
    mentees: frozenset[int] = frozenset()
    taught: frozenset[int] = frozenset()
    children: frozenset[int] = frozenset()
    staff_groups: set[int] = set()
    if Role.MENTOR in roles:
        mentees = frozenset(
            session.exec(
                select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == uid)
            ).all()
        )
        # A mentor oversees the tutor groups their mentees belong to.
        staff_groups.update(
            session.exec(
                select(Enrollment.group_id)
                .join(Group, Group.id == Enrollment.group_id)
                .where(
                    Enrollment.user_id.in_(list(mentees) or [-1]),
                    Enrollment.role == "learner",
                    Group.kind == "tutor",
                )
            ).all()
        )
    if Role.MENTOR in roles or Role.TEACHER in roles:
        staff_groups.update(
            session.exec(
                select(Enrollment.group_id).where(
                    Enrollment.user_id == uid, Enrollment.role == "teacher"
                )
            ).all()
        )
    if Role.TEACHER in roles:
        taught_groups = select(Enrollment.group_id).where(
            Enrollment.user_id == uid, Enrollment.role == "teacher"
        )
        taught = frozenset(
            session.exec(
                select(Enrollment.user_id).where(
                    Enrollment.role == "learner", Enrollment.group_id.in_(taught_groups)
                )
            ).all()
        )
    if Role.PARENT in roles:
        children = frozenset(
            session.exec(select(Guardianship.learner_id).where(Guardianship.parent_id == uid)).all()
        )
    return Actor(
        user_id=uid,
        roles=roles,
        active_role=active_role if active_role in roles else None,
        site_id=user.site_id,
        mentee_ids=mentees,
        taught_learner_ids=taught,
        child_ids=children,
        staff_group_ids=frozenset(staff_groups),
        must_change_password=user.must_change_password,
        ilp_enabled=bool(
            session.exec(select(Site.ilp_enabled).where(Site.id == user.site_id)).first()
        ),
    )
