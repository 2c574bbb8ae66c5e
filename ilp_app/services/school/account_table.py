"""The accounts table: one page of a school's accounts, filtered and sorted in the database,
and the bulk actions on the ticked rows (invite, disable, connect to a mentor).

A page is one query for the rows, one for the total, and one each for the roles and groups of
the page's rows, whatever the size of the school. Bulk actions name their rows by id; every id
must be an account of the administrator's school, or nothing is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, RoleGrant, User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, UserRef, can
from ilp_app.domain.roles import ROLE_LABELS, Role, parse_role
from ilp_app.services.access.auth import sessions_revoke
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize, denial
from ilp_app.services.plans.periods import period_current
from ilp_app.services.plans.plan_read import plan_summaries
from ilp_app.services.school.users import MAX_QUERY, MSG_QUERY_TOO_LONG, MSG_USER_NOT_FOUND

PAGE_SIZE = 50
MAX_BULK = 200

#: Sort keys offered by the table, and the column each sorts on.
SORTS = {
    "name": sa.func.lower(User.full_name),
    "email": sa.func.lower(User.email),
    "created": User.created_at,
}
STATUSES = {
    "active": "Active",
    "disabled": "Disabled",
    "no_password": "No password yet",
    "must_change": "Must change password",
}

MSG_FILTER = "Choose one of the table's filters."
MSG_SORT = "Choose a column to sort by."
MSG_PAGE = "That page does not exist."
MSG_CHOOSE = "Tick at least one account."
MSG_TOO_MANY = f"Tick at most {MAX_BULK} accounts at a time."
MSG_SELF = "You cannot disable your own account."


@dataclass(frozen=True)
class AccountRow:
    id: int
    full_name: str
    email: str
    roles: str
    groups: str
    is_active: bool
    must_change_password: bool
    has_password: bool
    plan_id: int = 0  # a learner's plan for the current period, for support reads


@dataclass
class AccountPage:
    rows: list[AccountRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


@dataclass(frozen=True)
class AccountQuery:
    """What the table asks for, checked: text, filters, sort and page."""

    text: str = ""
    role: str = ""
    group_id: int | None = None
    status: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1


def account_query(
    *,
    text: object = "",
    role: object = "",
    group_id: object = "",
    status: object = "",
    sort: object = "name",
    descending: object = False,
    page: object = 1,
) -> AccountQuery:
    """The table's request from the values a page sent, each checked.

    Raises:
        ValidationFailed: a value the table never offers (a forged event).
    """
    if not isinstance(text, str) or len(text) > MAX_QUERY:
        raise ValidationFailed(MSG_QUERY_TOO_LONG)
    if role not in ("", None) and parse_role(role) is None:
        raise ValidationFailed(MSG_FILTER)
    if status not in ("", None) and not (isinstance(status, str) and status in STATUSES):
        raise ValidationFailed(MSG_FILTER)
    if not isinstance(sort, str) or sort not in SORTS:
        raise ValidationFailed(MSG_SORT)
    if not isinstance(descending, bool):
        raise ValidationFailed(MSG_SORT)
    gid = None
    if group_id not in ("", None):
        try:
            gid = parse_id(group_id, what="group")
        except ValidationFailed:
            raise ValidationFailed(MSG_FILTER) from None
    try:
        number = parse_id(page, what="page")
    except ValidationFailed:
        raise ValidationFailed(MSG_PAGE) from None
    return AccountQuery(
        text=text.strip(),
        role=role or "",
        group_id=gid,
        status=status or "",
        sort=sort,
        descending=descending,
        page=number,
    )


def _filtered(site_id: int, q: AccountQuery):
    stmt = select(User.id).where(User.site_id == site_id)
    needle = q.text.lower()
    if needle:
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.full_name).like(like),
                sa.func.lower(User.email).like(like),
                sa.func.lower(User.preferred_name).like(like),
            )
        )
    if q.role:
        stmt = stmt.where(
            sa.exists(
                select(RoleGrant.id).where(RoleGrant.user_id == User.id, RoleGrant.role == q.role)
            )
        )
    if q.group_id is not None:
        stmt = stmt.where(
            sa.exists(
                select(Enrollment.id).where(
                    Enrollment.user_id == User.id, Enrollment.group_id == q.group_id
                )
            )
        )
    if q.status == "active":
        stmt = stmt.where(User.is_active)
    elif q.status == "disabled":
        stmt = stmt.where(~User.is_active)
    elif q.status == "no_password":
        stmt = stmt.where(User.password_hash.is_(None))
    elif q.status == "must_change":
        stmt = stmt.where(User.must_change_password)
    return stmt


def account_page(
    *, session: Session, actor: Actor | None, query: AccountQuery, client_ip: str = ""
) -> AccountPage:
    """One page of the school's accounts matching ``query`` (a page past the end gives the last)."""
    actor = authorize(actor, Action.USER_LIST, client_ip=client_ip)
    ids = _filtered(actor.site_id, query)
    total = session.exec(select(sa.func.count()).select_from(ids.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    column = SORTS[query.sort]
    order = (column.desc(), User.id.desc()) if query.descending else (column, User.id)
    users = session.exec(
        select(
            User.id,
            User.full_name,
            User.email,
            User.is_active,
            User.must_change_password,
            User.password_hash.is_not(None),
        )
        .where(User.id.in_(ids))
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    shown = [u[0] for u in users]
    roles: dict[int, list[str]] = {}
    groups: dict[int, list[str]] = {}
    if shown:
        for uid, value in session.exec(
            select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.user_id.in_(shown))
        ).all():
            if (role := parse_role(value)) is not None:
                roles.setdefault(uid, []).append(ROLE_LABELS[role])
        for uid, name in session.exec(
            select(Enrollment.user_id, Group.name)
            .join(Group, Group.id == Enrollment.group_id)
            .where(Enrollment.user_id.in_(shown), Group.retired_at.is_(None))
            .order_by(Group.name)
        ).all():
            groups.setdefault(uid, []).append(name)
    period = period_current(session=session, site_id=actor.site_id)
    learner_label = ROLE_LABELS[Role.LEARNER]
    plans = plan_summaries(
        session=session,
        learner_ids=[uid for uid in shown if learner_label in roles.get(uid, [])],
        period_id=period.id if period else -1,
    )
    return AccountPage(
        rows=[
            AccountRow(
                id=uid,
                full_name=name,
                email=email,
                roles=", ".join(sorted(roles.get(uid, []))),
                groups=", ".join(groups.get(uid, [])),
                is_active=bool(active),
                must_change_password=bool(must_change),
                has_password=bool(has_password),
                plan_id=plans[uid].plan_id if uid in plans else 0,
            )
            for uid, name, email, active, must_change, has_password in users
        ],
        total=total,
        page=page,
        pages=pages,
    )


def _ticked(value: object) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise ValidationFailed(MSG_CHOOSE)
    if len(value) > MAX_BULK:
        raise ValidationFailed(MSG_TOO_MANY)
    return sorted({parse_id(v, what="account") for v in value})


def accounts_disable(
    *, session: Session, actor: Actor | None, user_ids: object, client_ip: str = ""
) -> int:
    """Disable the ticked accounts (ending their sessions); returns how many were active.

    Every id must be an account of the actor's school other than their own, or nothing changes.

    Raises:
        PermissionDenied: not an administrator.
        ValidationFailed: no ids, too many, malformed, or the actor's own account.
        NotFound: an id of another school, or of no account.
    """
    actor = authorize(actor, Action.USER_LIST, client_ip=client_ip)
    ids = _ticked(user_ids)
    if actor.user_id in ids:
        raise ValidationFailed(MSG_SELF)
    for uid in ids:
        if not can(actor, Action.USER_MANAGE, UserRef(uid)):
            raise denial(actor, Action.USER_MANAGE, UserRef(uid), client_ip=client_ip)
    users = session.exec(
        select(User).where(User.id.in_(ids), User.site_id == actor.site_id).with_for_update()
    ).all()
    if len(users) != len(ids):
        raise NotFound(MSG_USER_NOT_FOUND)
    now = datetime.now(UTC)
    changed = 0
    for user in users:
        if not user.is_active:
            continue
        user.is_active, user.updated_at = False, now
        session.add(user)
        sessions_revoke(session=session, user_id=user.id, reason="disabled")
        changed += 1
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.disable",
        target_type="users",
        target_id=",".join(str(i) for i in ids)[:64],
        detail={"user_ids": ids, "disabled": changed},
        client_ip=client_ip,
    )
    return changed
