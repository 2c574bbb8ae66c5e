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
from tests.support.oneroster_corpus import corpus

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


# --- what real exporters write --------------------------------------------------------------


def test_a_blank_manifest_value_for_a_file_the_app_does_not_use_is_read_as_absent():
    manifest = MANIFEST_11 + "file.scoreScales,\nfile.userProfiles\n"
    data = package(**{"manifest.csv": manifest, "userProfiles.csv": "sourcedId\nx\n"})
    result = read_package(data)
    assert result.modes["scoreScales"] == result.modes["userProfiles"] == "absent"
    assert sort_findings(result.findings) == [
        Finding(
            "manifest.csv",
            9,
            "value",
            "file.scoreScales has no value; it is read as absent, since this app does not use "
            "scoreScales.csv.",
            WARNING,
        ),
        Finding(
            "manifest.csv",
            10,
            "value",
            "file.userProfiles has no value; it is read as absent, since this app does not use "
            "userProfiles.csv.",
            WARNING,
        ),
    ]
    assert not check(data).fatal


@pytest.mark.parametrize("blank", ["file.users,", "file.users, ", "file.users"])
def test_a_blank_manifest_value_for_a_file_the_app_reads_refuses_the_package(blank):
    data = package(**{"manifest.csv": MANIFEST_11.replace("file.users,bulk", blank)})
    assert read_package(data).findings == [
        Finding(
            "manifest.csv",
            7,
            "value",
            "file.users has no value. This app reads users.csv, so the manifest must say bulk, "
            "delta or absent for it.",
            FATAL,
        )
    ]


def test_empty_columns_at_the_end_of_the_header_are_ignored_with_a_warning():
    users = USERS_HEADER.rstrip("\n") + ",,\n"
    users += user("u1", "student").rstrip("\n") + ",,\n"  # the row ends in them too
    users += user("u2", "student")  # or it does not
    users += user("u3", "student").rstrip("\n") + ",,x\n"  # a value under no name
    roster = check(package(**{"users.csv": users}))
    assert [p.source_id for p in roster.people] == ["u1", "u2"]
    assert roster.findings == [
        Finding(
            "users.csv", 1, "", "The header ends in 2 empty columns; they are ignored.", WARNING
        ),
        Finding(
            "users.csv",
            4,
            "",
            "This row has 20 values but the header has 18 named columns (a comma inside a value "
            "must be in double quotes); the row is not imported.",
            ERROR,
        ),
    ]


def test_only_a_real_duplicate_column_name_is_fatal():
    nameless = USERS_HEADER.replace("middleName,identifier", ",")  # two columns without a name
    roster = check(package(**{"users.csv": nameless + user("u1", "student")}))
    assert not roster.fatal and [p.full_name for p in roster.people] == ["Ada Berg"]
    assert [(f.line, f.problem, f.severity) for f in roster.findings] == [
        (1, "Column 11 of the header has no name; its values are not read.", WARNING),
        (1, "Column 12 of the header has no name; its values are not read.", WARNING),
    ]
    twice = USERS_HEADER.replace("middleName", "email")
    assert read_package(package(**{"users.csv": twice})).findings == [
        Finding("users.csv", 1, "", "The column “email” appears twice in the header.", FATAL)
    ]


def test_a_row_of_nothing_but_commas_is_passed_over_like_a_blank_line():
    users = user("u1", "student") + "," * 17 + "\n" + " , ,\n" + user("u2", "student")
    roster = check(package(users=users))
    assert [p.source_id for p in roster.people] == ["u1", "u2"] and roster.findings == []
    assert roster.rows_read["users"] == 2


MSG_LOCAL = (
    "dateLastModified could not be read: in a local date such as 1/05/2023 the day and month "
    "are ambiguous, so it is not guessed."
)
MSG_UNKNOWN_CHANGE = " The row is imported; its last change is treated as unknown."


