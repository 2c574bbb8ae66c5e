"""Authorisation for services: ask the permissions module, audit every refusal."""

from __future__ import annotations

from ilp_app.domain.errors import MSG_DENIED, MSG_NOT_SIGNED_IN, NotSignedIn, PermissionDenied
from ilp_app.domain.permissions import Action, Actor, LearnerRef, UserRef, can
from ilp_app.services.audit import audit_denied


def _describe(target: object) -> tuple[str, object]:
    if isinstance(target, LearnerRef):
        return "learner", target.learner_id
    if isinstance(target, UserRef):
        return "user", target.user_id
    if target is None:
        return "", None
    return type(target).__name__.lower(), getattr(target, "value", None) or str(target)


def authorize(actor: Actor | None, action: Action, target: object = None, *, client_ip: str = "") -> Actor:
    """Return ``actor`` if it may do ``action`` on ``target``; otherwise audit and raise.

    Raises:
        NotSignedIn: nobody is signed in.
        PermissionDenied: the actor is signed in but may not do this.
    """
    if actor is not None and can(actor, action, target):
        return actor
    target_type, target_id = _describe(target)
    audit_denied(
        actor_user_id=actor.user_id if actor else None,
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        client_ip=client_ip,
    )
    if actor is None:
        raise NotSignedIn(MSG_NOT_SIGNED_IN)
    raise PermissionDenied(MSG_DENIED)
