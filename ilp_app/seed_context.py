"""Demo data for the learner context header: courses of the classes, and what staff should know.

Runs after the people and groups of :mod:`ilp_app.seed` exist. Some learners get prior attainment
and notes the family also sees, some get support needs that only staff see, and one learner
shares their pronouns with staff only, so every rule of the header shows in the demo.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import Group, LearnerContextItem, Site, User

#: The course each subject class follows.
COURSES: dict[str, str] = {
    "Mathematics 8": "Mathematics, lower secondary",
    "Norwegian 8": "Norwegian, lower secondary",
    "Spanish 8": "Spanish, foreign language level I",
    "Science 8": "Natural science, lower secondary",
}

# Per learner (by full name): (kind, label, value), in the order shown.
ContextRow = tuple[str, str, str]
CONTEXT: dict[str, tuple[ContextRow, ...]] = {
    "Åsa Ødegård": (
        (
            "prior_attainment",
            "Year 7",
            "Reading and writing above the expected level; mathematics at the expected "
            "level (national tests, autumn of Year 8).",
        ),
        (
            "support_needs",
            "",
            "Screened for dyslexia in Year 6: allow extra time in written tests and give texts "
            "in a larger font. Prefers not to read aloud in class.",
        ),
        (
            "other",
            "Interests",
            "Football, drawing and building models; would like to become an architect.",
        ),
    ),
    "Håkon Bjørnstad": (
        (
            "prior_attainment",
            "Year 7",
            "Mathematics above the expected level; English at the expected level.",
        ),
        ("other", "Goals he set himself", "Join the school's maths competition team in spring."),
    ),
    "Sofía Cedeño": (
        (
            "prior_attainment",
            "",
            "Joined in Year 7 from a school in Quito; Norwegian as a second language, "
            "progressing quickly.",
        ),
        (
            "support_needs",
            "",
            "Norwegian as a second language: adapted reading texts in social studies; "
            "a bilingual glossary is allowed in tests.",
        ),
    ),
    "Amara Okonkwo": (
        (
            "support_needs",
            "",
            "ADHD (diagnosed 2024): seat near the front, short tasks with clear steps, "
            "movement breaks agreed with the mentor.",
        ),
        ("other", "What helps", "Knowing the plan for the week on Monday morning."),
    ),
    "Ole Ødegård": (
        (
            "prior_attainment",
            "Year 7",
            "At the expected level in all subjects; strong in practical science work.",
        ),
        ("other", "Interests", "Plays the trumpet in the school band."),
    ),
    "Oskar Grønlund": (
        (
            "support_needs",
            "",
            "Follow-up with the school nurse every second week; may leave a lesson for it "
            "without asking.",
        ),
    ),
    "Aisha Rahmani": (
        ("prior_attainment", "Year 7", "Norwegian and English above the expected level."),
        ("support_needs", "", "Asthma: inhaler kept in her bag; PE teacher informed."),
    ),
}

# The visibility of each kind in the demo: support needs stay with staff, the rest goes home.
_VISIBILITY = {"prior_attainment": "family", "support_needs": "staff", "other": "family"}

#: Learners who share their pronouns with staff only.
PRONOUNS_STAFF_ONLY: tuple[str, ...] = ("Oskar Grønlund",)


def seed_context(*, session: Session, site: Site, author_by_learner: dict[int, int]) -> int:
    """Add the demo context; ``author_by_learner`` names who wrote each learner's items (their mentor).

    Returns how many items were added.
    """
    now = datetime.now(UTC)
    for group in session.exec(select(Group).where(Group.site_id == site.id)).all():
        if group.name in COURSES:
            group.course = COURSES[group.name]
            session.add(group)
    people = {
        u.full_name: u for u in session.exec(select(User).where(User.site_id == site.id)).all()
    }
    added = 0
    for name, rows in CONTEXT.items():
        learner = people[name]
        for position, (kind, label, value) in enumerate(rows, start=1):
            session.add(
                LearnerContextItem(
                    learner_id=learner.id,
                    kind=kind,
                    label=label,
                    value=value,
                    visibility=_VISIBILITY[kind],
                    position=position,
                    updated_by_id=author_by_learner.get(learner.id),
                    updated_at=now,
                )
            )
            added += 1
    for name in PRONOUNS_STAFF_ONLY:
        people[name].pronouns_visibility = "staff"
        session.add(people[name])
    return added
