"""What a unit of work changed, for the live layer to announce once it has committed.

Services record here which learners' plans changed and who was notified; the caller reads it
after the commit and pushes updates to the screens watching (group boards, plan pages, the
notification counters). Nothing is announced for a transaction that rolled back.
"""

from __future__ import annotations

from sqlmodel import Session

_LEARNERS = "ilp.changed_learners"
_USERS = "ilp.notified_users"


def learner_changed(session: Session, learner_id: int) -> None:
    session.info.setdefault(_LEARNERS, set()).add(learner_id)


def user_notified(session: Session, user_id: int) -> None:
    session.info.setdefault(_USERS, set()).add(user_id)


def changed_learners(session: Session) -> set[int]:
    return set(session.info.get(_LEARNERS, ()))


def notified_users(session: Session) -> set[int]:
    return set(session.info.get(_USERS, ()))
