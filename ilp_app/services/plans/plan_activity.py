"""Working a plan: ticking tasks, reflecting, rating, the plan log and staff notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from ilp_app.db.models import Goal, GoalRating, PlanLogEntry, PlanNote, Reflection, Task, User
from ilp_app.domain.coaching import MAX_ANSWER, asks_how_far
from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.parsing import parse_rating, parse_text
from ilp_app.domain.permissions import Action, Actor, NoteRef
from ilp_app.domain.plans import (
    MAX_LOG_ENTRY,
    MAX_NOTE,
    MAX_REFLECTION,
    MSG_TASK_CHANGED,
    NoteVisibility,
    TaskStatus,
    next_task_status,
    parse_task_status,
    parse_visibility,
)
from ilp_app.i18n import N_
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.plans.handover import handover_visibility_check
from ilp_app.services.plans.history import history_record
from ilp_app.services.plans.notifications import Kind, notify_plan_event
from ilp_app.services.plans.plan_access import child_load, plan_load, plan_touch

MSG_NOT_ONE_TAP = N_("Only the last tap on a task can be undone.")
MSG_ANSWERS_ONLY_LOW = N_("These questions go with a self-assessment of 1 or 2.")


class TaskChangedElsewhere(ValidationFailed):
    """The task's status was changed by someone else between reading and ticking."""

    def __init__(self, current: TaskStatus):
        super().__init__(MSG_TASK_CHANGED)
        self.current = current


@dataclass(frozen=True)
class TickResult:
    task_id: int
    plan_id: int
    learner_id: int
    status: TaskStatus
    changed_by: str
    changed_at: datetime


def task_advance(
    *,
    session: Session,
    actor: Actor | None,
    task_id: object,
    expected_status: object,
    client_ip: str = "",
) -> TickResult:
    """Move a task to its next status, if it still has ``expected_status`` (what the person saw).

    The update is a single compare-and-set statement, so two taps at the same moment never both
    apply and no tick is lost, on SQLite and PostgreSQL alike.

    Raises:
        TaskChangedElsewhere: the task no longer had ``expected_status``; nothing was changed.
    """

    def statuses() -> tuple[TaskStatus, TaskStatus]:
        expected = parse_task_status(expected_status)
        return expected, next_task_status(expected)

    return _task_status_set(session, actor, task_id, statuses, client_ip=client_ip)


def task_undo(
    *,
    session: Session,
    actor: Actor | None,
    task_id: object,
    tapped_status: object,
    restore_status: object,
    client_ip: str = "",
) -> TickResult:
    """Take back one tap: the task returns from ``tapped_status`` to ``restore_status``.

    Only one tap can be taken back (``restore_status`` moves on to ``tapped_status``), and only
    while the task still has the status the tap gave it; the same rules as a tap apply.

    Raises:
        ValidationFailed: the two statuses are not one tap apart.
        TaskChangedElsewhere: the task has changed since; nothing was changed.
    """

    def statuses() -> tuple[TaskStatus, TaskStatus]:
        tapped, restore = parse_task_status(tapped_status), parse_task_status(restore_status)
        if next_task_status(restore) is not tapped:
            raise ValidationFailed(MSG_NOT_ONE_TAP)
        return tapped, restore

    return _task_status_set(session, actor, task_id, statuses, client_ip=client_ip)


