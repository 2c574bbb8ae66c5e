"""The demo school: ``python -m ilp_app.seed`` loads it into an empty database.

Everything here is fixed data (no randomness), so two empty databases seeded on the same day
hold the same school. Names keep their diacritics on purpose: they are what real schools look
like, and they catch encoding and sorting bugs early. The plans (catalogue, objectives and
every learner's ILPs) are in :mod:`ilp_app.seed_plans`.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from ilp_app.db.engine import session_scope
from ilp_app.db.migrate import upgrade
from ilp_app.db.models import (
    AccountToken,
    AssignmentRule,
    Enrollment,
    Group,
    Guardianship,
    MentorAssignment,
    Period,
    PlanTemplate,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain.roles import Role
from ilp_app.security import password_hash
from ilp_app.seed_context import seed_context
from ilp_app.seed_evidence import seed_evidence
from ilp_app.seed_lifecycle import seed_lifecycle
from ilp_app.seed_plans import seed_plans
from ilp_app.seed_staff import seed_staff_plans
from ilp_app.seed_transitions import seed_transition_year
from ilp_app.seed_voice import seed_voice
from ilp_app.services.access.invitations import invite_user
from ilp_app.settings import get_settings

DEMO_PASSWORD = "ilp-demo-2026"
SITE_NAME = "Fjordside International School"
YEAR_LABEL = "Year 8"
DOMAIN = "demo.school"

# Staff: (email, full name, roles, what the account is for).
STAFF: tuple[tuple[str, str, tuple[Role, ...], str], ...] = (
    ("admin@demo.school", "Marit Holm", (Role.ADMINISTRATOR,), "Administrator"),
    (
        "mentor@demo.school",
        "Ingrid Halvorsen",
        (Role.MENTOR, Role.TEACHER),
        "Mentor of 8A; teacher of Science 8",
    ),
    (
        "mentor2@demo.school",
        "Tomasz Nowak",
        (Role.MENTOR,),
        "Mentor of 8B and 9A (Year 9: a transition template is suggested)",
    ),
    ("teacher.math@demo.school", "Carlos Herrera", (Role.TEACHER,), "Teacher of Mathematics 8"),
    ("teacher.norwegian@demo.school", "Solveig Brekke", (Role.TEACHER,), "Teacher of Norwegian 8"),
    ("teacher.spanish@demo.school", "Elena Vázquez", (Role.TEACHER,), "Teacher of Spanish 8"),
    (
        "head@demo.school",
        "Henrik Aasen",
        (Role.TEACHER,),
        "Head of department; supervisor of Ingrid and Carlos (My staff)",
    ),
)

# The school writes Bokmål; the families below chose their language, staff read English, and
# everyone else follows their browser (then the school's Bokmål).
SCHOOL_LANGUAGE = "nb"
CHOSEN_LANGUAGES: dict[str, str] = {
    **{email: "en" for email, *_ in STAFF},
    "learner@demo.school": "nb",
    "parent@demo.school": "nn",
}

# Tutor groups: name -> mentor email.
TUTOR_GROUPS: dict[str, str] = {"8A": "mentor@demo.school", "8B": "mentor2@demo.school"}

# Subject classes: (name, teacher email, learners taken from each tutor group).
# Spanish is an option, so only every other learner takes it.
CLASSES: tuple[tuple[str, str, slice], ...] = (
    ("Mathematics 8", "teacher.math@demo.school", slice(None)),
    ("Norwegian 8", "teacher.norwegian@demo.school", slice(None)),
    ("Spanish 8", "teacher.spanish@demo.school", slice(None, None, 2)),
    ("Science 8", "mentor@demo.school", slice(None)),
)

Parent = tuple[str, str]  # (full name, relationship label)
# Learners: (tutor group, full name, preferred name, pronouns, parents).
# The Ødegård children are siblings in different groups, with both parents on record.
ODEGARD_PARENTS: tuple[Parent, ...] = (("Kari Ødegård", "Mother"), ("Jonas Ødegård", "Father"))
LEARNERS: tuple[tuple[str, str, str, str, tuple[Parent, ...]], ...] = (
    ("8A", "Åsa Ødegård", "Åsa", "she/her", ODEGARD_PARENTS),
    ("8A", "Håkon Bjørnstad", "", "he/him", (("Randi Bjørnstad", "Mother"),)),
    ("8A", "Sigrid Løvås", "", "", (("Trond Løvås", "Father"),)),
    ("8A", "Sofía Cedeño", "", "she/her", (("Carmen Ruiz", "Mother"),)),
    ("8A", "Mateo Muñoz", "", "", (("Javier Muñoz", "Father"),)),
    ("8A", "Nguyễn Thị Hồng", "Hồng", "she/her", (("Nguyễn Văn Hải", "Father"),)),
    ("8A", "Trần Văn Minh", "Minh", "he/him", (("Trần Thị Lan", "Mother"),)),
    ("8A", "Zofia Wąsowicz", "Zosia", "", (("Agnieszka Wąsowicz", "Mother"),)),
    ("8A", "Łukasz Żak", "", "he/him", (("Paweł Żak", "Father"),)),
    ("8A", "Amara Okonkwo", "", "they/them", (("Chidi Okonkwo", "Guardian"),)),
    ("8A", "Eirik Sæther", "", "", ()),
    ("8A", "Yusuf Çelik", "", "he/him", (("Elif Çelik", "Mother"),)),
    ("8A", "Maja Kristiansen", "", "", (("Bjørg Kristiansen", "Mother"),)),
    ("8A", "Aleksander Dąbrowski", "Olek", "", (("Ewa Dąbrowska", "Mother"),)),
    ("8B", "Ole Ødegård", "", "he/him", ODEGARD_PARENTS),
    ("8B", "Lucía Peña", "", "she/her", (("Rosa Peña", "Mother"),)),
    ("8B", "Phạm Bảo Anh", "Bảo Anh", "", (("Phạm Minh Tuấn", "Father"),)),
    ("8B", "Małgorzata Kołodziej", "Gosia", "she/her", (("Krzysztof Kołodziej", "Father"),)),
    ("8B", "Ingvild Rønning", "", "", (("Hege Rønning", "Mother"),)),
    ("8B", "Diego Fernández", "", "he/him", (("Ana Gómez", "Mother"),)),
    ("8B", "Lê Quang Huy", "Huy", "", (("Lê Thị Mai", "Mother"),)),
    ("8B", "Oskar Grønlund", "", "they/them", (("Silje Grønlund", "Guardian"),)),
    ("8B", "Wiktoria Szymańska", "", "", ()),
    ("8B", "Thea Haugstøl", "", "", (("Geir Haugstøl", "Father"),)),
    ("8B", "Joaquín Ibáñez", "", "", (("Marta Ibáñez", "Mother"),)),
    ("8B", "Aisha Rahmani", "", "she/her", (("Karim Rahmani", "Father"),)),
    ("8B", "Søren Kjærgaard", "", "he/him", (("Mette Kjærgaard", "Mother"),)),
)

# The accounts people are told about get short addresses; everyone else gets first.last.
FIXED_EMAILS: dict[str, str] = {
    "Åsa Ødegård": "learner@demo.school",
    "Kari Ødegård": "parent@demo.school",
}

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ß": "ss"})


def ascii_fold(text: str) -> str:
    """``text`` in lower-case ASCII: "Åsa Ødegård" -> "asa odegard"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))


