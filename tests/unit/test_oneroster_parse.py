"""Reading and checking OneRoster packages, without a database."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest

from ilp_app.domain import oneroster
from ilp_app.domain.oneroster import ERROR, FATAL, WARNING, Finding, read_package, sort_findings
from ilp_app.domain.oneroster_rows import Known, roster_from_package
from ilp_app.domain.roles import Role

MANIFEST_11 = (
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\n"
    "file.academicSessions,bulk\nfile.classes,bulk\nfile.users,bulk\nfile.enrollments,bulk\n"
)
ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg1,,,Nordvik skole,school,,\n"
SESSIONS = (
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
    "t1,,,Autumn 2026,semester,2026-08-18,2026-12-19,,2027\n"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
    "c1,,,8C,08,,,homeroom,,org1,t1,,,\n"
)
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)
ENROLLMENTS_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate\n"
)


def user(
    sid, role, given="Ada", family="Berg", email=None, agents="", status="", stamp="", orgs="org1"
):
    email = f"{sid}@nordvik.school" if email is None else email
    agents, family = (f'"{v}"' if "," in v else v for v in (agents, family))
    return f"{sid},{status},{stamp},true,{orgs},{role},{sid},,{given},{family},,,{email},,,{agents},,\n"


def zip_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def package(users: str = "", enrollments: str = "", **overrides) -> bytes:
    files = {
        "manifest.csv": MANIFEST_11,
        "orgs.csv": ORGS,
        "academicSessions.csv": SESSIONS,
        "classes.csv": CLASSES,
        "users.csv": USERS_HEADER + users,
        "enrollments.csv": ENROLLMENTS_HEADER + enrollments,
    }
    files.update(overrides)
    return zip_of({k: v for k, v in files.items() if v is not None})


def check(data: bytes, known: Known | None = None):
    return roster_from_package(read_package(data), known or Known(site_name="Nordvik skole"))


def problems(roster) -> list[tuple[str, int, str, str]]:
    return [(f.file, f.line, f.column, f.severity) for f in sort_findings(roster.findings)]


# --- the zip ---------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused_with_a_clear_message():
    result = read_package(b"sourcedId,name\n1,x\n")
    assert result.fatal and result.findings[0].problem == oneroster.MSG_NOT_ZIP


def test_an_upload_over_the_size_limit_is_refused_before_it_is_opened():
    result = read_package(b"PK" + b"\0" * oneroster.MAX_UPLOAD_BYTES)
    assert [f.problem for f in result.findings] == [oneroster.MSG_TOO_LARGE]


def test_a_zip_that_expands_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(oneroster, "MAX_UNCOMPRESSED_BYTES", 5_000)
    data = package(users=user("u1", "student") * 200)
    assert [f.problem for f in read_package(data).findings] == [oneroster.MSG_EXPANDS]


def test_a_zip_with_too_many_members_is_refused():
    data = zip_of({f"extra{i}.txt": "x" for i in range(oneroster.MAX_MEMBERS + 1)})
    assert [f.problem for f in read_package(data).findings] == [oneroster.MSG_TOO_MANY]


@pytest.mark.parametrize(
    "name",
    ["../users.csv", "/etc/users.csv", "a/../../users.csv", "C:/users.csv", "a\\..\\users.csv"],
)
def test_member_paths_that_leave_the_package_are_refused(name):
    data = zip_of({"manifest.csv": MANIFEST_11, name: "x"})
    result = read_package(data)
    assert result.fatal and "leaves the package" in result.findings[0].problem


def test_a_package_inside_one_folder_is_read():
    data = zip_of(
        {
            f"export/{name}": content
            for name, content in {
                "manifest.csv": MANIFEST_11,
                "orgs.csv": ORGS,
                "academicSessions.csv": SESSIONS,
                "classes.csv": CLASSES,
                "users.csv": USERS_HEADER + user("u1", "student"),
                "enrollments.csv": ENROLLMENTS_HEADER,
            }.items()
        }
    )
    roster = check(data)
    assert not roster.fatal and [p.source_id for p in roster.people] == ["u1"]


# --- the manifest ----------------------------------------------------------------------------


def test_a_missing_manifest_is_fatal():
    assert (
        read_package(zip_of({"users.csv": USERS_HEADER})).findings[0].problem
        == oneroster.MSG_NO_MANIFEST
    )


def test_an_unsupported_version_is_fatal_and_names_the_version():
    data = package(
        **{
            "manifest.csv": MANIFEST_11.replace("1.1", "1.0", 1).replace(
                "oneroster.version,1.1", "oneroster.version,1.0"
            )
        }
    )
    result = read_package(data)
    assert result.fatal
    assert result.findings[0] == Finding(
        "manifest.csv",
        3,
        "value",
        "OneRoster version “1.0” is not supported; export as 1.1 or 1.2.",
        FATAL,
    )


def test_a_file_the_manifest_lists_but_the_zip_lacks_is_fatal():
    result = read_package(package(**{"enrollments.csv": None}))
    assert [(f.file, f.severity) for f in result.findings] == [("enrollments.csv", FATAL)]


def test_a_required_file_the_manifest_does_not_mention_is_fatal():
    result = read_package(package(**{"manifest.csv": MANIFEST_11.replace("file.users,bulk\n", "")}))
    assert result.fatal
    assert "file.users" in result.findings[0].problem


def test_a_bad_mode_in_the_manifest_is_fatal():
    result = read_package(
        package(**{"manifest.csv": MANIFEST_11.replace("file.users,bulk", "file.users,full")})
    )
    assert result.findings == [
        Finding(
            "manifest.csv",
            7,
            "value",
            "file.users is “full”; it must be bulk, delta or absent.",
            FATAL,
        )
    ]


def test_files_this_app_does_not_use_are_reported_but_do_not_stop_the_import():
    manifest = MANIFEST_11 + "file.demographics,bulk\n"
    roster = check(
        package(
            **{"manifest.csv": manifest, "demographics.csv": "sourcedId,birthDate\nu1,2013-01-01\n"}
        )
    )
    assert not roster.fatal
    assert problems(roster) == [("demographics.csv", 0, "", WARNING)]


# --- CSV details ---------------------------------------------------------------------------


def test_bom_crlf_and_quoted_commas_are_read_as_csv_means_them():
    users = (
        USERS_HEADER
        + user("u1", "student", family="Berg, Jr.")
        + user("p1", "parent", agents="u1,u9")
    )
    data = package(**{"users.csv": ("\ufeff" + users).replace("\n", "\r\n").encode("utf-8")})
    roster = check(data)
    people = {p.source_id: p for p in roster.people}
    assert people["u1"].full_name == "Ada Berg, Jr."
    assert roster.links == {("p1", "u1")}
    assert problems(roster) == [("users.csv", 3, "agentSourcedIds", WARNING)]


def test_a_line_break_inside_quotes_keeps_later_line_numbers_right():
    users = (
        USERS_HEADER
        + 'u1,,,true,org1,student,u1,,"Ada\nMarie",Berg,,,u1@x.school,,,,,\n'
        + user("", "student")
    )
    roster = check(package(users=users[len(USERS_HEADER) :]))
    assert problems(roster) == [("users.csv", 4, "sourcedId", ERROR)]


def test_a_file_that_is_not_utf8_is_fatal():
    data = package(
        **{"users.csv": (USERS_HEADER + user("u1", "student", family="Bjørn")).encode("latin-1")}
    )
    result = read_package(data)
    assert result.fatal and "not UTF-8" in result.findings[0].problem


def test_a_row_with_too_many_values_is_an_error_that_mentions_quotes():
    roster = check(package(users=user("u1", "student", family="Berg, Jr.").replace('"', "")))
    finding = roster.findings[0]
    assert (finding.file, finding.line, finding.severity) == ("users.csv", 2, ERROR)
    assert "double quotes" in finding.problem and roster.people == []


def test_a_missing_required_column_is_fatal_and_names_it():
    roster = check(package(**{"classes.csv": CLASSES.replace("schoolSourcedId", "school")}))
    assert roster.fatal
    assert roster.findings == [
        Finding(
            "classes.csv",
            1,
            "schoolSourcedId",
            "The required column “schoolSourcedId” is missing from the header.",
            FATAL,
        )
    ]


# --- rows ----------------------------------------------------------------------------------


def test_a_repeated_sourced_id_is_an_error_on_the_second_row_only():
    roster = check(
        package(
            users=user("u1", "student") + user("u1", "teacher", given="Bo", email="bo@x.school")
        )
    )
    assert [p.full_name for p in roster.people] == ["Ada Berg"]
    assert roster.findings == [
        Finding(
            "users.csv",
            3,
            "sourcedId",
            "sourcedId “u1” is used twice in this file "
            "(first on line 2). This row is not imported.",
            ERROR,
        )
    ]


def test_roles_map_to_the_apps_roles_and_unknown_ones_are_left_out_with_a_warning():
    users = (
        user("s", "student")
        + user("t", "teacher")
        + user("g", "guardian")
        + user("r", "relative")
        + user("p", "Parent")
        + user("a", "administrator")
        + user("x", "aide")
        + user("w", "wizard")
    )
    roster = check(package(users=users))
    assert {p.source_id: set(p.roles) for p in roster.people} == {
        "s": {Role.LEARNER},
        "t": {Role.TEACHER},
        "g": {Role.PARENT},
        "r": {Role.PARENT},
        "p": {Role.PARENT},
        "a": {Role.ADMINISTRATOR},
    }
    assert [(f.line, f.problem) for f in roster.findings] == [
        (8, "The role “aide” has no counterpart here: this person is not imported."),
        (9, "Unknown role “wizard”: this person is not imported."),
    ]


def test_a_delta_row_needs_its_last_modified_date_and_a_known_status():
    manifest = MANIFEST_11.replace("file.users,bulk", "file.users,delta")
    users = (
        user("u1", "student", stamp="2026-09-01T10:00:00Z")
        + user("u2", "student")
        + user("u3", "student", status="archived", stamp="2026-09-01")
        + user("u4", "student", stamp="yesterday")
        + user("u5", "student", status="tobedeleted", stamp="2026-09-01T12:00:00.000+02:00")
    )
    roster = check(package(users=users, **{"manifest.csv": manifest}))
    assert problems(roster) == [
        ("users.csv", 3, "dateLastModified", ERROR),
        ("users.csv", 4, "status", ERROR),
        ("users.csv", 5, "dateLastModified", ERROR),
    ]
    people = {p.source_id: p for p in roster.people}
    assert people["u1"].modified == datetime(2026, 9, 1, 10, tzinfo=UTC)
    assert people["u5"].deleted and people["u5"].modified == datetime(2026, 9, 1, 10, tzinfo=UTC)


def test_links_come_from_either_side_and_a_missing_child_is_a_warning():
    users = (
        user("s1", "student", agents="p2")
        + user("s2", "student")
        + user("p1", "parent", agents="s2,s9")
        + user("p2", "guardian")
        + user("t1", "teacher")
        + user("p3", "parent", agents="t1")
    )
    roster = check(package(users=users))
    assert roster.links == {("p2", "s1"), ("p1", "s2")}
    assert [(f.line, f.problem) for f in roster.findings] == [
        (4, "Child “s9” is not among the people imported; that link is not made."),
        (7, "“t1” is not a learner; that link is not made."),
    ]
    assert {p.source_id: p.relation for p in roster.people if p.relation} == {
        "p1": "Parent",
        "p2": "Guardian",
        "p3": "Parent",
    }


def test_a_child_known_from_an_earlier_import_can_be_linked_in_a_delta():
    manifest = MANIFEST_11.replace("file.users,bulk", "file.users,delta")
    known = Known(
        site_org="org1", site_name="Nordvik skole", people={"s1": frozenset({Role.LEARNER})}
    )
    roster = check(
        package(
            users=user("p1", "parent", agents="s1", stamp="2026-09-01"),
            **{"manifest.csv": manifest},
        ),
        known,
    )
    assert roster.links == {("p1", "s1")} and roster.link_owners == {"p1"}


def test_records_of_another_school_are_left_out():
    classes = CLASSES + "c2,,,9A,09,,,scheduled,,org2,t1,,,\n"
    users = user("u1", "student") + user("u2", "student", orgs="org2")
    enrollments = "e1,,,c1,org2,u1,student,,,\n"
    roster = check(package(users=users, enrollments=enrollments, **{"classes.csv": classes}))
    assert [g.source_id for g in roster.groups] == ["c1"]
    assert [p.source_id for p in roster.people] == ["u1"]
    assert roster.enrollments == []
    assert problems(roster) == [
        ("classes.csv", 3, "schoolSourcedId", WARNING),
        ("users.csv", 3, "orgSourcedIds", WARNING),
        ("enrollments.csv", 2, "schoolSourcedId", WARNING),
    ]


def test_a_people_list_in_a_quoted_field_counts_every_school():
    roster = check(package(users=user("u1", "student").replace(",org1,", ',"org0,org1",')))
    assert [p.source_id for p in roster.people] == ["u1"]


def test_the_school_is_chosen_by_name_when_the_file_holds_several():
    orgs = ORGS + "org2,,,Sørvik skole,school,,\norg0,,,Kommune,district,,\n"
    assert check(package(**{"orgs.csv": orgs})).org_id == "org1"
    roster = check(package(**{"orgs.csv": orgs}), Known(site_name="Another school"))
    assert roster.fatal and "several schools" in roster.findings[0].problem


def test_a_school_imported_before_must_be_in_a_bulk_orgs_file():
    roster = check(package(), Known(site_org="org7", site_name="Nordvik skole"))
    assert roster.fatal and "org7" in roster.findings[0].problem


def test_enrollments_need_a_used_role_and_imported_class_and_person():
    enrollments = (
        "e1,,,c1,org1,u1,student,,,\ne2,,,c1,org1,u1,proctor,,,\ne3,,,c9,org1,u1,student,,,\n"
        "e4,,,c1,org1,u9,student,,,\ne5,,,c1,org1,t1,Teacher,,,\n"
    )
    roster = check(
        package(users=user("u1", "student") + user("t1", "teacher"), enrollments=enrollments)
    )
    assert [(e.source_id, e.role) for e in roster.enrollments] == [
        ("e1", "learner"),
        ("e5", "teacher"),
    ]
    assert problems(roster) == [
        ("enrollments.csv", 3, "role", WARNING),
        ("enrollments.csv", 4, "classSourcedId", WARNING),
        ("enrollments.csv", 5, "userSourcedId", WARNING),
    ]


def test_sessions_become_periods_and_grading_periods_are_left_out():
    sessions = SESSIONS + (
        "t2,,,Q1,gradingPeriod,2026-08-18,2026-10-01,t1,2027\n"
        "t3,,,Year,schoolYear,2026-08-18,2027-06-20,,2027\n"
        "t4,,,Backwards,term,2026-08-18,2026-01-01,,2027\n"
        "t5,,,Odd,quarter,2026-08-18,2026-10-01,,2027\n"
    )
    roster = check(package(**{"academicSessions.csv": sessions}))
    assert [(p.source_id, p.starts_on) for p in roster.periods] == [
        ("t1", date(2026, 8, 18)),
        ("t3", date(2026, 8, 18)),
    ]
    assert problems(roster) == [
        ("academicSessions.csv", 3, "type", WARNING),
        ("academicSessions.csv", 5, "endDate", ERROR),
        ("academicSessions.csv", 6, "type", ERROR),
    ]


def test_homerooms_become_tutor_groups_and_courses_name_the_groups_course():
    manifest = MANIFEST_11 + "file.courses,bulk\n"
    courses = (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId\n"
        "k1,,,,Mathematics 8,,08,org1\n"
    )
    classes = (
        CLASSES
        + "c2,,,Maths 8C,08,k1,,scheduled,,org1,t1,,,\nc3,,,Art,08,k9,,scheduled,,org1,t1,,,\n"
    )
    roster = check(
        package(**{"manifest.csv": manifest, "courses.csv": courses, "classes.csv": classes})
    )
    assert [(g.name, g.kind, g.course) for g in roster.groups] == [
        ("8C", "tutor", ""),
        ("Maths 8C", "class", "Mathematics 8"),
        ("Art", "class", ""),
    ]
    assert problems(roster) == [("classes.csv", 4, "courseSourcedId", WARNING)]


MANIFEST_12 = (
    MANIFEST_11.replace("oneroster.version,1.1", "oneroster.version,1.2") + "file.roles,bulk\n"
)
USERS_12 = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
    "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,"
    "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    "u1,,,true,u1,,Aleksander,Dąbrowski,,,olek@x.school,,,,08,,,,Olek,,,org1,he/him\n"
    "u2,,,true,u2,,Maja,Lind,,,maja@x.school,,,,08,,,,,,Berg,org1,\n"
    "u3,,,true,u3,,Nora,Eng,,,nora@x.school,,,,08,,,,,,,org1,\n"
)
ROLES_12 = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
    "userProfileSourcedId\n"
    "r1,,,u1,primary,student,,,org1,\nr2,,,u2,primary,teacher,,,org1,\nr3,,,u2,secondary,siteAdministrator,,,"
    "org1,\nr4,,,u2,secondary,teacher,,,org2,\n"
)


def test_version_12_reads_roles_preferred_names_and_pronouns():
    roster = check(
        package(**{"manifest.csv": MANIFEST_12, "users.csv": USERS_12, "roles.csv": ROLES_12})
    )
    people = {p.source_id: p for p in roster.people}
    assert (people["u1"].preferred_name, people["u1"].pronouns, set(people["u1"].roles)) == (
        "Olek Dąbrowski",
        "he/him",
        {Role.LEARNER},
    )
    assert (people["u2"].preferred_name, set(people["u2"].roles)) == (
        "Maja Berg",
        {Role.TEACHER, Role.ADMINISTRATOR},
    )
    assert "u3" not in people  # no role at this school
    assert problems(roster) == [("users.csv", 4, "role", WARNING)]


def test_version_11_leaves_preferred_names_and_pronouns_alone():
    roster = check(package(users=user("u1", "student")))
    assert (roster.people[0].preferred_name, roster.people[0].pronouns) == (None, None)


def test_an_invalid_email_is_not_used_and_a_username_that_is_one_is():
    users = user("u1", "student", email="not an address") + user("u2", "student", email="").replace(
        ",u2,,", ",u2@x.school,,"
    )
    roster = check(package(users=users))
    assert [(p.source_id, p.email) for p in roster.people] == [("u1", ""), ("u2", "u2@x.school")]
    assert problems(roster) == [("users.csv", 2, "email", WARNING)]


def test_every_row_sourced_id_is_seen_even_when_the_row_has_errors():
    roster = check(
        package(users=user("u1", "student") + user("u2", "wizard") + user("u1", "student"))
    )
    assert roster.seen["users"] == {"u1", "u2"}