def test_an_unreadable_last_change_keeps_a_bulk_row_with_its_last_change_unknown():
    users = (
        user("u1", "student", stamp="1/05/2023")
        + user("u2", "student", stamp="2026-09-01")
        + user("u3", "student", stamp="yesterday")
        + user("u4", "student", stamp="13.05.23")
    )
    classes = CLASSES.replace("c1,,,", "c1,,2023/5/1,")
    enrollments = "e1,,1-5-2023,c1,org1,u1,student,,,\n"
    roster = check(package(users=users, enrollments=enrollments, **{"classes.csv": classes}))
    people = {p.source_id: p.modified for p in roster.people}
    assert people == {"u1": None, "u2": datetime(2026, 9, 1, tzinfo=UTC), "u3": None, "u4": None}
    assert [g.source_id for g in roster.groups] == ["c1"]
    assert [e.source_id for e in roster.enrollments] == ["e1"]
    bad = (
        "dateLastModified could not be read: it should be a date and time such as "
        "2026-08-18T09:00:00Z."
    )
    assert [(f.file, f.line, f.problem, f.severity) for f in sort_findings(roster.findings)] == [
        ("classes.csv", 2, bad + MSG_UNKNOWN_CHANGE, WARNING),
        ("users.csv", 2, MSG_LOCAL + MSG_UNKNOWN_CHANGE, WARNING),
        ("users.csv", 4, bad + MSG_UNKNOWN_CHANGE, WARNING),
        ("users.csv", 5, MSG_LOCAL + MSG_UNKNOWN_CHANGE, WARNING),
        ("enrollments.csv", 2, MSG_LOCAL + MSG_UNKNOWN_CHANGE, WARNING),
    ]


def test_a_local_date_in_a_delta_file_is_an_error_for_that_row_only():
    manifest = MANIFEST_11.replace("file.users,bulk", "file.users,delta")
    users = user("u1", "student", stamp="1/05/2023") + user("u2", "student", stamp="2026-09-01")
    roster = check(package(users=users, **{"manifest.csv": manifest}))
    assert [p.source_id for p in roster.people] == ["u2"]
    assert roster.findings == [
        Finding(
            "users.csv",
            2,
            "dateLastModified",
            MSG_LOCAL + " A delta file needs it to put changes in order. This row is not imported.",
            ERROR,
        )
    ]


def test_a_period_with_a_local_date_is_not_guessed_even_in_a_bulk_file():
    sessions = SESSIONS + "t2,,,Spring 2027,semester,2027-01-04,20/06/2027,,2027\n"
    roster = check(package(**{"academicSessions.csv": sessions}))
    assert [p.source_id for p in roster.periods] == ["t1"]
    assert roster.findings == [
        Finding(
            "academicSessions.csv",
            3,
            "endDate",
            "endDate could not be read: in a local date such as 1/05/2023 the day and month are "
            "ambiguous, so it is not guessed. This row is not imported.",
            ERROR,
        )
    ]


def test_inactive_is_read_as_tobedeleted_and_an_unknown_status_fails_only_its_row():
    sessions = SESSIONS + "t2,Inactive,,Spring 2026,semester,2026-01-05,2026-06-20,,2026\n"
    users = user("u1", "student", status="inactive") + user("u2", "student", status="archived")
    users += user("u3", "student")
    roster = check(package(users=users, **{"academicSessions.csv": sessions}))
    assert [(p.source_id, p.deleted) for p in roster.periods] == [("t1", False), ("t2", True)]
    assert [(p.source_id, p.deleted) for p in roster.people] == [("u1", True), ("u3", False)]
    inactive = "status “inactive” (from OneRoster 1.0) is read as tobedeleted."
    assert [(f.file, f.line, f.problem, f.severity) for f in sort_findings(roster.findings)] == [
        ("academicSessions.csv", 3, inactive, WARNING),
        ("users.csv", 2, inactive, WARNING),
        (
            "users.csv",
            3,
            "status “archived” is not active or tobedeleted. This row is not imported.",
            ERROR,
        ),
    ]


def test_known_misspellings_of_optional_columns_are_named_and_their_values_not_used():
    users = (
        USERS_12.replace("preferredGivenName", "prefferedGivenName")
        .replace("agentSourcedIds", "agentSourceIds")
        .replace("pronouns", "Pronouns")
    )
    roster = check(
        package(**{"manifest.csv": MANIFEST_12, "users.csv": users, "roles.csv": ROLES_12})
    )
    olek = next(p for p in roster.people if p.source_id == "u1")
    assert (olek.preferred_name, olek.pronouns) == (None, None)  # unknown: the stored ones stay
    assert not roster.links_managed
    meant = {
        "agentSourceIds": "agentSourcedIds",
        "prefferedGivenName": "preferredGivenName",
        "Pronouns": "pronouns",
    }
    assert [(f.line, f.column, f.severity) for f in roster.findings[:3]] == [
        (1, found, WARNING) for found in meant
    ]
    assert roster.findings[1].problem == (
        "The column “prefferedGivenName” looks like a misspelling of “preferredGivenName”, which "
        "this app reads. Its values are not used: the app does not guess what a column means."
    )
    assert all(f"“{meant[f.column]}”" in f.problem for f in roster.findings[:3])


