"""Sending one outbox message over SMTP (``ILP_SMTP_URL``), with its plain and HTML parts."""

from __future__ import annotations

import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from ilp_app.services.mail.outbox import Message

TIMEOUT_S = 20


def build(message: Message, mail_from: str) -> EmailMessage:
    mail = EmailMessage()
    name, address = parseaddr(mail_from)
    mail["From"] = formataddr((f"{message.school} ({name})" if name else message.school, address))
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    if message.list_unsubscribe:  # one click stops it (RFC 8058)
        mail["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    return mail


class SmtpSender:
    """Send messages to the server of an ``smtp://`` or ``smtps://`` URL (raises on failure)."""

    def __init__(self, url: str, mail_from: str):
        parts = urllib.parse.urlsplit(url)
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 25)
        self.user = urllib.parse.unquote(parts.username or "")
        self.password = urllib.parse.unquote(parts.password or "")
        self.starttls = "starttls=1" in parts.query
        self.mail_from = mail_from

    def __call__(self, message: Message) -> None:
        mail = build(message, self.mail_from)
        if self.secure:
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
        with client:
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
            if self.user:
                client.login(self.user, self.password)
            client.send_message(mail)