def _task_status_set(
    session: Session,
    actor: Actor | None,
    task_id: object,
    statuses,
    *,
    client_ip: str,
) -> TickResult:
    """Set a task from one status to another, compare-and-set; ``statuses()`` parses the two
    from the event, after the person was authorised (a refusal is recorded whatever they sent)."""
    task, ctx = child_load(
        session=session,
        actor=actor,
        model=Task,
        child_id=task_id,
        action=Action.TASK_PROGRESS,
        client_ip=client_ip,
        what="task",
    )
    expected, new = statuses()
    now = datetime.now(UTC)
    result = session.exec(
        sa.update(Task)
        .where(Task.id == task.id, Task.status == expected.value)
        .values(status=new.value, status_changed_by_id=actor.user_id, status_changed_at=now)
    )
    if result.rowcount != 1:
        session.refresh(task)
        raise TaskChangedElsewhere(TaskStatus(task.status))
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="task.progress",
        entity="task",
        entity_id=task.id,
        before={"task": task.title, "status": expected.label},
        after={"task": task.title, "status": new.label},
    )
    if new is TaskStatus.COMPLETED and actor.is_learner(ctx.plan.learner_id):
        notify_plan_event(
            session, actor=actor, plan=ctx.plan, kind=Kind.TASK_COMPLETED, subject=task.title
        )
    elif not actor.is_learner(ctx.plan.learner_id):
        notify_plan_event(session, actor=actor, plan=ctx.plan, kind=Kind.PLAN_CHANGED)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="task.progress",
        target_type="task",
        target_id=task.id,
        detail={"from": expected.value, "to": new.value},
    )
    me = session.get(User, actor.user_id)
    return TickResult(
        task_id=task.id,
        plan_id=ctx.plan.id,
        learner_id=ctx.plan.learner_id,
        status=new,
        changed_by=me.display_name if me else "",
        changed_at=now,
    )


def reflection_add(
    *, session: Session, actor: Actor | None, goal_id: object, body: object, client_ip: str = ""
) -> int:
    """The learner writes a dated reflection on one of their goals."""
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.REFLECTION_WRITE,
        client_ip=client_ip,
        what="goal",
    )
    entry = Reflection(
        plan_id=ctx.plan.id,
        goal_id=goal.id,
        author_id=actor.user_id,
        body=parse_text(body, field="Reflection", max_length=MAX_REFLECTION),
    )
    session.add(entry)
    session.flush()
    plan_touch(session, ctx)
    notify_plan_event(
        session, actor=actor, plan=ctx.plan, kind=Kind.REFLECTION, subject=goal.statement
    )
    return entry.id


def rating_add(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: object,
    score: object,
    how_got_here: object = "",
    next_step: object = "",
    client_ip: str = "",
) -> str:
    """Rate a goal 1–5: a self-assessment from the learner, or the mentor's rating. Returns the kind.

    A learner who rates themselves low may say how they got there from zero and what their next
    small step is; the answers are kept with the rating.
    """
    if actor is None:
        authorize(actor, Action.RATING_SELF, None, client_ip=client_ip)
    goal, ctx = child_load(
        session=session,
        actor=actor,
        model=Goal,
        child_id=goal_id,
        action=Action.PLAN_VIEW,
        client_ip=client_ip,
        what="goal",
    )
    lid = ctx.plan.learner_id
    # On a staff plan the staff member rates themselves, and their supervisor rates as mentor.
    if actor.is_learner(lid) or (ctx.ref.staff and actor.is_self_staff(lid)):
        kind, action = "self", Action.RATING_SELF
    else:
        kind, action = "mentor", Action.RATING_MENTOR
    plan_load(session=session, actor=actor, plan_id=ctx.plan.id, action=action, client_ip=client_ip)
    value = parse_rating(score)
    answers = {
        "how_got_here": parse_text(
            how_got_here, field="How you got here", max_length=MAX_ANSWER, required=False
        ),
        "next_step": parse_text(
            next_step, field="Your next small step", max_length=MAX_ANSWER, required=False
        ),
    }
    if any(answers.values()) and not asks_how_far(kind, value):
        raise ValidationFailed(MSG_ANSWERS_ONLY_LOW)
    session.add(
        GoalRating(
            goal_id=goal.id,
            plan_id=ctx.plan.id,
            rater_id=actor.user_id,
            kind=kind,
            score=value,
            **answers,
        )
    )
    plan_touch(session, ctx)
    if kind == "mentor":
        notify_plan_event(session, actor=actor, plan=ctx.plan, kind=Kind.PLAN_CHANGED)
    return kind