def test_a_column_the_app_does_not_read_is_not_taken_for_a_misspelling():
    users = USERS_HEADER.replace("middleName", "prefferedMiddleName").replace("sms", "custom")
    assert check(package(**{"users.csv": users + user("u1", "student")})).findings == []


@pytest.mark.parametrize("file", ["manifest.csv", "users.csv"])
def test_a_semicolon_separated_file_is_refused_with_a_message_that_says_so(file):
    files = {"manifest.csv": MANIFEST_11, "users.csv": USERS_HEADER + user("u1", "student")}
    data = package(**{file: files[file].replace(",", ";")})
    assert read_package(data).findings == [
        Finding(
            file,
            1,
            "",
            f"{file} is separated by semicolons; OneRoster files are separated by commas. "
            "Export it again as comma-separated UTF-8 CSV.",
            FATAL,
        )
    ]


# --- the report -----------------------------------------------------------------------------


def test_repeated_findings_are_grouped_with_their_count_and_lines():
    stamp = "dateLastModified could not be read."
    findings = sort_findings(
        [Finding("users.csv", line, "dateLastModified", stamp, WARNING) for line in (7, 2, 5, 4, 6)]
        + [
            Finding("users.csv", 3, "role", "Unknown role “wizard”.", WARNING),
            Finding("users.csv", 3, "dateLastModified", stamp, ERROR),
            Finding("manifest.csv", 0, "", "Whole file.", WARNING),
        ]
    )
    groups = oneroster.group_findings(findings)
    assert [g.headline for g in groups] == [
        "Warning: Whole file (manifest.csv)",
        "Warning × 5: dateLastModified could not be read (users.csv, lines 2, 4–7)",
        "Warning: Unknown role “wizard” (users.csv, line 3)",
        "Error: dateLastModified could not be read (users.csv, line 3)",
    ]
    assert (groups[1].count, groups[1].lines, groups[1].label) == (
        5,
        (2, 4, 5, 6, 7),
        "Warning × 5",
    )


def test_a_long_run_of_lines_is_cut_short_with_how_many_more():
    assert oneroster.line_ranges([9, 2, 3, 4]) == "2–4, 9"
    assert oneroster.line_ranges(range(2, 60, 2), limit=3) == "2, 4, 6 and 26 more"
    assert oneroster.line_ranges([]) == ""


def test_each_kind_counts_the_rows_of_its_file_and_those_left_out():
    users = user("u1", "student") + user("u2", "wizard") + user("u1", "student") + "u3,x\n"
    roster = check(package(users=users, enrollments="e1,,,c1,org1,u1,student,,,\n"))
    assert roster.arrivals() == {
        "people": {"in_file": 4, "left_out": 3},
        "groups": {"in_file": 1, "left_out": 0},
        "periods": {"in_file": 1, "left_out": 0},
        "enrollments": {"in_file": 1, "left_out": 0},
    }


# --- the corpus of quirky exports -------------------------------------------------------------


@pytest.mark.parametrize("sample", corpus(), ids=lambda s: s.name)
def test_each_export_of_the_corpus_reads_with_its_expected_report(sample):
    roster = check(sample.data, Known(site_name="Test School"))
    report = [g.headline for g in oneroster.group_findings(sort_findings(roster.findings))]
    assert report == list(sample.report)
    assert roster.fatal == (sample.status == "invalid")
    if not roster.fatal:
        arrived = {
            kind: {k: v for k, v in counts.items() if v}
            for kind, counts in roster.arrivals().items()
        }
        assert arrived == {
            kind: {k: v for k, v in counts.items() if k in ("in_file", "left_out")}
            for kind, counts in sample.counts.items()
            if kind != "links" and "in_file" in counts
        }
