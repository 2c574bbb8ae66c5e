"""Writing a roster plan: set-based statements in the caller's transaction.

New rows go in with one multi-row INSERT per batch (ids come back through RETURNING, so
enrollments and links can point at people and groups created a moment earlier); changes go
through the ORM's bulk UPDATE by primary key. Nothing here runs a query per row. Retiring a
person disables the account, ends its sessions and removes the roster's enrollments and parent
links; it never deletes plans or anything else the person wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from ilp_app.db.models import (
    AuthSession,
    Enrollment,
    Group,
    Guardianship,
    Period,
    RoleGrant,
    Site,
    User,
)
from ilp_app.services.roster.roster_plan import Plan

BATCH = 1000

Progress = Callable[[int, int], None]


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    def __init__(
        self, session: Session, site_id: int, plan: Plan, now: datetime, progress: Progress | None
    ):
        self.session, self.site_id, self.plan, self.now = session, site_id, plan, now
        self.progress = progress
        self.done, self.total = 0, max(plan.writes, 1)

    def step(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def insert(self, model, rows: list[dict], returning: tuple = ()) -> list[sa.Row]:
        out: list[sa.Row] = []
        for batch in _batches(rows):
            stmt = sa.insert(model)
            if returning:
                stmt = stmt.returning(*returning, sort_by_parameter_order=True)
                out.extend(self.session.exec(stmt, params=batch).all())
            else:
                self.session.exec(stmt, params=batch)
            self.step(len(batch))
        return out

    def update(self, model, rows: list[dict]) -> None:
        # Bulk UPDATE by primary key groups rows by the columns they set.
        for batch in _batches(rows):
            by_keys: dict[tuple, list[dict]] = {}
            for row in batch:
                by_keys.setdefault(tuple(sorted(row)), []).append(row)
            for group in by_keys.values():
                self.session.exec(sa.update(model), params=group)
            self.step(len(batch))

    def where_in(self, stmt_for: Callable[[list[int]], sa.Executable], ids: Iterable[int]) -> None:
        ids = list(ids)
        for batch in _batches(ids):
            self.session.exec(stmt_for(batch))
            self.step(len(batch))

    def write(self) -> None:
        plan, now = self.plan, self.now
        if plan.site_source_id:
            site = self.session.get(Site, self.site_id)
            site.source_id = plan.site_source_id
            self.session.add(site)
            self.step(1)
        self.insert(Period, plan.period_inserts)
        self.update(Period, plan.period_updates)
        self.where_in(
            lambda ids: sa.update(Period).where(Period.id.in_(ids)).values(retired_at=now),
            plan.period_retire,
        )
        for row in self.insert(Group, plan.group_inserts, (Group.id, Group.source_id)):
            plan.group_ids[row.source_id] = row.id
        self.update(Group, plan.group_updates)
        self.where_in(
            lambda ids: sa.update(Group).where(Group.id.in_(ids)).values(retired_at=now),
            plan.group_retire,
        )
        for row in self.insert(User, plan.person_inserts, (User.id, User.source_id)):
            plan.person_ids[row.source_id] = row.id
        self.update(User, plan.person_updates)
        self.insert(
            RoleGrant,
            [
                {"user_id": plan.person_ids[sid], "role": role.value}
                for sid, role in plan.role_inserts
            ],
        )
        self.where_in(
            lambda ids: (
                sa.update(User)
                .where(User.id.in_(ids))
                .values(retired_at=now, is_active=False, updated_at=now)
            ),
            plan.person_retire,
        )
        self.end_sessions([*plan.person_retire, *plan.person_disable])
        self.where_in(
            lambda ids: sa.delete(Enrollment).where(Enrollment.id.in_(ids)), plan.enrollment_deletes
        )
        self.update(Enrollment, [self._enrollment(row) for row in plan.enrollment_updates])
        self.insert(Enrollment, [self._enrollment(row) for row in plan.enrollment_inserts])
        self.where_in(
            lambda ids: sa.delete(Guardianship).where(Guardianship.id.in_(ids)), plan.link_deletes
        )
        self.insert(
            Guardianship,
            [
                {
                    "parent_id": plan.person_ids[parent],
                    "learner_id": plan.person_ids[learner],
                    "relationship_label": label,
                    "from_roster": True,
                }
                for parent, learner, label in plan.link_inserts
            ],
        )

    def _enrollment(self, row: dict) -> dict:
        out = {k: v for k, v in row.items() if k not in ("group_sid", "person_sid")}
        out["group_id"] = self.plan.group_ids[row["group_sid"]]
        out["user_id"] = self.plan.person_ids[row["person_sid"]]
        return out

    def end_sessions(self, user_ids: list[int]) -> None:
        for batch in _batches(user_ids):
            self.session.exec(
                sa.update(AuthSession)
                .where(AuthSession.user_id.in_(batch), AuthSession.revoked_at.is_(None))
                .values(revoked_at=self.now, revoke_reason="roster")
            )


def roster_apply(
    *, session: Session, site_id: int, plan: Plan, now: datetime, progress: Progress | None = None
) -> None:
    """Write ``plan`` for the site in the caller's transaction (nothing is committed here)."""
    writer = _Writer(session, site_id, plan, now, progress)
    writer.write()
    if progress is not None:
        progress(writer.total, writer.total)
