"""Which language each person reads, and the school's default for those who have not chosen.

A person's own choice wins; until they make one, their browser's language applies, then the
school's default (English out of the box). See :func:`ilp_app.i18n.choose_language`.
"""

from __future__ import annotations

from sqlmodel import Session

from ilp_app.db.models import Site, User
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.permissions import Action, Actor, UserRef
from ilp_app.i18n import N_, choose_language, parse_language
from ilp_app.services.audit import audit_record
from ilp_app.services.guard import authorize
from ilp_app.services.school.school_rows import school_manager

MSG_UNKNOWN_LANGUAGE = N_("Choose one of the languages listed.")
MSG_SCHOOL_GONE = N_("Your school no longer exists.")


def _language(value: object) -> str:
    code = parse_language(value)
    if code is None or code != value:
        raise ValidationFailed(MSG_UNKNOWN_LANGUAGE)
    return code


def mail_language(*, session: Session, user: User) -> str:
    """The language a mail to ``user`` is written in: theirs, else their school's default.

    A mail has no browser to ask, so Accept-Language plays no part.
    """
    site = session.get(Site, user.site_id)
    return choose_language(chosen=user.language, school=site.default_language if site else "")


def language_choose(
    *, session: Session, actor: Actor | None, language: object, client_ip: str = ""
) -> str:
    """Make ``language`` the one the signed-in person reads, on every device from now on.

    Raises:
        NotSignedIn: nobody is signed in.
        ValidationFailed: not a language the app speaks; nothing was changed.
    """
    actor = authorize(actor, Action.LANGUAGE_CHOOSE, UserRef(actor.user_id) if actor else None)
    code = _language(language)
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(MSG_SCHOOL_GONE)
    if user.language != code:
        before, user.language = user.language, code
        session.add(user)
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="account.language",
            target_type="user",
            target_id=actor.user_id,
            detail={"before": before, "after": code},
            client_ip=client_ip,
        )
    return code


def school_language(*, session: Session, actor: Actor | None, client_ip: str = "") -> str:
    """The school's default language (for its School page)."""
    actor = school_manager(actor, client_ip)
    site = session.get(Site, actor.site_id)
    if site is None:
        raise NotFound(MSG_SCHOOL_GONE)
    return site.default_language


def school_language_set(
    *, session: Session, actor: Actor | None, language: object, client_ip: str = ""
) -> str:
    """The language of everyone at the school who has chosen none and whose browser asks for
    none the app speaks.

    Raises:
        PermissionDenied: not an administrator.
        ValidationFailed: not a language the app speaks; nothing was changed.
    """
    actor = school_manager(actor, client_ip)
    code = _language(language)
    site = session.get(Site, actor.site_id)
    if site is None:
        raise NotFound(MSG_SCHOOL_GONE)
    if site.default_language != code:
        before, site.default_language = site.default_language, code
        session.add(site)
        audit_record(
            session=session,
            actor_user_id=actor.user_id,
            action="site.default_language",
            target_type="site",
            target_id=site.id,
            detail={"before": before, "after": code},
            client_ip=client_ip,
        )
    return code
