"""Erasing a learner on SQLite and PostgreSQL: afterwards no personal datum is left anywhere.

The check reads every text column of every table in the schema (found through
``SQLModel.metadata``, so a table added later is searched too) for the learner's full name,
preferred name, email, roster key and sign-in address, in plain and JSON-escaped form.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from ilp_app import security
from ilp_app.db.models import (
    AuditEvent,
    AuthSession,
    Goal,
    GoalRating,
    Guardianship,
    ImportRun,
    LearnerContextItem,
    MentorAssignment,
    Plan,
    PlanFocusArea,
    Review,
    RoleGrant,
    Task,
    User,
)
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.access import auth
from ilp_app.services.audit import audit_record
from ilp_app.services.plans import lifecycle, plan_activity, plan_edit, plan_read
from ilp_app.services.plans.history import plan_history
from ilp_app.services.privacy.erasure import (
    MSG_ALREADY_ANONYMISED,
    MSG_CONFIRM,
    MSG_MODE,
    MSG_NOT_A_LEARNER,
    MSG_OTHER_ROLES,
    erased_email,
    erased_name,
    learner_erase,
    learners_find,
)
from ilp_app.services.reviews import reviews
from ilp_app.services.uow import unit_of_work
from ilp_app.state.admin_privacy import AdminPrivacyState
from tests.support.school import build_school
from tests.support.services import call, signed_in

FULL_NAME = "Zofia Łęcka-Brandt"
PREFERRED = "Zosia"
EMAIL = "zofia.lb@test.school"
SOURCE_ID = "SIS-ZOFIA-991"
LEARNER_IP = "203.0.113.77"
PERSONAL = (FULL_NAME, PREFERRED, EMAIL, SOURCE_ID, LEARNER_IP)


def _is_text(column: sa.Column) -> bool:
    """String and Text columns, and those of types that decorate them (SQLModel's AutoString)."""
    kind = column.type
    return isinstance(kind, sa.String) or (
        isinstance(kind, sa.types.TypeDecorator) and isinstance(kind.impl_instance, sa.String)
    )


def personal_data_found(engine: sa.Engine, needles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every (table, column, value) in any text column of any table that mentions one of ``needles``.

    Case is ignored, and JSON's escaped form of each needle ("\\u0141...") counts as a mention.
    """
    variants = {v.casefold() for n in needles for v in (n, json.dumps(n)[1:-1])}
    found = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if _is_text(c)]
            if not columns:
                continue
            for row in conn.execute(sa.select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value and any(v in value.casefold() for v in variants):
                        found.append((table.name, column.name, value))
    return found


@pytest.fixture
def school(session):
    school = build_school(session)
    learner = session.get(User, school.id("learner"))
    learner.full_name, learner.preferred_name, learner.pronouns = FULL_NAME, PREFERRED, "she/her"
    learner.email, learner.source_id = EMAIL, SOURCE_ID
    learner.password_hash = security.password_hash("correct horse battery")
    session.add(learner)
    session.commit()
    return school


def _plan_with_everything(school, actors, learner: str, mentor: str, parent: str, who: str) -> int:
    """A plan whose every text names the learner, worked on by learner, parent and mentor."""
    m, lr, p = actors[mentor], actors[learner], actors[parent]
    plan_id = call(plan_edit.plan_create, m, learner_id=school.id(learner))
    area_id = call(plan_edit.focus_area_add, m, plan_id=plan_id, name=f"{who}'s football")
    goal_id = call(
        plan_edit.goal_add,
        m,
        focus_area_id=area_id,
        statement=f"Help {who} with reading",
        success_criteria=f"{who} reads daily",
        target_date="",
        objective_ids=[],
    )
    task_id = call(plan_edit.task_add, m, goal_id=goal_id, title=f"{who} reads to her sister")
    call(
        plan_edit.link_add,
        m,
        task_id=task_id,
        title=f"{who}'s book list",
        url="https://example.org/list",
    )
    call(plan_edit.plan_activate, m, plan_id=plan_id)
    call(plan_activity.task_advance, lr, task_id=task_id, expected_status="not_started")
    call(plan_activity.task_advance, lr, task_id=task_id, expected_status="ongoing")
    call(plan_activity.rating_add, lr, goal_id=goal_id, score=4)
    call(plan_activity.rating_add, m, goal_id=goal_id, score=3)
    call(plan_activity.reflection_add, lr, goal_id=goal_id, body=f"I am {who} and I liked it")
    call(plan_activity.log_post, p, plan_id=plan_id, body=f"{who} was ill on Monday")
    call(plan_activity.log_post, m, plan_id=plan_id, body=f"Well done, {who}")
    call(
        plan_activity.note_add,
        m,
        plan_id=plan_id,
        body=f"{who} finds reading hard",
        visibility="staff",
    )
    call(plan_activity.note_add, m, plan_id=plan_id, body=f"Private: {who}", visibility="private")
    call(lifecycle.plan_acknowledge, p, plan_id=plan_id)
    call(lifecycle.plan_acknowledge, lr, plan_id=plan_id)
    start = datetime.now(UTC) + timedelta(days=2)
    review_id = call(
        reviews.review_schedule,
        m,
        learner_id=school.id(learner),
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes=30,
        location=f"{who}'s classroom",
        online_url="https://meet.example.org/zx",
        attendee_ids=[school.id(learner), school.id(parent), school.id(mentor)],
    )
    call(reviews.review_comment_add, p, review_id=review_id, body=f"{who} is nervous")
    call(reviews.review_comment_add, lr, review_id=review_id, body="I want to talk about maths")
    call(
        reviews.review_record_outcome,
        m,
        review_id=review_id,
        summary=f"{who} did well",
        decisions=f"{who} joins the reading club",
        new_targets="Two books",
        now=start + timedelta(hours=1),
    )
    return plan_id


@pytest.fixture
def personal(engine, session, school, actors):
    """The learner's data in every kind of record, plus a second family's plan that must stay as it is."""
    plan_id = _plan_with_everything(school, actors, "learner", "mentor", "parent", PREFERRED)
    _plan_with_everything(school, actors, "learner2", "mentor2", "parent2", "Other")
    with unit_of_work() as s:
        s.add(
            LearnerContextItem(
                learner_id=school.id("learner"),
                kind="support_needs",
                value=f"{FULL_NAME} needs extra time",
                visibility="staff",
            )
        )
        s.add(
            AuthSession(
                user_id=school.id("learner"),
                token_hash="f" * 64,
                active_role="learner",
                client_ip=LEARNER_IP,
            )
        )
        audit_record(
            session=s,
            actor_user_id=school.id("learner"),
            action="auth.sign_in",
            client_ip=LEARNER_IP,
        )
        audit_record(
            session=s,
            actor_user_id=school.id("admin"),
            action="user.update",
            target_type="user",
            target_id=school.id("learner"),
            detail={"changed": {"full_name": FULL_NAME}},
        )
        s.add(
            AuditEvent(
                actor_user_id=school.id("admin"),
                action="import.row",
                outcome="ok",
                detail=json.dumps({"row": 3, "name": FULL_NAME, "email": EMAIL}, ensure_ascii=True),
            )
        )
        s.add(
            ImportRun(
                site_id=school.site.id,
                kind="oneroster",
                status="done",
                summary='{"created": 1}',
                report=json.dumps(
                    {
                        "users.csv": [
                            {
                                "row": 3,
                                "message": f"{FULL_NAME} <{EMAIL}> ({SOURCE_ID}) has no grade",
                            }
                        ]
                    },
                    ensure_ascii=True,
                ),
            )
        )
    with pytest.raises(auth.SignInRefused), unit_of_work() as s:
        auth.sign_in(session=s, email=EMAIL, password="wrong password", client_ip=LEARNER_IP)
    found = {table for table, _, _ in personal_data_found(engine, PERSONAL)}
    # The search itself works: before erasure the learner is all over the database.
    assert found >= {
        "user",
        "plan_focus_area",
        "goal",
        "task",
        "task_link",
        "reflection",
        "plan_log_entry",
        "plan_note",
        "plan_change",
        "notification",
        "review",
        "review_comment",
        "learner_context_item",
        "auditevent",
        "loginattempt",
        "authsession",
        "import_run",
    }
    return plan_id


def snapshot_of_other_family(engine, school, actors) -> tuple:
    """The other family's learner, plans (notes, log, history included) and reviews, as their mentor sees them."""
    mentor2, lid = actors["mentor2"], school.id("learner2")
    with Session(engine) as s:
        plans = plan_read.plans_of_learner(session=s, actor=mentor2, learner_id=lid)
        views = [plan_read.plan_view(session=s, actor=mentor2, plan_id=p.plan_id) for p in plans]
        history = [plan_history(session=s, actor=mentor2, plan_id=p.plan_id) for p in plans]
        panel = reviews.reviews_of_learner(
            session=s, actor=mentor2, learner_id=lid, now=datetime(2000, 1, 1, tzinfo=UTC)
        )
        return views, history, panel, s.get(User, lid).model_dump()


@pytest.mark.parametrize("mode", ["anonymise", "erase"])
def test_erasure_leaves_no_personal_data_anywhere(engine, school, actors, personal, mode):
    before = snapshot_of_other_family(engine, school, actors)
    call(
        learner_erase,
        actors["admin"],
        learner_id=school.id("learner"),
        mode=mode,
        confirm_name=FULL_NAME,
    )
    assert personal_data_found(engine, PERSONAL) == []
    # The other family's learner, plan, notes and reviews are exactly as they were.
    assert snapshot_of_other_family(engine, school, actors) == before
    assert personal_data_found(engine, ("Other",)) != []


def test_anonymising_keeps_the_plans_shape_for_statistics(engine, school, actors, personal):
    lid = school.id("learner")
    call(learner_erase, actors["admin"], learner_id=lid, mode="anonymise")
    with Session(engine) as s:
        user = s.get(User, lid)
        assert (user.full_name, user.preferred_name, user.pronouns, user.email) == (
            erased_name(lid),
            "",
            "",
            erased_email(lid),
        )
        assert user.password_hash is None and user.source_id is None
        assert user.is_active is False and user.erased_at is not None
        assert s.exec(select(RoleGrant.role).where(RoleGrant.user_id == lid)).all() == ["learner"]
        plan = s.get(Plan, personal)
        assert (plan.status, plan.learner_id) == ("active", lid)
        assert s.exec(select(Task.status).where(Task.plan_id == plan.id)).all() == ["completed"]
        assert s.exec(select(Task.title).where(Task.plan_id == plan.id)).all() == ["[erased]"]
        assert s.exec(select(Goal.statement).where(Goal.plan_id == plan.id)).all() == ["[erased]"]
        assert sorted(
            s.exec(select(GoalRating.score).where(GoalRating.plan_id == plan.id)).all()
        ) == [3, 4]
        areas = s.exec(select(PlanFocusArea.name).where(PlanFocusArea.plan_id == plan.id)).all()
        assert "Academic" in areas and "[erased]" in areas  # the catalogue's names stay
        assert s.exec(select(Review.status).where(Review.learner_id == lid)).all() == ["held"]
        assert s.exec(select(Guardianship).where(Guardianship.learner_id == lid)).all() == []
        assert (
            s.exec(select(MentorAssignment).where(MentorAssignment.learner_id == lid)).all() == []
        )


def test_erasing_deletes_the_learner_and_everything_about_them(engine, school, actors, personal):
    lid = school.id("learner")
    result = call(learner_erase, actors["admin"], learner_id=lid, mode="erase")
    assert (result.mode, result.plans) == ("erase", 1)
    with Session(engine) as s:
        assert s.get(User, lid) is None
        assert s.exec(select(Plan).where(Plan.learner_id == lid)).all() == []
        assert s.exec(select(Review).where(Review.learner_id == lid)).all() == []
        assert s.exec(select(Goal).where(Goal.plan_id == personal)).all() == []


@pytest.mark.parametrize("mode", ["anonymise", "erase"])
def test_erasure_is_audited_with_ids_only(engine, school, actors, personal, mode):
    call(
        learner_erase,
        actors["admin"],
        learner_id=school.id("learner"),
        mode=mode,
        client_ip="10.9.8.7",
    )
    with Session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == f"learner.{mode}")).one()
    assert (
        event.actor_user_id,
        event.outcome,
        event.target_type,
        event.target_id,
        event.client_ip,
    ) == (school.id("admin"), "ok", "learner", str(school.id("learner")), "10.9.8.7")
    assert json.loads(event.detail) == {"plans": 1}


