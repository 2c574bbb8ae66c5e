"""Load the signed-in person with the relationships that grant access.

It runs before every event a browser sends (the event guard checks the session each time), so
all relationships come back in one round trip: one ``UNION ALL`` of small indexed lookups,
read as plain rows rather than ORM objects.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    RoleGrant,
    Site,
    SupervisorAssignment,
    User,
)
from ilp_app.domain.permissions import STAFF_ROLES, Actor
from ilp_app.domain.roles import Role, parse_role

# What each row of the relationship query names.
_ROLE, _MENTEE, _MENTEE_GROUP, _TEACHER_GROUP, _TAUGHT, _CHILD, _SITE, _SUPERVISEE = range(8)


def user_roles(*, session: Session, user_id: int) -> frozenset[Role]:
    rows = session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user_id)).all()
    return frozenset(r for r in (parse_role(v) for v in rows) if r is not None)


def _relationships() -> sa.CompoundSelect:
    """(kind, number, text) rows: roles, mentees and their tutor groups, taught groups and
    learners, children, whether the site runs ILPs, and the staff one supervises. Each kind is
    used only with its role.

    Built once, with the person and their site as bound parameters.
    """
    uid, site_id = sa.bindparam("uid", type_=sa.Integer), sa.bindparam("site", type_=sa.Integer)
    no_id = sa.cast(sa.null(), sa.Integer)
    no_text = sa.cast(sa.null(), sa.String)

    def kind(k: int):
        return sa.literal(k, sa.Integer)

    mentees = sa.select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == uid)
    taught_groups = sa.select(Enrollment.group_id).where(
        Enrollment.user_id == uid, Enrollment.role == "teacher"
    )
    return sa.union_all(
        sa.select(kind(_ROLE), no_id, RoleGrant.role).where(RoleGrant.user_id == uid),
        sa.select(kind(_MENTEE), MentorAssignment.learner_id, no_text).where(
            MentorAssignment.mentor_id == uid
        ),
        # A mentor oversees the tutor groups their mentees belong to.
        sa.select(kind(_MENTEE_GROUP), Enrollment.group_id, no_text)
        .join(Group, Group.id == Enrollment.group_id)
        .where(
            Enrollment.user_id.in_(mentees),
            Enrollment.role == "learner",
            Group.kind == "tutor",
        ),
        sa.select(kind(_TEACHER_GROUP), Enrollment.group_id, no_text).where(
            Enrollment.user_id == uid, Enrollment.role == "teacher"
        ),
        sa.select(kind(_TAUGHT), Enrollment.user_id, no_text).where(
            Enrollment.role == "learner", Enrollment.group_id.in_(taught_groups)
        ),
        sa.select(kind(_CHILD), Guardianship.learner_id, no_text).where(
            Guardianship.parent_id == uid
        ),
        sa.select(kind(_SITE), sa.case((Site.ilp_enabled, 1), else_=0), no_text).where(
            Site.id == site_id
        ),
        sa.select(kind(_SUPERVISEE), SupervisorAssignment.staff_id, no_text).where(
            SupervisorAssignment.supervisor_id == uid
        ),
    )


_RELATIONSHIPS = _relationships()


def actor_load(*, session: Session, user: User, active_role: Role | None) -> Actor:
    """Build the :class:`Actor` for ``user`` from the database (never from client input).

    ``user`` is a ``User`` or a row with its ``id``, ``site_id`` and ``must_change_password``.
    """
    found: dict[int, set] = {k: set() for k in range(8)}
    for k, number, text in session.connection().execute(
        _RELATIONSHIPS, {"uid": user.id, "site": user.site_id}
    ):
        found[k].add(text if k == _ROLE else number)
    roles = frozenset(r for r in (parse_role(v) for v in found[_ROLE]) if r is not None)
    mentor, teacher = Role.MENTOR in roles, Role.TEACHER in roles
    staff_groups = (found[_MENTEE_GROUP] if mentor else set()) | (
        found[_TEACHER_GROUP] if mentor or teacher else set()
    )
    return Actor(
        user_id=user.id,
        roles=roles,
        active_role=active_role if active_role in roles else None,
        site_id=user.site_id,
        mentee_ids=frozenset(found[_MENTEE]) if mentor else frozenset(),
        taught_learner_ids=frozenset(found[_TAUGHT]) if teacher else frozenset(),
        child_ids=frozenset(found[_CHILD]) if Role.PARENT in roles else frozenset(),
        staff_group_ids=frozenset(staff_groups),
        supervisee_ids=frozenset(found[_SUPERVISEE]) if roles & STAFF_ROLES else frozenset(),
        must_change_password=user.must_change_password,
        ilp_enabled=1 in found[_SITE],
    )
