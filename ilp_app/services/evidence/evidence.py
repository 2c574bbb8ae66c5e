"""Evidence of learning: attach, approve, remove and download (reading it: ``evidence_read``).

Every call loads the plan on the server and asks the permissions module; an id from the browser
only selects. Nothing about evidence goes into the plan's history (families read it); the audit
trail records each change.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import (
    Evidence,
    Goal,
    Guardianship,
    MentorAssignment,
    Showcase,
    ShowcaseItem,
    Task,
    User,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.evidence import (
    MAX_EVIDENCE_PER_PLAN,
    MAX_EVIDENCE_TITLE,
    MEDIA_EXTENSIONS,
    MSG_CHOOSE_GOAL,
    MSG_EVIDENCE_NOT_FOUND,
    MSG_TOO_MANY,
    PDF,
    SERVED_MEDIA_TYPES,
    EvidenceKind,
    check_pdf,
    check_size,
    sniff,
)
from ilp_app.domain.parsing import parse_id, parse_text
from ilp_app.domain.permissions import Action, Actor
from ilp_app.domain.plans import clean_url
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence import storage
from ilp_app.services.evidence.audio import audio_check
from ilp_app.services.evidence.evidence_read import evidence_ref
from ilp_app.services.evidence.images import photo_clean
from ilp_app.services.guard import authorize
from ilp_app.services.plans.notifications import notify_users
from ilp_app.services.plans.plan_access import PlanContext, plan_load, plan_touch

#: The notifications' kind: a piece waiting for approval (to mentors), or approved (to family).
NOTIFY_KIND = "evidence"


def _target(session: Session, ctx: PlanContext, target: object) -> tuple[int, int | None]:
    """(goal id, task id or None) from "g12" / "t34", both of this plan."""
    if not isinstance(target, str) or len(target) < 2 or target[0] not in "gt":
        raise ValidationFailed(MSG_CHOOSE_GOAL)
    rid = parse_id(target[1:], what="goal")
    if target[0] == "g":
        goal = session.get(Goal, rid)
        if goal is None or goal.plan_id != ctx.plan.id:
            raise ValidationFailed(MSG_CHOOSE_GOAL)
        return goal.id, None
    task = session.get(Task, rid)
    if task is None or task.plan_id != ctx.plan.id:
        raise ValidationFailed(MSG_CHOOSE_GOAL)
    return task.goal_id, task.id


def _room(session: Session, plan_id: int) -> None:
    held = session.exec(
        select(sa.func.count()).select_from(Evidence).where(Evidence.plan_id == plan_id)
    ).one()
    if held >= MAX_EVIDENCE_PER_PLAN:
        raise ValidationFailed(MSG_TOO_MANY)


def used_bytes(session: Session, owner_id: int) -> int:
    """What one person's evidence files take in all."""
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(Evidence.size_bytes), 0)).where(
            Evidence.owner_id == owner_id
        )
    ).one()
    return int(total or 0)


def _display_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else ""


def _tell(session: Session, ctx: PlanContext, recipients: set[int], text: str) -> None:
    """A notification about this plan for ``recipients`` (never the person acting)."""
    notify_users(
        session,
        recipients=recipients - {ctx.actor.user_id},
        plan=ctx.plan,
        kind=NOTIFY_KIND,
        text=text,
        now=datetime.now(UTC),
    )


def _add(session: Session, ctx: PlanContext, row: Evidence) -> int:
    session.add(row)
    session.flush()
    plan_touch(session, ctx)
    if ctx.actor.user_id == ctx.plan.learner_id:
        # The mentor approves what the family will see: tell them something is waiting.
        mentors = set(
            session.exec(
                select(MentorAssignment.mentor_id).where(
                    MentorAssignment.learner_id == ctx.plan.learner_id
                )
            ).all()
        )
        learner = _display_name(session, ctx.plan.learner_id)
        _tell(session, ctx, mentors, f"{learner} added evidence to approve: “{row.title}”")
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action="evidence.add",
        target_type="evidence",
        target_id=row.id,
        detail={"plan": ctx.plan.id, "kind": row.kind},
    )
    return row.id