def _email_for(full_name: str, taken: set[str]) -> str:
    """first.last@demo.school for ``full_name``, numbered if that address is already taken."""
    if full_name in FIXED_EMAILS:
        email = FIXED_EMAILS[full_name]
    else:
        words = ascii_fold(full_name).split()
        base = f"{words[0]}.{words[-1]}"
        email, n = f"{base}@{DOMAIN}", 2
        while email in taken:
            email, n = f"{base}{n}@{DOMAIN}", n + 1
    taken.add(email)
    return email


def demo_periods(today: date) -> list[tuple[str, date, date]]:
    """The past, current and next semesters around ``today`` as (name, starts_on, ends_on).

    The current semester is the one containing ``today``; in a holiday it is the next to start,
    so a demo run in July already shows the autumn plans.
    """
    semesters = [
        sem
        for year in (today.year - 1, today.year, today.year + 1)
        for sem in (
            (f"Spring {year}", date(year, 1, 6), date(year, 6, 20)),
            (f"Autumn {year}", date(year, 8, 18), date(year, 12, 19)),
        )
    ]
    current = next(i for i, (_, _, ends_on) in enumerate(semesters) if ends_on >= today)
    return [semesters[current - 1], semesters[current], semesters[current + 1]]


def demo_accounts() -> list[tuple[str, str, str]]:
    """The accounts worth signing in with, as (email, role description, name)."""
    learner, parent = LEARNERS[0][1], ODEGARD_PARENTS[0][0]
    sibling = next(name for group, name, *_ in LEARNERS if group == "8B" and "Ødegård" in name)
    return [(email, description, name) for email, name, _, description in STAFF] + [
        (FIXED_EMAILS[learner], "Learner in 8A", learner),
        (FIXED_EMAILS[parent], f"Parent of {learner} (8A) and {sibling} (8B)", parent),
    ]


