"""The demo school: what a new user of ``python -m ilp_app.seed`` can rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import func, select

from ilp_app.db.models import (
    AssignmentRule,
    Enrollment,
    Goal,
    GoalRating,
    Group,
    Guardianship,
    MentorAssignment,
    Period,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    PlanNote,
    Reflection,
    RoleGrant,
    Site,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.plans import clean_url
from ilp_app.domain.roles import Role
from ilp_app.security import password_verify
from ilp_app.seed import DEMO_PASSWORD, demo_accounts, demo_periods, seed_demo
from ilp_app.services.access.actors import actor_load
from ilp_app.services.school.assignment_rule_runs import rule_preview

# The accounts the README tells people to sign in with, and the roles each one holds.
EXPECTED_ROLES = {
    "admin@demo.school": {Role.ADMINISTRATOR},
    "mentor@demo.school": {Role.MENTOR, Role.TEACHER},
    "mentor2@demo.school": {Role.MENTOR},
    "teacher.math@demo.school": {Role.TEACHER},
    "head@demo.school": {Role.TEACHER},
    "learner@demo.school": {Role.LEARNER},
    "parent@demo.school": {Role.PARENT},
}


@pytest.fixture
def seeded(session):
    assert seed_demo(session=session) is True
    session.commit()
    return session


def _user(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def _roles(session, user: User) -> set[Role]:
    return {
        Role(r) for r in session.exec(select(RoleGrant.role).where(RoleGrant.user_id == user.id))
    }


def _group(session, name: str) -> Group:
    return session.exec(select(Group).where(Group.name == name)).one()


def _members(session, group: Group, role: str) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.group_id == group.id, Enrollment.role == role)
        )
    )


def _children(session, parent: User) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(Guardianship, Guardianship.learner_id == User.id)
            .where(Guardianship.parent_id == parent.id)
        )
    )


def test_demo_accounts_exist_with_their_roles(seeded):
    listed = {email for email, _, _ in demo_accounts()}
    assert set(EXPECTED_ROLES) <= listed
    for email in listed:
        user = _user(seeded, email)
        assert user.is_active
        assert password_verify(DEMO_PASSWORD, user.password_hash)[0], email
        if email in EXPECTED_ROLES:
            assert _roles(seeded, user) == EXPECTED_ROLES[email], email


def test_every_account_can_sign_in_with_the_demo_password(seeded):
    users = seeded.exec(select(User)).all()
    assert all(u.is_active and u.password_hash for u in users)
    # One hash is shared, so checking one of them checks all.
    assert len({u.password_hash for u in users}) == 1
    assert password_verify(DEMO_PASSWORD, users[0].password_hash)[0]
    assert all(_roles(seeded, u) for u in users)


def test_seed_loads_only_into_an_empty_database(seeded):
    count = seeded.exec(select(func.count()).select_from(User)).one()
    assert seed_demo(session=seeded) is False
    seeded.commit()
    assert seeded.exec(select(func.count()).select_from(User)).one() == count
    assert seeded.exec(select(func.count()).select_from(Site)).one() == 1


def test_emails_are_ascii_and_unique_whatever_their_case(seeded):
    emails = seeded.exec(select(User.email)).all()
    assert all(e.isascii() and e.endswith("@demo.school") for e in emails)
    assert len({e.lower() for e in emails}) == len(emails)
    assert "hakon.bjornstad@demo.school" in emails


def test_parent_follows_two_children_in_different_groups(seeded):
    children = _children(seeded, _user(seeded, "parent@demo.school"))
    assert len(children) == 2
    groups = {
        g.name
        for child in children
        for g in seeded.exec(
            select(Group)
            .join(Enrollment, Enrollment.group_id == Group.id)
            .where(Enrollment.user_id == child.id, Group.kind == "tutor")
        )
    }
    assert groups == {"8A", "8B"}
    assert "learner@demo.school" in {c.email for c in children}
    assert len({c.full_name.split()[-1] for c in children}) == 1  # siblings share a family name


def test_learner_has_two_parents(seeded):
    learner = _user(seeded, "learner@demo.school")
    links = seeded.exec(select(Guardianship).where(Guardianship.learner_id == learner.id)).all()
    assert len(links) == 2
    assert {link.relationship_label for link in links} == {"Mother", "Father"}
    assert _user(seeded, "parent@demo.school").id in {link.parent_id for link in links}


def test_tutor_groups_have_12_to_15_learners_each_with_a_mentor(seeded):
    tutor_groups = seeded.exec(select(Group).where(Group.kind == "tutor")).all()
    # 9A is the small Year 9 group that shows a transition year's suggestion.
    assert {g.name for g in tutor_groups} == {"8A", "8B", "9A"}
    for group in tutor_groups:
        learners = _members(seeded, group, "learner")
        assert 12 <= len(learners) <= 15 or group.name == "9A", group.name
        (mentor,) = _members(seeded, group, "teacher")
        assert Role.MENTOR in _roles(seeded, mentor)
        mentored = set(
            seeded.exec(
                select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == mentor.id)
            )
        )
        assert {learner.id for learner in learners} <= mentored
    assert _members(seeded, _group(seeded, "8A"), "teacher")[0].email == "mentor@demo.school"
    assert _members(seeded, _group(seeded, "8B"), "teacher")[0].email == "mentor2@demo.school"
    learner = _user(seeded, "learner@demo.school")
    assert learner.id in {u.id for u in _members(seeded, _group(seeded, "8A"), "learner")}


def test_subject_classes_mix_both_tutor_groups(seeded):
    classes = seeded.exec(select(Group).where(Group.kind == "class")).all()
    assert len(classes) >= 3
    group_of = {
        u.id: g.name
        for g in (_group(seeded, "8A"), _group(seeded, "8B"))
        for u in _members(seeded, g, "learner")
    }
    for cls in classes:
        assert len(_members(seeded, cls, "teacher")) == 1
        assert {group_of[u.id] for u in _members(seeded, cls, "learner")} == {"8A", "8B"}
    mentor = _user(seeded, "mentor@demo.school")
    taught = {c.name for c in classes if mentor in _members(seeded, c, "teacher")}
    assert len(taught) == 1


def test_names_keep_their_diacritics(seeded):
    names = set(seeded.exec(select(User.full_name)))
    for name in ("Åsa Ødegård", "Nguyễn Thị Hồng", "Łukasz Żak", "Sofía Cedeño", "Phạm Bảo Anh"):
        assert name in names
    learner = _user(seeded, "learner@demo.school")
    assert (learner.full_name, learner.preferred_name, learner.pronouns) == (
        "Åsa Ødegård",
        "Åsa",
        "she/her",
    )
    hong = seeded.exec(select(User).where(User.full_name == "Nguyễn Thị Hồng")).one()
    assert hong.display_name == "Hồng"
    assert {"she/her", "he/him", "they/them"} <= set(seeded.exec(select(User.pronouns)))


def test_current_period_contains_today(seeded):
    today = date.today()
    past, current, upcoming = seeded.exec(
        select(Period).where(Period.kind == "term").order_by(Period.starts_on)
    ).all()
    assert past.ends_on < current.starts_on < current.ends_on < upcoming.starts_on
    # In a holiday the current period is the one about to start.
    assert current.starts_on <= today <= current.ends_on or past.ends_on < today < current.starts_on
    assert current.name.split()[0] in {"Spring", "Autumn"}
    assert current.name.endswith(str(current.starts_on.year))


@pytest.mark.parametrize(
    ("today", "past", "current"),
    [
        (date(2026, 11, 23), "Spring 2026", "Autumn 2026"),
        (date(2026, 3, 1), "Autumn 2025", "Spring 2026"),
        (date(2026, 1, 6), "Autumn 2025", "Spring 2026"),
        (date(2026, 7, 10), "Spring 2026", "Autumn 2026"),
        (date(2026, 12, 28), "Autumn 2026", "Spring 2027"),
        (date(2026, 1, 2), "Autumn 2025", "Spring 2026"),
    ],
)
def test_periods_follow_the_semester_that_contains_or_follows_today(today, past, current):
    assert [name for name, _, _ in demo_periods(today)][:2] == [past, current]


# --- Plans --------------------------------------------------------------------------------


def _periods(session) -> tuple[Period, Period]:
    past, current, _upcoming = session.exec(
        select(Period).where(Period.kind == "term").order_by(Period.starts_on)
    ).all()
    return past, current


def _plans(session, period: Period) -> dict[int, Plan]:
    """The plans of ``period`` by learner id."""
    return {p.learner_id: p for p in session.exec(select(Plan).where(Plan.period_id == period.id))}


def _learners_of(session, group_name: str) -> list[User]:
    return _members(session, _group(session, group_name), "learner")


def _rows(session, model, plan: Plan) -> list:
    return list(session.exec(select(model).where(model.plan_id == plan.id)))


def test_every_demo_learner_has_a_current_plan_except_one_left_for_the_mentor(seeded):
    _, current = _periods(seeded)
    plans = _plans(seeded, current)
    learners = _learners_of(seeded, "8A") + _learners_of(seeded, "8B")
    (without,) = [u for u in learners if u.id not in plans]
    assert without.id in {u.id for u in _learners_of(seeded, "8A")}
    assert without.email != "learner@demo.school"
    mentor = _user(seeded, "mentor@demo.school")
    assert seeded.exec(
        select(MentorAssignment).where(
            MentorAssignment.mentor_id == mentor.id, MentorAssignment.learner_id == without.id
        )
    ).one()
    assert set(plans) == {u.id for u in learners} - {without.id}
    assert all(p.created_by_id is not None for p in plans.values())


def test_two_current_plans_are_still_drafts(seeded):
    _, current = _periods(seeded)
    plans = _plans(seeded, current)
    drafts = [p for p in plans.values() if p.status == "draft"]
    assert len(drafts) == 2
    assert {p.learner_id for p in drafts} <= {u.id for u in _learners_of(seeded, "8B")}
    assert {p.status for p in plans.values()} == {"draft", "active"}
    for plan in drafts:
        assert plan.activated_at is None and plan.locked_at is None
        assert _rows(seeded, Goal, plan), "a draft being prepared already has goals"
        assert {t.status for t in _rows(seeded, Task, plan)} == {"not_started"}
        # Nobody outside the staff has been here yet.
        assert not _rows(seeded, Reflection, plan) and not _rows(seeded, PlanLogEntry, plan)
        assert {n.visibility for n in _rows(seeded, PlanNote, plan)} <= {"private", "staff"}
    for plan in plans.values():
        if plan.status == "active":
            assert plan.activated_at is not None and plan.locked_at is None


def test_demo_learners_plan_has_every_kind_of_content(seeded):
    _, current = _periods(seeded)
    learner = _user(seeded, "learner@demo.school")
    mentor = _user(seeded, "mentor@demo.school")
    parent = _user(seeded, "parent@demo.school")
    plan = _plans(seeded, current)[learner.id]
    assert plan.status == "active"
    areas = _rows(seeded, PlanFocusArea, plan)
    assert 3 <= len(areas) <= 4
    assert sorted(a.position for a in areas) == list(range(len(areas)))
    assert {t.status for t in _rows(seeded, Task, plan)} == {"not_started", "ongoing", "completed"}
    assert any(r.author_id == learner.id for r in _rows(seeded, Reflection, plan))
    ratings = _rows(seeded, GoalRating, plan)
    assert {(r.kind, r.rater_id) for r in ratings} == {("self", learner.id), ("mentor", mentor.id)}
    assert all(1 <= r.score <= 5 for r in ratings)
    assert {n.visibility for n in _rows(seeded, PlanNote, plan)} >= {"staff", "family"}
    log = sorted(_rows(seeded, PlanLogEntry, plan), key=lambda e: e.id)
    assert {mentor.id, learner.id, parent.id} <= {e.author_id for e in log}
    assert [e.created_at for e in log] == sorted(e.created_at for e in log)
    assert seeded.exec(
        select(func.count()).select_from(TaskLink).where(TaskLink.plan_id == plan.id)
    ).one()


def test_past_plans_are_locked(seeded):
    past, _ = _periods(seeded)
    plans = _plans(seeded, past)
    learners = _learners_of(seeded, "8A") + _learners_of(seeded, "8B")
    assert _user(seeded, "learner@demo.school").id in plans
    assert len(learners) // 3 <= len(plans) <= 2 * len(learners) // 3
    statuses = []
    for plan in plans.values():
        assert plan.status == "locked"
        assert plan.activated_at.date() == past.starts_on
        assert plan.locked_at.date() == past.ends_on
        statuses += [t.status for t in _rows(seeded, Task, plan)]
    done = statuses.count("completed")
    assert 0.7 * len(statuses) <= done < len(statuses), "mostly, but not all, completed"


def _all_plans(session) -> list[tuple[Plan, Period]]:
    """The learners' plans (staff plans have a structure of their own)."""
    return list(
        session.exec(
            select(Plan, Period)
            .join(Period, Period.id == Plan.period_id)
            .where(Plan.kind == "learner")
        )
    )