def evidence_add_file(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    target: object,
    title: object,
    data: object,
    client_ip: str = "",
) -> int:
    """Attach a photo, PDF or audio clip to a goal or task of an active plan.

    The file is recognised by its content; a photo is re-encoded without its metadata. It
    counts against the plan owner's quota.

    Raises:
        PermissionDenied: not the learner or their mentor, or the plan is not active.
        ValidationFailed: no goal chosen, an empty or long title, an unknown or forged file,
            too large, over the quota.
    """
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.EVIDENCE_ADD,
        client_ip=client_ip,
        for_update=True,
    )
    goal_id, task_id = _target(session, ctx, target)
    clean_title = parse_text(title, field="Title", max_length=MAX_EVIDENCE_TITLE)
    if not isinstance(data, bytes):
        raise ValidationFailed("Choose a file to add.")
    owner = ctx.plan.learner_id
    check_size(len(data), used=used_bytes(session, owner))
    kind = sniff(data)
    if kind.kind is EvidenceKind.PHOTO:
        data, kind = photo_clean(data)
        check_size(len(data), used=used_bytes(session, owner))
    elif kind is PDF:
        check_pdf(data)
    elif kind.kind is EvidenceKind.AUDIO:
        audio_check(data, kind)
    _room(session, ctx.plan.id)
    name = storage.file_store(data)
    try:
        return _add(
            session,
            ctx,
            Evidence(
                plan_id=ctx.plan.id,
                goal_id=goal_id,
                task_id=task_id,
                owner_id=owner,
                kind=kind.kind.value,
                title=clean_title,
                storage_name=name,
                media_type=kind.media_type,
                size_bytes=len(data),
                added_by_id=ctx.actor.user_id,
            ),
        )
    except Exception:
        storage.file_delete(name)
        raise


def evidence_add_link(
    *,
    session: Session,
    actor: Actor | None,
    plan_id: object,
    target: object,
    title: object,
    url: object,
    client_ip: str = "",
) -> int:
    """Attach a link (http or https only) to a goal or task of an active plan."""
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=plan_id,
        action=Action.EVIDENCE_ADD,
        client_ip=client_ip,
    )
    goal_id, task_id = _target(session, ctx, target)
    clean_title = parse_text(title, field="Title", max_length=MAX_EVIDENCE_TITLE)
    address = clean_url(url)
    _room(session, ctx.plan.id)
    return _add(
        session,
        ctx,
        Evidence(
            plan_id=ctx.plan.id,
            goal_id=goal_id,
            task_id=task_id,
            owner_id=ctx.plan.learner_id,
            kind=EvidenceKind.LINK.value,
            title=clean_title,
            url=address,
            added_by_id=ctx.actor.user_id,
        ),
    )


def _piece(
    session: Session, actor: Actor | None, evidence_id: object, action: Action, client_ip: str
) -> tuple[Evidence, PlanContext]:
    """The piece and its plan, if ``actor`` may see it and do ``action`` on it (refusals audited)."""
    if actor is None:
        authorize(actor, action, None, client_ip=client_ip)
    row = session.get(Evidence, parse_id(evidence_id, what="evidence"))
    if row is None:
        raise NotFound(MSG_EVIDENCE_NOT_FOUND)
    ctx = plan_load(
        session=session,
        actor=actor,
        plan_id=row.plan_id,
        action=Action.PLAN_VIEW,
        client_ip=client_ip,
    )
    ref = evidence_ref(ctx.plan, row)
    authorize(actor, Action.EVIDENCE_VIEW, ref, client_ip=client_ip)
    authorize(actor, action, ref, client_ip=client_ip)
    return row, ctx