def seed_demo(*, session: Session, today: date | None = None, english: bool = False) -> bool:
    """Load the demo school into an empty database.

    Args:
        session: where to add the rows; the caller commits.
        today: the date the periods are placed around (default: today).
        english: every account and the school read English (the browser tests are written
            in English); otherwise the demo's languages (:data:`CHOSEN_LANGUAGES`).

    Returns:
        True if the school was loaded; False if the database already had accounts, in which
        case nothing was changed.
    """
    if session.exec(select(User.id).limit(1)).first() is not None:
        return False
    today = today or date.today()
    now = datetime.now(UTC)
    hashed = password_hash(DEMO_PASSWORD)  # one hash for all: argon2 costs ~20 ms each
    taken: set[str] = set()

    site = Site(
        name=SITE_NAME,
        ilp_enabled=True,
        created_at=now,
        default_language="en" if english else SCHOOL_LANGUAGE,
    )
    session.add(site)
    session.flush()
    # The next semester exists (without plans) so mentors can move learners into it.
    past, current, upcoming = (
        Period(site_id=site.id, name=name, starts_on=starts_on, ends_on=ends_on)
        for name, starts_on, ends_on in demo_periods(today)
    )
    session.add_all((past, current, upcoming))

    def add_user(
        full_name: str,
        roles: tuple[Role, ...],
        email: str | None = None,
        preferred_name: str = "",
        pronouns: str = "",
    ) -> User:
        user = User(
            site_id=site.id,
            email=email or _email_for(full_name, taken),
            full_name=full_name,
            preferred_name=preferred_name,
            pronouns=pronouns,
            is_active=True,
            password_hash=hashed,
            password_changed_at=now,
            created_at=now,
            updated_at=now,
        )
        if not english:
            user.language = CHOSEN_LANGUAGES.get(user.email, "")
        taken.add(user.email)
        session.add(user)
        session.flush()
        session.add_all(RoleGrant(user_id=user.id, role=role.value) for role in roles)
        return user

    staff = {email: add_user(name, roles, email) for email, name, roles, _ in STAFF}
    learners: dict[str, list[User]] = {group: [] for group in TUTOR_GROUPS}
    parents: dict[str, User] = {}  # by full name, so siblings share their parents
    guardianships: list[tuple[User, User, str]] = []
    for group, name, preferred, pronouns, family in LEARNERS:
        learner = add_user(name, (Role.LEARNER,), preferred_name=preferred, pronouns=pronouns)
        learners[group].append(learner)
        for parent_name, label in family:
            if parent_name not in parents:
                parents[parent_name] = add_user(parent_name, (Role.PARENT,))
            guardianships.append((parents[parent_name], learner, label))
    session.add_all(
        Guardianship(parent_id=parent.id, learner_id=learner.id, relationship_label=label)
        for parent, learner, label in guardianships
    )

    def add_group(name: str, kind: str, teacher: User, members: list[User]) -> None:
        group = Group(site_id=site.id, name=name, kind=kind, year_label=YEAR_LABEL)
        session.add(group)
        session.flush()
        session.add(Enrollment(group_id=group.id, user_id=teacher.id, role="teacher"))
        session.add_all(
            Enrollment(group_id=group.id, user_id=m.id, role="learner") for m in members
        )

    mentor_of: dict[int, int] = {}
    for group_name, mentor_email in TUTOR_GROUPS.items():
        mentor = staff[mentor_email]
        add_group(group_name, "tutor", mentor, learners[group_name])
        session.add_all(
            MentorAssignment(mentor_id=mentor.id, learner_id=learner.id, created_at=now)
            for learner in learners[group_name]
        )
        mentor_of.update((learner.id, mentor.id) for learner in learners[group_name])
    teachers_of: dict[int, dict[str, int]] = {}
    for class_name, teacher_email, which in CLASSES:
        members = [learner for group in TUTOR_GROUPS for learner in learners[group][which]]
        add_group(class_name, "class", staff[teacher_email], members)
        for member in members:
            teachers_of.setdefault(member.id, {})[class_name] = staff[teacher_email].id
    parents_of: dict[int, list[int]] = {}
    for parent, learner, _ in guardianships:
        parents_of.setdefault(learner.id, []).append(parent.id)

    seed_plans(
        session=session,
        site=site,
        periods=(past, current),
        learners_by_group=learners,
        mentors_by_learner=mentor_of,
        teachers_by_learner=teachers_of,
        parents_by_learner=parents_of,
        today=today,
    )
    seed_lifecycle(
        session=session,
        site=site,
        periods=(past, current),
        today=today,
        mentors_by_learner=mentor_of,
        parents_by_learner=parents_of,
        template_author_id=staff["mentor@demo.school"].id,
    )
    seed_context(session=session, site=site, author_by_learner=mentor_of)
    _seed_rule(session, site, staff["admin@demo.school"].id)
    asa = learners[next(iter(TUTOR_GROUPS))][0]
    seed_voice(
        session=session, site=site, learner_id=asa.id, mentor_id=mentor_of[asa.id], today=today
    )
    seed_evidence(session=session, today_at=now)
    seed_staff_plans(session=session, site=site, terms=(past, current, upcoming), staff=staff)
    seed_transition_year(
        session=session,
        site=site,
        mentor=staff["mentor2@demo.school"],
        add_user=add_user,
        author_id=staff["mentor@demo.school"].id,
    )
    _seed_invitations(session, site, [parent for parent, _, _ in guardianships], now)
    return True