def test_every_plan_follows_the_five_steps(seeded):
    """Three or four focus areas, one or two goals in each, two to four tasks per goal."""
    for plan, _ in _all_plans(seeded):
        areas = _rows(seeded, PlanFocusArea, plan)
        goals = _rows(seeded, Goal, plan)
        tasks = _rows(seeded, Task, plan)
        assert 3 <= len(areas) <= 4
        for area in areas:
            assert 1 <= sum(g.focus_area_id == area.id for g in goals) <= 2
        for goal in goals:
            assert 2 <= sum(t.goal_id == goal.id for t in tasks) <= 4
            assert goal.success_criteria and len(goal.statement) <= 500
        for task in tasks:
            assert (task.status == "not_started") == (task.status_changed_at is None)
            assert (task.status_changed_by_id is None) == (task.status_changed_at is None)


@pytest.mark.parametrize(
    "today",
    [None, date(2026, 1, 6), date(2026, 7, 10)],
    ids=["today", "first-day-of-term", "summer-holiday"],
)
def test_plan_dates_stay_inside_their_period(session, today):
    assert seed_demo(session=session, today=today) is True
    session.commit()
    day = today or date.today()
    # Nothing that happened lies after the day the demo is set on (in whatever time zone).
    latest = min(datetime.combine(day, time(0), UTC), datetime.now(UTC))
    for plan, period in _all_plans(session):
        goals = _rows(session, Goal, plan)
        tasks = _rows(session, Task, plan)
        assert all(period.starts_on <= g.target_date <= period.ends_on for g in goals)
        assert all(period.starts_on <= t.due_date <= period.ends_on for t in tasks if t.due_date)
        moments = [
            *(t.status_changed_at for t in tasks if t.status_changed_at),
            *(r.rated_at for r in _rows(session, GoalRating, plan)),
            *(r.created_at for r in _rows(session, Reflection, plan)),
            *(e.created_at for e in _rows(session, PlanLogEntry, plan)),
            *(n.created_at for n in _rows(session, PlanNote, plan)),
            plan.created_at,
            plan.updated_at,
        ]
        assert all(m.tzinfo is not None and m.utcoffset().total_seconds() == 0 for m in moments)
        assert all(m <= latest for m in moments)
        if plan.status == "locked":
            assert all(plan.activated_at <= m <= plan.locked_at for m in moments)
        elif plan.activated_at is not None:
            assert all(plan.activated_at <= m for m in moments)


