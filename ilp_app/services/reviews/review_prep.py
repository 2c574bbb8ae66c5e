"""Preparing a review: the family answers a few of the school's questions, and the learner says
how confident they are about something and whether they plan to do it.

The mentor sees every answer beside the plan, and where confidence and intention pull apart
(low confidence, yet planning to go on) as a prompt for the conversation. A parent sees only
their own answers, and the learner only theirs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import Review, ReviewAnswer, User
from ilp_app.domain.coaching import (
    MAX_ANSWER,
    MAX_CHECK_TOPIC,
    PREP_QUESTIONS,
    Intention,
    Situation,
    check_disagreement,
    parse_confidence,
    parse_intention,
)
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import form_mapping, parse_text
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.i18n import N_
from ilp_app.services.outbox import learner_changed
from ilp_app.services.reviews.review_model import (
    MSG_ALREADY_HELD,
    ReviewStatus,
    now_or_utc,
    review_load,
)
from ilp_app.services.reviews.review_prep_model import PrepAnswerView, ReviewPrep
from ilp_app.services.school.coaching import coaching_for_site

MSG_NO_CHECK = N_("This review does not ask about confidence and plans.")
MSG_NOTHING_ANSWERED = N_("Answer at least one question.")
MSG_BOTH_OR_NEITHER = N_("Ask both questions, or neither: they are compared.")
CONFIDENCE, INTENTION, PREP = "confidence", "intention", "prep"


def _open(review: Review, now: datetime) -> None:
    if review.status != ReviewStatus.SCHEDULED.value or review.starts_at <= now:
        raise ValidationFailed(MSG_ALREADY_HELD)


def _upsert(session: Session, review: Review, author_id: int, kind: str, question: str, answer):
    row = session.exec(
        select(ReviewAnswer).where(
            ReviewAnswer.review_id == review.id,
            ReviewAnswer.author_id == author_id,
            ReviewAnswer.kind == kind,
            ReviewAnswer.question == question,
        )
    ).first()
    if row is None:
        row = ReviewAnswer(review_id=review.id, author_id=author_id, kind=kind, question=question)
    row.answer, row.updated_at = answer, datetime.now(UTC)
    session.add(row)


def _questions(session: Session, site_id: int) -> list[str]:
    library = coaching_for_site(session, site_id)
    return library.prompts[Situation.PREPARE_REVIEW.value][:PREP_QUESTIONS]


def review_prepare(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    answers: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> int:
    """The learner or a parent answers the school's questions before the meeting.

    ``answers`` maps "answer-<n>" to the answer to the n-th question as the page showed them;
    an empty answer removes nothing and is skipped. Returns how many answers were saved.
    """
    review = review_load(
        session, actor, review_id, Action.REVIEW_PREPARE, client_ip, for_update=True
    )
    _open(review, now_or_utc(now))
    given = form_mapping(answers)
    questions = _questions(session, review.site_id)
    saved = 0
    for n, question in enumerate(questions):
        text = parse_text(
            given.get(f"answer-{n}", ""), field="Answer", max_length=MAX_ANSWER, required=False
        )
        if text:
            _upsert(session, review, actor.user_id, PREP, question, text)
            saved += 1
    if not saved:
        raise ValidationFailed(MSG_NOTHING_ANSWERED)
    learner_changed(session, review.learner_id)
    return saved


def review_check_set(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    confidence_about: object,
    plan_to: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """The mentor sets what the review asks: "How confident are you about …?" and "Do you plan
    to …?" (both empty: it asks neither)."""
    review = review_load(
        session, actor, review_id, Action.REVIEW_SCHEDULE, client_ip, for_update=True
    )
    _open(review, now_or_utc(now))
    about = parse_text(
        confidence_about, field="Confident about", max_length=MAX_CHECK_TOPIC, required=False
    )
    plan = parse_text(plan_to, field="Plan to", max_length=MAX_CHECK_TOPIC, required=False)
    if bool(about) != bool(plan):
        raise ValidationFailed(MSG_BOTH_OR_NEITHER)
    review.confidence_about, review.plan_to = about, plan
    session.add(review)
    learner_changed(session, review.learner_id)


def review_check_answer(
    *,
    session: Session,
    actor: Actor | None,
    review_id: object,
    confidence: object,
    intention: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> None:
    """The learner says how confident they are (1–5) and whether they plan to (yes / not sure / no)."""
    review = review_load(session, actor, review_id, Action.REVIEW_CHECK, client_ip, for_update=True)
    _open(review, now_or_utc(now))
    if not review.confidence_about:
        raise ValidationFailed(MSG_NO_CHECK)
    score = parse_confidence(confidence)
    plan = parse_intention(intention)
    _upsert(session, review, actor.user_id, CONFIDENCE, review.confidence_about, str(score))
    _upsert(session, review, actor.user_id, INTENTION, review.plan_to, plan.value)
    learner_changed(session, review.learner_id)


def review_preps(
    session: Session, actor: Actor, learner_id: int, reviews: list[Review], now: datetime
) -> dict[int, ReviewPrep]:
    """Each review's preparation for ``actor`` (who may already view the learner's reviews)."""
    ref = LearnerRef(learner_id)
    may_prepare = can(actor, Action.REVIEW_PREPARE, ref)
    may_check = can(actor, Action.REVIEW_CHECK, ref)
    may_set = can(actor, Action.REVIEW_SCHEDULE, ref)
    sees_all = can(actor, Action.REVIEW_PREP_VIEW, ref)
    rows: dict[int, list[ReviewAnswer]] = defaultdict(list)
    if reviews:
        for row in session.exec(
            select(ReviewAnswer)
            .where(ReviewAnswer.review_id.in_([r.id for r in reviews]))
            .order_by(ReviewAnswer.id)
        ).all():
            if sees_all or row.author_id == actor.user_id:
                rows[row.review_id].append(row)
    authors = {row.author_id for rs in rows.values() for row in rs}
    names = {
        u.id: u.display_name
        for u in session.exec(select(User).where(User.id.in_(list(authors) or [-1]))).all()
    }
    questions = _questions(session, actor.site_id) if may_prepare else []
    preps = {}
    for r in reviews:
        ahead = r.status == ReviewStatus.SCHEDULED.value and r.starts_at > now
        own = {
            row.question: row.answer
            for row in rows[r.id]
            if row.kind == PREP and row.author_id == actor.user_id
        }
        # The learner's answers to the questions this review asks now.
        asked = {CONFIDENCE: r.confidence_about, INTENTION: r.plan_to}
        learner_rows = {
            row.kind: row
            for row in rows[r.id]
            if row.author_id == learner_id and asked.get(row.kind) == row.question
        }
        confidence = learner_rows.get(CONFIDENCE)
        intention = learner_rows.get(INTENTION)
        prep = ReviewPrep(
            questions=questions if ahead else [],
            mine=[own.get(q, "") for q in questions] if ahead else [],
            answers=[
                PrepAnswerView(
                    author=names.get(row.author_id, ""), question=row.question, answer=row.answer
                )
                for row in rows[r.id]
                if row.kind == PREP
            ],
            confidence_about=r.confidence_about,
            plan_to=r.plan_to,
            can_check=may_check and ahead and bool(r.confidence_about),
            can_set_check=may_set and ahead,
        )
        if confidence is not None and intention is not None:
            prep.confidence = int(confidence.answer)
            prep.intention = intention.answer
            prep.intention_label = Intention(intention.answer).label
            if sees_all:
                prep.disagreement = check_disagreement(prep.confidence, prep.intention)
        preps[r.id] = prep
    return preps
