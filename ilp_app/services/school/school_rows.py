"""What the school settings and the groups services share: the administrator's check, rows of
their own site found by an id from the browser, and names unique within the site.

An id from the browser only selects: a row of another site is "not found", exactly like one
that does not exist, so nothing about other schools can be learnt by trying ids.
"""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.domain.errors import NotFound
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor
from ilp_app.services.guard import authorize

Row = TypeVar("Row")


def school_manager(actor: Actor | None, client_ip: str) -> Actor:
    """The actor, once :attr:`Action.SCHOOL_MANAGE` is allowed (a refusal is audited)."""
    return authorize(actor, Action.SCHOOL_MANAGE, client_ip=client_ip)


def own_row(
    session: Session, actor: Actor, model: type[Row], row_id: object, *, what: str, missing: str
) -> Row:
    """The ``model`` row with id ``row_id`` at the actor's site.

    Raises:
        ValidationFailed: ``row_id`` is not an id at all (``what`` names the kind of row).
        NotFound: with the message ``missing``, when there is no such row at the actor's site.
    """
    row = session.get(model, parse_id(row_id, what=what))
    if row is None or row.site_id != actor.site_id:
        raise NotFound(missing)
    return row


def name_in_use(
    session: Session, model: type, site_id: int, name: str, except_id: int | None = None
) -> str | None:
    """The stored name of a row of ``model`` at the site called ``name`` whatever the case, if any.

    ``except_id`` leaves out the row being renamed. Names differing only in case would look like
    one to the people choosing among them.
    """
    stmt = select(model.name).where(
        model.site_id == site_id, sa.func.lower(model.name) == name.lower()
    )
    if except_id is not None:
        stmt = stmt.where(model.id != except_id)
    return session.exec(stmt).first()
