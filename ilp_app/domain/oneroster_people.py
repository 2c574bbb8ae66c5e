"""People in a OneRoster package: roles, names, emails, and the links between parents and children.

Pure. Only student, teacher, guardian/parent/relative and administrator (1.2: siteAdministrator)
have a counterpart here; a person with none of them is left out with a warning. OneRoster 1.1
gives each person's role and schools in users.csv, 1.2 in roles.csv. Links come from
``agentSourcedIds`` on either side (a parent listing a child, or a child listing a parent).
"""

from __future__ import annotations

import re
from datetime import datetime

from ilp_app.domain.oneroster import Package, Table
from ilp_app.domain.oneroster_records import (
    REQUIRED_COLUMNS,
    Known,
    PersonRec,
    Roster,
    RowReader,
    columns_present,
    split_ids,
)
from ilp_app.domain.roles import Role

#: OneRoster roles this app uses, by their lower-case name.
ROLE_MAP: dict[str, Role] = {
    "student": Role.LEARNER,
    "teacher": Role.TEACHER,
    "guardian": Role.PARENT,
    "parent": Role.PARENT,
    "relative": Role.PARENT,
    "administrator": Role.ADMINISTRATOR,
    "siteadministrator": Role.ADMINISTRATOR,
}
#: Roles of the standard that have no counterpart here.
UNUSED_ROLES = frozenset(
    {"aide", "proctor", "counselor", "principal", "districtadministrator", "systemadministrator"}
)
RELATION_LABELS = {"parent": "Parent", "guardian": "Guardian", "relative": "Relative"}
#: OneRoster 1.1 keeps each person's role and schools in users.csv (1.2 moved them to roles.csv).
REQUIRED_USER_COLUMNS_11 = ("role", "orgSourcedIds")

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def valid_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value))


def _role_of(reader: RowReader, line: int, column: str, value: str, outcome: str) -> Role | None:
    """The app's role for a OneRoster role name, or None (with a warning saying ``outcome``)."""
    role = ROLE_MAP.get(value.lower())
    if role is None:
        if value.lower() in UNUSED_ROLES:
            reader.note(line, column, f"The role “{value}” has no counterpart here: {outcome}")
        else:
            reader.note(line, column, f"Unknown role “{value[:40]}”: {outcome}")
    return role


def _roles_csv(
    roster: Roster, package: Package, known: Known, user_ids: set[str], relations: dict[str, str]
) -> dict[str, set[Role]]:
    """1.2: each person's roles at this school, from roles.csv (and how a parent is related)."""
    table = package.tables.get("roles")
    roles: dict[str, set[Role]] = {}
    if table is None or not columns_present(roster, table, REQUIRED_COLUMNS["roles"]):
        return roles
    reader = RowReader(roster, table)

    def removed(line: int, _sid: str, _modified: datetime | None) -> None:
        reader.note(
            line,
            "status",
            "An import never removes a role; remove it by hand if it is no longer right.",
        )

    for line, row, _, _ in reader.rows(removed):
        if not reader.needed(line, row, "userSourcedId", "role", "orgSourcedId"):
            continue
        if row["orgSourcedId"] != roster.org_id:
            continue  # a role at another school: not this school's business
        person = row["userSourcedId"]
        if person not in user_ids and person not in known.people:
            reader.note(
                line,
                "userSourcedId",
                f"Person “{person}” is not in users.csv; this role is left out.",
            )
            continue
        role = _role_of(reader, line, "role", row["role"], "this role is left out.")
        if role is not None:
            roles.setdefault(person, set()).add(role)
            if role is Role.PARENT:
                relations.setdefault(person, row["role"].lower())
    return roles


def _person_name(row: dict[str, str]) -> tuple[str, str | None]:
    full = " ".join(f"{row['givenName']} {row['familyName']}".split())
    if "preferredGivenName" not in row or "preferredFamilyName" not in row:
        # Without both columns (1.1, or one misspelt) the preferred name is unknown: the stored
        # one is kept rather than rebuilt from half of it.
        return full, None
    given, family = row.get("preferredGivenName", ""), row.get("preferredFamilyName", "")
    if not given and not family:
        return full, ""
    return full, " ".join(f"{given or row['givenName']} {family or row['familyName']}".split())


