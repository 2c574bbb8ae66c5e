"""What a roster import would change: the school's records compared with a checked roster.

The school, read once by :mod:`ilp_app.services.roster.roster_existing` (a handful of queries, none per
row), is compared with each record of the roster field by field. Only what differs is
planned, so importing the same file twice plans nothing the second time. The plan is plain
data: :mod:`ilp_app.services.roster.roster_apply` writes it, and the validation report shows its counts.

Decisions, each reported as a finding where a person should know:

* a person whose email belongs to an account of this school that did not come from a roster
  is that account (it is *adopted*: linked to the ``sourcedId`` and kept up to date from then
  on); likewise a period with the same dates and a group with the same name and kind;
* a person without a usable email, or whose email belongs to someone else, gets a
  non-deliverable placeholder address (``…@roster.invalid``) until the roster gives one;
* a row older (``dateLastModified``) than what was last imported for that person is skipped;
* in a *bulk* file, roster records that are no longer in it are retired (people, groups,
  periods) or removed (enrollments, parent links); in a *delta* file only ``tobedeleted`` rows
  retire. Retiring never deletes a plan, and links made by hand are never removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ilp_app.domain.oneroster import WARNING, Finding
from ilp_app.domain.oneroster_records import PersonRec, Roster
from ilp_app.domain.roles import Role
from ilp_app.services.roster.roster_existing import Existing

PLACEHOLDER_DOMAIN = "roster.invalid"
MSG_NOT_SELF = (
    "Your own account is not retired or disabled by an import; another administrator can do that."
)
MSG_ADMIN_KEPT = "An administrator's account is not retired or disabled by an import; an administrator does that."
MSG_BECOMES_ADMINISTRATOR = (
    "This person becomes an administrator of the app: every account, data export "
    "and erasure. Check this is meant before importing."
)
KINDS = ("people", "groups", "periods", "enrollments", "links")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    skipped: int = 0
    adopted: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Plan:
    """Every write an import makes, and how many records of each kind it touches."""

    site_source_id: str | None = None
    period_inserts: list[dict] = field(default_factory=list)
    period_updates: list[dict] = field(default_factory=list)  # each with "id"
    period_retire: list[int] = field(default_factory=list)
    group_inserts: list[dict] = field(default_factory=list)
    group_updates: list[dict] = field(default_factory=list)
    group_retire: list[int] = field(default_factory=list)
    person_inserts: list[dict] = field(default_factory=list)
    person_updates: list[dict] = field(default_factory=list)
    person_retire: list[int] = field(default_factory=list)
    person_disable: list[int] = field(
        default_factory=list
    )  # sessions to end (disabled, not retired)
    role_inserts: list[tuple[str, Role]] = field(default_factory=list)  # (sourcedId, role)
    enrollment_inserts: list[dict] = field(default_factory=list)  # group/person by sourcedId
    enrollment_updates: list[dict] = field(default_factory=list)  # group/person by sourcedId
    enrollment_deletes: list[int] = field(default_factory=list)
    link_inserts: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (parent, learner, label)
    link_deletes: list[int] = field(default_factory=list)
    person_ids: dict[str, int] = field(default_factory=dict)  # sourcedId -> id, once known
    group_ids: dict[str, int] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    findings: list[Finding] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return sum(
            len(v)
            for v in (
                self.period_inserts,
                self.period_updates,
                self.period_retire,
                self.group_inserts,
                self.group_updates,
                self.group_retire,
                self.person_inserts,
                self.person_updates,
                self.person_retire,
                self.role_inserts,
                self.enrollment_inserts,
                self.enrollment_updates,
                self.enrollment_deletes,
                self.link_inserts,
                self.link_deletes,
            )
        ) + (1 if self.site_source_id else 0)

    def summary(self) -> dict[str, dict[str, int]]:
        return {kind: c.as_dict() for kind, c in self.counts.items()}


def _changes(current: sa.Row, wanted: dict) -> dict:
    return {k: v for k, v in wanted.items() if getattr(current, k) != v}


def _retire(current: sa.Row | None, out: list[int], counts: Counts) -> None:
    """A ``tobedeleted`` row: retire the stored record, unless there is none or it already is."""
    if current is not None and current.retired_at is None:
        out.append(current.id)
        counts.retired += 1
    else:
        counts.skipped += 1


def _update(current: sa.Row, wanted: dict, out: list[dict], counts: Counts) -> None:
    """Plan an update of what differs between the stored record and ``wanted``, if anything does."""
    changed = _changes(current, wanted)
    if changed:
        out.append({"id": current.id, **changed})
        counts.updated += 1
    else:
        counts.unchanged += 1


def _placeholder(sid: str, taken) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", sid.lower()).strip("-.")[:60] or "person"
    email, n = f"{slug}@{PLACEHOLDER_DOMAIN}", 2
    while email in taken:
        email, n = f"{slug}-{n}@{PLACEHOLDER_DOMAIN}", n + 1
    return email


class _Planner:
    def __init__(self, roster: Roster, ex: Existing, now: datetime, actor_id: int):
        self.roster, self.ex, self.now, self.plan = roster, ex, now, Plan()
        self.actor_id = actor_id
        self.claimed: dict[str, str] = {}  # lower-case email -> sourcedId, claimed by this import

    def note(self, file: str, line: int, column: str, problem: str) -> None:
        self.plan.findings.append(Finding(file, line, column, problem, WARNING))

    def skip(self, counts: Counts, file: str, line: int, column: str, problem: str) -> None:
        """Leave a record out, saying why in the report."""
        self.note(file, line, column, problem)
        counts.skipped += 1

    # --- periods and groups ---

    def periods(self) -> None:
        plan, c = self.plan, self.plan.counts["periods"]
        loose = {(p.starts_on, p.ends_on): p for p in self.ex.loose_periods}
        for rec in self.roster.periods:
            current = self.ex.periods.get(rec.source_id)
            if rec.deleted:
                _retire(current, plan.period_retire, c)
                continue
            wanted = {
                "name": rec.name,
                "starts_on": rec.starts_on,
                "ends_on": rec.ends_on,
                "retired_at": None,
            }
            if current is None and (rec.starts_on, rec.ends_on) in loose:
                current = loose.pop((rec.starts_on, rec.ends_on))
                wanted["source_id"], c.adopted = rec.source_id, c.adopted + 1
                wanted = {
                    k: v for k, v in wanted.items() if k == "source_id" or getattr(current, k) != v
                }
                plan.period_updates.append({"id": current.id, **wanted})
                continue
            if current is None:
                overlaps = [
                    p.name
                    for p in (*self.ex.loose_periods, *self.ex.periods.values())
                    if p.retired_at is None
                    and p.starts_on <= rec.ends_on
                    and rec.starts_on <= p.ends_on
                ]
                if overlaps:
                    self.note(
                        "academicSessions.csv",
                        rec.line,
                        "startDate",
                        f"This period overlaps “{overlaps[0]}”; plans are made for one period at a time.",
                    )
                plan.period_inserts.append(
                    {"site_id": self.ex.site.id, "source_id": rec.source_id, **wanted}
                )
                c.created += 1
                continue
            _update(current, wanted, plan.period_updates, c)
        if self.roster.mode("academicSessions") == "bulk":
            self._retire_absent(self.ex.periods, "academicSessions", plan.period_retire, c)

    def _retire_absent(
        self, stored: dict[str, sa.Row], file: str, out: list[int], counts: Counts
    ) -> None:
        seen = self.roster.seen.get(file, set())
        for sid, row in stored.items():
            if sid not in seen and row.retired_at is None:
                out.append(row.id)
                counts.retired += 1

    def groups(self) -> None:
        plan, c = self.plan, self.plan.counts["groups"]
        for sid, g in self.ex.groups.items():
            if g.retired_at is None:
                plan.group_ids[sid] = g.id
        for rec in self.roster.groups:
            current = self.ex.groups.get(rec.source_id)
            if rec.deleted:
                _retire(current, plan.group_retire, c)
                continue
            wanted = {"name": rec.name, "kind": rec.kind, "retired_at": None}
            if rec.course is not None:
                wanted["course"] = rec.course
            loose_id = (
                self.ex.loose_groups.pop((rec.name, rec.kind), None) if current is None else None
            )
            if loose_id is not None:
                changed = {
                    "source_id": rec.source_id,
                    **({"course": rec.course} if rec.course else {}),
                }
                plan.group_updates.append({"id": loose_id, **changed})
                plan.group_ids[rec.source_id] = loose_id
                c.adopted += 1
            elif current is None:
                plan.group_inserts.append(
                    {
                        "site_id": self.ex.site.id,
                        "source_id": rec.source_id,
                        "year_label": "",
                        "course": rec.course or "",
                        **wanted,
                    }
                )
                c.created += 1
            else:
                plan.group_ids[rec.source_id] = current.id
                _update(current, wanted, plan.group_updates, c)
        if self.roster.mode("classes") == "bulk":
            self._retire_absent(self.ex.groups, "classes", plan.group_retire, c)
        gone = set(plan.group_retire)
        plan.group_ids = {sid: gid for sid, gid in plan.group_ids.items() if gid not in gone}

    # --- people ---

    def _email_for(self, rec: PersonRec, own_id: int | None) -> str | None:
        """The address to store, or None to keep the stored one; placeholders are reported."""
        wanted = rec.email
        if wanted:
            key = wanted.lower()
            owner = self.ex.by_email.get(key)
            if (owner is None or owner.id == own_id) and self.claimed.get(
                key, rec.source_id
            ) == rec.source_id:
                self.claimed[key] = rec.source_id
                return wanted
            if own_id is not None:
                self.note(
                    "users.csv",
                    rec.line,
                    "email",
                    f"{wanted} already belongs to another account; this "
                    "person keeps their current address.",
                )
                return None
            placeholder = self._placeholder(rec.source_id)
            self.note(
                "users.csv",
                rec.line,
                "email",
                f"{wanted} already belongs to another account; this person "
                f"gets the placeholder address {placeholder} for now.",
            )
            return placeholder
        if own_id is not None:
            return None
        placeholder = self._placeholder(rec.source_id)
        self.note(
            "users.csv",
            rec.line,
            "email",
            f"No email address is given; this person gets the placeholder "
            f"address {placeholder} for now.",
        )
        return placeholder

    def _placeholder(self, sid: str) -> str:
        email = _placeholder(sid, _Taken(self.ex.by_email, self.claimed))
        self.claimed[email] = sid
        return email

    def _adoptable(self, rec: PersonRec) -> sa.Row | None:
        """An existing hand-made account of this school the roster record takes over, matched by email.

        An administrator's account may be matched too (so the school's office staff in the roster are
        not duplicated), but no import ever retires or disables an administrator: see :meth:`_kept`.
        """
        owner = self.ex.by_email.get(rec.email.lower()) if rec.email else None
        if (
            owner is None
            or owner.site_id != self.ex.site.id
            or owner.source_id is not None
            or rec.email.lower() in self.claimed
        ):
            return None
        return owner

    def _kept(self, user_id: int) -> str:
        """Why an import may not retire or disable this account ("" when it may)."""
        if user_id == self.actor_id:
            return MSG_NOT_SELF
        if Role.ADMINISTRATOR in self.ex.roles.get(user_id, set()):
            return MSG_ADMIN_KEPT
        return ""

    def _warn_new_administrator(self, rec: PersonRec, new_roles) -> None:
        if Role.ADMINISTRATOR in new_roles:
            self.note("users.csv", rec.line, "roles", MSG_BECOMES_ADMINISTRATOR)

    def people(self) -> None:
        plan, c = self.plan, self.plan.counts["people"]
        for sid, u in self.ex.people.items():
            if u.retired_at is None:
                plan.person_ids[sid] = u.id
        for rec in self.roster.people:
            current = self.ex.people.get(rec.source_id)
            if (
                current is not None
                and rec.modified
                and current.source_modified_at
                and rec.modified < current.source_modified_at
            ):
                self.skip(
                    c,
                    "users.csv",
                    rec.line,
                    "dateLastModified",
                    "This row is older than the last change "
                    "imported for this person; it is skipped.",
                )
                continue
            if rec.deleted:
                if current is not None and self._kept(current.id):
                    self.skip(c, "users.csv", rec.line, "status", self._kept(current.id))
                elif current is not None and current.retired_at is None:
                    plan.person_retire.append(current.id)
                    plan.person_ids.pop(rec.source_id, None)
                    c.retired += 1
                else:
                    c.skipped += 1
                continue
            adopted = self._adoptable(rec) if current is None else None
            if adopted is not None:
                self.note(
                    "users.csv",
                    rec.line,
                    "email",
                    f"Matched the existing account {adopted.email}, which "
                    "had not come from a roster; it is kept up to date from "
                    "this record from now on.",
                )
                current = adopted
                c.adopted += 1
            if current is None:
                self._person_insert(rec)
                c.created += 1
                continue
            wanted = {"full_name": rec.full_name}
            if rec.preferred_name is not None:
                wanted["preferred_name"] = rec.preferred_name
            if rec.pronouns is not None:
                wanted["pronouns"] = rec.pronouns
            if rec.modified is not None:
                wanted["source_modified_at"] = rec.modified
            email = self._email_for(rec, current.id)
            if email is not None:
                wanted["email"] = email
            if current.retired_at is not None:
                wanted.update(retired_at=None, is_active=rec.enabled)
            elif not rec.enabled and current.is_active and self._kept(current.id):
                self.note("users.csv", rec.line, "enabledUser", self._kept(current.id))
            elif not rec.enabled and current.is_active:
                wanted["is_active"] = False
                plan.person_disable.append(current.id)
            changed = _changes(current, wanted)
            if adopted is not None:
                changed["source_id"] = rec.source_id
            new_roles = sorted(rec.roles - self.ex.roles.get(current.id, set()))
            self._warn_new_administrator(rec, new_roles)
            plan.role_inserts.extend((rec.source_id, role) for role in new_roles)
            plan.person_ids[rec.source_id] = current.id
            if changed:
                plan.person_updates.append({"id": current.id, "updated_at": self.now, **changed})
            if adopted is None:
                if changed or new_roles:
                    c.updated += 1
                else:
                    c.unchanged += 1
        if self.roster.mode("users") == "bulk":
            me = next((sid for sid, u in self.ex.people.items() if u.id == self.actor_id), None)
            if me is not None and me not in self.roster.seen.get("users", set()):
                self.note("users.csv", 0, "", MSG_NOT_SELF)
            people = {sid: u for sid, u in self.ex.people.items() if not self._kept(u.id)}
            self._retire_absent(people, "users", plan.person_retire, c)
            gone = set(plan.person_retire)
            plan.person_ids = {sid: uid for sid, uid in plan.person_ids.items() if uid not in gone}

    def _person_insert(self, rec: PersonRec) -> None:
        email = self._email_for(rec, None)
        self.plan.person_inserts.append(
            {
                "site_id": self.ex.site.id,
                "email": email,
                "full_name": rec.full_name,
                "preferred_name": rec.preferred_name or "",
                "pronouns": rec.pronouns or "",
                "is_active": rec.enabled,
                "password_hash": None,
                "must_change_password": False,
                "password_changed_at": None,
                "created_at": self.now,
                "updated_at": self.now,
                "pronouns_visibility": "family",
                "source_id": rec.source_id,
                "source_modified_at": rec.modified,
                "retired_at": None,
                "erased_at": None,
            }
        )
        self._warn_new_administrator(rec, rec.roles)
        self.plan.role_inserts.extend((rec.source_id, role) for role in sorted(rec.roles))

    # --- enrollments and links ---

    def enrollments(self) -> None:
        plan, c = self.plan, self.plan.counts["enrollments"]
        gone_people = set(plan.person_retire)
        group_sid = {gid: sid for sid, gid in plan.group_ids.items()}
        person_sid = {uid: sid for sid, uid in plan.person_ids.items()}
        planned: dict[tuple[str, str], int] = {}
        deleted: set[int] = set()
        new_groups = {g["source_id"] for g in plan.group_inserts}
        new_people = {p["source_id"] for p in plan.person_inserts}
        for rec in self.roster.enrollments:
            current = self.ex.enrollments.get(rec.source_id)
            if rec.deleted:
                if current is not None:
                    plan.enrollment_deletes.append(current.id)
                    deleted.add(current.id)
                    c.retired += 1
                else:
                    c.skipped += 1
                continue
            if rec.group_source_id not in plan.group_ids and rec.group_source_id not in new_groups:
                self.skip(
                    c,
                    "enrollments.csv",
                    rec.line,
                    "classSourcedId",
                    f"Class “{rec.group_source_id}” is "
                    "retired by this import; this enrollment "
                    "is left out.",
                )
                continue
            if (
                rec.person_source_id not in plan.person_ids
                and rec.person_source_id not in new_people
            ):
                self.skip(
                    c,
                    "enrollments.csv",
                    rec.line,
                    "userSourcedId",
                    f"Person “{rec.person_source_id}” is not "
                    "imported or is retired by this import; "
                    "this enrollment is left out.",
                )
                continue
            key = (rec.group_source_id, rec.person_source_id)
            if key in planned:
                self.skip(
                    c,
                    "enrollments.csv",
                    rec.line,
                    "userSourcedId",
                    f"This person is already enrolled in this "
                    f"class (line {planned[key]}); this row is "
                    "left out.",
                )
                continue
            planned[key] = rec.line
            wanted = {
                "group_sid": rec.group_source_id,
                "person_sid": rec.person_source_id,
                "role": rec.role,
            }
            if current is not None:
                now = {
                    "group_sid": group_sid.get(current.group_id),
                    "person_sid": person_sid.get(current.user_id),
                    "role": current.role,
                }
                if now == wanted:
                    c.unchanged += 1
                else:
                    plan.enrollment_updates.append({"id": current.id, **wanted})
                    c.updated += 1
                continue
            gid, uid = (
                plan.group_ids.get(rec.group_source_id),
                plan.person_ids.get(rec.person_source_id),
            )
            same = self.ex.pairs.get((gid, uid)) if gid and uid else None
            if same is not None and same.source_id is None:
                plan.enrollment_updates.append(
                    {"id": same.id, "source_id": rec.source_id, **wanted}
                )
                c.adopted += 1
            elif same is not None:
                self.skip(
                    c,
                    "enrollments.csv",
                    rec.line,
                    "sourcedId",
                    f"This person is already enrolled in this class "
                    f"as “{same.source_id}”; this row is left out.",
                )
            else:
                plan.enrollment_inserts.append({"source_id": rec.source_id, **wanted})
                c.created += 1
        bulk = self.roster.mode("enrollments") == "bulk"
        seen = self.roster.seen.get("enrollments", set())
        for sid, e in self.ex.enrollments.items():
            if e.id not in deleted and (e.user_id in gone_people or (bulk and sid not in seen)):
                plan.enrollment_deletes.append(e.id)
                c.retired += 1

    def links(self) -> None:
        plan, c = self.plan, self.plan.counts["links"]
        ids = plan.person_ids
        new_people = {p["source_id"] for p in plan.person_inserts}
        relation = {p.source_id: p.relation for p in self.roster.people}
        wanted_ids: set[tuple[int, int]] = set()
        for parent, learner in sorted(self.roster.links):
            if (parent not in ids and parent not in new_people) or (
                learner not in ids and learner not in new_people
            ):
                continue
            pair = (ids.get(parent), ids.get(learner))
            if None not in pair and pair in self.ex.links:
                wanted_ids.add(pair)
                c.unchanged += 1
            else:
                plan.link_inserts.append((parent, learner, relation.get(parent, "")))
                c.created += 1
        sid_of = {uid: sid for sid, uid in ids.items()}
        gone = set(plan.person_retire)
        bulk = self.roster.links_managed and self.roster.mode("users") == "bulk"
        for pair, link in self.ex.links.items():
            if not link.from_roster or pair in wanted_ids:
                continue
            parent_sid = sid_of.get(pair[0])
            if (
                pair[0] in gone
                or pair[1] in gone
                or bulk
                or (self.roster.links_managed and parent_sid in self.roster.link_owners)
            ):
                plan.link_deletes.append(link.id)
                c.retired += 1


class _Taken:
    """Addresses in use: stored ones and those this import has claimed."""

    def __init__(self, stored: dict, claimed: dict):
        self.stored, self.claimed = stored, claimed

    def __contains__(self, email: str) -> bool:
        return email in self.stored or email in self.claimed


def roster_plan(*, roster: Roster, existing: Existing, now: datetime, actor_id: int) -> Plan:
    """Compare ``roster`` with the school and plan the writes; the plan's findings join the report.

    ``actor_id`` is the administrator running the import: an import never retires or disables
    their own account (they would be locked out half-way).
    """
    planner = _Planner(roster, existing, now, actor_id)
    if roster.org_id and not existing.site.source_id:
        planner.plan.site_source_id = roster.org_id
    planner.periods()
    planner.groups()
    planner.people()
    planner.enrollments()
    planner.links()
    return planner.plan