def test_seeded_links_are_https_only(seeded):
    links = seeded.exec(select(TaskLink)).all()
    assert len(links) >= 10
    for link in links:
        assert link.url.startswith("https://") and clean_url(link.url) == link.url
        assert link.title
        task = seeded.get(Task, link.task_id)
        assert task.plan_id == link.plan_id


# --- Lifecycle -------------------------------------------------------------------------------


def test_unfinished_work_from_locked_plans_was_carried_into_current_plans(seeded):
    from ilp_app.db.models import Task as T

    carried = seeded.exec(select(T).where(T.carried_from_task_id.is_not(None))).all()
    assert len(carried) >= 5
    for task in carried:
        origin = seeded.get(T, task.carried_from_task_id)
        assert origin.status != "completed"
        assert seeded.get(Plan, origin.plan_id).status == "locked"
        assert seeded.get(Plan, task.plan_id).previous_plan_id == origin.plan_id


def test_demo_reviews_are_upcoming_held_and_due(seeded):
    from ilp_app.db.models import MentorAssignment, Review

    reviews = seeded.exec(select(Review)).all()
    assert {"scheduled", "held"} <= {r.status for r in reviews}
    reviewed = {r.learner_id for r in reviews}
    mentees = set(seeded.exec(select(MentorAssignment.learner_id)).all())
    assert mentees - reviewed, "some learners have no review, so the dashboard shows reviews due"


