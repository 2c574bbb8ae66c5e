"""The mail sender: every few seconds, send what the outbox has due (when SMTP is configured).

It runs as a task of each app worker; the outbox's claim makes several workers safe. Without
``ILP_SMTP_URL`` nothing is sent and the mail waits in the outbox, where administrators can
read it on the "Sent mail" page (a laptop's way to try the flows).
"""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import Session

from ilp_app.db.engine import get_engine
from ilp_app.services.mail.outbox import mail_send_due
from ilp_app.services.mail.smtp import SmtpSender
from ilp_app.settings import get_settings

log = logging.getLogger("ilp.mail")
INTERVAL_S = 3.0


def _session() -> Session:
    return Session(get_engine())


def send_due_once() -> tuple[int, int]:
    """Send what is due now (blocking); (sent, failed). Nothing without ``ILP_SMTP_URL``."""
    settings = get_settings()
    if not settings.smtp_url:
        return 0, 0
    return mail_send_due(_session, SmtpSender(settings.smtp_url, settings.mail_from))


async def sender_loop() -> None:
    """A lifespan task: send due mail until the app stops; a failing round is logged, not fatal."""
    if not get_settings().smtp_url:
        return
    while True:
        try:
            sent, failed = await asyncio.to_thread(send_due_once)
            if sent or failed:
                log.info("mail: %d sent, %d to retry", sent, failed)
        except Exception:  # the database is away: try again next round
            log.exception("mail: the outbox could not be read")
        await asyncio.sleep(INTERVAL_S)
