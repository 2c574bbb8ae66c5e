"""The demo school's learner voice: Åsa's proposals in each state, and the coaching library."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ilp_app.db.models import (
    CoachingPrompt,
    Goal,
    Plan,
    PlanChange,
    Proposal,
    Review,
    ReviewAnswer,
    Site,
    Task,
    User,
)
from ilp_app.domain.coaching import DEFAULT_LIBRARY
from ilp_app.seed import seed_demo
from ilp_app.services.plans import plan_read
from ilp_app.services.school.coaching import coaching_for_site
from tests.support.services import load_actors


@pytest.fixture
def seeded(session):
    assert seed_demo(session=session) is True
    session.commit()
    return session


def _asa(session) -> User:
    return session.exec(select(User).where(User.email == "learner@demo.school")).one()


def test_asa_has_one_pending_one_accepted_and_one_declined_proposal(seeded):
    asa = _asa(seeded)
    statuses = sorted(
        p.status
        for p in seeded.exec(
            select(Proposal)
            .join(Plan, Plan.id == Proposal.plan_id)
            .where(Proposal.author_id == asa.id, Plan.status == "active")
        ).all()
    )
    assert statuses == ["accepted", "declined", "pending"]


def test_asas_locked_plan_shows_a_proposal_closed_with_it_and_its_history(seeded):
    asa = _asa(seeded)
    closed = seeded.exec(
        select(Proposal).where(Proposal.author_id == asa.id, Proposal.status == "closed_locked")
    ).one()
    plan = seeded.get(Plan, closed.plan_id)
    assert plan.status == "locked"
    # Its goal was not carried forward, so nothing waits for it on the current plan.
    assert seeded.exec(select(Goal).where(Goal.carried_from_goal_id == closed.goal_id)).all() == []
    actions = [
        c.action
        for c in seeded.exec(select(PlanChange).where(PlanChange.entity_id == closed.id)).all()
        if c.plan_id == plan.id
    ]
    assert actions == ["proposal.create", "proposal.close_on_lock"]


def test_the_accepted_task_says_asa_added_it_and_she_sees_all_three(seeded):
    asa = _asa(seeded)
    task = seeded.exec(select(Task).where(Task.added_by_id == asa.id)).one()

    class People:  # the two people the view is read as, loaded as the server loads them
        people = {
            "asa": asa,
            "ingrid": seeded.exec(select(User).where(User.email == "mentor@demo.school")).one(),
        }

        def actor(self, session, name):
            from ilp_app.services.access.actors import actor_load

            return actor_load(session=session, user=self.people[name], active_role=None)

    actors = load_actors(seeded, People())
    proposal = seeded.exec(select(Proposal).where(Proposal.status == "accepted")).one()
    view = plan_read.plan_view(session=seeded, actor=actors["asa"], plan_id=proposal.plan_id)
    shown = [t for a in view.focus_areas for g in a.goals for t in g.tasks if t.id == task.id]
    assert shown[0].added_by == "Åsa"
    assert sorted(p.status_label for p in view.proposals) == ["Accepted", "Declined", "Proposed"]
    assert next(p for p in view.proposals if p.pending).can_edit
    mentor_view = plan_read.plan_view(
        session=seeded, actor=actors["ingrid"], plan_id=proposal.plan_id
    )
    assert next(p for p in mentor_view.proposals if p.pending).can_decide


def test_the_default_coaching_library_is_loaded(seeded):
    site = seeded.exec(select(Site)).one()
    rows = seeded.exec(select(CoachingPrompt).where(CoachingPrompt.site_id == site.id)).all()
    assert len(rows) == len(DEFAULT_LIBRARY)
    coaching = coaching_for_site(seeded, site.id)
    # Written in the demo school's language, Bokmål.
    assert site.default_language == "nb"
    assert "Neste gang skal jeg prøve…" in coaching.starters["reflect_goal"]
    assert len(coaching.prompts["rated_low"]) >= 2


def test_asas_next_review_is_prepared_and_shows_the_mentor_a_disagreement(seeded):
    asa = _asa(seeded)
    review = seeded.exec(
        select(Review).where(Review.learner_id == asa.id, Review.status == "scheduled")
    ).first()
    answers = seeded.exec(select(ReviewAnswer).where(ReviewAnswer.review_id == review.id)).all()
    assert {a.kind for a in answers} == {"prep", "confidence", "intention"}
    assert review.confidence_about and review.plan_to
