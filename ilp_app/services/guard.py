"""Authorisation for services: ask the permissions module, audit every refusal."""

from __future__ import annotations

from ilp_app.domain.errors import MSG_DENIED, MSG_NOT_SIGNED_IN, NotSignedIn, PermissionDenied
from ilp_app.domain.permissions import (
    Action,
    Actor,
    ContextItemRef,
    LearnerRef,
    NoteRef,
    PlanRef,
    StaffRef,
    SupervisionRef,
    UserRef,
    can,
)


def _describe(target: object) -> tuple[str, object]:
    if isinstance(target, PlanRef):
        return "plan", target.plan_id
    if isinstance(target, NoteRef):
        return "learner_note", target.learner_id
    if isinstance(target, LearnerRef):
        return "learner", target.learner_id
    if isinstance(target, ContextItemRef):
        return "learner_context", target.learner_id
    if isinstance(target, UserRef):
        return "user", target.user_id
    if isinstance(target, StaffRef | SupervisionRef):
        return "staff", target.staff_id
    if target is None:
        return "", None
    return type(target).__name__.lower(), getattr(target, "value", None) or str(target)


def denial(
    actor: Actor | None,
    action: str,
    target: object = None,
    *,
    client_ip: str = "",
    message: str = MSG_DENIED,
) -> PermissionDenied:
    """The error for a refused attempt, carrying what the audit trail should record about it."""
    target_type, target_id = _describe(target)
    audit = {
        "actor_user_id": actor.user_id if actor else None,
        "action": str(action),
        "target_type": target_type,
        "target_id": target_id,
        "client_ip": client_ip,
    }
    if actor is None:
        return NotSignedIn(MSG_NOT_SIGNED_IN, audit=audit)
    return PermissionDenied(message, audit=audit)


def authorize(
    actor: Actor | None, action: Action, target: object = None, *, client_ip: str = ""
) -> Actor:
    """Return ``actor`` if it may do ``action`` on ``target``; otherwise raise.

    The refusal is written to the audit trail by :func:`ilp_app.services.uow.unit_of_work`.

    Raises:
        NotSignedIn: nobody is signed in.
        PermissionDenied: the actor is signed in but may not do this.
    """
    if actor is not None and can(actor, action, target):
        return actor
    raise denial(actor, action, target, client_ip=client_ip)
