"""The roles a person can hold in a school."""

from __future__ import annotations

from enum import StrEnum

from ilp_app.i18n.runtime import N_, gettext


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    MENTOR = "mentor"
    TEACHER = "teacher"
    LEARNER = "learner"
    PARENT = "parent"

    @property
    def label(self) -> str:
        return gettext(ROLE_LABELS[self])


ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: N_("Administrator"),
    Role.MENTOR: N_("Mentor"),
    Role.TEACHER: N_("Teacher"),
    Role.LEARNER: N_("Learner"),
    Role.PARENT: N_("Parent"),
}

#: Which home a person with several roles lands on first: the most specific work first.
HOME_PRECEDENCE: tuple[Role, ...] = (
    Role.MENTOR,
    Role.TEACHER,
    Role.ADMINISTRATOR,
    Role.PARENT,
    Role.LEARNER,
)


def parse_role(value: object) -> Role | None:
    """The role named by ``value``, or None for anything else (including forged types)."""
    if not isinstance(value, str):
        return None
    try:
        return Role(value)
    except ValueError:
        return None


def default_home_role(roles: frozenset[Role] | set[Role]) -> Role | None:
    """The role whose home a user lands on after signing in."""
    for role in HOME_PRECEDENCE:
        if role in roles:
            return role
    return None
