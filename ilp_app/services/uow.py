"""The unit of work every caller (states, importers, jobs) runs services in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from ilp_app.db.engine import session_scope
from ilp_app.domain.errors import PermissionDenied
from ilp_app.services.audit import audit_denied


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction that commits on success and rolls back on failure.

    A refused attempt (:class:`PermissionDenied`) is written to the audit trail *after* the
    rollback, in a transaction of its own: it survives, and on SQLite it never waits for the
    write lock the failed transaction held.
    """
    try:
        with session_scope() as session:
            yield session
    except PermissionDenied as denied:
        if denied.audit is not None:
            audit_denied(**denied.audit)
            denied.audit = None  # recorded once, however many layers re-raise it
        raise
