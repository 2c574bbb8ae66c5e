"""Printed invitation letters for a group's families (one page per parent who has not signed
in yet), for families without email. Each letter carries a fresh invitation; printing again
replaces the links printed before."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import AuthSession, Enrollment, Group, Guardianship, Site, User
from ilp_app.domain.errors import NotFound
from ilp_app.domain.parsing import parse_id
from ilp_app.pdf.invitation_letter import Letter, letters_pdf
from ilp_app.services.access.invitations import invitation_replace
from ilp_app.services.access.password_reset import reset_url
from ilp_app.services.audit import audit_record
from ilp_app.services.school.school_rows import school_manager


def letter_code() -> str:
    """A 130-bit secret that can be typed: 26 base32 letters and digits (no padding)."""
    return base64.b32encode(secrets.token_bytes(17)).decode().rstrip("=")[:26]


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def group_invitation_letters(
    *, session: Session, actor, group_id: object, origin: str, client_ip: str = ""
) -> tuple[str, bytes]:
    """(file name, PDF) with a letter for each parent of the group's learners who never signed in."""
    actor = school_manager(actor, client_ip)
    gid = parse_id(group_id, what="group")
    group = session.get(Group, gid)
    if group is None or group.site_id != actor.site_id:
        raise NotFound("That group does not exist.")
    now = datetime.now(UTC)
    rows = session.exec(
        select(Guardianship.parent_id, User.preferred_name, User.full_name)
        .join(Enrollment, Enrollment.user_id == Guardianship.learner_id)
        .join(User, User.id == Guardianship.learner_id)
        .where(Enrollment.group_id == gid, Enrollment.role == "learner")
    ).all()
    children: dict[int, list[str]] = {}
    for parent_id, preferred, full in rows:
        children.setdefault(parent_id, []).append(preferred or full)
    signed_in = set(
        session.exec(
            select(AuthSession.user_id).where(AuthSession.user_id.in_(list(children) or [-1]))
        ).all()
    )
    parents = session.exec(
        select(User)
        .where(User.id.in_([p for p in children if p not in signed_in] or [-1]), User.is_active)
        .order_by(User.full_name)
    ).all()
    school = session.get(Site, actor.site_id).name
    letters = []
    for parent in parents:
        code = letter_code()
        invitation_replace(session, parent.id, code, now)
        letters.append(
            Letter(
                parent_name=parent.display_name,
                children=tuple(sorted(set(children[parent.id]))),
                school=school,
                url=reset_url(origin, code),
                code=_grouped(code),
            )
        )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="user.invite_letters",
        target_type="group",
        target_id=gid,
        client_ip=client_ip,
        detail={"letters": len(letters)},
    )
    return f"invitations-{group.name}.pdf", letters_pdf(letters)
