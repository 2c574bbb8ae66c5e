"""The demo school's staff plans: a school year, a head of department who supervises two of the
staff, their own plans (one under way, one still a draft), and the "Professional year" staff plan
template both were made from."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from ilp_app.db.models import (
    Goal,
    Period,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    PlanTemplate,
    Site,
    SupervisorAssignment,
    Task,
    TemplateItem,
    User,
)
from ilp_app.domain.plans import (
    PERIOD_KIND_SCHOOL_YEAR,
    PLAN_KIND_STAFF,
    PlanStatus,
    TaskStatus,
)

#: Who supervises whom, by email: the head of department supervises a teacher and a mentor.
SUPERVISION: dict[str, str] = {
    "teacher.math@demo.school": "head@demo.school",
    "mentor@demo.school": "head@demo.school",
}

# (focus area, goal, success criteria, tasks as (title, status)).
Goals = tuple[tuple[str, str, str, tuple[tuple[str, TaskStatus], ...]], ...]
INGRID_GOALS: Goals = (
    (
        "Professional goals",
        "Use formative assessment in every Science 8 unit",
        "Each unit starts with a diagnostic question and ends with exit tickets I act on.",
        (
            ("Read 'Embedded formative assessment', chapters 1–3", TaskStatus.COMPLETED),
            ("Write exit tickets for the forces unit", TaskStatus.ONGOING),
            ("Share what worked at the department meeting", TaskStatus.NOT_STARTED),
        ),
    ),
    (
        "Bucket list",
        "Lead a field trip to the fjord research station",
        "",
        (("Ask the station for dates in spring", TaskStatus.NOT_STARTED),),
    ),
    (
        "Observations",
        "Observe two colleagues' lessons and be observed once",
        "Notes from each visit, discussed with my supervisor.",
        (
            ("Observe a Mathematics 8 lesson", TaskStatus.COMPLETED),
            ("Invite my supervisor to a Science 8 lesson", TaskStatus.NOT_STARTED),
        ),
    ),
)
CARLOS_GOALS: Goals = (
    (
        "Professional goals",
        "Bring more spoken reasoning into Mathematics 8",
        "Learners explain a solution aloud in every lesson.",
        (("Try 'think, pair, share' with 8B", TaskStatus.NOT_STARTED),),
    ),
)


#: The school's default staff plan template: (focus area, example goal, success criteria).
PROFESSIONAL_YEAR = "Professional year"
PROFESSIONAL_YEAR_AREAS: tuple[tuple[str, str, str], ...] = (
    (
        "Professional goals",
        "Try one new teaching approach this year and judge it with evidence",
        "I can show what changed for my learners, with examples of their work.",
    ),
    (
        "Bucket list",
        "Something I have long wanted to do at school",
        "Planned with dates and done by the end of the school year.",
    ),
    (
        "Observations",
        "Observe a colleague's lesson and be observed once",
        "Notes from each visit, discussed with my supervisor.",
    ),
)


def seed_staff_template(*, session: Session, site: Site, author: User) -> dict[str, TemplateItem]:
    """Add the "Professional year" staff plan template; returns its focus areas by name."""
    template = PlanTemplate(
        site_id=site.id,
        name=PROFESSIONAL_YEAR,
        description="A member of staff's year: professional goals, a bucket list, observations.",
        plan_kind=PLAN_KIND_STAFF,
        created_by_id=author.id,
    )
    session.add(template)
    session.flush()
    areas = {}
    for position, (name, goal, criteria) in enumerate(PROFESSIONAL_YEAR_AREAS):
        area = TemplateItem(template_id=template.id, kind="area", position=position, text=name)
        session.add(area)
        session.flush()
        session.add(
            TemplateItem(
                template_id=template.id,
                parent_id=area.id,
                kind="goal",
                position=0,
                text=goal,
                detail=criteria,
            )
        )
        areas[name] = area
    session.flush()
    return areas


def school_year_of(terms: tuple[Period, Period, Period]) -> tuple[str, date, date]:
    """The school year around the current term (autumn to the next summer), as (name, start, end)."""
    _, current, _ = terms
    first = current.starts_on.year if current.starts_on.month >= 8 else current.starts_on.year - 1
    return f"School year {first}–{first + 1}", date(first, 8, 1), date(first + 1, 7, 31)


def _plan(
    session: Session,
    *,
    site: Site,
    year: Period,
    owner: User,
    supervisor: User,
    status: PlanStatus,
    goals: Goals,
    at: datetime,
    template_areas: dict[str, TemplateItem],
) -> Plan:
    plan = Plan(
        site_id=site.id,
        learner_id=owner.id,
        period_id=year.id,
        status=status.value,
        created_by_id=supervisor.id,
        created_at=at,
        updated_at=at,
        activated_at=at + timedelta(days=3) if status is PlanStatus.ACTIVE else None,
        kind=PLAN_KIND_STAFF,
        template_id=next(iter(template_areas.values())).template_id,
        template_revision=1,
    )
    session.add(plan)
    session.flush()
    # Made from the "Professional year" template: its focus areas, with the person's own goals.
    areas = {}
    for position, (name, item) in enumerate(template_areas.items()):
        areas[name] = PlanFocusArea(
            plan_id=plan.id, name=name, position=position, template_item_id=item.id
        )
        session.add(areas[name])
    session.flush()
    for g_pos, (area, statement, criteria, tasks) in enumerate(goals):
        goal = Goal(
            plan_id=plan.id,
            focus_area_id=areas[area].id,
            statement=statement,
            success_criteria=criteria,
            target_date=year.ends_on - timedelta(days=45),
            position=g_pos,
            created_at=at,
            updated_at=at,
        )
        session.add(goal)
        session.flush()
        for t_pos, (title, task_status) in enumerate(tasks):
            moved = task_status is not TaskStatus.NOT_STARTED
            session.add(
                Task(
                    plan_id=plan.id,
                    goal_id=goal.id,
                    title=title,
                    status=task_status.value,
                    position=t_pos,
                    status_changed_by_id=owner.id if moved else None,
                    status_changed_at=at + timedelta(days=7 + t_pos) if moved else None,
                    created_at=at,
                )
            )
    return plan


def seed_staff_plans(
    *, session: Session, site: Site, terms: tuple[Period, Period, Period], staff: dict[str, User]
) -> Period:
    """Add the school year, the supervisors and two staff plans; returns the school year."""
    name, starts_on, ends_on = school_year_of(terms)
    year = Period(
        site_id=site.id,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=PERIOD_KIND_SCHOOL_YEAR,
    )
    session.add(year)
    session.flush()
    for staff_email, supervisor_email in SUPERVISION.items():
        session.add(
            SupervisorAssignment(
                supervisor_id=staff[supervisor_email].id, staff_id=staff[staff_email].id
            )
        )
    head, ingrid, carlos = (
        staff["head@demo.school"],
        staff["mentor@demo.school"],
        staff["teacher.math@demo.school"],
    )
    start = datetime.combine(starts_on + timedelta(days=20), time(14, 0), tzinfo=UTC)
    template_areas = seed_staff_template(session=session, site=site, author=head)
    plan = _plan(
        session,
        site=site,
        year=year,
        owner=ingrid,
        supervisor=head,
        status=PlanStatus.ACTIVE,
        goals=INGRID_GOALS,
        at=start,
        template_areas=template_areas,
    )
    session.add(
        PlanLogEntry(
            plan_id=plan.id,
            author_id=head.id,
            body="Good start. Let us look at the exit tickets together before the winter break.",
            created_at=start + timedelta(days=10),
        )
    )
    _plan(
        session,
        site=site,
        year=year,
        owner=carlos,
        supervisor=head,
        status=PlanStatus.DRAFT,
        goals=CARLOS_GOALS,
        at=start + timedelta(days=2),
        template_areas=template_areas,
    )
    return year
