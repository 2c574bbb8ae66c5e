"""Erasing a learner on request: anonymise (keep the plans' shape for statistics) or erase (delete all).

Anonymise keeps the account row, its plans, focus areas from the school's catalogue, goals,
tasks, ratings, statuses and dates, so the school's figures still add up, but removes every
personal datum: names, email, pronouns, password, roster key, every text written by or about
the learner (replaced by "[erased]"), the context items, the links to parents and mentors,
notifications, sessions and failed sign-ins, and any record that ties the plans to a family
member (their log posts, comments, acknowledgements).

Erase deletes the account and everything about it: plans with all their content, reviews,
context, links, notifications, sessions.

In both modes the audit trail and import reports are kept but scrubbed: every mention of the
learner's names, email or roster key is replaced, and the addresses the learner signed in from
are cleared. Everything happens in one transaction, audited with the administrator's and the
learner's ids only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from ilp_app.db.models import (
    AuditEvent,
    AuthSession,
    Enrollment,
    FocusAreaOption,
    Goal,
    GoalRating,
    Guardianship,
    ImportRun,
    LearnerContextItem,
    LoginAttempt,
    MentorAssignment,
    Notification,
    Plan,
    PlanAcknowledgement,
    PlanChange,
    PlanFocusArea,
    PlanLogEntry,
    PlanNote,
    Proposal,
    Reflection,
    Review,
    ReviewAnswer,
    ReviewComment,
    RoleGrant,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import ids_in_text, parse_id
from ilp_app.domain.permissions import Action, Actor, LearnerRef
from ilp_app.domain.roles import Role
from ilp_app.services.access.actors import user_roles
from ilp_app.services.access.auth import email_key
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence.evidence import evidence_purge
from ilp_app.services.guard import authorize
from ilp_app.services.outbox import learner_changed
from ilp_app.services.privacy.retention import plans_delete

ERASED = "[erased]"
STAFF_ROLES = frozenset({Role.ADMINISTRATOR.value, Role.MENTOR.value, Role.TEACHER.value})

MSG_MODE = "Choose whether to anonymise or to erase the learner."
MSG_LEARNER_NOT_FOUND = "That learner does not exist."
MSG_NOT_A_LEARNER = "Only a learner's account can be erased or anonymised."
MSG_OTHER_ROLES = (
    "This account also has a staff or parent role. Remove those roles first, "
    "then erase or anonymise the learner."
)
MSG_ALREADY_ANONYMISED = "This learner has already been anonymised."
MSG_CONFIRM = "Type the learner's full name exactly as shown to confirm."


class ErasureMode(StrEnum):
    ANONYMISE = "anonymise"
    ERASE = "erase"


@dataclass(frozen=True)
class ErasureResult:
    learner_id: int
    mode: str
    plans: int  # plans anonymised or deleted
    linked_user_ids: frozenset[
        int
    ]  # the mentors and parents linked before: their homes list the learner
    group_ids: frozenset[int] = (
        frozenset()
    )  # the groups they were a learner in: their boards list the learner
    teacher_ids: frozenset[int] = (
        frozenset()
    )  # who teaches those groups: their homes list the learner


def erased_name(learner_id: int) -> str:
    """The name an anonymised learner keeps: no personal datum, still unique in lists."""
    return f"Erased learner #{learner_id}"


def erased_email(learner_id: int) -> str:
    """A unique address that can never be delivered (``.invalid`` is reserved, RFC 2606)."""
    return f"erased-learner-{learner_id}@erased.invalid"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- scrubbing mentions in records that are kept -------------------------------------------------


def _needles(learner: User) -> list[str]:
    """What identifies the learner in free text, longest first (a full name before its first name)."""
    found = {
        v.strip()
        for v in (learner.full_name, learner.preferred_name, learner.email, learner.source_id or "")
    }
    return sorted((v for v in found if v), key=len, reverse=True)


def _replace(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
    return text


def _walk(value: object, needles: list[str]) -> object:
    if isinstance(value, str):
        return _replace(value, needles)
    if isinstance(value, list):
        return [_walk(v, needles) for v in value]
    if isinstance(value, dict):
        return {_replace(str(k), needles): _walk(v, needles) for k, v in value.items()}
    return value


def scrub_text(text: str, needles: list[str]) -> str:
    """``text`` with every mention replaced; JSON stays JSON (escaped mentions included)."""
    try:
        data = json.loads(text)
    except ValueError:
        return _replace(text, needles)
    if isinstance(data, dict | list | str):
        return json.dumps(_walk(data, needles), ensure_ascii=False, sort_keys=True)
    return _replace(text, needles)


def _mentions(column, needles: list[str]):
    """A filter for rows whose ``column`` may mention a needle (exact check happens in Python)."""
    terms = []
    for needle in needles:
        variants = {
            needle,
            needle.lower(),
            json.dumps(needle)[1:-1],
            json.dumps(needle.lower())[1:-1],
        }
        terms.extend(column.contains(v, autoescape=True) for v in variants)
        terms.append(sa.func.lower(column).contains(needle.lower(), autoescape=True))
    return sa.or_(*terms)


def _scrub_rows(session: Session, model, columns: list[str], needles: list[str]) -> None:
    table_columns = [getattr(model, c) for c in columns]
    rows = session.exec(
        select(model).where(sa.or_(*(_mentions(c, needles) for c in table_columns)))
    ).all()
    for row in rows:
        for name in columns:
            value = getattr(row, name)
            if value:
                setattr(row, name, scrub_text(value, needles)[: _length(model, name)])
        session.add(row)


def _length(model, column: str) -> int | None:
    return getattr(model.__table__.c[column].type, "length", None)


def _scrub_kept_records(session: Session, learner: User) -> None:
    needles = _needles(learner)
    _scrub_rows(session, AuditEvent, ["target_id", "detail"], needles)
    _scrub_rows(session, ImportRun, ["filename", "summary", "report"], needles)
    session.exec(
        sa.update(AuditEvent).where(AuditEvent.actor_user_id == learner.id).values(client_ip="")
    )
    session.exec(sa.delete(LoginAttempt).where(LoginAttempt.email_key == email_key(learner.email)))
    session.exec(sa.delete(AuthSession).where(AuthSession.user_id == learner.id))


# --- the two modes -------------------------------------------------------------------------------


def _family_ids(
    session: Session, learner_id: int, plan_ids: list[int], review_ids: list[int]
) -> set[int]:
    """People tied to the learner who are not staff: parents now or before, and who wrote as family."""
    ids = set(
        session.exec(
            select(Guardianship.parent_id).where(Guardianship.learner_id == learner_id)
        ).all()
    )
    if plan_ids:
        ids.update(
            session.exec(
                select(PlanLogEntry.author_id).where(PlanLogEntry.plan_id.in_(plan_ids))
            ).all()
        )
        ids.update(
            session.exec(
                select(PlanAcknowledgement.user_id).where(PlanAcknowledgement.plan_id.in_(plan_ids))
            ).all()
        )
    if review_ids:
        ids.update(
            session.exec(
                select(ReviewComment.author_id).where(ReviewComment.review_id.in_(review_ids))
            ).all()
        )
    ids.discard(learner_id)
    if not ids:
        return set()
    staff = set(
        session.exec(
            select(RoleGrant.user_id).where(
                RoleGrant.user_id.in_(ids), RoleGrant.role.in_(STAFF_ROLES)
            )
        ).all()
    )
    return ids - staff


def _anonymise_plans(
    session: Session, learner: User, plan_ids: list[int], family: set[int]
) -> None:
    if not plan_ids:
        return
    in_plans = lambda model: model.plan_id.in_(plan_ids)  # noqa: E731
    catalogue = select(FocusAreaOption.name).where(FocusAreaOption.site_id == learner.site_id)
    session.exec(
        sa.update(PlanFocusArea)
        .where(in_plans(PlanFocusArea), PlanFocusArea.name.not_in(catalogue))
        .values(name=ERASED)
    )
    session.exec(
        sa.update(Goal).where(in_plans(Goal)).values(statement=ERASED, success_criteria="")
    )
    session.exec(sa.update(Task).where(in_plans(Task)).values(title=ERASED, carry_reason=""))
    session.exec(sa.delete(TaskLink).where(in_plans(TaskLink)))
    # Photos, recordings, links and the showcase are the learner's own: none is kept.
    evidence_purge(session, plan_ids)
    session.exec(sa.update(Reflection).where(in_plans(Reflection)).values(body=ERASED))
    session.exec(
        sa.update(Proposal)
        .where(in_plans(Proposal))
        .values(text=ERASED, success_criteria="", decline_reason="")
    )
    session.exec(
        sa.update(GoalRating).where(in_plans(GoalRating)).values(how_got_here="", next_step="")
    )
    session.exec(sa.update(PlanNote).where(in_plans(PlanNote)).values(body=ERASED))
    session.exec(sa.update(PlanChange).where(in_plans(PlanChange)).values(before="", after=""))
    session.exec(sa.delete(Notification).where(Notification.plan_id.in_(plan_ids)))
    if family:
        session.exec(
            sa.delete(PlanLogEntry).where(
                in_plans(PlanLogEntry), PlanLogEntry.author_id.in_(family)
            )
        )
        session.exec(
            sa.delete(PlanAcknowledgement).where(
                in_plans(PlanAcknowledgement), PlanAcknowledgement.user_id.in_(family)
            )
        )
        session.exec(
            sa.update(PlanChange)
            .where(in_plans(PlanChange), PlanChange.actor_id.in_(family))
            .values(actor_id=None)
        )
        session.exec(
            sa.update(Task)
            .where(in_plans(Task), Task.status_changed_by_id.in_(family))
            .values(status_changed_by_id=None)
        )
    session.exec(sa.update(PlanLogEntry).where(in_plans(PlanLogEntry)).values(body=ERASED))


def _anonymise_reviews(session: Session, review_ids: list[int], family: set[int]) -> None:
    if not review_ids:
        return
    if family:
        session.exec(
            sa.delete(ReviewComment).where(
                ReviewComment.review_id.in_(review_ids), ReviewComment.author_id.in_(family)
            )
        )
    session.exec(
        sa.update(ReviewComment).where(ReviewComment.review_id.in_(review_ids)).values(body=ERASED)
    )
    session.exec(sa.delete(ReviewAnswer).where(ReviewAnswer.review_id.in_(review_ids)))
    for review in session.exec(select(Review).where(Review.id.in_(review_ids))).all():
        review.summary = ERASED if review.summary else ""
        review.decisions = ERASED if review.decisions else ""
        review.new_targets = ERASED if review.new_targets else ""
        review.location = ""
        review.online_url = ""
        review.confidence_about = review.plan_to = ""
        review.attendee_ids = ",".join(
            str(uid) for uid in ids_in_text(review.attendee_ids) if uid not in family
        )
        session.add(review)


def _anonymise(
    session: Session, learner: User, plan_ids: list[int], review_ids: list[int], now: datetime
) -> None:
    family = _family_ids(session, learner.id, plan_ids, review_ids)
    _anonymise_plans(session, learner, plan_ids, family)
    _anonymise_reviews(session, review_ids, family)
    _scrub_kept_records(session, learner)  # before the names below are overwritten
    lid = learner.id
    session.exec(sa.delete(Notification).where(Notification.user_id == lid))
    session.exec(sa.delete(LearnerContextItem).where(LearnerContextItem.learner_id == lid))
    session.exec(sa.delete(Guardianship).where(Guardianship.learner_id == lid))
    session.exec(sa.delete(MentorAssignment).where(MentorAssignment.learner_id == lid))
    # The enrollments stay (the groups' figures add up), not their roster keys: those often hold the learner's.
    session.exec(sa.update(Enrollment).where(Enrollment.user_id == lid).values(source_id=None))
    learner.full_name = erased_name(lid)
    learner.preferred_name = ""
    learner.pronouns = ""
    learner.email = erased_email(lid)
    learner.password_hash = None
    learner.must_change_password = False
    learner.password_changed_at = None
    learner.source_id = None
    learner.source_modified_at = None
    learner.is_active = False
    learner.erased_at = now
    learner.updated_at = now
    session.add(learner)


def _release_references(session: Session, user_id: int) -> None:
    """Clear every optional reference to the account (who last changed a task, who made a plan...)."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if column.nullable and any(
                fk.target_fullname == "user.id" for fk in column.foreign_keys
            ):
                session.exec(sa.update(table).where(column == user_id).values({column.name: None}))