def test_demo_acknowledgements_name_versions_and_the_library_has_templates(seeded):
    from ilp_app.db.models import PlanAcknowledgement, PlanTemplate

    acks = seeded.exec(select(PlanAcknowledgement)).all()
    assert {a.role for a in acks} == {"mentor", "learner", "parent"}
    assert {a.version for a in acks} >= {2, 3}
    templates = seeded.exec(select(PlanTemplate)).all()
    assert len([t for t in templates if not t.archived]) >= 2 and any(t.archived for t in templates)


@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2027, 5, 28)], ids=["autumn", "spring"])
def test_late_in_a_term_red_is_rare_and_every_red_says_why(session, today):
    """The demo a school first sees: fewer than a third of a class is red, each with its reasons."""
    from ilp_app.db.models import Group
    from ilp_app.services.reports.overview import group_learner_ids, overview_rows

    assert seed_demo(session=session, today=today) is True
    session.commit()
    now = datetime.combine(today, time(12), UTC)
    checked = 0
    for group in session.exec(select(Group)).all():
        ids = group_learner_ids(session=session, group_id=group.id)
        if len(ids) < 10:
            continue
        rows = overview_rows(session=session, site_id=group.site_id, learner_ids=ids, now=now)
        red = [r for r in rows if r.rag == "red"]
        assert len(red) * 3 < len(rows), (group.name, len(red), len(rows))
        assert all(r.reasons and not r.reasons[0].startswith("Active") for r in red)
        checked += 1
    assert checked


