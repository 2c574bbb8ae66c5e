"""What the open screens need to hear after a change, as plain data (no Reflex).

A committed change names the learners and people it touched (``services.outbox``). From those,
:func:`feed_build` reads, in one unit of work, what each kind of live channel shows:

* ``group:<id>`` — the staff overview rows of the learners that changed, per group;
* ``projector:<id>`` — the class-safe tiles of the same learners;
* ``plan:<learner id>`` — that the learner's plan changed (each viewer reloads its own copy,
  filtered for whoever is signed in there);
* ``inbox:<user id>`` — a person's unread notification count;
* ``roster:<user id>`` — that a staff member's list of learners changed.

Channel names are registry keys on the server only; no client ever connects under one.
Who may keep watching a channel is decided by :func:`channel_allowed`, through the permissions
module, at every push.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ilp_app.db.models import Group
from ilp_app.domain.permissions import Action, Actor, GroupRef, LearnerRef, StaffRef, can
from ilp_app.services.plans import notifications
from ilp_app.services.reports import overview
from ilp_app.services.reports.overview import OverviewRow, ProjectorTile

GROUP, PROJECTOR, PLAN, INBOX, ROSTER = "group", "projector", "plan", "inbox", "roster"
KINDS = (GROUP, PROJECTOR, PLAN, INBOX, ROSTER)


def channel(kind: str, ident: int) -> str:
    """The registry name of one live channel, e.g. ``group:12``."""
    if kind not in KINDS:
        raise ValueError(f"unknown live channel kind {kind!r}")
    return f"{kind}:{int(ident)}"


def channel_parts(name: str) -> tuple[str, int]:
    kind, _, ident = name.partition(":")
    return kind, int(ident)


def channel_allowed(actor: Actor | None, name: str) -> bool:
    """Whether ``actor`` may go on watching the channel ``name`` (checked at every push)."""
    if actor is None:
        return False
    kind, ident = channel_parts(name)
    if kind in (GROUP, PROJECTOR):
        return can(actor, Action.GROUP_VIEW, GroupRef(ident))
    if kind == PLAN:
        # A learner's plans, or a staff member's own (followed by them and their supervisor).
        return can(actor, Action.LEARNER_VIEW, LearnerRef(ident)) or can(
            actor, Action.STAFF_PLANS_VIEW, StaffRef(ident)
        )
    return actor.user_id == ident  # one's own inbox and roster


@dataclass
class Feed:
    """Everything the open screens must be told about one batch of committed changes."""

    rows: dict[int, dict[int, OverviewRow]] = field(default_factory=dict)
    tiles: dict[int, dict[int, ProjectorTile]] = field(default_factory=dict)
    plans: set[int] = field(default_factory=set)
    unread: dict[int, int] = field(default_factory=dict)
    rosters: set[int] = field(default_factory=set)
    #: Learners to take off a group's boards (erased: they are in no group any more).
    dropped: dict[int, set[int]] = field(default_factory=dict)

    def items(self) -> list[tuple[str, object]]:
        """(channel, what its viewers receive), in a stable order."""
        out: list[tuple[str, object]] = []
        for gid in sorted(set(self.rows) | set(self.dropped)):
            gone = self.dropped.get(gid, set())
            out.append((channel(GROUP, gid), (self.rows.get(gid, {}), gone)))
            out.append((channel(PROJECTOR, gid), (self.tiles.get(gid, {}), gone)))
        out.extend((channel(PLAN, lid), lid) for lid in sorted(self.plans))
        out.extend((channel(INBOX, uid), n) for uid, n in sorted(self.unread.items()))
        out.extend((channel(ROSTER, uid), uid) for uid in sorted(self.rosters))
        return out

    def merge(self, other: Feed) -> None:
        for gid, rows in other.rows.items():
            self.rows.setdefault(gid, {}).update(rows)
        for gid, tiles in other.tiles.items():
            self.tiles.setdefault(gid, {}).update(tiles)
        for gid, gone in other.dropped.items():
            self.dropped.setdefault(gid, set()).update(gone)
        self.plans |= other.plans
        self.unread.update(other.unread)
        self.rosters |= other.rosters


def feed_build(
    *,
    session: Session,
    learner_ids: set[int],
    user_ids: set[int],
    roster_user_ids: set[int] | None = None,
    erased: dict[int, set[int]] | None = None,
) -> Feed:
    """Read what the open screens need after changes to these learners and people.

    A learner's row is the same on every board, so it is built once, whatever their groups.
    """
    feed = Feed(plans=set(learner_ids), rosters=set(roster_user_ids or ()))
    groups: dict[int, list[int]] = {}
    for lid in sorted(learner_ids):
        for gid in overview.learner_group_ids(session=session, learner_id=lid):
            groups.setdefault(gid, []).append(lid)
    if groups:
        any_group = session.get(Group, next(iter(groups)))
        data = overview.group_board_rebuild(
            session=session, group=any_group, learner_ids=sorted(learner_ids)
        )
        rows = {r.learner_id: r for r in data.rows}
        tiles = {t.learner_id: t for t in data.tiles}
        for gid, lids in groups.items():
            feed.rows[gid] = {lid: rows[lid] for lid in lids if lid in rows}
            feed.tiles[gid] = {lid: tiles[lid] for lid in lids if lid in tiles}
    for gid, lids in (erased or {}).items():
        feed.dropped.setdefault(gid, set()).update(lids)
    feed.unread = {
        uid: notifications.unread_count(session=session, user_id=uid) for uid in sorted(user_ids)
    }
    return feed
