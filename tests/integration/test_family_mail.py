"""What families hear by mail: their choice per child, every change as it happens (held through
quiet hours), daily and weekly summaries queued once however often the job runs, one-click
unsubscribe with a signed link; only a parent chooses, only for their own child."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from ilp_app.db.models import OutgoingMail, Site
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.services.mail import family_mail
from ilp_app.services.mail.outbox import mail_send_due
from ilp_app.services.mail.smtp import SmtpSender
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.uow import unit_of_work
from ilp_app.web.unsubscribe import unsubscribe_routes
from tests.support.services import call, load_actors, rows
from tests.support.smtp import smtp_server


@pytest.fixture
def plan(session, school):
    mentor = load_actors(session, school, ["mentor"])["mentor"]
    pid = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area = call(plan_read.plan_view, mentor, plan_id=pid).focus_areas[0].id
    goal = call(plan_edit.goal_add, mentor, focus_area_id=area, statement="Read more")
    task = call(plan_edit.task_add, mentor, goal_id=goal, title="Read a chapter")
    call(plan_edit.plan_activate, mentor, plan_id=pid)
    return pid, task


def choose(actor, learner_id, cadence):
    with unit_of_work() as s:
        family_mail.family_choice_set(
            session=s, actor=actor, learner_id=learner_id, cadence=cadence
        )


def quiet_hours_off(engine, school) -> None:
    with Session(engine) as s:
        site = s.get(Site, school.site.id)
        site.mail_quiet_from, site.mail_quiet_until = 0, 0  # never quiet
        s.add(site)
        s.commit()


def family_mails(engine) -> list[OutgoingMail]:
    return [m for m in rows(engine, OutgoingMail) if m.kind.startswith("family_")]


def test_a_parent_chooses_per_own_child_and_nobody_else_can(session, school):
    actors = load_actors(session, school)
    with unit_of_work() as s:
        assert [
            c.cadence for c in family_mail.family_choices(session=s, actor=actors["parent"])
        ] == ["weekly"]
    choose(actors["parent"], school.id("learner"), "instant")
    with unit_of_work() as s:
        assert family_mail.family_choices(session=s, actor=actors["parent"])[0].cadence == "instant"
    with pytest.raises(PermissionDenied):
        choose(actors["parent"], school.id("learner2"), "off")  # another family's child
    with pytest.raises(PermissionDenied):
        choose(actors["mentor"], school.id("learner"), "off")
    for forged in ("hourly", None, ["off"], {"x": 1}):
        with pytest.raises(ValidationFailed):
            choose(actors["parent"], school.id("learner"), forged)


def test_every_change_is_mailed_to_parents_who_chose_it_with_one_click_unsubscribe(
    engine, session, school, plan
):
    pid, task = plan
    quiet_hours_off(engine, school)
    actors = load_actors(session, school)
    before = len(family_mails(engine))
    call(plan_activity.log_post, actors["mentor"], plan_id=pid, body="Well done this week")
    assert len(family_mails(engine)) == before  # weekly by default: nothing now
    choose(actors["parent"], school.id("learner"), "instant")
    call(plan_activity.log_post, actors["mentor"], plan_id=pid, body="Great reading today")
    (mail,) = family_mails(engine)[before:]
    assert mail.subject == "Something new in a plan in ILP"  # no name, nothing private
    assert "Learner" not in mail.subject and mail.list_unsubscribe.startswith("http")
    with smtp_server() as (inbox, url):
        mail_send_due(lambda: Session(engine), SmtpSender(url, "ILP <ilp@test.school>"))
        (sent,) = inbox.messages
    assert str(sent["List-Unsubscribe"]).strip() == f"<{mail.list_unsubscribe}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_in_quiet_hours_waits_for_the_morning(engine, school):
    with Session(engine) as s:
        site = s.get(Site, school.site.id)  # 21:00 to 07:00, the school's time (UTC in tests)
        late = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
        assert family_mail.after_quiet_hours(site, late) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
        early = datetime(2026, 12, 3, 6, 59, tzinfo=UTC)
        assert family_mail.after_quiet_hours(site, early) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
        noon = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
        assert family_mail.after_quiet_hours(site, noon) == noon


def test_a_weekly_summary_is_queued_once_however_often_the_job_runs(engine, session, school, plan):
    pid, task = plan
    actors = load_actors(session, school)
    call(plan_activity.task_advance, actors["learner"], task_id=task, expected_status="not_started")
    call(plan_activity.task_advance, actors["learner"], task_id=task, expected_status="ongoing")
    now = datetime.now(UTC)
    for _ in range(3):
        with unit_of_work() as s:
            family_mail.digests_queue(session=s, now=now)
    digests = [m for m in family_mails(engine) if m.kind == family_mail.KIND_DIGEST]
    assert len(digests) == 1
    (digest,) = digests
    assert digest.to_address == "parent@test.school" and digest.subject == "Your weekly ILP summary"
    assert "Read a chapter" in digest.text_body and "/parent" in digest.text_body
    # The other family's child had nothing new: no mail for them.
    assert not any(m.to_address == "parent2@test.school" for m in digests)
    # Next week: a new summary, covering only what happened since.
    with unit_of_work() as s:
        assert family_mail.digests_queue(session=s, now=now + timedelta(days=7)) == 0  # nothing new


def test_the_unsubscribe_link_stops_the_mail_and_a_forged_one_changes_nothing(
    engine, session, school, client
):
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    actors = load_actors(session, school)
    choose(actors["parent"], school.id("learner"), "daily")
    url = family_mail.unsubscribe_url(
        "http://localhost:3000", school.id("parent"), school.id("learner")
    )
    path = re.sub(r"^https?://[^/]+", "", url)
    with TestClient(Starlette(routes=unsubscribe_routes())) as web:
        assert web.get(path).status_code == 200  # a link checker's GET changes nothing
        with unit_of_work() as s:
            assert (
                family_mail.family_choices(session=s, actor=actors["parent"])[0].cadence == "daily"
            )
        forged = path[:-1] + ("0" if path[-1] != "0" else "1")
        assert web.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404
        other = path.replace(f"/{school.id('learner')}/", f"/{school.id('learner2')}/")
        assert web.post(other).status_code == 404
        assert web.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with unit_of_work() as s:
        assert family_mail.family_choices(session=s, actor=actors["parent"])[0].cadence == "off"


def test_the_school_sets_its_quiet_hours_and_only_the_administration_can(engine, session, school):
    from ilp_app.services.school import school_admin

    actors = load_actors(session, school)
    call(school_admin.site_set_mail_quiet_hours, actors["admin"], quiet_from="20", quiet_until=6)
    with Session(engine) as s:
        site = s.get(Site, school.site.id)
        assert (site.mail_quiet_from, site.mail_quiet_until) == (20, 6)
        assert family_mail.after_quiet_hours(
            site, datetime(2026, 12, 2, 20, 30, tzinfo=UTC)
        ) == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    for bad in ("24", -1, "x", None):
        with pytest.raises(ValidationFailed):
            call(
                school_admin.site_set_mail_quiet_hours,
                actors["admin"],
                quiet_from=bad,
                quiet_until=6,
            )
    with pytest.raises(PermissionDenied):
        call(school_admin.site_set_mail_quiet_hours, actors["mentor"], quiet_from=1, quiet_until=2)


@pytest.mark.parametrize(
    ("parent_language", "school_language", "subject", "phrase"),
    [
        ("nn", "en", "Den vekelege ILP-oppsummeringa di", "Fullførte oppgåver (1):"),
        ("", "nb", "Din ukentlige ILP-oppsummering", "Fullførte oppgaver (1):"),
        ("en", "nb", "Your weekly ILP summary", "Tasks completed (1):"),
    ],
)
def test_a_summary_is_written_in_the_parents_language_else_the_schools(
    engine, session, school, plan, parent_language, school_language, subject, phrase
):
    from ilp_app.db.models import User

    pid, task = plan
    parent = session.get(User, school.id("parent"))
    parent.language = parent_language
    site = session.get(Site, school.site.id)
    site.default_language = school_language
    session.add_all([parent, site])
    session.commit()
    actors = load_actors(session, school)
    call(plan_activity.task_advance, actors["learner"], task_id=task, expected_status="not_started")
    call(plan_activity.task_advance, actors["learner"], task_id=task, expected_status="ongoing")
    with unit_of_work() as s:
        family_mail.digests_queue(session=s, now=datetime.now(UTC))
    (digest,) = [m for m in family_mails(engine) if m.kind == family_mail.KIND_DIGEST]
    assert digest.subject == subject
    assert phrase in digest.text_body and "Read a chapter" in digest.text_body  # content as written