@pytest.mark.parametrize("who", ["mentor", "parent", "learner", "teacher"])
def test_only_an_administrator_may_erase_and_a_refusal_changes_nothing(engine, school, actors, who):
    before = personal_data_found(engine, PERSONAL)
    with pytest.raises(PermissionDenied):
        call(learner_erase, actors[who], learner_id=school.id("learner"), mode="erase")
    assert personal_data_found(engine, PERSONAL) == before != []
    with Session(engine) as s:
        denied = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "learner.erase", AuditEvent.outcome == "denied"
            )
        ).one()
    assert (denied.actor_user_id, denied.target_id) == (school.id(who), str(school.id("learner")))


def test_an_administrator_cannot_erase_themselves(engine, school, actors):
    with pytest.raises(PermissionDenied):
        call(learner_erase, actors["admin"], learner_id=school.id("admin"), mode="anonymise")
    with Session(engine) as s:
        assert s.get(User, school.id("admin")).erased_at is None


def test_accounts_that_are_not_only_a_learner_are_refused(engine, session, school, actors):
    with pytest.raises(ValidationFailed, match=MSG_NOT_A_LEARNER):
        call(learner_erase, actors["admin"], learner_id=school.id("parent"), mode="erase")
    session.add(RoleGrant(user_id=school.id("learner2"), role="parent"))
    session.commit()
    with pytest.raises(ValidationFailed, match=MSG_OTHER_ROLES):
        call(learner_erase, actors["admin"], learner_id=school.id("learner2"), mode="anonymise")
    with Session(engine) as s:
        assert s.get(User, school.id("parent")) is not None
        assert s.get(User, school.id("learner2")).erased_at is None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"mode": "shred"}, ValidationFailed, MSG_MODE),
        ({"mode": ["erase"]}, ValidationFailed, MSG_MODE),
        ({"mode": "erase", "confirm_name": "Zofia"}, ValidationFailed, MSG_CONFIRM),
        ({"mode": "erase", "confirm_name": {"name": FULL_NAME}}, ValidationFailed, MSG_CONFIRM),
        ({"mode": "erase", "learner_id": 999_999}, NotFound, "does not exist"),
        ({"mode": "erase", "learner_id": "abc"}, ValidationFailed, "does not exist"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    engine, school, actors, kwargs, error, message
):
    before = personal_data_found(engine, PERSONAL)
    kwargs = {"learner_id": school.id("learner"), **kwargs}
    with pytest.raises(error, match=message):
        call(learner_erase, actors["admin"], **kwargs)
    assert personal_data_found(engine, PERSONAL) == before != []


