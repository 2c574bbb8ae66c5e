"""Invitations: an administrator invites people by mail; the link works once within 7 days,
sets the password and signs in; inviting again replaces the link; the status says what
happened; nobody but the administration invites."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import AccountToken, AuditEvent, AuthSession, OutgoingMail, User
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.services.access import invitations, password_reset
from ilp_app.services.mail.outbox import mail_send_due
from ilp_app.services.mail.smtp import SmtpSender
from ilp_app.services.uow import unit_of_work
from tests.support.services import actor_of, rows
from tests.support.smtp import free_port, smtp_server

ORIGIN = "http://localhost:3000"
PASSWORD = "our family reads on sundays"


def invite(actor, ids) -> invitations.InviteResult:
    with unit_of_work() as s:
        return invitations.invite(session=s, actor=actor, user_ids=ids, origin=ORIGIN)


def status(school, who: str) -> invitations.InvitationStatus:
    with unit_of_work() as s:
        return invitations.invitation_status(
            session=s, actor=actor_of(school.id("admin")), user_id=school.id(who)
        )


def link_token(mail: OutgoingMail) -> str:
    return re.search(r"/password/reset#([A-Za-z0-9_-]+)", mail.text_body).group(1)


def accept(token: str):
    with unit_of_work() as s:
        return password_reset.password_reset_complete(
            session=s, token=token, new_password=PASSWORD, confirm_password=PASSWORD
        )


def test_an_invited_parent_chooses_a_password_once_and_is_signed_in(engine, school):
    admin = actor_of(school.id("admin"))
    assert status(school, "parent").invited_at == ""
    assert invite(admin, [school.id("parent")]).invited == 1
    (mail,) = rows(engine, OutgoingMail)
    assert mail.subject == invitations.SUBJECT and "Test School" in mail.text_body
    assert status(school, "parent").invited_at and not status(school, "parent").accepted_at
    done = accept(link_token(mail))
    assert done.user_id == school.id("parent")
    assert status(school, "parent").accepted_at and status(school, "parent").has_signed_in
    with pytest.raises(ValidationFailed, match="already been used"):
        accept(link_token(mail))
    assert rows(engine, AuditEvent, AuditEvent.action == "auth.invitation_accept")


def test_inviting_again_replaces_the_link_and_an_old_link_expires(engine, school):
    admin = actor_of(school.id("admin"))
    invite(admin, [school.id("learner")])
    invite(admin, [school.id("learner")])
    first, second = rows(engine, OutgoingMail)
    with pytest.raises(ValidationFailed):
        accept(link_token(first))
    with Session(engine) as s:
        row = s.exec(select(AccountToken).where(AccountToken.used_at.is_(None))).one()
        assert row.expires_at - row.created_at == timedelta(days=7)
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.add(row)
        s.commit()
    with pytest.raises(ValidationFailed, match="expired"):
        accept(link_token(second))


def test_disabled_foreign_and_forged_ids_are_not_invited(engine, school):
    admin = actor_of(school.id("admin"))
    with Session(engine) as s:
        user = s.get(User, school.id("teacher"))
        user.is_active = False
        s.add(user)
        s.commit()
    result = invite(admin, [school.id("teacher"), 999_999])
    assert result.invited == 0 and len(result.skipped) == 2
    for forged in ([], "all", None, [{"id": 1}], list(range(invitations.MAX_AT_ONCE + 1))):
        with pytest.raises(ValidationFailed):
            invite(admin, forged)
    assert rows(engine, OutgoingMail) == []


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner"])
def test_only_the_administration_invites(engine, school, who):
    with pytest.raises(PermissionDenied):
        invite(actor_of(school.id(who)), [school.id("parent")])
    assert rows(engine, OutgoingMail) == []


def test_a_group_lists_its_learners_and_their_parents_who_never_signed_in(engine, school):
    admin = actor_of(school.id("admin"))
    with Session(engine) as s:
        group_id = school_group(s)
        s.add(AuthSession(user_id=school.id("learner"), token_hash="x" * 64, active_role="learner"))
        s.commit()
    with unit_of_work() as s:
        ids = invitations.not_yet_signed_in(session=s, actor=admin, group_id=group_id)
    assert school.id("learner") not in ids  # signed in once already
    assert school.id("parent") in ids  # the learner's parent never has
    assert school.id("mentor") not in ids and school.id("teacher") not in ids  # staff are not


def school_group(s) -> int:
    from ilp_app.db.models import Group

    return s.exec(select(Group.id).where(Group.name == "9C")).one()


def test_an_undelivered_invitation_shows_as_such(engine, school, monkeypatch):
    from ilp_app.services.mail import outbox

    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 1)
    invite(actor_of(school.id("admin")), [school.id("parent")])
    down = f"smtp://127.0.0.1:{free_port()}"
    mail_send_due(lambda: Session(engine), SmtpSender(down, "ILP <ilp@test.school>"))
    assert status(school, "parent").undelivered
    with smtp_server() as (inbox, url):  # control: a delivered one is not flagged
        invite(actor_of(school.id("admin")), [school.id("parent")])
        mail_send_due(lambda: Session(engine), SmtpSender(url, "ILP <ilp@test.school>"))
        assert len(inbox.messages) == 1
    assert not status(school, "parent").undelivered


def test_printed_letters_carry_a_working_code_for_families_who_never_signed_in(engine, school):
    import io

    from pypdf import PdfReader

    from ilp_app.services.access import invitation_letters

    admin = actor_of(school.id("admin"))
    with Session(engine) as s:
        group_id = school_group(s)
    with unit_of_work() as s:
        name, data = invitation_letters.group_invitation_letters(
            session=s, actor=admin, group_id=group_id, origin=ORIGIN
        )
    assert name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1  # the one parent of the group's learners
    text = reader.pages[0].extract_text()
    assert "Parent Person" in text and "Learner Person" in text
    assert reader.pages[0].images  # the QR code
    code = re.search(r"([A-Z2-7]{4}(?:-[A-Z2-7]{2,4}){6})", text).group(1).replace("-", "")
    assert len(code) == 26
    accept(code)  # the printed code is the link's secret: it works, once
    with pytest.raises(ValidationFailed):
        accept(code)
    assert rows(engine, OutgoingMail) == []  # a letter, not a mail
    for who in ("mentor", "teacher", "parent"):
        with pytest.raises(PermissionDenied), unit_of_work() as s:
            invitation_letters.group_invitation_letters(
                session=s, actor=actor_of(school.id(who)), group_id=group_id, origin=ORIGIN
            )


async def test_the_accounts_page_invites_only_the_people_it_listed_and_ticked(engine, school):
    from ilp_app.state.admin import AdminState
    from tests.support.services import signed_in

    state = await signed_in(AdminState, engine, school.id("admin"), "administrator")
    await AdminState.event_handlers["load"].fn(state)
    listed = {r.id for r in state.rows}
    AdminState.event_handlers["toggle_ticked"].fn(state, school.id("parent"))
    AdminState.event_handlers["toggle_ticked"].fn(state, 999_999)  # never listed: not ticked
    assert state.ticked == [school.id("parent")] and school.id("parent") in listed
    await AdminState.event_handlers["invite_ticked"].fn(state)
    (mail,) = rows(engine, OutgoingMail)
    assert mail.to_address == "parent@test.school" and state.ticked == []
