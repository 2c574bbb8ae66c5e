"""Who may do what: the one place that decides every access.

States and services call :func:`can` (or :func:`require`) with the signed-in actor, an
action and the object acted on. Ids that arrive from a URL or an event only *select* the
target; whether the actor may touch it is decided here from relationships the server
loaded itself (mentor assignments, group teaching, guardianships).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ilp_app.domain.errors import MSG_DENIED, MSG_NOT_SIGNED_IN, NotSignedIn, PermissionDenied
from ilp_app.domain.roles import Role


@dataclass(frozen=True)
class Actor:
    """A signed-in person as the server knows them, with the relationships that grant access."""

    user_id: int
    roles: frozenset[Role]
    active_role: Role | None = None
    site_id: int | None = None
    mentee_ids: frozenset[int] = field(default_factory=frozenset)
    taught_learner_ids: frozenset[int] = field(default_factory=frozenset)
    child_ids: frozenset[int] = field(default_factory=frozenset)
    must_change_password: bool = False

    def has(self, role: Role) -> bool:
        return role in self.roles


class Action(StrEnum):
    HOME_VIEW = "home.view"  # target: Role
    ACCOUNT_MANAGE = "account.manage"  # own password, role switch; target: None
    ADMIN_CONSOLE_VIEW = "admin.view"  # target: None
    USER_LIST = "user.list"  # target: None
    USER_MANAGE = "user.manage"  # disable, enable, temporary password; target: UserRef
    LEARNER_VIEW = "learner.view"  # target: LearnerRef


@dataclass(frozen=True)
class UserRef:
    user_id: int


@dataclass(frozen=True)
class LearnerRef:
    learner_id: int


def _learner_view(actor: Actor, target: object) -> bool:
    if not isinstance(target, LearnerRef):
        return False
    lid = target.learner_id
    return (
        actor.has(Role.ADMINISTRATOR)
        or (actor.has(Role.MENTOR) and lid in actor.mentee_ids)
        or (actor.has(Role.TEACHER) and lid in actor.taught_learner_ids)
        or (actor.has(Role.PARENT) and lid in actor.child_ids)
        or (actor.has(Role.LEARNER) and lid == actor.user_id)
    )


def _user_manage(actor: Actor, target: object) -> bool:
    # An administrator may not lock themselves out by disabling or resetting their own account.
    return (
        actor.has(Role.ADMINISTRATOR)
        and isinstance(target, UserRef)
        and target.user_id != actor.user_id
    )


_RULES = {
    Action.HOME_VIEW: lambda actor, target: isinstance(target, Role) and actor.has(target),
    Action.ACCOUNT_MANAGE: lambda actor, target: True,
    Action.ADMIN_CONSOLE_VIEW: lambda actor, target: actor.has(Role.ADMINISTRATOR),
    Action.USER_LIST: lambda actor, target: actor.has(Role.ADMINISTRATOR),
    Action.USER_MANAGE: _user_manage,
    Action.LEARNER_VIEW: _learner_view,
}

#: Actions still open to someone who must first replace a temporary password.
_OPEN_BEFORE_PASSWORD_CHANGE = frozenset({Action.ACCOUNT_MANAGE})


def can(actor: Actor | None, action: Action, target: object = None) -> bool:
    """Whether ``actor`` may perform ``action`` on ``target``.

    Args:
        actor: the signed-in person, or None when nobody is signed in.
        action: what they want to do.
        target: what they want to do it to (a role, a reference object, or None).

    Returns:
        True only when a rule grants it; unknown actions and anonymous actors are refused.
    """
    if actor is None:
        return False
    if actor.must_change_password and action not in _OPEN_BEFORE_PASSWORD_CHANGE:
        return False
    rule = _RULES.get(action)
    return bool(rule and rule(actor, target))


def require(actor: Actor | None, action: Action, target: object = None) -> Actor:
    """Like :func:`can`, but raises instead of returning False.

    Raises:
        NotSignedIn: nobody is signed in.
        PermissionDenied: the actor may not do this.
    """
    if actor is None:
        raise NotSignedIn(MSG_NOT_SIGNED_IN)
    if not can(actor, action, target):
        raise PermissionDenied(MSG_DENIED)
    return actor
