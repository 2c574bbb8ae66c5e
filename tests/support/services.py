"""Calling services as the app does, and reading back what they stored, for integration tests.

Each call runs in its own unit of work, as a Reflex event or an HTTP request does. Reads open a
fresh session on the test's engine, so they see only what was committed.
"""

from __future__ import annotations

import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import AuditEvent, AuthSession, User
from ilp_app.services.access.actors import actor_load
from ilp_app.services.uow import unit_of_work
from ilp_app.state import locale as _locale  # noqa: F401  (in every tab tree, as in the app)


def call(fn, actor, **kwargs):
    """Run the service ``fn`` for ``actor`` in its own unit of work and return its result."""
    with unit_of_work() as s:
        return fn(session=s, actor=actor, **kwargs)


def load_actors(session: Session, school, names=None) -> dict:
    """The school's people (or only ``names``) as the server loads them, and "anonymous" as None.

    The read is ended, so each call's unit of work can take the write lock.
    """
    loaded = {name: school.actor(session, name) for name in (names or school.people)} | {
        "anonymous": None
    }
    session.commit()
    return loaded


def actor_of(user_id: int):
    """The person's access as their next event would load it (the site's switch read anew)."""
    with unit_of_work() as s:
        return actor_load(session=s, user=s.get(User, user_id), active_role=None)


def audit(engine: sa.Engine, **where) -> list[AuditEvent]:
    """Audit events whose columns equal ``where``, oldest first."""
    with Session(engine) as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, column) == value)
        return list(s.exec(stmt).all())


def count(engine: sa.Engine, model, *where) -> int:
    with Session(engine) as s:
        return s.exec(select(sa.func.count()).select_from(model).where(*where)).one()


def rows(engine: sa.Engine, model, *where, order=None) -> list:
    """Stored rows of ``model`` matching ``where``, by ``order`` (their id unless given)."""
    with Session(engine) as s:
        return list(
            s.exec(
                select(model).where(*where).order_by(order if order is not None else model.id)
            ).all()
        )


def token_for(engine: sa.Engine, user_id: int, role: str) -> str:
    """A browser token of a new server-side sign-in of the user, viewing as ``role``."""
    token = security.token_new()
    with Session(engine) as s:
        s.add(
            AuthSession(user_id=user_id, token_hash=security.token_digest(token), active_role=role)
        )
        s.commit()
    return token


async def signed_in(state_type: type[rx.State], engine: sa.Engine, user_id: int, role: str):
    """A page state of a browser tab in which the user has just signed in as ``role``."""
    state = await rx.State().get_state(state_type)
    sign_in_tab(state, token_for(engine, user_id, role))
    return state


def sign_in_tab(state: rx.State, token: str) -> None:
    """What the socket gate and the event guard do for a tab whose cookie holds ``token``."""
    digest = security.token_digest(token)
    with unit_of_work() as s:
        row = s.exec(select(AuthSession).where(AuthSession.token_hash == digest)).one()
    state._digest = digest
    state._owner = str(row.id)


async def guard_event(state: rx.State, digest: str | None = None):
    """Pass one event of this tab through the event guard, as the socket would."""
    from reflex_base.event import Event

    from ilp_app.state.guard import EventGuard
    from ilp_app.web.socket_gate import SESSION_HEADER

    root = state._get_root_state()
    headers = {SESSION_HEADER: state._digest if digest is None else digest}
    root.router_data = {**root.router_data, "headers": headers}
    return await EventGuard().preprocess(app=None, state=root, event=Event(name="x", payload={}))


def tab_sign_out(state: rx.State) -> None:
    """End the session of the tab ``state`` belongs to (as signing out in another tab does)."""
    from ilp_app.services.uow import unit_of_work

    with unit_of_work() as s:
        s.exec(
            sa.update(AuthSession)
            .where(AuthSession.token_hash == state._digest)
            .values(revoked_at=sa.func.now(), revoke_reason="sign_out")
        )
