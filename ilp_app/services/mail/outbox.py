"""The mail outbox: queue a message inside a unit of work; send what is due, with backoff.

A message is queued in the same transaction as the change that wants it sent (a reset link
exists only if its mail does). The sender claims a due message (``queued`` -> ``sending``, one
statement, so two senders never take the same one), hands it to SMTP outside any transaction,
and marks it ``sent``; a refusal or an unreachable server puts it back with a later
``next_attempt_at`` (30 s, 1 min, 2 min ... at most an hour), and after :data:`MAX_ATTEMPTS` it
is ``failed``. A message claimed by a sender that died is taken up again after
:data:`CLAIM_TIMEOUT`. Every attempt carries the same Message-ID.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import OutgoingMail, Site

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH = 20


@dataclass(frozen=True)
class Message:
    """What the SMTP sender needs of one queued message."""

    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    school: str
    list_unsubscribe: str = ""


def html_from_text(text: str, *, link: str = "", link_text: str = "") -> str:
    """A simple HTML part for ``text``: paragraphs, and one link as a button-like anchor."""
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n")
    )
    button = (
        f'<p><a href="{html.escape(link, quote=True)}" style="display:inline-block;padding:10px 16px;'
        f'background:#0d74ce;color:#fff;border-radius:6px;text-decoration:none">'
        f"{html.escape(link_text)}</a></p>"
        if link
        else ""
    )
    return f'<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">{paragraphs}{button}</body></html>'


def mail_queue(
    session: Session,
    *,
    site_id: int,
    kind: str,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str,
    now: datetime | None = None,
    list_unsubscribe: str = "",
) -> int:
    """Put one message in the outbox (committed, or rolled back, with the caller's change).

    ``now`` is also when it may be sent first (the caller moves it past quiet hours).
    """
    now = now or datetime.now(UTC)
    domain = to_address.rpartition("@")[2] or "localhost"
    row = OutgoingMail(
        site_id=site_id,
        kind=kind,
        to_address=to_address,
        subject=subject[:200],
        text_body=text_body,
        html_body=html_body,
        message_id=f"<{secrets.token_hex(16)}@ilp.{domain}>",
        next_attempt_at=now,
        created_at=now,
        list_unsubscribe=list_unsubscribe,
    )
    session.add(row)
    session.flush()
    return row.id


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


def _claim(session: Session, now: datetime) -> list[Message]:
    due = sa.or_(
        sa.and_(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now),
        sa.and_(OutgoingMail.status == "sending", OutgoingMail.claimed_at <= now - CLAIM_TIMEOUT),
    )
    candidates = session.exec(
        select(OutgoingMail.id).where(due).order_by(OutgoingMail.next_attempt_at).limit(BATCH)
    ).all()
    claimed = []
    for mail_id in candidates:
        taken = session.exec(
            sa.update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, due)
            .values(status="sending", claimed_at=now)
        ).rowcount
        if taken == 1:
            claimed.append(mail_id)
    session.commit()
    if not claimed:
        return []
    rows = session.exec(
        select(OutgoingMail, Site.name)
        .join(Site, Site.id == OutgoingMail.site_id)
        .where(OutgoingMail.id.in_(claimed))
    ).all()
    return [
        Message(
            m.id,
            m.to_address,
            m.subject,
            m.text_body,
            m.html_body,
            m.message_id,
            school,
            m.list_unsubscribe,
        )
        for m, school in rows
    ]


def _settle(session: Session, mail_id: int, error: str | None, now: datetime) -> None:
    mail = session.get(OutgoingMail, mail_id)
    if mail is None:
        return
    mail.attempts += 1
    if error is None:
        mail.status, mail.sent_at, mail.last_error = "sent", now, ""
    else:
        mail.last_error = error[:300]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = "failed"
        else:
            mail.status, mail.next_attempt_at = "queued", now + retry_delay(mail.attempts)
    mail.claimed_at = None
    session.add(mail)
    session.commit()


def mail_send_due(
    session_factory: Callable[[], Session],
    send: Callable[[Message], None],
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[int, int]:
    """Send what is due through ``send`` (which raises on failure); returns (sent, failed).

    Blocking: run it in a thread. ``session_factory`` gives a fresh session per step, so no
    transaction stays open while the mail server is being talked to.
    """
    with session_factory() as session:
        batch = _claim(session, now())
    sent = failed = 0
    for message in batch:
        try:
            send(message)
        except Exception as error:  # the server refused it or could not be reached
            failed += 1
            outcome = f"{type(error).__name__}: {error}"
        else:
            sent += 1
            outcome = None
        with session_factory() as session:
            _settle(session, message.id, outcome, now())
    return sent, failed