def _erase(session: Session, learner: User, plan_ids: list[int], review_ids: list[int]) -> None:
    lid = learner.id
    _scrub_kept_records(session, learner)
    session.exec(
        sa.delete(Notification).where(
            sa.or_(Notification.user_id == lid, Notification.plan_id.in_(plan_ids or [-1]))
        )
    )
    if review_ids:
        session.exec(sa.delete(ReviewComment).where(ReviewComment.review_id.in_(review_ids)))
        session.exec(sa.delete(ReviewAnswer).where(ReviewAnswer.review_id.in_(review_ids)))
        session.exec(sa.delete(Review).where(Review.id.in_(review_ids)))
    plans_delete(session, plan_ids)
    for model, column in (
        (LearnerContextItem, LearnerContextItem.learner_id),
        (Guardianship, Guardianship.learner_id),
        (MentorAssignment, MentorAssignment.learner_id),
        (Enrollment, Enrollment.user_id),
        (RoleGrant, RoleGrant.user_id),
    ):
        session.exec(sa.delete(model).where(column == lid))
    _release_references(session, lid)
    session.delete(learner)


def learner_erase(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    mode: object,
    client_ip: str = "",
    confirm_name: object = None,
    now: datetime | None = None,
) -> ErasureResult:
    """Anonymise or erase a learner, in the caller's transaction; audited without any name.

    Args:
        mode: "anonymise" or "erase" (see the module docstring).
        confirm_name: when given (the administration page always does), it must be the learner's
            full name, so a slip of the mouse cannot erase the wrong person.

    Raises:
        NotSignedIn, PermissionDenied: not an administrator, or their own account (audited).
        NotFound: no such learner at the administrator's school.
        ValidationFailed: unknown mode, not (only) a learner, already anonymised, or a wrong name.
    """
    if actor is None:
        authorize(actor, Action.LEARNER_ERASE, None, client_ip=client_ip)
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.LEARNER_ERASE, LearnerRef(lid), client_ip=client_ip)
    try:
        wanted = ErasureMode(mode) if isinstance(mode, str) else None
    except ValueError:
        wanted = None
    if wanted is None:
        raise ValidationFailed(MSG_MODE)
    learner = session.get(User, lid, with_for_update=True)
    if learner is None or learner.site_id != actor.site_id:
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    roles = {r.value for r in user_roles(session=session, user_id=lid)}
    if Role.LEARNER.value not in roles:
        raise ValidationFailed(MSG_NOT_A_LEARNER)
    if roles != {Role.LEARNER.value}:
        raise ValidationFailed(MSG_OTHER_ROLES)
    if wanted is ErasureMode.ANONYMISE and learner.erased_at is not None:
        raise ValidationFailed(MSG_ALREADY_ANONYMISED)
    if confirm_name is not None and (
        not isinstance(confirm_name, str) or _normal(confirm_name) != _normal(learner.full_name)
    ):
        raise ValidationFailed(MSG_CONFIRM)

    mentors = session.exec(
        select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == lid)
    ).all()
    parents = session.exec(
        select(Guardianship.parent_id).where(Guardianship.learner_id == lid)
    ).all()
    linked = frozenset([*mentors, *parents])
    groups = frozenset(
        session.exec(
            select(Enrollment.group_id).where(
                Enrollment.user_id == lid, Enrollment.role == "learner"
            )
        ).all()
    )
    teachers = frozenset(
        session.exec(
            select(Enrollment.user_id).where(
                Enrollment.group_id.in_(sorted(groups) or [-1]), Enrollment.role == "teacher"
            )
        ).all()
    )
    plan_ids = list(session.exec(select(Plan.id).where(Plan.learner_id == lid)).all())
    review_ids = list(session.exec(select(Review.id).where(Review.learner_id == lid)).all())
    if wanted is ErasureMode.ANONYMISE:
        _anonymise(session, learner, plan_ids, review_ids, now or datetime.now(UTC))
    else:
        _erase(session, learner, plan_ids, review_ids)
    learner_changed(session, lid)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=f"learner.{wanted.value}",
        target_type="learner",
        target_id=lid,
        detail={"plans": len(plan_ids)},
        client_ip=client_ip,
    )
    session.flush()
    return ErasureResult(
        learner_id=lid,
        mode=wanted.value,
        plans=len(plan_ids),
        linked_user_ids=linked,
        group_ids=groups,
        teacher_ids=teachers,
    )


