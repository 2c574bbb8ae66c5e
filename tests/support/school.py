"""A small school built directly in the database, for integration tests of plan services.

People: an administrator, a mentor of learner L, a teacher of L's class, a parent of L, the
learner L, and a second family (learner L2 with their own mentor and parent) that must stay
out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from ilp_app.db.models import (
    Enrollment,
    FocusAreaOption,
    Group,
    Guardianship,
    LearningObjective,
    MentorAssignment,
    Period,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role
from ilp_app.services.access.actors import actor_load

CATALOGUE = ("Academic", "Career", "Personal growth", "Social competence", "Digital skills")


@dataclass
class School:
    site: Site
    period: Period
    past_period: Period
    next_period: Period
    people: dict[str, User]
    objectives: list[LearningObjective]

    def actor(self, session: Session, name: str) -> Actor:
        return actor_load(session=session, user=self.people[name], active_role=None)

    def id(self, name: str) -> int:
        return self.people[name].id


def person_elsewhere(session: Session, role: Role, *, email: str, full_name: str) -> User:
    """A person holding ``role`` at a second school, "Other School": never reachable from the first."""
    site = Site(name="Other School")
    session.add(site)
    session.flush()
    user = User(site_id=site.id, email=email, full_name=full_name)
    session.add(user)
    session.flush()
    session.add(RoleGrant(user_id=user.id, role=role.value))
    session.flush()
    return user


def build_school(session: Session, *, learners: int = 0) -> School:
    """Create the school; ``learners`` extra learners (l0, l1, ...) join L's group and mentor."""
    today = date.today()
    site = Site(name="Test School")
    session.add(site)
    session.flush()
    period = Period(
        site_id=site.id,
        name="Current",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
    )
    past = Period(
        site_id=site.id,
        name="Past",
        starts_on=today - timedelta(days=260),
        ends_on=today - timedelta(days=80),
    )
    upcoming = Period(
        site_id=site.id,
        name="Next",
        starts_on=today + timedelta(days=75),
        ends_on=today + timedelta(days=250),
    )
    session.add_all([period, past, upcoming])
    for position, name in enumerate(CATALOGUE):
        session.add(FocusAreaOption(site_id=site.id, name=name, position=position))
    roles = {
        "admin": Role.ADMINISTRATOR,
        "mentor": Role.MENTOR,
        "teacher": Role.TEACHER,
        "parent": Role.PARENT,
        "learner": Role.LEARNER,
        "mentor2": Role.MENTOR,
        "parent2": Role.PARENT,
        "learner2": Role.LEARNER,
        **{f"l{i}": Role.LEARNER for i in range(learners)},
    }
    people = {}
    for name, role in roles.items():
        user = User(
            site_id=site.id, email=f"{name}@test.school", full_name=f"{name.title()} Person"
        )
        session.add(user)
        session.flush()
        session.add(RoleGrant(user_id=user.id, role=role.value))
        people[name] = user
    group = Group(site_id=site.id, name="9C", kind="class")
    session.add(group)
    session.flush()
    session.add(Enrollment(group_id=group.id, user_id=people["teacher"].id, role="teacher"))
    mentees = ["learner", *(f"l{i}" for i in range(learners))]
    for name in mentees:
        session.add(Enrollment(group_id=group.id, user_id=people[name].id, role="learner"))
        session.add(MentorAssignment(mentor_id=people["mentor"].id, learner_id=people[name].id))
    session.add(MentorAssignment(mentor_id=people["mentor2"].id, learner_id=people["learner2"].id))
    session.add(Guardianship(parent_id=people["parent"].id, learner_id=people["learner"].id))
    session.add(Guardianship(parent_id=people["parent2"].id, learner_id=people["learner2"].id))
    objectives = [
        LearningObjective(
            site_id=site.id, code="NOR-8-03", statement="Express myself orally with clear structure"
        ),
        LearningObjective(
            site_id=site.id, code="MAT-8-05", statement="Calculate with fractions and percentages"
        ),
    ]
    session.add_all(objectives)
    session.commit()
    return School(
        site=site,
        period=period,
        past_period=past,
        next_period=upcoming,
        people=people,
        objectives=objectives,
    )