def test_the_demo_has_one_invitation_waiting_and_one_accepted(seeded):
    from ilp_app.db.models import AccountToken, OutgoingMail

    tokens = seeded.exec(select(AccountToken).where(AccountToken.kind == "invitation")).all()
    assert sorted(t.used_at is not None for t in tokens) == [False, True]
    assert len(seeded.exec(select(OutgoingMail)).all()) == 2
    demo_parent = _user(seeded, "parent@demo.school")
    assert all(t.user_id != demo_parent.id for t in tokens)


def test_the_demo_rule_previews_a_plan_for_the_learner_who_has_none(seeded):
    rule = seeded.exec(select(AssignmentRule)).one()
    admin = seeded.exec(select(User).where(User.email == "admin@demo.school")).one()
    actor = actor_load(session=seeded, user=admin, active_role=None)
    preview = rule_preview(session=seeded, actor=actor, rule_id=rule.id)
    assert len(preview.assign) == 1
    assert len(preview.skip) >= 20


def test_asa_has_approved_photo_evidence_a_pending_piece_and_a_showcase_in_progress(seeded):
    from ilp_app.db.models import Evidence, Showcase, ShowcaseItem
    from ilp_app.seed_evidence import PENDING_TITLE, PHOTO_TITLE
    from ilp_app.services.evidence import storage

    session = seeded
    asa = _user(session, "learner@demo.school")
    pieces = {e.title: e for e in session.exec(select(Evidence).where(Evidence.owner_id == asa.id))}
    photo = pieces[PHOTO_TITLE]
    assert photo.kind == "photo" and photo.approved_at is not None
    assert storage.file_read(photo.storage_name)[:3] == b"\xff\xd8\xff"
    assert pieces[PENDING_TITLE].approved_at is None
    showcase = session.exec(select(Showcase).where(Showcase.plan_id == photo.plan_id)).one()
    assert not showcase.shared_with_family and showcase.closing_reflection
    parts = session.exec(
        select(ShowcaseItem.kind).where(ShowcaseItem.showcase_id == showcase.id)
    ).all()
    assert parts.count("goal") == 2 and "evidence" in parts