def evidence_approve(
    *, session: Session, actor: Actor | None, evidence_id: object, client_ip: str = ""
) -> None:
    """The mentor shows the piece to the family."""
    row, ctx = _piece(session, actor, evidence_id, Action.EVIDENCE_APPROVE, client_ip)
    if row.approved_at is None:
        row.approved_at, row.approved_by_id = datetime.now(UTC), ctx.actor.user_id
        session.add(row)
        plan_touch(session, ctx)
        lid = ctx.plan.learner_id
        parents = session.exec(
            select(Guardianship.parent_id).where(Guardianship.learner_id == lid)
        ).all()
        who = _display_name(session, ctx.actor.user_id)
        _tell(session, ctx, {lid, *parents}, f"{who} approved evidence: “{row.title}”")
        audit_record(
            session=session,
            actor_user_id=ctx.actor.user_id,
            action="evidence.approve",
            target_type="evidence",
            target_id=row.id,
        )


def evidence_remove(
    *, session: Session, actor: Actor | None, evidence_id: object, client_ip: str = ""
) -> None:
    """Delete a piece (its adder, or the mentor), its file and its place in the showcase."""
    row, ctx = _piece(session, actor, evidence_id, Action.EVIDENCE_REMOVE, client_ip)
    session.exec(
        sa.delete(ShowcaseItem).where(
            ShowcaseItem.kind == "evidence", ShowcaseItem.ref_id == row.id
        )
    )
    name = row.storage_name
    session.delete(row)
    plan_touch(session, ctx)
    audit_record(
        session=session,
        actor_user_id=ctx.actor.user_id,
        action="evidence.remove",
        target_type="evidence",
        target_id=row.id,
    )
    session.flush()
    if name:
        storage.file_delete(name)


def evidence_file(
    *, session: Session, actor: Actor | None, evidence_id: object, client_ip: str = ""
) -> tuple[str, bytes, str]:
    """(file name, bytes, media type) of a piece, for someone who may see it.

    Raises:
        NotSignedIn, PermissionDenied: refused (audited); a parent and a pending piece included.
        NotFound: no such piece, a link (no file), or its file is gone.
    """
    row, _ = _piece(session, actor, evidence_id, Action.EVIDENCE_VIEW, client_ip)
    if not row.storage_name or row.media_type not in SERVED_MEDIA_TYPES:
        raise NotFound(MSG_EVIDENCE_NOT_FOUND)
    data = storage.file_read(row.storage_name)
    if data is None:
        raise NotFound(MSG_EVIDENCE_NOT_FOUND)
    return f"evidence-{row.id}.{MEDIA_EXTENSIONS[row.media_type]}", data, row.media_type


def evidence_purge(
    session: Session, plan_ids: list[int] | None = None, *, goal_ids: list[int] | None = None
) -> int:
    """Delete the evidence of these plans (with their showcases) or of these goals, files included.

    For erasure, retention and deleted goals: the rows would cascade, but the files on disk would
    stay behind. The files go at once (a rolled-back deletion loses a file rather than keeping
    personal data). Returns how many pieces went.
    """
    if plan_ids:
        where = Evidence.plan_id.in_(plan_ids)
    elif goal_ids:
        where = Evidence.goal_id.in_(goal_ids)
    else:
        return 0
    pieces = session.exec(select(Evidence.id, Evidence.storage_name).where(where)).all()
    if plan_ids:
        session.exec(sa.delete(Showcase).where(Showcase.plan_id.in_(plan_ids)))
    if pieces:
        session.exec(
            sa.delete(ShowcaseItem).where(
                ShowcaseItem.kind == "evidence", ShowcaseItem.ref_id.in_([i for i, _ in pieces])
            )
        )
    session.exec(sa.delete(Evidence).where(where))
    session.flush()
    for _, name in pieces:
        if name:
            storage.file_delete(name)
    return len(pieces)
