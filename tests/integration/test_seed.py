"""The demo school: what a new user of ``python -m ilp_app.seed`` can rely on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    Period,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.roles import Role
from ilp_app.security import password_verify
from ilp_app.seed import DEMO_PASSWORD, demo_accounts, demo_periods, seed_demo

# The accounts the README tells people to sign in with, and the roles each one holds.
EXPECTED_ROLES = {
    "admin@demo.school": {Role.ADMINISTRATOR},
    "mentor@demo.school": {Role.MENTOR, Role.TEACHER},
    "mentor2@demo.school": {Role.MENTOR},
    "teacher.math@demo.school": {Role.TEACHER},
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
    assert {g.name for g in tutor_groups} == {"8A", "8B"}
    for group in tutor_groups:
        learners = _members(seeded, group, "learner")
        assert 12 <= len(learners) <= 15, group.name
        (mentor,) = _members(seeded, group, "teacher")
        assert Role.MENTOR in _roles(seeded, mentor)
        mentored = set(
            seeded.exec(
                select(MentorAssignment.learner_id).where(MentorAssignment.mentor_id == mentor.id)
            )
        )
        assert mentored == {learner.id for learner in learners}
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
    past, current = seeded.exec(select(Period).order_by(Period.starts_on)).all()
    assert past.ends_on < current.starts_on
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
    assert [name for name, _, _ in demo_periods(today)] == [past, current]
