"""The school's coaching library, and whether learners' own tasks wait for the mentor.

The administrator edits the library (:attr:`Action.SCHOOL_MANAGE`, a refusal audited); plan
pages read it for their sentence starters and questions. A school with an empty library (one
that removed every line of a situation) falls back to nothing for that situation, never to
another school's.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from ilp_app.db.models import CoachingPrompt, Site
from ilp_app.domain.coaching import (
    DEFAULT_LIBRARY,
    MAX_PER_SITUATION,
    MAX_PROMPT,
    MSG_TOO_MANY,
    PromptKind,
    Situation,
    parse_prompt_kind,
    parse_situation,
)
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.parsing import parse_text
from ilp_app.domain.permissions import Actor
from ilp_app.i18n import gettext, use_language
from ilp_app.services.audit import audit_record
from ilp_app.services.school.school_rows import own_row, school_manager

MSG_PROMPT_NOT_FOUND = "That prompt does not exist."
MSG_CHOOSE_ON_OFF = "Choose on or off."


@dataclass(frozen=True)
class PromptRow:
    id: int
    situation: str
    situation_label: str
    kind: str
    kind_label: str
    text: str


@dataclass(frozen=True)
class Coaching:
    """What a plan page offers: each situation's sentence starters and questions, in order."""

    starters: dict[str, list[str]]
    prompts: dict[str, list[str]]


def coaching_defaults(session: Session, site_id: int) -> list[tuple[Situation, PromptKind, str]]:
    """The default library in the school's language (the lines become the school's own data)."""
    site = session.get(Site, site_id)
    with use_language(site.default_language if site is not None else ""):
        return [(situation, kind, gettext(text)) for situation, kind, text in DEFAULT_LIBRARY]


def coaching_defaults_load(session: Session, site_id: int) -> int:
    """Give the site the default library, once: only when it has no prompt at all. Returns how
    many lines were added."""
    if session.exec(select(CoachingPrompt.id).where(CoachingPrompt.site_id == site_id)).first():
        return 0
    for position, (situation, kind, text) in enumerate(coaching_defaults(session, site_id)):
        session.add(
            CoachingPrompt(
                site_id=site_id,
                situation=situation.value,
                kind=kind.value,
                text=text,
                position=position,
            )
        )
    return len(DEFAULT_LIBRARY)


def _rows(session: Session, site_id: int) -> list[CoachingPrompt]:
    return list(
        session.exec(
            select(CoachingPrompt)
            .where(CoachingPrompt.site_id == site_id)
            .order_by(CoachingPrompt.position, CoachingPrompt.id)
        ).all()
    )


def coaching_for_site(session: Session, site_id: int) -> Coaching:
    """The site's library as the plan page uses it (it holds nothing about any learner)."""
    starters: dict[str, list[str]] = {s.value: [] for s in Situation}
    prompts: dict[str, list[str]] = {s.value: [] for s in Situation}
    for row in _rows(session, site_id):
        target = starters if row.kind == PromptKind.STARTER.value else prompts
        target.setdefault(row.situation, []).append(row.text)
    return Coaching(starters=starters, prompts=prompts)


