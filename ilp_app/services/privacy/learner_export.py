"""Everything held about a learner, as a zip of JSON files, shown as the requester may see it.

The learner, their parents, their mentor and the school's administrators may ask for it
(``LEARNER_EXPORT``). The content comes from the same read services the pages use
(:func:`plan_read.plan_view`, :func:`history.plan_history`, :func:`reviews.reviews_of_learner`), so
a note, a history entry or a context item the requester may not see on screen is not in the
archive either. Field names are written out here, one by one, rather than copied from the view
models: the archive's format (:data:`SCHEMA_VERSION`, documented in its README.txt) stays the
same when a page's view model changes.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import Session, select

from ilp_app.db.models import (
    Enrollment,
    Group,
    Guardianship,
    LearnerContextItem,
    MentorAssignment,
    Plan,
    Site,
    User,
)
from ilp_app.domain.errors import NotFound, PermissionDenied
from ilp_app.domain.evidence import MEDIA_EXTENSIONS
from ilp_app.domain.parsing import parse_id
from ilp_app.domain.permissions import Action, Actor, ContextItemRef, LearnerRef, can
from ilp_app.domain.roles import Role
from ilp_app.i18n import SOURCE_LANGUAGE, use_language
from ilp_app.i18n.formatting import machine_times
from ilp_app.services.access.actors import user_roles
from ilp_app.services.audit import audit_record
from ilp_app.services.evidence import storage
from ilp_app.services.evidence.evidence_read import evidence_rows
from ilp_app.services.evidence.showcase import showcase_view
from ilp_app.services.guard import authorize
from ilp_app.services.plans.history import plan_history
from ilp_app.services.plans.plan_read import PlanView, plan_view, plans_of_learner
from ilp_app.services.reviews.review_model import ReviewView
from ilp_app.services.reviews.reviews import reviews_of_learner

SCHEMA_VERSION = 1
FORMAT = "ilp-learner-export"
MSG_LEARNER_NOT_FOUND = "That learner does not exist."

_VIEW_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}) UTC")

README = """\
Individual Learning Plan: everything held about one learner
============================================================

This archive holds what the school's ILP system stores about the learner named in
profile.json, as far as the person who downloaded it may see it. It was made on request
and is meant to be read by people and by programs alike.

Files
-----
manifest.json       Format name, schema version, when and for whom the archive was made,
                    and the list of files.
profile.json        The learner (names, pronouns, email, school, groups), their mentors and
                    their parents or guardians.