def log_post(
    *, session: Session, actor: Actor | None, plan_id: object, body: object, client_ip: str = ""
) -> int:
    """Post in the plan's discussion thread."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.LOG_POST, client_ip=client_ip
    )
    entry = PlanLogEntry(
        plan_id=ctx.plan.id,
        author_id=actor.user_id,
        body=parse_text(body, field="Message", max_length=MAX_LOG_ENTRY),
    )
    session.add(entry)
    session.flush()
    plan_touch(session, ctx)
    notify_plan_event(session, actor=actor, plan=ctx.plan, kind=Kind.LOG_POST, subject=entry.body)
    return entry.id


def note_add(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    body: object,
    visibility: object = "",
    client_ip: str = "",
) -> int:
    """A staff note on the plan, visible to whom the author chooses (default: staff)."""
    ctx = plan_load(
        session=session, actor=actor, plan_id=plan_id, action=Action.NOTE_WRITE, client_ip=client_ip
    )
    vis = parse_visibility(visibility)
    note = PlanNote(
        plan_id=ctx.plan.id,
        author_id=actor.user_id,
        visibility=vis.value,
        body=parse_text(body, field="Note", max_length=MAX_NOTE),
    )
    session.add(note)
    session.flush()
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="note.create",
        entity="note",
        entity_id=note.id,
        after={"note": note.body, "visible to": vis.label},
        note_author_id=note.author_id,
        note_visibility=vis.value,
    )
    if vis is NoteVisibility.FAMILY and ctx.plan.status != "draft":
        notify_plan_event(session, actor=actor, plan=ctx.plan, kind=Kind.PLAN_CHANGED)
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="note.create",
        target_type="note",
        target_id=note.id,
        detail={"visibility": vis.value},
        client_ip=client_ip,
    )
    return note.id


def _rank(visibility: str) -> int:
    return [v.value for v in NoteVisibility].index(visibility)


def _own_note(
    session: Session, actor: Actor | None, note_id: object, client_ip: str
) -> tuple[PlanNote, object]:
    note, ctx = child_load(
        session=session,
        actor=actor,
        model=PlanNote,
        child_id=note_id,
        action=Action.NOTE_WRITE,
        client_ip=client_ip,
        what="note",
    )
    authorize(
        actor,
        Action.NOTE_EDIT,
        NoteRef(
            ctx.plan.learner_id,
            note.author_id,
            NoteVisibility(note.visibility),
            staff=ctx.ref.staff,
        ),
        client_ip=client_ip,
    )
    return note, ctx


def note_set_visibility(
    *,
    session: Session,
    actor: Actor | None,
    note_id: object,
    visibility: object,
    client_ip: str = "",
) -> None:
    """Change who may read a note; the change is audited with before and after."""
    note, ctx = _own_note(session, actor, note_id, client_ip)
    vis = parse_visibility(visibility)
    handover_visibility_check(note, vis)
    if vis.value == note.visibility:
        return
    before = note.visibility
    note.visibility = vis.value
    note.updated_at = datetime.now(UTC)
    session.add(note)
    plan_touch(session, ctx)
    # Recorded with the narrower of the two visibilities, so it never reveals more than the note did.
    narrower = before if _rank(before) < _rank(vis.value) else vis.value
    history_record(
        session,
        ctx,
        action="note.visibility",
        entity="note",
        entity_id=note.id,
        before={"visible to": NoteVisibility(before).label},
        after={"visible to": vis.label},
        note_author_id=note.author_id,
        note_visibility=narrower,
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="note.visibility",
        target_type="note",
        target_id=note.id,
        detail={"from": before, "to": vis.value},
        client_ip=client_ip,
    )


def note_delete(
    *, session: Session, actor: Actor | None, note_id: object, client_ip: str = ""
) -> None:
    note, ctx = _own_note(session, actor, note_id, client_ip)
    session.delete(note)
    plan_touch(session, ctx)
    history_record(
        session,
        ctx,
        action="note.delete",
        entity="note",
        entity_id=note.id,
        before={"note": note.body},
        note_author_id=note.author_id,
        note_visibility=note.visibility,
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="note.delete",
        target_type="note",
        target_id=note.id,
        client_ip=client_ip,
    )