# --- finding a learner on the data-protection page ---------------------------------------------


@dataclass(frozen=True)
class LearnerMatch:
    id: int
    full_name: str
    email: str
    status: str  # "Active", "Disabled" or "Anonymised"
    erased: bool


MAX_QUERY = 100
MATCH_LIMIT = 25


def learners_find(
    *, session: Session, actor: Actor | None, query: object, client_ip: str = ""
) -> list[LearnerMatch]:
    """Learners of the administrator's school whose name or email contains ``query`` (at most 25)."""
    authorize(actor, Action.USER_LIST, client_ip=client_ip)
    if not isinstance(query, str) or len(query) > MAX_QUERY:
        raise ValidationFailed("The search text is too long.")
    typed = query.strip()
    if not typed:
        return []
    learners = select(RoleGrant.user_id).where(RoleGrant.role == Role.LEARNER.value)
    # As typed, and lower-cased: SQLite's lower() leaves letters such as "Ł" as they are.
    matches = [
        term
        for c in (User.full_name, User.preferred_name, User.email)
        for term in (
            c.contains(typed, autoescape=True),
            sa.func.lower(c).contains(typed.lower(), autoescape=True),
        )
    ]
    rows = session.exec(
        select(User)
        .where(User.site_id == actor.site_id, User.id.in_(learners), sa.or_(*matches))
        .order_by(sa.func.lower(User.full_name), User.id)
        .limit(MATCH_LIMIT)
    ).all()
    return [
        LearnerMatch(
            id=u.id,
            full_name=u.full_name,
            email=u.email,
            erased=u.erased_at is not None,
            status="Anonymised" if u.erased_at else ("Active" if u.is_active else "Disabled"),
        )
        for u in rows
    ]