plans/*.json        One file per plan, named after the period's start date and name: focus
                    areas, goals with success criteria and learning objectives, tasks with
                    links, ratings, reflections, the learner's proposals, the plan log,
                    notes, acknowledgements and the plan's history of changes.
reviews.json        Review meetings: when, where, who attended, the outcome and comments,
                    and the answers given before the meeting.
context.json        Facts about the learner shown beside the plan (prior attainment,
                    support needs and others).
evidence.json       Evidence of learning (photos, PDFs, audio clips and links on goals and
                    tasks) and each plan's year-end showcase: what was chosen for it and the
                    closing reflection. Files are under evidence/, named in "file".

What is left out
----------------
Each note in a plan has a visibility chosen by its author: private (the author only),
staff, or family. Notes, history entries about notes, and context items the person who
downloaded the archive may not see are not in it. Parents and learners see a plan once
the mentor has shared it; plans still being prepared are only in staff's archives. Parents
see evidence once the mentor has approved it, and a showcase once the learner shares it.

Conventions
-----------
- All text is UTF-8. Field names are stable within a schema version; a change to a field's
  name or meaning increases "schema_version" in manifest.json.
- Timestamps are ISO 8601 in UTC ("2026-03-01T10:15Z"); those shown on plan pages are kept to
  the minute. Days are ISO 8601 dates ("2026-03-01"). A missing value is null.
- People are named as the system shows them (preferred name if set). "id" fields identify a
  record inside this system only.
"""


def _iso(text: str) -> str | None:
    """A view's "2026-03-01 10:15 UTC" as ISO 8601 ("2026-03-01T10:15Z"); None when empty."""
    if not text:
        return None
    match = _VIEW_TIME.fullmatch(text)
    return f"{match[1]}T{match[2]}Z" if match else text


def _stamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _day(text: str) -> str | None:
    return text or None


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "period"


# --- the parts ---------------------------------------------------------------------------------


def _plan_document(view: PlanView, history) -> dict:
    return {
        "plan_id": view.id,
        "period": {
            "name": view.period_name,
            "starts_on": _day(view.period_starts),
            "ends_on": _day(view.period_ends),
        },
        "status": view.status,
        "version": view.version,
        "previous_plan_id": view.previous_plan_id or None,
        "progress": {
            "tasks_completed": view.completed,
            "tasks_total": view.total,
            "percent": view.percent,
        },
        "focus_areas": [
            {
                "id": area.id,
                "name": area.name,
                "goals": [
                    {
                        "id": goal.id,
                        "statement": goal.statement,
                        "success_criteria": goal.success_criteria,
                        "target_date": _day(goal.target_date),
                        "carried_from_period": goal.carried_from_period or None,
                        "proposed_by": goal.added_by or None,
                        "learning_objectives": [
                            {"code": o.code, "statement": o.statement} for o in goal.objectives
                        ],
                        "tasks": [
                            {
                                "id": task.id,
                                "title": task.title,
                                "due_date": _day(task.due_date),
                                "status": task.status,
                                "status_changed_by": task.changed_by or None,
                                "status_changed_at": _iso(task.changed_at),
                                "carried_over": task.carried,
                                "carry_reason": task.carry_reason,
                                "added_by": task.added_by or None,
                                "links": [
                                    {"title": link.title, "url": link.url} for link in task.links
                                ],
                            }
                            for task in goal.tasks
                        ],
                        "ratings": [
                            {
                                "kind": r.kind,
                                "score": r.score,
                                "rated_by": r.rater,
                                "rated_at": _iso(r.rated_at),
                                "how_i_got_here": r.how_got_here or None,
                                "my_next_step": r.next_step or None,
                            }
                            for r in goal.ratings
                        ],
                        "reflections": [
                            {
                                "id": r.id,
                                "author": r.author,
                                "text": r.body,
                                "written_at": _iso(r.created_at),
                            }
                            for r in goal.reflections
                        ],
                    }
                    for goal in area.goals
                ],
            }
            for area in view.focus_areas
        ],
        "log": [
            {"id": e.id, "author": e.author, "text": e.body, "written_at": _iso(e.created_at)}
            for e in view.log
        ],
        "proposals": [
            {
                "id": p.id,
                "kind": p.kind,
                "under": p.under,
                "text": p.text,
                "success_criteria": p.success_criteria,
                "date": _day(p.target_date),
                "status": p.status,
                "accepted_as": p.accepted_as or None,
                "decline_reason": p.decline_reason or None,
                "proposed_by": p.author,
                "proposed_at": _iso(p.created_at),
            }
            for p in view.proposals
        ],
        "notes": [
            {
                "id": n.id,
                "author": n.author,
                "text": n.body,
                "visibility": n.visibility,
                "written_at": _iso(n.created_at),
            }
            for n in view.notes
        ],
        "acknowledgements": [
            {"name": a.who, "role": a.role, "version": a.version, "at": _iso(a.at)}
            for a in view.acknowledgements
        ],
        "history": [
            {
                "at": _iso(c.at),
                "by": c.who or None,
                "change": c.what,
                "version": c.version,
                "before": c.before,
                "after": c.after,
            }
            for c in history
        ],
    }


def _reviews_document(reviews: list[ReviewView]) -> dict:
    return {
        "reviews": [
            {
                "id": r.id,
                "plan_id": r.plan_id or None,
                "starts_at": _iso(r.starts_at),
                "duration_minutes": r.duration_minutes,
                "location": r.location,
                "online_url": r.online_url,
                "status": r.status,
                "attendees": [{"name": p.name, "role": p.role} for p in r.attendees],
                "summary": r.summary,
                "decisions": r.decisions,
                "new_targets": r.new_targets,
                "held_at": _iso(r.held_at),
                "comments": [
                    {
                        "id": c.id,
                        "author": c.author,
                        "text": c.body,
                        "written_at": _iso(c.created_at),
                    }
                    for c in r.comments
                ],
                "before_the_meeting": {
                    "answers": [
                        {"author": a.author, "question": a.question, "answer": a.answer}
                        for a in r.prep.answers
                    ],
                    "confident_about": r.prep.confidence_about or None,
                    "confidence": r.prep.confidence or None,
                    "plan_to": r.prep.plan_to or None,
                    "intention": r.prep.intention or None,
                },
            }
            for r in reviews
        ]
    }


def _context_document(session: Session, actor: Actor, learner_id: int) -> dict:
    items = session.exec(
        select(LearnerContextItem)
        .where(LearnerContextItem.learner_id == learner_id)
        .order_by(LearnerContextItem.position, LearnerContextItem.id)
    ).all()
    return {
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "label": i.label,
                "value": i.value,
                "visibility": i.visibility,
                "updated_at": _stamp(i.updated_at),
            }
            for i in items
            if can(actor, Action.CONTEXT_ITEM_VIEW, ContextItemRef(learner_id, i.visibility))
        ]
    }


def _pronouns_visible(actor: Actor, learner: User) -> bool:
    # The learner chooses whether pronouns are shown to family or to staff only, like a context item.
    return can(
        actor, Action.CONTEXT_ITEM_VIEW, ContextItemRef(learner.id, learner.pronouns_visibility)
    )


def _profile_document(session: Session, actor: Actor, learner: User) -> dict:
    site = session.get(Site, learner.site_id)
    groups = session.exec(
        select(Group)
        .join(Enrollment, Enrollment.group_id == Group.id)
        .where(Enrollment.user_id == learner.id, Enrollment.role == "learner")
        .order_by(Group.kind.desc(), Group.name)
    ).all()
    mentors = session.exec(
        select(User)
        .join(MentorAssignment, MentorAssignment.mentor_id == User.id)
        .where(MentorAssignment.learner_id == learner.id)
    ).all()
    guardians = session.exec(
        select(User, Guardianship.relationship_label)
        .join(Guardianship, Guardianship.parent_id == User.id)
        .where(Guardianship.learner_id == learner.id)
    ).all()
    return {
        "learner": {
            "id": learner.id,
            "full_name": learner.full_name,
            "preferred_name": learner.preferred_name,
            "pronouns": learner.pronouns if _pronouns_visible(actor, learner) else None,
            "email": learner.email,
            "school": site.name if site else None,
            "active": learner.is_active,
            "account_created_at": _stamp(learner.created_at),
            "groups": [{"name": g.name, "kind": g.kind, "course": g.course} for g in groups],
        },
        "mentors": sorted(
            ({"name": m.display_name} for m in mentors), key=lambda m: m["name"].casefold()
        ),
        "guardians": sorted(
            ({"name": u.display_name, "relationship": label} for u, label in guardians),
            key=lambda g: g["name"].casefold(),
        ),
    }


def _requested_as(actor: Actor, learner_id: int) -> str:
    if actor.is_learner(learner_id):
        return "learner"
    if actor.parents(learner_id):
        return "parent"
    if actor.mentors(learner_id):
        return "mentor"
    return "administrator"


def _evidence_document(
    session: Session, actor: Actor, plan_ids: list[int], client_ip: str
) -> tuple[dict, dict[str, bytes]]:
    """Evidence and showcases of the plans, as ``actor`` may see them, and the files they name."""
    pieces, showcases, files = [], [], {}
    for plan_id in plan_ids:
        plan = session.get(Plan, plan_id)
        for row in evidence_rows(session, actor, plan):
            name = None
            if row.storage_name:
                data = storage.file_read(row.storage_name)
                if data is not None:
                    extension = MEDIA_EXTENSIONS.get(row.media_type, "bin")
                    name = f"evidence/{row.id}.{extension}"
                    files[name] = data
            pieces.append(
                {
                    "id": row.id,
                    "plan_id": row.plan_id,
                    "goal_id": row.goal_id,
                    "task_id": row.task_id,
                    "kind": row.kind,
                    "title": row.title,
                    "url": row.url or None,
                    "file": name,
                    "added_at": _stamp(row.created_at),
                    "approved_at": _stamp(row.approved_at),
                }
            )
        try:
            view = showcase_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
        except PermissionDenied:
            continue
        showcases.append(
            {
                "plan_id": plan_id,
                "shared_with_family": view.shared,
                "goals": [
                    {
                        "goal_id": slide.goal_id,
                        "reflections": slide.reflections,
                        "evidence_ids": [e.id for e in slide.evidence],
                    }
                    for slide in view.slides
                ],
                "closing_reflection": view.closing_reflection,
            }
        )
    return {"evidence": pieces, "showcases": showcases}, files


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _zip(files: dict[str, bytes], now: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=now.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- the export --------------------------------------------------------------------------------


def learner_export(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str = "",
    now: datetime | None = None,
) -> bytes:
    """A zip archive of everything held about the learner that ``actor`` may see; audited.

    The archive is for programs as much as people: its words are English and its times ISO 8601
    in UTC, whatever language the person downloading it reads.

    Raises:
        NotSignedIn, PermissionDenied: not the learner, their parent or mentor, or an administrator; or a
            mentor while the school has ILPs switched off (audited).
        NotFound: no learner with that id at the actor's school.
        ValidationFailed: ``learner_id`` is not an id.
    """
    with machine_times(), use_language(SOURCE_LANGUAGE):
        return _learner_export(
            session=session, actor=actor, learner_id=learner_id, client_ip=client_ip, now=now
        )


def _learner_export(
    *,
    session: Session,
    actor: Actor | None,
    learner_id: object,
    client_ip: str,
    now: datetime | None,
) -> bytes:
    lid = parse_id(learner_id, what="learner")
    authorize(actor, Action.LEARNER_EXPORT, LearnerRef(lid), client_ip=client_ip)
    learner = session.get(User, lid)
    if (
        learner is None
        or learner.site_id != actor.site_id
        or Role.LEARNER not in user_roles(session=session, user_id=lid)
    ):
        raise NotFound(MSG_LEARNER_NOT_FOUND)
    now = now or datetime.now(UTC)
    # A person keeps the right to their data when the school has switched ILPs off: the reads
    # below still check every plan, note and item against this actor's relationships.
    reader = replace(actor, ilp_enabled=True)

    files: dict[str, bytes] = {"profile.json": _json(_profile_document(session, reader, learner))}
    plans = plans_of_learner(session=session, actor=reader, learner_id=lid, client_ip=client_ip)
    for item in sorted(plans, key=lambda p: (p.period_starts, p.plan_id)):
        view = plan_view(session=session, actor=reader, plan_id=item.plan_id, client_ip=client_ip)
        history = plan_history(
            session=session, actor=reader, plan_id=item.plan_id, client_ip=client_ip
        )
        name = f"plans/{item.period_starts}-{_slug(item.period_name)}.json"
        if name in files:
            name = name.removesuffix(".json") + f"-{item.plan_id}.json"
        files[name] = _json(_plan_document(view, history))
    reviews = reviews_of_learner(
        session=session, actor=reader, learner_id=lid, client_ip=client_ip, now=now
    )
    files["reviews.json"] = _json(_reviews_document(reviews))
    files["context.json"] = _json(_context_document(session, reader, lid))
    evidence_doc, evidence_files = _evidence_document(
        session, reader, [p.plan_id for p in plans], client_ip
    )
    files["evidence.json"] = _json(evidence_doc)
    files.update(evidence_files)

    manifest = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "generated_at": _stamp(now),
        "learner_id": lid,
        "requested_by": {"user_id": actor.user_id, "as": _requested_as(actor, lid)},
        "files": ["README.txt", "manifest.json", *files],
    }
    archive = _zip(
        {"README.txt": README.encode("utf-8"), "manifest.json": _json(manifest), **files}, now
    )
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action="learner.export",
        target_type="learner",
        target_id=lid,
        detail={"plans": len(plans), "as": manifest["requested_by"]["as"]},
        client_ip=client_ip,
    )
    return archive
