"""The "Sent mail" page: what the school's outbox holds, for its administrators.

With SMTP configured it lists each message's state (queued, sent, failed and why) without its
text. Without it, nothing leaves the server, and the text is shown so the flows can be tried
on a laptop: an administrator, who may already set anyone a temporary password, gains nothing
by reading a reset link there. Every read is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ilp_app.db.models import OutgoingMail
from ilp_app.domain.permissions import Actor
from ilp_app.services.audit import audit_record
from ilp_app.services.school.school_rows import school_manager
from ilp_app.settings import get_settings

SHOWN = 100
STATUS_LABELS = {
    "queued": "Waiting to be sent",
    "sending": "Being sent",
    "sent": "Sent",
    "failed": "Not delivered",
}


@dataclass
class MailRow:
    id: int
    to_address: str
    subject: str
    status: str
    status_label: str
    created_at: str
    sent_at: str
    attempts: int
    last_error: str
    text_body: str  # "" when SMTP is configured


@dataclass
class SentMail:
    delivering: bool  # SMTP is configured: mail leaves the server
    rows: list[MailRow]


def sent_mail(*, session: Session, actor: Actor | None, client_ip: str = "") -> SentMail:
    actor = school_manager(actor, client_ip)
    delivering = bool(get_settings().smtp_url)
    mails = session.exec(
        select(OutgoingMail)
        .where(OutgoingMail.site_id == actor.site_id)
        .order_by(OutgoingMail.id.desc())
        .limit(SHOWN)
    ).all()
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="mail.read",
        client_ip=client_ip,
        detail={"with_text": not delivering},
    )
    return SentMail(
        delivering=delivering,
        rows=[
            MailRow(
                id=m.id,
                to_address=m.to_address,
                subject=m.subject,
                status=m.status,
                status_label=STATUS_LABELS.get(m.status, m.status),
                created_at=f"{m.created_at:%Y-%m-%d %H:%M}",
                sent_at=f"{m.sent_at:%Y-%m-%d %H:%M}" if m.sent_at else "",
                attempts=m.attempts,
                last_error=m.last_error,
                text_body="" if delivering else m.text_body,
            )
            for m in mails
        ],
    )