def coaching_library(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> list[PromptRow]:
    """The school's library, by situation, for the administrator to edit."""
    actor = school_manager(actor, client_ip)
    order = {s.value: i for i, s in enumerate(Situation)}
    rows = sorted(_rows(session, actor.site_id), key=lambda r: order.get(r.situation, 99))
    return [
        PromptRow(
            id=r.id,
            situation=r.situation,
            situation_label=Situation(r.situation).label,
            kind=r.kind,
            kind_label=PromptKind(r.kind).label,
            text=r.text,
        )
        for r in rows
    ]


def coaching_prompt_add(
    *,
    session: Session,
    actor: Actor | None,
    situation: object,
    kind: object,
    text: object,
    client_ip: str = "",
) -> int:
    """Add a question or sentence starter to one situation of the school's library."""
    actor = school_manager(actor, client_ip)
    where = parse_situation(situation)
    what = parse_prompt_kind(kind)
    body = parse_text(text, field="Text", max_length=MAX_PROMPT)
    # The site row is locked so two administrators adding at once cannot pass the limit.
    session.exec(select(Site).where(Site.id == actor.site_id).with_for_update()).first()
    count = session.exec(
        select(sa.func.count())
        .select_from(CoachingPrompt)
        .where(CoachingPrompt.site_id == actor.site_id, CoachingPrompt.situation == where.value)
    ).one()
    if count >= MAX_PER_SITUATION:
        raise ValidationFailed(MSG_TOO_MANY)
    last = session.exec(
        select(sa.func.max(CoachingPrompt.position)).where(CoachingPrompt.site_id == actor.site_id)
    ).one()
    row = CoachingPrompt(
        site_id=actor.site_id,
        situation=where.value,
        kind=what.value,
        text=body,
        position=(last if last is not None else -1) + 1,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "coaching.add", row.id, client_ip)
    return row.id


def coaching_prompt_edit(
    *, session: Session, actor: Actor | None, prompt_id: object, text: object, client_ip: str = ""
) -> None:
    actor = school_manager(actor, client_ip)
    row = own_row(
        session, actor, CoachingPrompt, prompt_id, what="prompt", missing=MSG_PROMPT_NOT_FOUND
    )
    row.text = parse_text(text, field="Text", max_length=MAX_PROMPT)
    session.add(row)
    _audit(session, actor, "coaching.edit", row.id, client_ip)


def coaching_prompt_delete(
    *, session: Session, actor: Actor | None, prompt_id: object, client_ip: str = ""
) -> None:
    actor = school_manager(actor, client_ip)
    row = own_row(
        session, actor, CoachingPrompt, prompt_id, what="prompt", missing=MSG_PROMPT_NOT_FOUND
    )
    session.delete(row)
    _audit(session, actor, "coaching.delete", row.id, client_ip)


def coaching_defaults_restore(*, session: Session, actor: Actor | None, client_ip: str = "") -> int:
    """Add back each default line the school no longer has; returns how many were added."""
    actor = school_manager(actor, client_ip)
    have = {(r.situation, r.text) for r in _rows(session, actor.site_id)}
    added = 0
    position = len(have)
    for situation, kind, text in coaching_defaults(session, actor.site_id):
        if (situation.value, text) in have:
            continue
        session.add(
            CoachingPrompt(
                site_id=actor.site_id,
                situation=situation.value,
                kind=kind.value,
                text=text,
                position=position + added,
            )
        )
        added += 1
    _audit(session, actor, "coaching.restore", actor.site_id, client_ip, added=added)
    return added


def site_set_learner_tasks_need_approval(
    *, session: Session, actor: Actor | None, need: object, client_ip: str = ""
) -> None:
    """Whether a learner's own task under one of their goals waits for the mentor."""
    actor = school_manager(actor, client_ip)
    if not isinstance(need, bool):
        raise ValidationFailed(MSG_CHOOSE_ON_OFF)
    site = session.get(Site, actor.site_id)
    if site is None:
        raise NotFound("Your school no longer exists.")
    if site.learner_tasks_need_approval == need:
        return
    site.learner_tasks_need_approval = need
    session.add(site)
    _audit(session, actor, "site.learner_tasks", site.id, client_ip, need_approval=need)


def learner_tasks_need_approval(
    *, session: Session, actor: Actor | None, client_ip: str = ""
) -> bool:
    actor = school_manager(actor, client_ip)
    site = session.get(Site, actor.site_id)
    return site is None or site.learner_tasks_need_approval


def _audit(session: Session, actor: Actor, action: str, target_id, client_ip: str, **detail):
    audit_record(
        session=session,
        actor_user_id=actor.user_id,
        action=action,
        target_type="coaching_prompt" if action.startswith("coaching.") else "site",
        target_id=target_id,
        detail=detail or None,
        client_ip=client_ip,
    )
