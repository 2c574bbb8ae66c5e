"""The retention job on SQLite and PostgreSQL: old records go, recent ones stay, settings are respected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    AuditEvent,
    AuthSession,
    Goal,
    ImportRun,
    LoginAttempt,
    Notification,
    Plan,
    PlanFocusArea,
    Review,
    Task,
    User,
)
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.domain.retention import RECORD_TYPES
from ilp_app.jobs import retention as job
from ilp_app.services.privacy import retention
from ilp_app.services.uow import unit_of_work
from ilp_app.state.admin_privacy import AdminPrivacyState
from tests.support.services import call, count, load_actors, signed_in

NOW = datetime.now(UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def actors(session, school):
    return load_actors(session, school, ("admin", "mentor", "parent"))


def _locked_plan(session: Session, school, learner: str, *, locked_days_ago: float) -> int:
    """A locked plan in the past period with a goal and a task, followed by a current plan carrying the goal."""
    lid = school.id(learner)
    old = Plan(
        site_id=school.site.id,
        learner_id=lid,
        period_id=school.past_period.id,
        status="locked",
        locked_at=ago(locked_days_ago),
        activated_at=ago(locked_days_ago + 100),
    )
    session.add(old)
    session.flush()
    area = PlanFocusArea(plan_id=old.id, name="Academic")
    session.add(area)
    session.flush()
    goal = Goal(plan_id=old.id, focus_area_id=area.id, statement="Old goal")
    session.add(goal)
    session.flush()
    session.add(Task(plan_id=old.id, goal_id=goal.id, title="Old task"))
    new = Plan(
        site_id=school.site.id,
        learner_id=lid,
        period_id=school.period.id,
        status="active",
        previous_plan_id=old.id,
    )
    session.add(new)
    session.flush()
    new_area = PlanFocusArea(plan_id=new.id, name="Academic")
    session.add(new_area)
    session.flush()
    session.add(
        Goal(
            plan_id=new.id,
            focus_area_id=new_area.id,
            statement="Old goal",
            carried_from_goal_id=goal.id,
        )
    )
    session.add(
        Review(
            site_id=school.site.id,
            learner_id=lid,
            plan_id=old.id,
            starts_at=ago(locked_days_ago + 30),
            created_by_id=school.id("mentor"),
            status="held",
            summary="Went well",
        )
    )
    return old.id


@pytest.fixture
def records(session, school, actors):
    """Old and recent records of every type; the old ones are past every default period."""
    admin, parent = school.id("admin"), school.id("parent")
    session.add_all(
        [
            AuditEvent(at=ago(800), actor_user_id=admin, action="old.admin", outcome="ok"),
            AuditEvent(at=ago(10), actor_user_id=admin, action="new.admin", outcome="ok"),
            AuditEvent(at=ago(800), actor_user_id=None, action="old.nobody", outcome="failed"),
            AuditEvent(at=ago(10), actor_user_id=None, action="new.nobody", outcome="failed"),
            Notification(user_id=parent, kind="plan_changed", text="old", created_at=ago(200)),
            Notification(user_id=parent, kind="plan_changed", text="new", created_at=ago(5)),
            LoginAttempt(email_key="old@test.school", client_ip="10.0.0.1", failures=3, at=ago(40)),
            LoginAttempt(email_key="new@test.school", client_ip="10.0.0.1", failures=3, at=ago(1)),
            AuthSession(
                user_id=parent,
                token_hash="a" * 64,
                active_role="parent",
                created_at=ago(120),
                last_seen_at=ago(119),
                revoked_at=ago(100),
                revoke_reason="sign_out",
            ),
            AuthSession(
                user_id=parent,
                token_hash="b" * 64,
                active_role="parent",
                created_at=ago(120),
                last_seen_at=ago(120),
            ),  # never signed out: expired long ago
            AuthSession(
                user_id=parent,
                token_hash="c" * 64,
                active_role="parent",
                created_at=ago(10),
                last_seen_at=ago(10),
                revoked_at=ago(10),
                revoke_reason="sign_out",
            ),
            AuthSession(user_id=parent, token_hash="d" * 64, active_role="parent"),  # in use now
            ImportRun(site_id=school.site.id, kind="oneroster", status="done", started_at=ago(400)),
            ImportRun(site_id=school.site.id, kind="oneroster", status="done", started_at=ago(20)),
        ]
    )
    learner2 = session.get(User, school.id("learner2"))
    learner2.is_active = False  # left the school
    session.add(learner2)
    former = _locked_plan(session, school, "learner2", locked_days_ago=2000)
    current = _locked_plan(session, school, "learner", locked_days_ago=2000)
    session.commit()
    return {"former_plan": former, "current_learner_plan": current}


def actions(engine) -> set[str]:
    with Session(engine) as s:
        return set(s.exec(select(AuditEvent.action)).all())


def removed(removals, key: str) -> int:
    return sum(r.removed for r in removals if r.record_type == key)


def test_default_periods_remove_old_records_and_keep_recent_ones(engine, actors, records):
    removals = call(retention.retention_run_now, actors["admin"])
    assert {"new.admin", "new.nobody"} <= actions(engine)
    assert not {"old.admin", "old.nobody"} & actions(engine)
    assert _texts(engine) == ["new"]
    assert count(engine, LoginAttempt) == 1
    with Session(engine) as s:
        assert sorted(s.exec(select(AuthSession.token_hash)).all()) == ["c" * 64, "d" * 64]
    assert count(engine, ImportRun) == 1
    assert removed(removals, "audit_events") == 2
    assert removed(removals, "notifications") == 1
    assert removed(removals, "login_attempts") == 1
    assert removed(removals, "ended_sessions") == 2
    assert removed(removals, "import_reports") == 1
    # Plans of former learners are kept forever unless the school says otherwise.
    assert count(engine, Plan, Plan.id == records["former_plan"]) == 1
    assert removed(removals, "locked_plans") == 0


def _texts(engine) -> list[str]:
    with Session(engine) as s:
        return list(s.exec(select(Notification.text)).all())


def test_a_second_run_removes_nothing(engine, actors, records):
    call(retention.retention_run_now, actors["admin"])
    again = call(retention.retention_run_now, actors["admin"])
    assert sum(r.removed for r in again) == 0


def test_keep_forever_is_honoured(engine, actors, records):
    call(retention.retention_rule_set, actors["admin"], record_type="audit_events", keep_days="")
    call(retention.retention_rule_set, actors["admin"], record_type="notifications", keep_days=None)
    call(retention.retention_run_now, actors["admin"])
    assert {"old.admin", "old.nobody"} <= actions(engine)
    assert sorted(_texts(engine)) == ["new", "old"]


def test_a_shorter_period_removes_more(engine, actors, records):
    call(retention.retention_rule_set, actors["admin"], record_type="notifications", keep_days="14")
    with Session(engine) as s:
        s.add(
            Notification(
                user_id=actors["parent"].user_id, kind="x", text="three weeks", created_at=ago(21)
            )
        )
        s.commit()
    call(retention.retention_run_now, actors["admin"])
    assert _texts(engine) == ["new"]


def test_locked_plans_of_former_learners_go_when_the_school_sets_a_period(
    engine, school, actors, records
):
    call(retention.retention_rule_set, actors["admin"], record_type="locked_plans", keep_days="365")
    removals = call(retention.retention_run_now, actors["admin"])
    assert removed(removals, "locked_plans") == 1
    assert count(engine, Plan, Plan.id == records["former_plan"]) == 0
    assert (
        count(engine, Goal, Goal.plan_id == records["former_plan"]) == 0
    )  # its content went with it
    # The learner still at school keeps their old plan; the former learner's later plan stays, unlinked.
    assert count(engine, Plan, Plan.id == records["current_learner_plan"]) == 1
    with Session(engine) as s:
        later = s.exec(select(Plan).where(Plan.learner_id == school.id("learner2"))).one()
        assert later.previous_plan_id is None
        assert s.exec(select(Goal.carried_from_goal_id).where(Goal.plan_id == later.id)).all() == [
            None
        ]
        assert s.exec(
            select(Review.plan_id).where(Review.learner_id == later.learner_id)
        ).all() == [None]


def test_minimum_period_is_enforced_and_changes_nothing(engine, actors, records):
    with pytest.raises(ValidationFailed, match="at least 90 days"):
        call(
            retention.retention_rule_set,
            actors["admin"],
            record_type="audit_events",
            keep_days="10",
        )
    with Session(engine) as s:
        assert s.exec(select(sa.func.count()).select_from(retention.RetentionRule)).one() == 0
    call(retention.retention_run_now, actors["admin"])
    assert "new.admin" in actions(engine)


def test_setting_a_period_is_audited_and_shown(engine, actors, records):
    table = call(
        retention.retention_rule_set, actors["admin"], record_type="audit_events", keep_days=365
    )
    row = next(r for r in table if r.record_type == "audit_events")
    assert (row.keep_text, row.keep_value, row.is_default) == ("365 days", "365", False)
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "retention.set")).one()
    assert event.actor_user_id == actors["admin"].user_id
    assert event.target_id == "audit_events"
    assert "730 days" in event.detail and "365 days" in event.detail


@pytest.mark.parametrize("who", ["mentor", "parent"])
def test_only_administrators_manage_retention(engine, actors, records, who):
    with pytest.raises(PermissionDenied):
        call(
            retention.retention_rule_set,
            actors[who],
            record_type="audit_events",
            keep_days="",
            client_ip="",
        )
    with pytest.raises(PermissionDenied):
        call(retention.retention_run_now, actors[who])
    with pytest.raises(PermissionDenied):
        call(retention.retention_rules, actors[who])
    assert "old.admin" in actions(engine)  # nothing was deleted
    assert (
        count(
            engine,
            AuditEvent,
            AuditEvent.action == "retention.manage",
            AuditEvent.outcome == "denied",
        )
        == 3
    )


def test_the_job_applies_every_site_prints_what_it_removed_and_is_audited(engine, records, capsys):
    assert job.main() == 0
    out = capsys.readouterr().out
    assert "Test School: Notifications (180 days): 1 removed" in out
    assert "Records of no school: Failed sign-ins (30 days): 1 removed" in out
    assert "Total: 7 removed" in out
    with Session(engine) as s:
        run = s.exec(select(AuditEvent).where(AuditEvent.action == "retention.run")).one()
    assert run.actor_user_id is None
    assert job.main() == 0
    assert "Total: 0 removed" in capsys.readouterr().out


def test_deletes_in_batches(engine, session, school, actors):
    session.add_all(
        Notification(user_id=school.id("parent"), kind="x", text=f"n{i}", created_at=ago(300))
        for i in range(7)
    )
    session.commit()
    with unit_of_work() as s:
        removals = retention.retention_apply(session=s, batch_size=3)
    assert removed(removals, "notifications") == 7
    assert count(engine, Notification) == 0


# --- the page's state ----------------------------------------------------------------------------


async def test_the_page_saves_a_period_and_shows_a_refusal_in_its_row(engine, school, records):
    state = await signed_in(AdminPrivacyState, engine, school.id("admin"), "administrator")
    await state.load()
    assert [r.record_type for r in state.rules] == [t.key for t in RECORD_TYPES]
    await state.save_rule({"record_type": "notifications", "keep_days": "30"})
    assert next(r for r in state.rules if r.record_type == "notifications").keep_text == "30 days"
    with Session(engine) as s:  # inside the default 180 days, outside the 30 just saved
        s.add(
            Notification(
                user_id=school.id("parent"), kind="x", text="two months", created_at=ago(60)
            )
        )
        s.commit()
    await state.save_rule({"record_type": "audit_events", "keep_days": "7"})
    assert (state.rule_error_type, state.rule_error) == (
        "audit_events",
        "Audit events must be kept for at least 90 days.",
    )
    fn = AdminPrivacyState.event_handlers["run_retention"].fn
    [event async for event in fn(state)]
    assert state.run_result[-1] == "Total: 8 removed" and not state.running
    assert "Notifications (30 days): 2 removed" in state.run_result


async def test_the_page_gives_nothing_to_a_mentor(engine, school, records):
    state = await signed_in(AdminPrivacyState, engine, school.id("mentor"), "mentor")
    await state.load()
    await state.save_rule({"record_type": "audit_events", "keep_days": ""})
    assert state.rules == [] and not state.loaded
    fn = AdminPrivacyState.event_handlers["run_retention"].fn
    [event async for event in fn(state)]
    assert state.run_result == [] and "old.admin" in actions(engine)