def _seed_rule(session: Session, site: Site, author_id: int) -> None:
    """One active rule: its preview offers a plan to the learner who has none yet."""
    session.flush()
    template = session.exec(
        select(PlanTemplate).where(
            PlanTemplate.site_id == site.id, PlanTemplate.name == "Career exploration"
        )
    ).one()
    session.add(
        AssignmentRule(
            site_id=site.id,
            name="Year 8 career exploration",
            status="active",
            template_id=template.id,
            year_label=YEAR_LABEL,
            created_by_id=author_id,
        )
    )


def _seed_invitations(session: Session, site: Site, parents: list[User], now: datetime) -> None:
    """Two families invited by mail: one link still waiting, one accepted (see "Sent mail").

    Not the demo parent's: the demo accounts keep working with the demo password.
    """
    seen: set[int] = set()
    others = [
        p
        for p in parents
        if p.email != "parent@demo.school" and not (p.id in seen or seen.add(p.id))
    ]
    origin = get_settings().public_origins[0]
    waiting, accepted = others[0], others[1]
    invite_user(session, waiting, site.name, origin, now - timedelta(days=2))
    invite_user(session, accepted, site.name, origin, now - timedelta(days=6))
    session.flush()
    token = session.exec(select(AccountToken).where(AccountToken.user_id == accepted.id)).one()
    token.used_at = now - timedelta(days=5)
    session.add(token)


def main() -> None:
    """Bring the configured database up to date, load the demo school and print the accounts."""
    upgrade()
    with session_scope() as session:
        loaded = seed_demo(session=session, english="--english" in sys.argv[1:])
    print(
        "Loaded the demo school."
        if loaded
        else "Database already has accounts; demo school not loaded."
    )
    print()
    accounts = demo_accounts()
    width = max(len(email) for email, _, _ in accounts)
    for email, description, name in accounts:
        print(f"  {email:<{width}}  {name:<18}  {description}")
    print()
    print(f"Password for every demo account: {DEMO_PASSWORD}")


if __name__ == "__main__":
    main()
