"""The demo school's learner voice: Åsa's proposals and the default coaching library.

Åsa (learner@demo.school) has proposed three things in her current plan: a task her mentor
accepted (so it carries "Added by Åsa"), a task her mentor declined with a reason, and a goal
still waiting. Each step is in the plan's history, as the services would have written it. For
her next review she and a parent have answered the school's questions, and her confidence and
plans disagree in the way worth talking about. If she has a locked plan from last period, a
task she proposed there under a goal that was not carried forward was closed when that plan was
locked.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from ilp_app.db.models import (
    Goal,
    Guardianship,
    Plan,
    PlanChange,
    PlanFocusArea,
    Proposal,
    Review,
    ReviewAnswer,
    Site,
    Task,
)
from ilp_app.domain.coaching import PromptKind, Situation
from ilp_app.domain.proposals import ProposalKind, ProposalStatus
from ilp_app.services.school.coaching import coaching_defaults, coaching_defaults_load


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _change(plan: Plan, actor_id: int, at: datetime, action: str, entity_id: int, after: dict):
    return PlanChange(
        plan_id=plan.id,
        version=plan.version,
        actor_id=actor_id,
        at=at,
        action=action,
        entity="proposal",
        entity_id=entity_id,
        after=json.dumps(after, ensure_ascii=False, sort_keys=True),
    )


def seed_voice(
    *, session: Session, site: Site, learner_id: int, mentor_id: int, today: date
) -> None:
    """Add the default coaching library, Åsa's proposals and her review preparation; flushes,
    never commits."""
    coaching_defaults_load(session, site.id)
    _review_prep(session, site.id, learner_id, today)
    _closed_on_lock(session, learner_id, mentor_id)
    plan = session.exec(
        select(Plan).where(Plan.learner_id == learner_id, Plan.status == "active")
    ).first()
    if plan is None:
        return
    areas = session.exec(
        select(PlanFocusArea)
        .where(PlanFocusArea.plan_id == plan.id)
        .order_by(PlanFocusArea.position)
    ).all()
    tasks = session.exec(select(Task.goal_id).where(Task.plan_id == plan.id)).all()
    goals = session.exec(
        select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.focus_area_id, Goal.position)
    ).all()
    # A goal with room for one more task: a plan keeps two to four tasks per goal.
    goal = next((g for g in goals if tasks.count(g.id) < 4), None)
    if goal is None or not areas:
        return
    days = [_at(today - timedelta(days=n), 15) for n in (6, 5, 4, 3, 2)]

    accepted = Proposal(
        plan_id=plan.id,
        author_id=learner_id,
        kind=ProposalKind.TASK.value,
        goal_id=goal.id,
        text="Explain one thing I learned this week to my little brother",
        status=ProposalStatus.ACCEPTED.value,
        decided_by_id=mentor_id,
        decided_at=days[1],
        created_at=days[0],
        updated_at=days[1],
    )
    declined = Proposal(
        plan_id=plan.id,
        author_id=learner_id,
        kind=ProposalKind.TASK.value,
        goal_id=goal.id,
        text="Stop doing homework on Fridays",
        status=ProposalStatus.DECLINED.value,
        decline_reason="Let us talk about a lighter Friday instead: propose one short task for it?",
        decided_by_id=mentor_id,
        decided_at=days[3],
        created_at=days[2],
        updated_at=days[3],
    )
    pending = Proposal(
        plan_id=plan.id,
        author_id=learner_id,
        kind=ProposalKind.GOAL.value,
        focus_area_id=areas[-1].id,
        text="Lead a short warm-up game in our class once a month",
        success_criteria="I have led three warm-ups and asked the class what they liked",
        status=ProposalStatus.PENDING.value,
        created_at=days[4],
        updated_at=days[4],
    )
    session.add_all((accepted, declined, pending))
    session.flush()
    task = Task(
        plan_id=plan.id,
        goal_id=goal.id,
        title=accepted.text,
        position=99,
        added_by_id=learner_id,
        created_at=days[1],
    )
    session.add(task)
    session.flush()
    accepted.result_id = task.id
    session.add(accepted)
    session.add_all(
        (
            _change(
                plan, learner_id, days[0], "proposal.create", accepted.id, {"task": accepted.text}
            ),
            _change(plan, mentor_id, days[1], "proposal.accept", accepted.id, {"task": task.title}),
            _change(
                plan, learner_id, days[2], "proposal.create", declined.id, {"task": declined.text}
            ),
            _change(
                plan,
                mentor_id,
                days[3],
                "proposal.decline",
                declined.id,
                {"task": declined.text, "reason": declined.decline_reason},
            ),
            _change(
                plan, learner_id, days[4], "proposal.create", pending.id, {"goal": pending.text}
            ),
        )
    )
    session.flush()


def _closed_on_lock(session: Session, learner_id: int, mentor_id: int) -> None:
    """A proposal still waiting when last period's plan was locked: closed, and left there
    because its goal was not carried forward (as the services do)."""
    plan = session.exec(
        select(Plan).where(Plan.learner_id == learner_id, Plan.status == "locked")
    ).first()
    if plan is None or plan.locked_at is None:
        return
    carried = set(
        session.exec(
            select(Goal.carried_from_goal_id).where(Goal.carried_from_goal_id.is_not(None))
        )
    )
    goals = session.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.id)).all()
    goal = next((g for g in goals if g.id not in carried), None)
    if goal is None:
        return
    asked, locked = plan.locked_at - timedelta(days=4), plan.locked_at
    closed = Proposal(
        plan_id=plan.id,
        author_id=learner_id,
        kind=ProposalKind.TASK.value,
        goal_id=goal.id,
        text="Make a poster of the words I keep forgetting",
        status=ProposalStatus.CLOSED_LOCKED.value,
        created_at=asked,
        updated_at=locked,
    )
    session.add(closed)
    session.flush()
    session.add_all(
        (
            _change(plan, learner_id, asked, "proposal.create", closed.id, {"task": closed.text}),
            _change(
                plan,
                mentor_id,
                locked,
                "proposal.close_on_lock",
                closed.id,
                {"proposal": closed.text},
            ),
        )
    )
    session.flush()


def _review_prep(session: Session, site_id: int, learner_id: int, today: date) -> None:
    review = session.exec(
        select(Review)
        .where(Review.learner_id == learner_id, Review.status == "scheduled")
        .order_by(Review.starts_at)
    ).first()
    if review is None:
        return
    review.confidence_about, review.plan_to = (
        "the oral presentation in Norwegian",
        ("present to the whole class this term"),
    )
    session.add(review)
    questions = [
        text
        for situation, kind, text in coaching_defaults(session, site_id)
        if situation is Situation.PREPARE_REVIEW and kind is PromptKind.PROMPT
    ]
    parent_id = session.exec(
        select(Guardianship.parent_id).where(Guardianship.learner_id == learner_id)
    ).first()
    at = _at(today - timedelta(days=1), 18)
    rows = [
        (learner_id, "prep", questions[0], "I read a whole book in Spanish, slowly but all of it."),
        (learner_id, "prep", questions[1], "Speaking in front of people: I want to get braver."),
        (learner_id, "confidence", review.confidence_about, "2"),
        (learner_id, "intention", review.plan_to, "yes"),
    ]
    if parent_id:
        rows.append(
            (parent_id, "prep", questions[2], "A quiet corner at home to practise out loud.")
        )
    session.add_all(
        ReviewAnswer(
            review_id=review.id,
            author_id=author,
            kind=kind,
            question=question,
            answer=answer,
            updated_at=at,
        )
        for author, kind, question, answer in rows
    )
    session.flush()
