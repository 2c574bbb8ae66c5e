"""The audit trail: what was done, and what was refused."""

from __future__ import annotations

import json
import logging

from sqlmodel import Session

from ilp_app.db.engine import session_scope
from ilp_app.db.models import AuditEvent

log = logging.getLogger("ilp.audit")

_MAX_DETAIL = 2000


def _event(
    *,
    actor_user_id: int | None,
    action: str,
    outcome: str,
    target_type: str,
    target_id: object,
    detail: dict | None,
    client_ip: str,
) -> AuditEvent:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else ""
    return AuditEvent(
        actor_user_id=actor_user_id,
        action=action[:60],
        outcome=outcome,
        target_type=target_type[:40],
        target_id=str(target_id)[:64] if target_id is not None else "",
        detail=text[:_MAX_DETAIL],
        client_ip=(client_ip or "")[:64],
    )


def audit_record(
    *,
    session: Session,
    actor_user_id: int | None,
    action: str,
    outcome: str = "ok",
    target_type: str = "",
    target_id: object = None,
    detail: dict | None = None,
    client_ip: str = "",
) -> None:
    """Add an audit event to the caller's transaction (it is kept only if that commits)."""
    session.add(
        _event(
            actor_user_id=actor_user_id,
            action=action,
            outcome=outcome,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
            client_ip=client_ip,
        )
    )


def audit_denied(
    *,
    actor_user_id: int | None,
    action: str,
    target_type: str = "",
    target_id: object = None,
    detail: dict | None = None,
    client_ip: str = "",
) -> None:
    """Record a refused attempt in its own transaction, so it survives the caller's rollback."""
    log.warning("denied %s by user %s on %s %s", action, actor_user_id, target_type, target_id)
    with session_scope() as session:
        session.add(
            _event(
                actor_user_id=actor_user_id,
                action=action,
                outcome="denied",
                target_type=target_type,
                target_id=target_id,
                detail=detail,
                client_ip=client_ip,
            )
        )