def test_demo_has_two_staff_plans_supervised_by_the_head_of_department(seeded):
    from ilp_app.db.models import SupervisorAssignment

    head = _user(seeded, "head@demo.school")
    staff_plans = seeded.exec(select(Plan).where(Plan.kind == "staff")).all()
    owners = {seeded.get(User, p.learner_id).email for p in staff_plans}
    assert owners == {"mentor@demo.school", "teacher.math@demo.school"}
    assert {p.status for p in staff_plans} == {"active", "draft"}
    years = {p.period_id for p in staff_plans}
    assert [seeded.get(Period, y).kind for y in years] == ["school_year"]
    supervisors = seeded.exec(select(SupervisorAssignment)).all()
    assert {s.supervisor_id for s in supervisors} == {head.id}
    assert {s.staff_id for s in supervisors} == {p.learner_id for p in staff_plans}
    # Staff never enrol as learners.
    assert not seeded.exec(
        select(Enrollment).where(
            Enrollment.user_id.in_([p.learner_id for p in staff_plans]),
            Enrollment.role == "learner",
        )
    ).first()


def test_demo_staff_plans_are_made_from_the_professional_year_staff_template(seeded):
    from ilp_app.db.models import PlanFocusArea, PlanTemplate, TemplateItem

    template = seeded.exec(
        select(PlanTemplate).where(PlanTemplate.name == "Professional year")
    ).one()
    assert (template.plan_kind, template.archived) == ("staff", False)
    items = seeded.exec(select(TemplateItem).where(TemplateItem.template_id == template.id)).all()
    areas = sorted((i for i in items if i.kind == "area"), key=lambda i: i.position)
    assert [a.text for a in areas] == ["Professional goals", "Bucket list", "Observations"]
    # Each area has a sensible example goal.
    assert {i.parent_id for i in items if i.kind == "goal"} == {a.id for a in areas}
    staff_plans = seeded.exec(select(Plan).where(Plan.kind == "staff")).all()
    assert {p.template_id for p in staff_plans} == {template.id}
    linked = seeded.exec(
        select(PlanFocusArea.template_item_id).where(
            PlanFocusArea.plan_id.in_([p.id for p in staff_plans])
        )
    ).all()
    assert set(linked) == {a.id for a in areas}
    # Learners' templates are all of the learner kind.
    kinds = seeded.exec(select(PlanTemplate.plan_kind).where(PlanTemplate.id != template.id)).all()
    assert set(kinds) == {"learner"}


def test_demo_year_9_learners_are_offered_the_transition_template_first(seeded):
    from ilp_app.services.access.actors import actor_load
    from ilp_app.services.school.directory import mentor_home

    tomasz = _user(seeded, "mentor2@demo.school")
    actor = actor_load(session=seeded, user=tomasz, active_role=Role.MENTOR)
    rows = {r.name: r for r in mentor_home(session=seeded, actor=actor).learners}
    for name in ("Nora Vik", "Emil Strand"):
        assert rows[name].plan_id == 0
        assert rows[name].suggested_template == "Year 9: upper-secondary planning"
        assert rows[name].suggestion_reason.startswith("Year 9 starts upper-secondary planning")
    # 8B is in Year 8, not a transition year: no transition suggestion there.
    assert all("upper-secondary" not in r.suggestion_reason for n, r in rows.items() if r.plan_id)


def test_the_demo_families_read_norwegian_and_staff_english(seeded):
    from ilp_app.db.models import Site
    from ilp_app.seed import STAFF

    language = {u.email: u.language for u in seeded.exec(select(User)).all()}
    assert seeded.exec(select(Site)).one().default_language == "nb"
    assert language["parent@demo.school"] == "nn"
    assert language["learner@demo.school"] == "nb"
    assert {language[email] for email, *_ in STAFF} == {"en"}
    # Everyone else follows their browser, then the school's Bokmål.
    assert sum(1 for v in language.values() if v == "") > 20


def test_the_browser_tests_school_reads_english(session):
    from ilp_app.db.models import Site

    assert seed_demo(session=session, english=True) is True
    assert {u.language for u in session.exec(select(User)).all()} == {""}
    assert session.exec(select(Site)).one().default_language == "en"
