"""Each person's language and the school's default, through the services and the tab's state,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from ilp_app.db.models import Site, User
from ilp_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.services.access import auth
from ilp_app.services.access.languages import (
    MSG_UNKNOWN_LANGUAGE,
    language_choose,
    school_language_set,
)
from ilp_app.state.locale import LocaleState
from ilp_app.state.session import SessionState
from tests.support.services import audit, call, guard_event, signed_in, token_for

FORGED = ["xx", "nb-NO", "NB", " nb", "", None, 7, {"language": "nb"}, ["nn"], "n" * 10_000]


def _language(engine, name_or_id) -> str:
    with Session(engine) as s:
        return s.get(User, name_or_id).language


def test_the_learner_and_each_parent_keep_their_own_language(engine, school, actors):
    assert call(language_choose, actors["learner"], language="nb") == "nb"
    assert call(language_choose, actors["parent"], language="nn") == "nn"
    assert _language(engine, school.id("learner")) == "nb"
    assert _language(engine, school.id("parent")) == "nn"
    assert _language(engine, school.id("mentor")) == ""  # nobody chose for the mentor
    # The session carries it to every event and download.
    with Session(engine) as s:
        me = auth.current_user(session=s, token=token_for(engine, school.id("parent"), "parent"))
    assert (me.language, me.school_language) == ("nn", "en")
    [event] = audit(engine, action="account.language", actor_user_id=school.id("parent"))
    assert json.loads(event.detail) == {"before": "", "after": "nn"}


def test_choosing_the_same_language_again_records_nothing_new(engine, school, actors):
    call(language_choose, actors["learner"], language="nn")
    call(language_choose, actors["learner"], language="nn")
    assert len(audit(engine, action="account.language")) == 1


@pytest.mark.parametrize("forged", FORGED, ids=repr)
def test_a_forged_language_is_refused_and_changes_nothing(engine, school, actors, forged):
    call(language_choose, actors["parent"], language="nn")
    with pytest.raises(ValidationFailed) as info:
        call(language_choose, actors["parent"], language=forged)
    assert info.value.message == MSG_UNKNOWN_LANGUAGE
    assert _language(engine, school.id("parent")) == "nn"


def test_nobody_signed_in_chooses_nothing(engine, school):
    with pytest.raises(NotSignedIn):
        call(language_choose, None, language="nb")


def test_only_an_administrator_sets_the_schools_default(engine, school, actors):
    for name in ("mentor", "teacher", "parent", "learner"):
        with pytest.raises(PermissionDenied):
            call(school_language_set, actors[name], language="nb")
    assert len(audit(engine, outcome="denied")) == 4
    with pytest.raises(ValidationFailed):
        call(school_language_set, actors["admin"], language="sv")
    assert call(school_language_set, actors["admin"], language="nb") == "nb"
    with Session(engine) as s:
        assert s.get(Site, school.site.id).default_language == "nb"
    assert len(audit(engine, action="site.default_language")) == 1


async def test_a_tab_follows_the_persons_language_and_the_switch_saves_it(engine, school):
    tab = await signed_in(SessionState, engine, school.id("parent"), "parent")
    await guard_event(tab)
    locale = await tab.get_state(LocaleState)
    assert (locale.lang, locale.catalog) == ("en", {})  # no choice, no browser, school English

    await locale.choose("nn")
    assert _language(engine, school.id("parent")) == "nn"
    assert (locale.lang, locale.catalog["Sign out"]) == ("nn", "Logg ut")

    # Another tab of the same person, opened later, reads Nynorsk from the first event on.
    other = await signed_in(SessionState, engine, school.id("parent"), "parent")
    await guard_event(other)
    assert (await other.get_state(LocaleState)).lang == "nn"


async def test_a_forged_switch_event_gets_a_message_and_changes_nothing(engine, school):
    tab = await signed_in(SessionState, engine, school.id("learner"), "learner")
    await guard_event(tab)
    locale = await tab.get_state(LocaleState)
    for forged in ("klingon", {"lang": "nb"}, None, "nb" * 5000):
        events = await locale.choose(forged)
        assert "Choose one of the languages listed." in str(events)
    assert locale.lang == "en" and _language(engine, school.id("learner")) == ""


async def test_a_signed_out_choice_stays_in_the_tab_and_is_stored_for_nobody(engine, school):
    tab = await signed_in(SessionState, engine, school.id("learner"), "learner")
    await guard_event(tab, digest="")  # nobody signed in (the sign-in page)
    locale = await tab.get_state(LocaleState)
    await locale.choose("nb")
    assert locale.lang == "nb"
    with Session(engine) as s:
        assert all(u.language == "" for u in s.query(User).all())
    # It is this tab's browser choice until the person chooses one of their own.
    await guard_event(tab, digest=tab._digest)
    assert locale.lang == "nb"


@pytest.mark.parametrize(
    ("own", "school_default", "subject", "greeting"),
    [
        ("nn", "en", "Du er invitert til ILP", "Hei, Parent Person!"),
        ("", "nb", "Du er invitert til ILP", "Hei, Parent Person!"),
        ("", "en", "You are invited to ILP", "Hello Parent Person,"),
    ],
)
def test_an_invitation_is_written_in_the_persons_language_else_the_schools(
    engine, school, own, school_default, subject, greeting
):
    from datetime import UTC, datetime

    from ilp_app.db.models import OutgoingMail
    from ilp_app.services.access.invitations import invite_user
    from tests.support.services import rows

    with Session(engine, expire_on_commit=False) as s:
        user = s.get(User, school.id("parent"))
        user.language = own
        s.get(Site, school.site.id).default_language = school_default
        s.commit()
        invite_user(s, user, "Test School", "https://ilp.example", datetime.now(UTC))
        s.commit()
    (mail,) = rows(engine, OutgoingMail)
    assert mail.subject == subject
    assert mail.text_body.startswith(greeting) and "https://ilp.example/" in mail.text_body