def read_people(roster: Roster, package: Package, known: Known) -> None:
    table = package.tables["users"]
    required = REQUIRED_COLUMNS["users"] + (
        REQUIRED_USER_COLUMNS_11 if package.version == "1.1" else ()
    )
    if not columns_present(roster, table, required):
        return
    reader = RowReader(roster, table)
    all_ids = {row["sourcedId"] for _, row in table.rows}
    relations: dict[str, str] = {}
    roles_12 = (
        _roles_csv(roster, package, known, all_ids, relations) if package.version == "1.2" else {}
    )

    def removed(line: int, sid: str, modified: datetime | None) -> None:
        roster.people.append(PersonRec(sid, line, deleted=True, modified=modified))

    for line, row, sid, modified in reader.rows(removed):
        if not reader.needed(line, row, "givenName", "familyName"):
            continue
        orgs = split_ids(row.get("orgSourcedIds", "")) + split_ids(
            row.get("primaryOrgSourcedId", "")
        )
        if orgs and roster.org_id not in orgs and sid not in roles_12:
            reader.note(
                line,
                "orgSourcedIds" if "orgSourcedIds" in row else "primaryOrgSourcedId",
                f"This person belongs to another school ({', '.join(orgs)[:80]}); they are left out.",
            )
            continue
        roles: set[Role] = set(roles_12.get(sid, ()))
        if row.get("role"):
            role = _role_of(reader, line, "role", row["role"], "this person is not imported.")
            if role is None and not roles:
                continue
            roles.update([role] if role else [])
            if role is Role.PARENT:
                relations[sid] = row["role"].lower()
        if not roles and sid not in known.people:
            reader.note(line, "role", "No role is given for this person; they are not imported.")
            continue
        full_name, preferred = _person_name(row)
        if not reader.fits(line, "givenName", full_name, 200) or not reader.fits(
            line, "preferredGivenName", preferred or "", 100
        ):
            continue
        pronouns = row.get("pronouns") if "pronouns" in row else None
        if pronouns is not None and not reader.fits(line, "pronouns", pronouns, 50):
            continue
        email = row.get("email", "")
        if email and not valid_email(email):
            reader.note(line, "email", f"“{email[:80]}” is not an email address; it is not used.")
            email = ""
        if not email and valid_email(row.get("username", "")):
            email = row["username"]
        enabled = row.get("enabledUser", "").lower() != "false"
        roster.people.append(
            PersonRec(
                sid,
                line,
                modified=modified,
                roles=frozenset(roles),
                full_name=full_name,
                preferred_name=preferred,
                pronouns=pronouns,
                email=email,
                enabled=enabled,
                relation=RELATION_LABELS.get(relations.get(sid, ""), ""),
            )
        )
    _links(roster, table, known)


def _links(roster: Roster, table: Table, known: Known) -> None:
    """Parent-child links from agentSourcedIds (either side may list the other)."""
    if not table.has("agentSourcedIds"):
        return
    roster.links_managed = True
    reader = RowReader(roster, table)
    roles = dict(known.people)
    for person in roster.people:
        if person.deleted:
            roles.pop(person.source_id, None)
        else:
            roles[person.source_id] = roles.get(person.source_id, frozenset()) | person.roles
    rows = {row["sourcedId"]: row for _, row in table.rows}
    for person in roster.people:
        if person.deleted:
            continue
        mine = roles[person.source_id]
        is_parent, is_learner = Role.PARENT in mine, Role.LEARNER in mine
        if is_parent:
            roster.link_owners.add(person.source_id)
        for agent in split_ids(rows[person.source_id].get("agentSourcedIds", "")):
            theirs = roles.get(agent)
            if is_parent and theirs is not None and Role.LEARNER in theirs:
                roster.links.add((person.source_id, agent))
            elif is_learner and theirs is not None and Role.PARENT in theirs:
                roster.links.add((agent, person.source_id))
            elif (is_parent or is_learner) and agent != person.source_id:
                who = "Child" if is_parent else "Parent"
                problem = (
                    f"{who} “{agent}” is not among the people imported; that link is not made."
                    if theirs is None
                    else f"“{agent}” is not a {'learner' if is_parent else 'parent'}; that link is not made."
                )
                reader.note(person.line, "agentSourcedIds", problem)
