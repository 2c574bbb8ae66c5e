"""The record of a roster import keeps where each problem was, not the email addresses it named.

The administrator sees the full report on screen when checking and importing. The stored
import run outlives that moment (until retention removes it), and may name people who are not
even in the school ("that address already belongs to another account"): it keeps the file,
line, column and what was wrong, with every address replaced.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from ilp_app.db.models import ImportRun, Site, User
from ilp_app.services.roster.roster_import import REDACTED_EMAIL, roster_import
from tests.support.school import build_school
from tests.support.services import call, load_actors, rows

ELSEWHERE = "kari.nordmann@other.school"
FILES = {
    "manifest.csv": (
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\n"
        "file.academicSessions,bulk\nfile.classes,bulk\nfile.users,bulk\nfile.enrollments,bulk\n"
        "file.courses,absent\n"
    ),
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg-t,,,Test School,school,,\n",
    "academicSessions.csv": (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
        "schoolYear\nt-2099,,,Autumn 2099,semester,2099-08-18,2099-12-19,,2100\n"
    ),
    "classes.csv": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
        "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
        "c-8c,,,8C,08,,,homeroom,,org-t,t-2099,,,\n"
    ),
    "users.csv": (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
        "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
        f"s-1,,,true,org-t,student,s-1,,Kari,Nordmann,,,{ELSEWHERE},,,,08,\n"
        "s-2,,,true,org-t,student,s-2,,Learner,Person,,,learner@test.school,,,,08,\n"
    ),
    "enrollments.csv": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate\ne-1,,,c-8c,org-t,s-1,student,false,,\n"
    ),
}


def roster_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in FILES.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def admin(session):
    school = build_school(session)
    other = Site(name="Other School")
    session.add(other)
    session.flush()
    session.add(User(site_id=other.id, email=ELSEWHERE, full_name="Kari Nordmann"))
    session.commit()
    return load_actors(session, school, ["admin"])["admin"]


def test_the_report_names_the_addresses_and_the_stored_record_does_not(engine, admin):
    report = call(roster_import, admin, data=roster_zip(), filename="roster.zip")
    on_screen = " ".join(f.problem for f in report.findings)
    assert ELSEWHERE in on_screen and "learner@test.school" in on_screen

    [run] = rows(engine, ImportRun)
    stored = json.loads(run.report)["findings"]
    assert [(f["file"], f["line"], f["column"]) for f in stored] == [
        (f.file, f.line, f.column) for f in report.findings
    ]
    problems = " ".join(f["problem"] for f in stored)
    assert "@" not in problems.replace(REDACTED_EMAIL, "")
    assert REDACTED_EMAIL in problems
    assert "@" not in run.summary
