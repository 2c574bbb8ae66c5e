"""The demo school's transition year: a small Year 9 tutor group, and a template for Year 9 that
the mentor is offered first for its learners ("Year 9 starts upper-secondary planning")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlmodel import Session

from ilp_app.db.models import (
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    PlanTemplate,
    PlanTemplateYear,
    Site,
    TemplateItem,
    User,
)
from ilp_app.domain.roles import Role

YEAR = "Year 9"
GROUP = "9A"
# (full name, pronouns, parent's full name, relationship): no plan yet, so the suggestion shows.
LEARNERS: tuple[tuple[str, str, str, str], ...] = (
    ("Nora Vik", "she/her", "Liv Vik", "Mother"),
    ("Emil Strand", "he/him", "Per Strand", "Father"),
)
TEMPLATE = (
    "Year 9: upper-secondary planning",
    "The move from 8th to 9th grade: career matching, a first CV, choosing a programme.",
    (
        (
            "Career",
            "Find three careers that match my interests",
            "Three careers, each with what I would need to study",
            ("Take the interest quiz", "Talk to someone who works in one of them"),
        ),
        (
            "Career",
            "Write my first CV",
            "A one-page CV my mentor has read",
            ("List what I have done in and out of school", "Ask for feedback on a draft"),
        ),
        (
            "Academic",
            "Choose my upper-secondary programme",
            "A first and a second choice, with reasons",
            ("Visit the programmes' open day", "Discuss the choice at home"),
        ),
    ),
)


def seed_transition_year(
    *,
    session: Session,
    site: Site,
    mentor: User,
    add_user: Callable[..., User],
    author_id: int,
) -> None:
    """Add 9A (Year 9) with two learners of ``mentor``, and the Year 9 transition template."""
    now = datetime.now(UTC)
    group = Group(site_id=site.id, name=GROUP, kind="tutor", year_label=YEAR)
    session.add(group)
    session.flush()
    session.add(Enrollment(group_id=group.id, user_id=mentor.id, role="teacher"))
    for name, pronouns, parent_name, label in LEARNERS:
        learner = add_user(name, (Role.LEARNER,), pronouns=pronouns)
        parent = add_user(parent_name, (Role.PARENT,))
        session.add(Enrollment(group_id=group.id, user_id=learner.id, role="learner"))
        session.add(MentorAssignment(mentor_id=mentor.id, learner_id=learner.id, created_at=now))
        session.add(
            Guardianship(parent_id=parent.id, learner_id=learner.id, relationship_label=label)
        )
    name, description, goals = TEMPLATE
    template = PlanTemplate(
        site_id=site.id,
        name=name,
        description=description,
        created_by_id=author_id,
    )
    session.add(template)
    session.flush()
    session.add(PlanTemplateYear(template_id=template.id, year_label=YEAR))
    areas: dict[str, TemplateItem] = {}
    for position, (area_name, statement, success, tasks) in enumerate(goals):
        if area_name not in areas:
            areas[area_name] = TemplateItem(
                template_id=template.id, kind="area", position=len(areas), text=area_name
            )
            session.add(areas[area_name])
            session.flush()
        goal = TemplateItem(
            template_id=template.id,
            parent_id=areas[area_name].id,
            kind="goal",
            position=position,
            text=statement,
            detail=success,
        )
        session.add(goal)
        session.flush()
        session.add_all(
            TemplateItem(
                template_id=template.id, parent_id=goal.id, kind="task", position=t, text=x
            )
            for t, x in enumerate(tasks)
        )
