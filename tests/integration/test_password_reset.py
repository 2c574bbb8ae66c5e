"""Forgotten passwords, through a real SMTP server: the link arrives, works once, expires, ends
the account's other sessions, and asking never tells whether an address has an account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ilp_app import security
from ilp_app.db.models import AccountToken, AuditEvent, AuthSession, OutgoingMail, User
from ilp_app.domain.errors import ValidationFailed
from ilp_app.services.access import auth, password_reset
from ilp_app.services.mail.outbox import mail_send_due
from ilp_app.services.mail.smtp import SmtpSender
from ilp_app.services.uow import unit_of_work
from tests.support.services import rows
from tests.support.smtp import free_port, smtp_server

ORIGIN = "http://localhost:3000"
NEW_PASSWORD = "a quiet walk by the fjord"


def ask(email: object, client_ip: str = "10.0.0.1") -> None:
    with unit_of_work() as s:
        password_reset.password_reset_request(
            session=s, email=email, origin=ORIGIN, client_ip=client_ip
        )


def send_all(engine, url: str) -> tuple[int, int]:
    return mail_send_due(lambda: Session(engine), SmtpSender(url, "ILP <ilp@test.school>"))


def token_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"/password/reset#([A-Za-z0-9_-]+)", text).group(1)


def complete(token: object, password: str = NEW_PASSWORD, confirm: str | None = None):
    with unit_of_work() as s:
        return password_reset.password_reset_complete(
            session=s,
            token=token,
            new_password=password,
            confirm_password=password if confirm is None else confirm,
        )


def signed_in_elsewhere(engine, school) -> str:
    """A session of the parent on another device."""
    with Session(engine) as s:
        result = auth.sign_in(session=s, email="parent@test.school", password="x" * 12)
        s.commit()
    return result.token


@pytest.fixture
def parent_password(engine, school):
    with Session(engine) as s:
        user = s.get(User, school.id("parent"))
        user.password_hash = security.password_hash("x" * 12)
        s.add(user)
        s.commit()


def test_the_link_arrives_works_once_and_ends_the_other_sessions(engine, school, parent_password):
    other_device = signed_in_elsewhere(engine, school)
    with smtp_server() as (inbox, url):
        ask("Parent@Test.School ")
        assert send_all(engine, url) == (1, 0)
        (message,) = inbox.to("parent@test.school")
    assert "Test School" in message["From"] and message["Subject"] == password_reset.SUBJECT
    assert message.get_body(("html",)) is not None  # a plain and an HTML part
    token = token_in(message)
    done = complete(token)
    with Session(engine) as s:
        user = s.get(User, school.id("parent"))
        assert security.password_verify(NEW_PASSWORD, user.password_hash)[0]
        sessions = s.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    old = next(x for x in sessions if x.token_hash == security.token_digest(other_device))
    assert old.revoked_at is not None and old.revoke_reason == "password_reset"
    with unit_of_work() as s:
        assert auth.current_user(session=s, token=done.token) is not None  # signed in here
    with pytest.raises(ValidationFailed, match="already been used"):
        complete(token, password="another long sentence here")
    # The token is stored only as a keyed hash, and is in no audit row.
    stored = rows(engine, AccountToken)
    assert stored and all(t.token_hash != token for t in stored)
    assert not any(token in repr(a) for a in rows(engine, AuditEvent))


def test_an_unknown_address_gets_the_same_answer_and_no_mail(engine, school):
    ask("nobody@test.school")
    ask("")
    ask({"$ne": None})  # a forged field
    assert rows(engine, OutgoingMail) == [] and rows(engine, AccountToken) == []


def test_a_disabled_account_gets_no_link(engine, school):
    with Session(engine) as s:
        user = s.get(User, school.id("parent"))
        user.is_active = False
        s.add(user)
        s.commit()
    ask("parent@test.school")
    assert rows(engine, OutgoingMail) == []


def test_an_expired_link_and_a_guessed_one_are_refused(engine, school):
    ask("parent@test.school")
    (mail,) = rows(engine, OutgoingMail)
    token = re.search(r"#([A-Za-z0-9_-]+)", mail.text_body).group(1)
    for guess in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), None, ["a"]):
        with pytest.raises(ValidationFailed, match="expired or has already been used"):
            complete(guess)
    with Session(engine) as s:
        row = s.exec(select(AccountToken)).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.add(row)
        s.commit()
    with pytest.raises(ValidationFailed, match="expired"):
        complete(token)


def test_a_new_link_replaces_the_old_one_and_the_policy_applies(engine, school):
    ask("parent@test.school")
    ask("parent@test.school")
    first, second = (re.search(r"#(\S+)", m.text_body).group(1) for m in rows(engine, OutgoingMail))
    with pytest.raises(ValidationFailed, match="expired or has already been used"):
        complete(first)
    with pytest.raises(ValidationFailed):
        complete(second, password="short")
    with pytest.raises(ValidationFailed, match="do not match"):
        complete(second, password=NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    complete(second)  # a refused try does not use the link up


def test_asking_is_throttled_per_address(engine, school):
    for _ in range(8):
        ask("parent@test.school", client_ip="10.0.0.9")
    sent = len(rows(engine, OutgoingMail))
    assert 1 <= sent <= password_reset.POLICY.pair_free
    outcomes = [
        a.outcome
        for a in rows(engine, AuditEvent, AuditEvent.action == "auth.password_reset_request")
    ]
    assert "throttled" in outcomes


def test_mail_waits_while_the_server_is_down_and_is_delivered_exactly_once(engine, school):
    ask("parent@test.school")
    port = free_port()
    down = f"smtp://127.0.0.1:{port}"
    assert send_all(engine, down) == (0, 1)  # nobody listens: it stays in the outbox
    (mail,) = rows(engine, OutgoingMail)
    assert (
        mail.status == "queued" and mail.attempts == 1 and mail.next_attempt_at > datetime.now(UTC)
    )
    with smtp_server(port) as (inbox, url):
        assert send_all(engine, url) == (0, 0)  # not due yet: the backoff holds
        with Session(engine) as s:
            row = s.get(OutgoingMail, mail.id)
            row.next_attempt_at = datetime.now(UTC)
            s.add(row)
            s.commit()
        assert send_all(engine, url) == (1, 0)
        assert send_all(engine, url) == (0, 0)  # sent once, never again
        assert len(inbox.messages) == 1
    (mail,) = rows(engine, OutgoingMail)
    assert mail.status == "sent" and mail.sent_at is not None


def test_sent_mail_is_for_the_administration_with_text_only_while_nothing_is_delivered(
    engine, school, monkeypatch
):
    from ilp_app.domain.errors import PermissionDenied
    from ilp_app.services.mail import sent_mail as sent_mail_service
    from ilp_app.settings import get_settings
    from tests.support.services import actor_of

    ask("parent@test.school")
    admin = actor_of(school.id("admin"))
    with unit_of_work() as s:
        page = sent_mail_service.sent_mail(session=s, actor=admin)
    assert not page.delivering and "/password/reset#" in page.rows[0].text_body
    for who in ("mentor", "teacher", "parent", "learner"):
        with pytest.raises(PermissionDenied), unit_of_work() as s:
            sent_mail_service.sent_mail(session=s, actor=actor_of(school.id(who)))
    settings = get_settings()
    monkeypatch.setattr(
        sent_mail_service,
        "get_settings",
        lambda: type(settings)(**{**settings.__dict__, "smtp_url": "smtp://127.0.0.1:1"}),
    )
    with unit_of_work() as s:
        page = sent_mail_service.sent_mail(session=s, actor=admin)
    assert page.delivering and page.rows[0].text_body == ""  # delivered mail is not shown
    assert len(rows(engine, AuditEvent, AuditEvent.action == "mail.read")) == 2