def test_the_typed_name_may_differ_in_case_and_spacing(engine, school, actors):
    call(
        learner_erase,
        actors["admin"],
        learner_id=school.id("learner"),
        mode="anonymise",
        confirm_name="  zofia   łęcka-brandt ",
    )
    with Session(engine) as s:
        assert s.get(User, school.id("learner")).erased_at is not None


def test_an_anonymised_learner_cannot_be_anonymised_again_but_can_be_erased(engine, school, actors):
    lid = school.id("learner")
    call(learner_erase, actors["admin"], learner_id=lid, mode="anonymise")
    with pytest.raises(ValidationFailed, match=MSG_ALREADY_ANONYMISED):
        call(learner_erase, actors["admin"], learner_id=lid, mode="anonymise")
    call(
        learner_erase, actors["admin"], learner_id=lid, mode="erase", confirm_name=erased_name(lid)
    )
    with Session(engine) as s:
        assert s.get(User, lid) is None


def test_finding_learners_on_the_privacy_page(school, actors):
    matches = call(learners_find, actors["admin"], query="Łęcka")
    assert [(m.id, m.full_name, m.email, m.status) for m in matches] == [
        (school.id("learner"), FULL_NAME, EMAIL, "Active")
    ]
    # Parents and staff are "Person" too, but only learners are listed.
    assert [m.full_name for m in call(learners_find, actors["admin"], query="person")] == [
        "Learner2 Person"
    ]
    assert call(learners_find, actors["admin"], query="  ") == []
    with pytest.raises(PermissionDenied):
        call(learners_find, actors["mentor"], query="zofia")


