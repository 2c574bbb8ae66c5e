"""The columns of each OneRoster CSV file, in the order of the standard (1.1, and 1.2 where it
differs): what a writer of OneRoster files puts in each header. The importer reads columns by
name, in any order; these are for the tools that write sample, test and benchmark packages.
"""

from __future__ import annotations

#: orgs.csv
ORGS: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
)

#: academicSessions.csv
ACADEMIC_SESSIONS: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
)

#: courses.csv
COURSES: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
)

#: classes.csv
CLASSES: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
)

#: users.csv in OneRoster 1.1 (roles on the user)
USERS_11: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)

#: users.csv in OneRoster 1.2 (roles in roles.csv)
USERS_12: tuple[str, ...] = (
    *(c for c in USERS_11 if c not in ("orgSourcedIds", "role")),
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
)

#: roles.csv (OneRoster 1.2)
ROLES: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
)

#: enrollments.csv
ENROLLMENTS: tuple[str, ...] = (
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
)
