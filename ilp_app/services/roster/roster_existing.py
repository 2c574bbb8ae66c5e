"""The school as a roster import compares it: every record it may touch, read in a few queries.

Rows are read as tuples (never ORM objects) into dictionaries keyed by ``sourcedId``, with the
indexes used to match records that did not come from a roster (accounts by email, periods by
dates, groups by name and kind) and to spot an email already in use anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, Guardianship, Period, RoleGrant, Site, User
from ilp_app.domain.oneroster_records import Known
from ilp_app.domain.roles import Role, parse_role


@dataclass
class Existing:
    """The school as stored, for comparison (tuples, never ORM objects)."""

    site: Site
    people: dict[str, sa.Row] = field(default_factory=dict)  # roster people by sourcedId
    by_email: dict[str, sa.Row] = field(default_factory=dict)  # every account, by lower-case email
    roles: dict[int, set[Role]] = field(default_factory=dict)
    groups: dict[str, sa.Row] = field(default_factory=dict)
    loose_groups: dict[tuple[str, str], int] = field(
        default_factory=dict
    )  # (name, kind) -> id, not rostered
    periods: dict[str, sa.Row] = field(default_factory=dict)
    loose_periods: list[sa.Row] = field(default_factory=list)
    enrollments: dict[str, sa.Row] = field(default_factory=dict)
    pairs: dict[tuple[int, int], sa.Row] = field(default_factory=dict)  # (group_id, user_id)
    links: dict[tuple[int, int], sa.Row] = field(default_factory=dict)  # (parent_id, learner_id)

    def known(self) -> Known:
        return Known(
            site_org=self.site.source_id or None,
            site_name=self.site.name,
            people={
                sid: frozenset(self.roles.get(r.id, ()))
                for sid, r in self.people.items()
                if r.retired_at is None
            },
            groups=frozenset(sid for sid, g in self.groups.items() if g.retired_at is None),
            periods=frozenset(sid for sid, p in self.periods.items() if p.retired_at is None),
        )


def existing_load(*, session: Session, site_id: int) -> Existing:
    """Read what the roster import compares against, for one site."""
    site = session.get(Site, site_id)
    ex = Existing(site=site)
    users = session.exec(
        select(
            User.id,
            User.source_id,
            User.email,
            User.full_name,
            User.preferred_name,
            User.pronouns,
            User.is_active,
            User.retired_at,
            User.source_modified_at,
            User.site_id,
        )
    ).all()
    for u in users:
        ex.by_email[u.email.lower()] = u
        if u.site_id == site_id and u.source_id is not None:
            ex.people[u.source_id] = u
    for user_id, role in session.exec(
        select(RoleGrant.user_id, RoleGrant.role)
        .join(User, User.id == RoleGrant.user_id)
        .where(User.site_id == site_id)
    ).all():
        parsed = parse_role(role)
        if parsed:
            ex.roles.setdefault(user_id, set()).add(parsed)
    for g in session.exec(
        select(Group.id, Group.source_id, Group.name, Group.kind, Group.course, Group.retired_at)
        .where(Group.site_id == site_id)
        .order_by(Group.id)
    ).all():
        if g.source_id is not None:
            ex.groups[g.source_id] = g
        else:
            ex.loose_groups.setdefault((g.name, g.kind), g.id)
    for p in session.exec(
        select(
            Period.id,
            Period.source_id,
            Period.name,
            Period.starts_on,
            Period.ends_on,
            Period.retired_at,
        )
        .where(Period.site_id == site_id)
        .order_by(Period.id)
    ).all():
        if p.source_id is not None:
            ex.periods[p.source_id] = p
        else:
            ex.loose_periods.append(p)
    for e in session.exec(
        select(
            Enrollment.id,
            Enrollment.source_id,
            Enrollment.group_id,
            Enrollment.user_id,
            Enrollment.role,
        )
        .join(Group, Group.id == Enrollment.group_id)
        .where(Group.site_id == site_id)
    ).all():
        ex.pairs[(e.group_id, e.user_id)] = e
        if e.source_id is not None:
            ex.enrollments[e.source_id] = e
    for link in session.exec(
        select(
            Guardianship.id,
            Guardianship.parent_id,
            Guardianship.learner_id,
            Guardianship.from_roster,
        )
        .join(User, User.id == Guardianship.learner_id)
        .where(User.site_id == site_id)
    ).all():
        ex.links[(link.parent_id, link.learner_id)] = link
    return ex