# --- the page's state ----------------------------------------------------------------------------


async def run(state: AdminPrivacyState, handler: str, *args) -> list:
    """Run a background event handler to its end (Reflex refuses a direct call of one)."""
    fn = type(state).event_handlers[handler].fn
    return [event async for event in fn(state, *args)]


async def test_the_page_erases_only_after_the_full_name_is_typed(engine, school, actors, pushed):
    state = await signed_in(AdminPrivacyState, engine, school.id("admin"), "administrator")
    await state.load()
    await state.search("zofia")
    assert [m.full_name for m in state.matches] == [FULL_NAME]
    state.open_dialog(school.id("learner"), "erase")
    assert (state.dialog_mode, state.dialog_learner_name) == ("erase", FULL_NAME)
    await run(state, "confirm_erasure", {"confirm_name": "Zofia"})
    assert state.dialog_error == MSG_CONFIRM and state.dialog_mode == "erase"
    with Session(engine) as s:
        assert s.get(User, school.id("learner")) is not None
    await run(state, "confirm_erasure", {"confirm_name": FULL_NAME})
    assert state.dialog_mode == "" and state.matches == []
    with Session(engine) as s:
        assert s.get(User, school.id("learner")) is None
    assert ("plans", {school.id("learner")}) in pushed
    assert ("rosters", {school.id("mentor"), school.id("parent")}) in pushed


async def test_the_page_shows_nothing_to_someone_who_is_not_an_administrator(
    engine, school, actors, pushed
):
    state = await signed_in(AdminPrivacyState, engine, school.id("mentor"), "mentor")
    assert await state.load()  # sent home with a message
    assert state.rules == [] and not state.loaded
    await state.search("zofia")
    assert state.matches == []
    state.open_dialog(school.id("learner"), "erase")  # not among the (empty) matches
    assert state.dialog_mode == ""
    state.dialog_mode, state.dialog_learner_id = "erase", school.id("learner")  # as if forged
    await run(state, "confirm_erasure", {"confirm_name": FULL_NAME})
    with Session(engine) as s:
        assert s.get(User, school.id("learner")) is not None
    assert pushed == []
