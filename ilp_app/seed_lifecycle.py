"""Demo data for the plan lifecycle: carried-over work, reviews, acknowledgements, templates.

Runs after :mod:`ilp_app.seed_plans` and reads what it made, so the two stay consistent: a
learner with a locked plan from last period finds its unfinished tasks carried into the current
plan, reviews are due, upcoming or held, and the school has a small template library.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    Period,
    Plan,
    PlanAcknowledgement,
    PlanFocusArea,
    PlanTemplate,
    PlanTemplateYear,
    Review,
    ReviewComment,
    Site,
    Task,
    TemplateItem,
)

REASONS = (
    "We ran out of time before the summer.",
    "I was ill for two weeks in May.",
    "The book list was not ready until June.",
    "",
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


MAX_TASKS_PER_GOAL = 4


def _carry_over(session: Session, past: Period, current: Period, now: datetime) -> int:
    """Unfinished tasks of each locked plan join the same goal in the learner's current plan.

    Only where the current plan continues the goal (same statement), and never past four tasks a
    goal, so every demo plan still follows the five steps. Returns how many tasks were carried.
    """
    carried = 0
    current_plans = {
        p.learner_id: p
        for p in session.exec(select(Plan).where(Plan.period_id == current.id)).all()
    }
    for n, old in enumerate(
        session.exec(
            select(Plan).where(Plan.period_id == past.id, Plan.status == "locked").order_by(Plan.id)
        ).all()
    ):
        new = current_plans.get(old.learner_id)
        if new is None or new.status == "draft":
            continue
        new.previous_plan_id = old.id
        session.add(new)
        goals = session.exec(
            select(Goal).where(Goal.plan_id == new.id).order_by(Goal.position, Goal.id)
        ).all()
        by_statement = {g.statement: g for g in goals}
        area_names = {
            a.id: a.name
            for a in session.exec(
                select(PlanFocusArea).where(PlanFocusArea.plan_id.in_([old.id, new.id]))
            ).all()
        }
        counts = defaultdict(int)
        for t in session.exec(select(Task).where(Task.plan_id == new.id)).all():
            counts[t.goal_id] += 1
        moved_at = new.activated_at or new.created_at
        for k, t in enumerate(
            session.exec(
                select(Task)
                .where(Task.plan_id == old.id, Task.status != "completed")
                .order_by(Task.id)
            ).all()
        ):
            old_goal = session.get(Goal, t.goal_id)
            # The same goal if the plan continues it; else a goal of the same focus area with room.
            goal = by_statement.get(old_goal.statement) or next(
                (
                    g
                    for g in goals
                    if area_names[g.focus_area_id] == area_names[old_goal.focus_area_id]
                    and counts[g.id] < MAX_TASKS_PER_GOAL
                ),
                None,
            )
            if goal is None or counts[goal.id] >= MAX_TASKS_PER_GOAL:
                continue
            if goal.statement == old_goal.statement:
                goal.carried_from_goal_id = old_goal.id
                session.add(goal)
            session.add(
                Task(
                    plan_id=new.id,
                    goal_id=goal.id,
                    title=t.title,
                    status=t.status,
                    position=50 + k,
                    status_changed_by_id=new.created_by_id if t.status != "not_started" else None,
                    status_changed_at=moved_at if t.status != "not_started" else None,
                    carried_from_task_id=t.id,
                    carry_reason=REASONS[(n + k) % len(REASONS)],
                    created_at=moved_at,
                )
            )
            counts[goal.id] += 1
            carried += 1
    return carried


def _reviews(
    session: Session,
    site: Site,
    current: Period,
    today: date,
    mentors: dict[int, int],
    parents: dict[int, list[int]],
) -> None:
    """Every third learner had a review ~4 months ago; most have one coming up; a few are overdue."""
    plans = {
        p.learner_id: p
        for p in session.exec(select(Plan).where(Plan.period_id == current.id)).all()
    }
    learners = sorted(plans)
    for n, lid in enumerate(learners):
        mentor, plan = mentors.get(lid), plans[lid]
        if mentor is None:
            continue
        attendees = ",".join(str(i) for i in [lid, mentor, *parents.get(lid, [])])
        if n % 3 == 0:
            held_day = max(current.starts_on + timedelta(days=10), today - timedelta(days=60 + n))
            session.add(
                Review(
                    site_id=site.id,
                    learner_id=lid,
                    plan_id=plan.id,
                    starts_at=_at(held_day, 14),
                    duration_minutes=30,
                    location="Room 204",
                    attendee_ids=attendees,
                    status="held",
                    created_by_id=mentor,
                    created_at=_at(held_day - timedelta(days=10), 9),
                    held_at=_at(held_day, 15),
                    summary="Good start to the year; reading is the main focus.",
                    decisions="Read aloud at home three evenings a week.",
                    new_targets="Finish two books before the next review.",
                )
            )
        if n % 4 != 3:  # a quarter have nothing booked: they show as due on the mentor's dashboard
            day = today + timedelta(days=3 + n % 12)
            review = Review(
                site_id=site.id,
                learner_id=lid,
                plan_id=plan.id,
                starts_at=_at(day, 13 + n % 3),
                duration_minutes=30,
                location="Room 204" if n % 2 else "",
                online_url="" if n % 2 else "https://meet.example.org/ilp-review",
                attendee_ids=attendees,
                status="scheduled",
                created_by_id=mentor,
                created_at=_at(today - timedelta(days=5), 9),
            )
            session.add(review)
            if n % 2 == 0:
                session.flush()
                session.add(
                    ReviewComment(
                        review_id=review.id,
                        author_id=lid,
                        created_at=_at(today - timedelta(days=2), 18),
                        body="I would like to talk about my reading log.",
                    )
                )


def _acknowledgements(
    session: Session,
    current: Period,
    mentors: dict[int, int],
    parents: dict[int, list[int]],
    now: datetime,
) -> None:
    """Active plans are at version 3; most learners and mentors signed it, some parents an earlier one."""
    for n, plan in enumerate(
        session.exec(
            select(Plan)
            .where(Plan.period_id == current.id, Plan.status == "active")
            .order_by(Plan.id)
        ).all()
    ):
        plan.version = 3
        session.add(plan)
        signers = [(mentors.get(plan.learner_id), "mentor", 3)]
        if n % 3 != 2:
            signers.append((plan.learner_id, "learner", 3))
        for k, parent in enumerate(parents.get(plan.learner_id, [])):
            signers.append((parent, "parent", 2 if (n + k) % 2 else 3))
        for user_id, role, version in signers:
            if user_id is not None:
                session.add(
                    PlanAcknowledgement(
                        plan_id=plan.id,
                        version=version,
                        user_id=user_id,
                        role=role,
                        at=now - timedelta(days=20 - version * 5 + n % 3),
                    )
                )


TEMPLATES = (
    (
        "Year 8: reading and speaking",
        "For learners who want to read more and speak up in class.",
        ("Year 8",),
        (
            (
                "Academic",
                (
                    (
                        "Read more books",
                        "Three books finished and logged in my reading log",
                        (
                            "Choose three books from the book list",
                            "Keep a reading log",
                            "Read aloud at home",
                        ),
                    ),
                ),
            ),
            (
                "Social competence",
                (
                    (
                        "Speak clearly so my classmates understand me",
                        "I present for two minutes and my classmates can retell the main point",
                        ("Present my hobby to the class", "Practise in front of a friend"),
                    ),
                ),
            ),
            (
                "Personal growth",
                (
                    (
                        "Hand in homework on time",
                        "Every homework on time for four weeks in a row",
                        ("Use a planner every week",),
                    ),
                ),
            ),
        ),
    ),
    (
        "Career exploration",
        "Find out about jobs and what they take.",
        ("Year 8", "Year 9"),  # the years it suits
        (
            (
                "Career",
                (
                    (
                        "Find out what an engineer does",
                        "I can explain three things engineers do",
                        ("Visit the careers fair", "Interview someone about their job"),
                    ),
                ),
            ),
        ),
    ),
)


def _templates(session: Session, site: Site, author_id: int) -> None:
    for name, description, years, areas in TEMPLATES:
        tpl = PlanTemplate(
            site_id=site.id,
            name=name,
            description=description,
            created_by_id=author_id,
        )
        session.add(tpl)
        session.flush()
        session.add_all(PlanTemplateYear(template_id=tpl.id, year_label=y) for y in years)
        for a, (area_name, goals) in enumerate(areas):
            area = TemplateItem(template_id=tpl.id, kind="area", position=a, text=area_name)
            session.add(area)
            session.flush()
            for g, (statement, success, tasks) in enumerate(goals):
                goal = TemplateItem(
                    template_id=tpl.id,
                    parent_id=area.id,
                    kind="goal",
                    position=g,
                    text=statement,
                    detail=success,
                )
                session.add(goal)
                session.flush()
                session.add_all(
                    TemplateItem(
                        template_id=tpl.id, parent_id=goal.id, kind="task", position=t, text=title
                    )
                    for t, title in enumerate(tasks)
                )
    old = PlanTemplate(
        site_id=site.id,
        name="Year 7 transition (last year's)",
        description="Kept for reference.",
        archived=True,
        created_by_id=author_id,
    )
    session.add(old)
    session.flush()
    session.add(PlanTemplateYear(template_id=old.id, year_label="Year 7"))


def seed_lifecycle(
    *,
    session: Session,
    site: Site,
    periods: tuple[Period, Period],
    today: date,
    mentors_by_learner: dict[int, int],
    parents_by_learner: dict[int, list[int]],
    template_author_id: int,
) -> None:
    """Carried-over work, reviews, acknowledgements and the template library (the caller commits)."""
    past, current = periods
    now = datetime.now(UTC)
    session.flush()
    _carry_over(session, past, current, now)
    _reviews(session, site, current, today, mentors_by_learner, parents_by_learner)
    _acknowledgements(session, current, mentors_by_learner, parents_by_learner, now)
    _templates(session, site, template_author_id)
    session.flush()
