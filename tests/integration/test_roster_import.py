"""OneRoster import through the services, on SQLite and PostgreSQL.

Each call runs in its own unit of work, as the page's events do. Packages are built here, byte
by byte where the detail matters (a byte order mark, CRLF line ends, quoted commas).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import (
    AuditEvent,
    AuthSession,
    Enrollment,
    Group,
    Guardianship,
    ImportRun,
    Period,
    Plan,
    RoleGrant,
    Site,
    User,
)
from ilp_app.domain import oneroster_headers as headers
from ilp_app.domain.errors import PermissionDenied
from ilp_app.domain.oneroster import group_findings
from ilp_app.domain.roles import Role
from ilp_app.seed import seed_demo
from ilp_app.services.access import auth
from ilp_app.services.access.actors import actor_load
from ilp_app.services.roster.roster_import import import_run_list, roster_import, roster_validate
from ilp_app.services.roster.roster_plan import MSG_ADMIN_KEPT, MSG_BECOMES_ADMINISTRATOR
from ilp_app.services.school import users
from ilp_app.services.uow import unit_of_work
from ilp_app.state.admin_import import AdminImportState
from tests.support.oneroster_corpus import (
    clean_11,
    corpus,
    inactive_session,
    local_dates,
    sample,
)
from tests.support.services import actor_of, call, signed_in

EXAMPLE_ZIP = Path(__file__).resolve().parents[2] / "examples" / "oneroster-sample.zip"
ROSTER_TABLES = (Site, User, RoleGrant, Period, Group, Enrollment, Guardianship, AuthSession)

MANIFEST = (
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,{orgs}\n"
    "file.academicSessions,{sessions}\nfile.classes,{classes}\nfile.users,{users}\n"
    "file.enrollments,{enrollments}\nfile.courses,absent\n"
)
ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg-t,,,Test School,school,,\n"
SESSIONS = (
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
    "t-2099,,,Autumn 2099,semester,2099-08-18,2099-12-19,,2100\n"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
    "c-8c,,,8C,08,,,homeroom,,org-t,t-2099,,,\n"
    'c-ma,,,"Maths, 8C",08,,,scheduled,,org-t,t-2099,,,\n'
)
USERS_HEADER = list(headers.USERS_11)
ENROLLMENTS_HEADER = list(headers.ENROLLMENTS)

# The package the first tests import: BOM, CRLF, quoted commas, an unknown role, a parent with
# a child who is not in the file, and a sourcedId used twice.
SAMPLE_USERS = (
    "\ufeffsourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\r\n"
    's-1,,,true,org-t,student,s-1,,Åsa,"Berg, Jr.",,,asa.berg@test.school,,,p-1,08,\r\n'
    "s-2,,,true,org-t,student,s-2,,Ole,Lie,,,ole.lie@test.school,,,,08,\r\n"
    'p-1,,,true,org-t,parent,p-1,,Kari,Berg,,,kari.berg@test.school,,,"s-1,s-9",,\r\n'
    "t-1,,,true,org-t,teacher,t-1,,Ina,Dahl,,,ina.dahl@test.school,,,,,\r\n"
    "x-1,,,true,org-t,wizard,x-1,,Merlin,Ambrosius,,,merlin@test.school,,,,,\r\n"
    "s-2,,,true,org-t,student,s-2,,Other,Person,,,other@test.school,,,,08,\r\n"
)
SAMPLE_ENROLLMENTS = (
    ",".join(ENROLLMENTS_HEADER) + "\r\n"
    "e-1,,,c-8c,org-t,s-1,student,false,,\r\n"
    "e-2,,,c-8c,org-t,t-1,teacher,true,,\r\n"
    "e-3,,,c-ma,org-t,s-2,student,false,,\r\n"
    "e-4,,,c-ma,org-t,x-1,student,false,,\r\n"
)
SAMPLE_REPORT = [
    (
        "users.csv",
        4,
        "agentSourcedIds",
        "Child “s-9” is not among the people imported; that link is not made.",
        "warning",
    ),
    ("users.csv", 6, "role", "Unknown role “wizard”: this person is not imported.", "warning"),
    (
        "users.csv",
        7,
        "sourcedId",
        "sourcedId “s-2” is used twice in this file (first on line 3). This row is not imported.",
        "error",
    ),
    (
        "enrollments.csv",
        5,
        "userSourcedId",
        "Person “x-1” is not among the people imported; this enrollment is left out.",
        "warning",
    ),
]


def zip_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def rows_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return out.getvalue()


def person(sid: str, role: str, given: str, family: str, **extra: str) -> dict[str, str]:
    email = f"{given}.{family}@test.school".lower().replace(" ", "")
    return {
        "sourcedId": sid,
        "enabledUser": "true",
        "orgSourcedIds": "org-t",
        "role": role,
        "username": sid,
        "givenName": given,
        "familyName": family,
        "email": email,
        **extra,
    }


def enrollment(
    sid: str, class_id: str, user_id: str, role: str = "student", **extra: str
) -> dict[str, str]:
    return {
        "sourcedId": sid,
        "classSourcedId": class_id,
        "schoolSourcedId": "org-t",
        "userSourcedId": user_id,
        "role": role,
        **extra,
    }


def package(
    users: list[dict] | str | None = None,
    enrollments: list[dict] | str | None = None,
    *,
    users_mode: str = "bulk",
    enrollments_mode: str = "bulk",
    classes_mode: str = "bulk",
    sessions_mode: str = "bulk",
    orgs_mode: str = "bulk",
) -> bytes:
    files = {
        "manifest.csv": MANIFEST.format(
            orgs=orgs_mode,
            sessions=sessions_mode,
            classes=classes_mode,
            users=users_mode,
            enrollments=enrollments_mode,
        )
    }
    for name, mode, content in (
        ("orgs.csv", orgs_mode, ORGS),
        ("academicSessions.csv", sessions_mode, SESSIONS),
        ("classes.csv", classes_mode, CLASSES),
    ):
        if mode != "absent":
            files[name] = content
    if users_mode != "absent":
        files["users.csv"] = (
            users if isinstance(users, str) else rows_csv(USERS_HEADER, users or [])
        )
    if enrollments_mode != "absent":
        files["enrollments.csv"] = (
            enrollments
            if isinstance(enrollments, str)
            else rows_csv(ENROLLMENTS_HEADER, enrollments or [])
        )
    return zip_of(files)


SAMPLE = package(SAMPLE_USERS, SAMPLE_ENROLLMENTS)


def do_import(actor, data: bytes, filename: str = "roster.zip", **kwargs):
    return call(roster_import, actor, data=data, filename=filename, **kwargs)


def snapshot(engine) -> dict[str, list[dict]]:
    with Session(engine) as s:
        return {
            model.__name__: [
                row.model_dump() for row in s.exec(select(model).order_by(model.id)).all()
            ]
            for model in ROSTER_TABLES
        }


def report_rows(report) -> list[tuple]:
    return [(f.file, f.line, f.column, f.problem, f.severity) for f in report.findings]


def changed(report) -> dict[str, dict[str, int]]:
    """Per kind, only the counts of records touched (created, updated, adopted, retired)."""
    return {
        kind: {
            k: v for k, v in c.items() if k in ("created", "updated", "adopted", "retired") and v
        }
        for kind, c in report.counts.items()
    }


def user_by_source(engine, sid: str) -> User | None:
    with Session(engine) as s:
        return s.exec(select(User).where(User.source_id == sid)).first()


@pytest.fixture
def admin(session, school):
    actor = school.actor(session, "admin")
    session.commit()  # end the read so each call's unit of work can take the write lock
    return actor


# --- the required sample ----------------------------------------------------------------------


def test_sample_package_imports_with_exactly_the_expected_report(engine, admin):
    report = do_import(admin, SAMPLE, filename="sample.zip")
    assert report.status == "done"
    assert report_rows(report) == SAMPLE_REPORT
    assert changed(report) == {
        "people": {"created": 4},
        "groups": {"created": 2},
        "periods": {"created": 1},
        "enrollments": {"created": 3},
        "links": {"created": 1},
    }
    with Session(engine) as s:
        asa = s.exec(select(User).where(User.source_id == "s-1")).one()
        assert (asa.full_name, asa.email, asa.password_hash, asa.is_active) == (
            "Åsa Berg, Jr.",
            "asa.berg@test.school",
            None,
            True,
        )
        roles = dict(
            s.exec(
                select(User.source_id, RoleGrant.role)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(User.source_id.is_not(None))
            ).all()
        )
        assert roles == {"s-1": "learner", "s-2": "learner", "p-1": "parent", "t-1": "teacher"}
        groups = {
            g.source_id: (g.name, g.kind)
            for g in s.exec(select(Group).where(Group.source_id.is_not(None)))
        }
        assert groups == {"c-8c": ("8C", "tutor"), "c-ma": ("Maths, 8C", "class")}
        kari = s.exec(select(User).where(User.source_id == "p-1")).one()
        link = s.exec(select(Guardianship).where(Guardianship.parent_id == kari.id)).one()
        assert (link.learner_id, link.from_roster, link.relationship_label) == (
            asa.id,
            True,
            "Parent",
        )
        assert s.get(Site, admin.site_id).source_id == "org-t"
        run = s.exec(select(ImportRun)).one()
        assert (run.kind, run.status, run.filename, run.started_by_id) == (
            "oneroster",
            "done",
            "sample.zip",
            admin.user_id,
        )
        assert json.loads(run.summary)["counts"]["people"]["created"] == 4
        assert [tuple(f.values()) for f in json.loads(run.report)["findings"]] == SAMPLE_REPORT
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "roster.import")).one()
        assert (audit.outcome, audit.actor_user_id, audit.target_id) == (
            "ok",
            admin.user_id,
            str(run.id),
        )


def test_checking_reports_the_same_findings_and_counts_and_writes_nothing(engine, admin):
    before = snapshot(engine)
    checked = call(roster_validate, admin, data=SAMPLE, filename="sample.zip")
    assert snapshot(engine) == before
    assert (checked.status, report_rows(checked)) == ("checked", SAMPLE_REPORT)
    imported = do_import(admin, SAMPLE)
    assert imported.counts == checked.counts


def test_reimporting_the_same_file_changes_nothing(engine, admin):
    do_import(admin, SAMPLE)
    before = snapshot(engine)
    again = do_import(admin, SAMPLE)
    assert changed(again) == {kind: {} for kind in again.counts}
    assert (
        again.counts["people"]["unchanged"] == 4 and again.counts["enrollments"]["unchanged"] == 3
    )
    assert snapshot(engine) == before  # not even updated_at moved


def test_a_fatal_problem_writes_no_roster_data_and_records_the_attempt(engine, admin):
    broken = package(SAMPLE_USERS, SAMPLE_ENROLLMENTS.replace("classSourcedId", "class"))
    before = snapshot(engine)
    report = do_import(admin, broken)
    assert report.status == "invalid"
    assert report_rows(report) == [
        (
            "enrollments.csv",
            1,
            "classSourcedId",
            "The required column “classSourcedId” is missing from the header.",
            "fatal",
        )
    ]
    assert snapshot(engine) == before
    with Session(engine) as s:
        assert s.exec(select(ImportRun.status)).all() == ["invalid"]
        assert s.exec(
            select(AuditEvent.outcome).where(AuditEvent.action == "roster.import")
        ).all() == ["failed"]


def test_a_failure_while_writing_leaves_the_school_as_it_was(engine, admin, monkeypatch):
    from ilp_app.services.roster import roster_apply

    def fail(self, user_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        roster_apply._Writer, "end_sessions", fail
    )  # after people, before enrollments
    before = snapshot(engine)
    with pytest.raises(RuntimeError):
        do_import(admin, SAMPLE)
    assert snapshot(engine) == before
    with Session(engine) as s:
        assert s.exec(select(ImportRun)).all() == []


def test_progress_is_reported_up_to_the_total(admin):
    seen: list[tuple[int, int]] = []
    do_import(admin, SAMPLE, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner"])
def test_only_administrators_may_check_or_import_and_refusals_are_audited(
    engine, session, school, who
):
    actor = school.actor(session, who)
    session.commit()
    before = snapshot(engine)
    with pytest.raises(PermissionDenied):
        call(roster_validate, actor, data=SAMPLE, filename="x.zip")
    with pytest.raises(PermissionDenied):
        do_import(actor, SAMPLE)
    with pytest.raises(PermissionDenied):
        call(import_run_list, actor)
    assert snapshot(engine) == before
    with Session(engine) as s:
        denied = s.exec(
            select(AuditEvent.action, AuditEvent.actor_user_id).where(
                AuditEvent.outcome == "denied"
            )
        ).all()
    assert denied == [("school.manage", school.id(who))] * 3


def test_imported_people_cannot_sign_in_until_an_administrator_sets_a_temporary_password(
    engine, session, admin
):
    do_import(admin, SAMPLE)
    with unit_of_work() as s, pytest.raises(auth.SignInRefused):
        auth.sign_in(session=s, email="ole.lie@test.school", password="")
    with unit_of_work() as s, pytest.raises(auth.SignInRefused):
        auth.sign_in(session=s, email="ole.lie@test.school", password="anything at all 123")
    ole = user_by_source(engine, "s-2")
    call(users.temporary_password_set, admin, user_id=ole.id, password="Fjord-Tide-2026!")
    with unit_of_work() as s:
        result = auth.sign_in(session=s, email="ole.lie@test.school", password="Fjord-Tide-2026!")
    assert result.must_change_password and result.home_role == Role.LEARNER


# --- delta files and bulk files ----------------------------------------------------------------


def _signed_in(engine, admin, sid: str) -> str:
    target = user_by_source(engine, sid)
    call(users.temporary_password_set, admin, user_id=target.id, password="Fjord-Tide-2026!")
    with unit_of_work() as s:
        return auth.sign_in(session=s, email=target.email, password="Fjord-Tide-2026!").token


def test_a_delta_retires_a_person_signs_them_out_and_keeps_their_plans(engine, admin, school):
    do_import(admin, SAMPLE)
    asa = user_by_source(engine, "s-1")
    token = _signed_in(engine, admin, "s-1")
    with unit_of_work() as s:
        s.add(Plan(site_id=admin.site_id, learner_id=asa.id, period_id=school.period.id))
        # A link made by hand (a second parent, from the school's own records) is not the roster's to remove.
        s.add(
            Guardianship(
                parent_id=school.id("parent"), learner_id=asa.id, relationship_label="Mother"
            )
        )
    delta = package(
        [
            person(
                "s-1",
                "student",
                "Åsa",
                "Berg, Jr.",
                status="tobedeleted",
                dateLastModified="2026-09-01T10:00:00Z",
            )
        ],
        users_mode="delta",
        enrollments_mode="absent",
        classes_mode="absent",
        sessions_mode="absent",
        orgs_mode="absent",
    )
    report = do_import(admin, delta)
    assert report_rows(report) == []
    assert changed(report) == {
        "people": {"retired": 1},
        "groups": {},
        "periods": {},
        "enrollments": {"retired": 1},
        "links": {"retired": 1},
    }
    with Session(engine) as s:
        retired = s.get(User, asa.id)
        assert retired.retired_at is not None and not retired.is_active
        assert s.exec(select(Plan).where(Plan.learner_id == asa.id)).all() != []
        assert s.exec(select(Enrollment).where(Enrollment.user_id == asa.id)).all() == []
        assert [
            g.relationship_label
            for g in s.exec(select(Guardianship).where(Guardianship.learner_id == asa.id))
        ] == ["Mother"]
        assert s.exec(select(User).where(User.source_id == "s-2")).one().retired_at is None
        assert auth.current_user(session=s, token=token) is None
        ended = s.exec(select(AuthSession).where(AuthSession.user_id == asa.id)).one()
        assert ended.revoked_at is not None and ended.revoke_reason == "roster"
    again = do_import(admin, delta)
    assert changed(again) == {kind: {} for kind in again.counts}


def test_a_delta_row_older_than_the_last_import_is_skipped(engine, admin):
    newer = [person("s-1", "student", "Åsa", "Berg", dateLastModified="2026-09-02T00:00:00Z")]
    do_import(
        admin,
        package(
            newer,
            [],
            users_mode="delta",
            enrollments_mode="absent",
            classes_mode="absent",
            sessions_mode="absent",
        ),
    )
    older = [
        person(
            "s-1",
            "student",
            "Åse",
            "Berg",
            status="tobedeleted",
            dateLastModified="2026-09-01T00:00:00Z",
        )
    ]
    report = do_import(
        admin,
        package(
            older,
            users_mode="delta",
            enrollments_mode="absent",
            classes_mode="absent",
            sessions_mode="absent",
            orgs_mode="absent",
        ),
    )
    assert report_rows(report) == [
        (
            "users.csv",
            2,
            "dateLastModified",
            "This row is older than the last change imported for this person; it is skipped.",
            "warning",
        )
    ]
    kept = user_by_source(engine, "s-1")
    assert (kept.full_name, kept.retired_at) == ("Åsa Berg", None)


def test_a_bulk_file_retires_roster_people_it_no_longer_lists_and_a_later_file_restores_them(
    engine, admin
):
    do_import(admin, SAMPLE)
    without_ole = SAMPLE_USERS.replace(
        "s-2,,,true,org-t,student,s-2,,Ole,Lie,,,ole.lie@test.school,,,,08,\r\n", ""
    ).replace("s-2,,,true,org-t,student,s-2,,Other,Person,,,other@test.school,,,,08,\r\n", "")
    report = do_import(
        admin,
        package(
            without_ole, SAMPLE_ENROLLMENTS.replace("e-3,,,c-ma,org-t,s-2,student,false,,\r\n", "")
        ),
    )
    assert changed(report)["people"] == {"retired": 1}
    assert changed(report)["enrollments"] == {"retired": 1}
    assert user_by_source(engine, "s-2").retired_at is not None
    restored = do_import(admin, SAMPLE)
    assert changed(restored)["people"] == {"updated": 1}
    ole = user_by_source(engine, "s-2")
    assert ole.retired_at is None and ole.is_active


def test_changes_in_a_later_file_update_only_what_changed(engine, admin):
    do_import(admin, SAMPLE)
    before = user_by_source(engine, "t-1")
    renamed = SAMPLE_USERS.replace(
        "Ina,Dahl,,,ina.dahl@test.school", "Ina,Dahl-Berg,,,ina.dahl-berg@test.school"
    )
    report = do_import(admin, package(renamed, SAMPLE_ENROLLMENTS))
    assert changed(report)["people"] == {"updated": 1}
    after = user_by_source(engine, "t-1")
    assert (after.id, after.full_name, after.email) == (
        before.id,
        "Ina Dahl-Berg",
        "ina.dahl-berg@test.school",
    )
    assert after.updated_at > before.updated_at


# --- emails and matching existing records -----------------------------------------------------------


def test_an_existing_account_with_the_same_email_is_adopted_not_duplicated(engine, admin, school):
    rows = [person("s-7", "student", "Learner", "Person", email="Learner@Test.School")]
    report = do_import(admin, package(rows, []))
    assert report_rows(report) == [
        (
            "users.csv",
            2,
            "email",
            "Matched the existing account learner@test.school, "
            "which had not come from a roster; it is kept up to date from this record from "
            "now on.",
            "warning",
        )
    ]
    assert changed(report)["people"] == {"adopted": 1}
    adopted = user_by_source(engine, "s-7")
    assert adopted.id == school.id("learner") and adopted.email == "Learner@Test.School"
    assert changed(do_import(admin, package(rows, [])))["people"] == {}


def test_people_without_a_usable_email_get_a_placeholder_address(engine, admin, session):
    other_site = Site(name="Other School")
    session.add(other_site)
    session.flush()
    session.add(
        User(site_id=other_site.id, email="taken@elsewhere.school", full_name="Someone Else")
    )
    session.commit()
    rows = [
        person("s-1", "student", "No", "Mail", email=""),
        person("s-2", "student", "Taken", "Mail", email="taken@elsewhere.school"),
    ]
    report = do_import(admin, package(rows, []))
    assert [r[3] for r in report_rows(report)] == [
        "No email address is given; this person gets the placeholder address s-1@roster.invalid for now.",
        "taken@elsewhere.school already belongs to another account; this person gets the placeholder address "
        "s-2@roster.invalid for now.",
    ]
    assert user_by_source(engine, "s-2").email == "s-2@roster.invalid"
    assert changed(do_import(admin, package(rows, [])))["people"] == {}


def test_a_period_with_the_same_dates_is_adopted(engine, admin, school):
    current = school.period
    sessions = SESSIONS.replace("2099-08-18", current.starts_on.isoformat()).replace(
        "2099-12-19", current.ends_on.isoformat()
    )
    data = package([], [])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["academicSessions.csv"] = sessions
    report = do_import(admin, zip_of(files))
    assert changed(report)["periods"] == {"adopted": 1}
    with Session(engine) as s:
        assert s.get(Period, current.id).source_id == "t-2099"
        assert len(s.exec(select(Period)).all()) == 3


# --- OneRoster 1.2 ------------------------------------------------------------------------------


USERS_12 = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
    "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,"
    "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    "u-1,,,true,u-1,,Aleksander,Dąbrowski,,,aleksander@test.school,,,,08,,,,{preferred},,,org-t,{pronouns}\n"
)
ROLES_12 = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
    "userProfileSourcedId\nr-1,,,u-1,primary,student,,,org-t,\n"
)


def package_12(preferred: str, pronouns: str) -> bytes:
    manifest = MANIFEST.format(
        orgs="bulk", sessions="absent", classes="absent", users="bulk", enrollments="absent"
    ).replace("oneroster.version,1.1", "oneroster.version,1.2")
    return zip_of(
        {
            "manifest.csv": manifest + "file.roles,bulk\n",
            "orgs.csv": ORGS,
            "roles.csv": ROLES_12,
            "users.csv": USERS_12.format(preferred=preferred, pronouns=pronouns),
        }
    )


def test_version_12_preferred_names_and_pronouns_are_imported_and_kept_up_to_date(engine, admin):
    report = do_import(admin, package_12("Olek", "he/him"))
    assert report_rows(report) == [] and report.version == "1.2"
    olek = user_by_source(engine, "u-1")
    assert (olek.full_name, olek.preferred_name, olek.pronouns, olek.display_name) == (
        "Aleksander Dąbrowski",
        "Olek Dąbrowski",
        "he/him",
        "Olek Dąbrowski",
    )
    changed_report = do_import(admin, package_12("", "they/them"))
    assert changed(changed_report)["people"] == {"updated": 1}
    olek = user_by_source(engine, "u-1")
    assert (olek.preferred_name, olek.pronouns) == ("", "they/them")


# --- the example for new users --------------------------------------------------------------------


def test_the_example_package_imports_cleanly_into_the_demo_school(engine, session):
    data = EXAMPLE_ZIP.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        starts = next(csv.DictReader(io.StringIO(archive.read("academicSessions.csv").decode())))[
            "startDate"
        ]
    seed_demo(session=session, today=date.fromisoformat(starts) + timedelta(days=30))
    session.commit()
    admin_user = session.exec(select(User).where(User.email == "admin@demo.school")).one()
    admin = actor_load(session=session, user=admin_user, active_role=None)
    session.commit()
    periods_before = snapshot(engine)["Period"]
    report = do_import(admin, data, filename="oneroster-sample.zip")
    assert (report.status, report_rows(report)) == ("done", [])
    assert changed(report) == {
        "people": {"created": 12},
        "groups": {"created": 2},
        "periods": {"adopted": 1},
        "enrollments": {"created": 14},
        "links": {"created": 6},
    }
    with Session(engine) as s:
        assert len(s.exec(select(Period)).all()) == len(periods_before)
        tutor = s.exec(select(Group).where(Group.name == "8C")).one()
        assert (tutor.kind, tutor.course) == ("tutor", "Tutor group, Year 8")
        marte = s.exec(select(User).where(User.email == "marte.gjorv@demo.school")).one()
        children = s.exec(
            select(User.full_name)
            .join(Guardianship, Guardianship.learner_id == User.id)
            .where(Guardianship.parent_id == marte.id)
            .order_by(User.full_name)
        ).all()
        assert children == ["Ebba Gjørv", "Inés Gjørv"]
        assert (
            s.exec(select(User.password_hash).where(User.source_id.is_not(None))).all()
            == [None] * 12
        )
    assert changed(do_import(admin, data)) == {k: {} for k in report.counts}


def test_recent_imports_are_listed_newest_first(admin):
    do_import(admin, SAMPLE, filename="first.zip")
    do_import(
        admin,
        package(SAMPLE_USERS, SAMPLE_ENROLLMENTS.replace("classSourcedId", "x")),
        filename="second.zip",
    )
    runs = call(import_run_list, admin)
    assert [(r.filename, r.status) for r in runs] == [
        ("second.zip", "invalid"),
        ("first.zip", "done"),
    ]
    assert runs[1].summary == "4 people created, 0 updated, 0 retired, 1 row with errors left out"


def test_an_empty_upload_is_refused_with_a_message(admin):
    from ilp_app.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Choose a OneRoster zip file"):
        do_import(admin, b"")
    with pytest.raises(ValidationFailed):
        call(roster_validate, admin, data={"forged": True}, filename="x.zip")


def test_imported_rows_never_reach_another_school(engine, admin, session):
    other = Site(name="Other School")
    session.add(other)
    session.commit()
    do_import(admin, SAMPLE)
    with Session(engine) as s:
        sites = set(s.exec(select(User.site_id).where(User.source_id.is_not(None))).all())
        sites |= set(s.exec(select(Group.site_id).where(Group.source_id.is_not(None))).all())
    assert sites == {admin.site_id}


def test_a_person_the_roster_disables_is_signed_out_but_not_retired(engine, admin):
    do_import(admin, SAMPLE)
    token = _signed_in(engine, admin, "t-1")
    disabled = SAMPLE_USERS.replace("t-1,,,true,", "t-1,,,false,")
    report = do_import(admin, package(disabled, SAMPLE_ENROLLMENTS))
    assert changed(report)["people"] == {"updated": 1}
    ina = user_by_source(engine, "t-1")
    assert (ina.is_active, ina.retired_at) == (False, None)
    with Session(engine) as s:
        assert auth.current_user(session=s, token=token) is None
        assert s.exec(select(Enrollment).where(Enrollment.user_id == ina.id)).all() != []


def test_a_checked_upload_waits_in_a_private_file_outside_the_public_upload_folder():
    import os
    import stat

    import reflex as rx

    from ilp_app.state.roster_uploads import discard, read, store

    path = Path(store(b"PK roster"))
    try:
        assert read(str(path)) == b"PK roster"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert rx.get_upload_dir().resolve() not in path.resolve().parents
        assert path.parent.stat().st_uid == os.getuid()
    finally:
        discard(str(path))
    assert not path.exists() and read(str(path)) is None


def test_an_import_never_retires_the_administrator_running_it(engine, admin, school):
    me = [person("a-1", "administrator", "Admin", "Person", email="admin@test.school")]
    assert changed(do_import(admin, package(me, [])))["people"] == {"adopted": 1}
    gone = [
        person(
            "a-1",
            "administrator",
            "Admin",
            "Person",
            status="tobedeleted",
            dateLastModified="2026-09-01T00:00:00Z",
        )
    ]
    report = do_import(
        admin,
        package(
            gone,
            users_mode="delta",
            enrollments_mode="absent",
            classes_mode="absent",
            sessions_mode="absent",
            orgs_mode="absent",
        ),
    )
    assert [r[3] for r in report_rows(report)] == [
        "Your own account is not retired or disabled by an import; another administrator can do that."
    ]
    assert (
        changed(do_import(admin, package([], [])))["people"] == {}
    )  # a bulk file without them either
    still = user_by_source(engine, "a-1")
    assert (still.id, still.is_active, still.retired_at) == (school.id("admin"), True, None)


def test_a_roster_that_makes_someone_an_administrator_says_so_and_never_retires_them(engine, admin):
    office = [person("a-2", "administrator", "Office", "Manager", email="office@test.school")]
    report = do_import(admin, package(office, []))
    assert [(r[2], r[3]) for r in report_rows(report)] == [("roles", MSG_BECOMES_ADMINISTRATOR)]
    gone = [
        person(
            "a-2",
            "administrator",
            "Office",
            "Manager",
            email="office@test.school",
            status="tobedeleted",
            dateLastModified="2026-09-01T00:00:00Z",
        )
    ]
    report = do_import(
        admin,
        package(
            gone,
            users_mode="delta",
            enrollments_mode="absent",
            classes_mode="absent",
            sessions_mode="absent",
            orgs_mode="absent",
        ),
    )
    assert [r[3] for r in report_rows(report)] == [MSG_ADMIN_KEPT]
    do_import(admin, package([], []))  # a bulk file without them either
    kept = user_by_source(engine, "a-2")
    assert (kept.is_active, kept.retired_at) == (True, None)


# --- exports as real exporters write them ----------------------------------------------------------


def grouped(report) -> list[str]:
    return [g.headline for g in group_findings(report.findings)]


def shown_counts(report) -> dict[str, dict[str, int]]:
    """Per kind, every count the report shows that is not zero."""
    nonzero = {kind: {k: v for k, v in c.items() if v} for kind, c in report.counts.items()}
    return {kind: c for kind, c in nonzero.items() if c}


@pytest.mark.parametrize("sample", corpus(), ids=lambda s: s.name)
def test_each_export_of_the_corpus_imports_with_its_expected_report_and_counts(
    engine, admin, sample
):
    before = snapshot(engine)
    report = do_import(admin, sample.data, filename=f"{sample.name}.zip")
    assert (report.status, grouped(report)) == (
        "done" if sample.status == "done" else "invalid",
        list(sample.report),
    )
    assert shown_counts(report) == sample.counts
    if sample.status == "invalid":
        assert snapshot(engine) == before
    else:
        again = do_import(admin, sample.data)
        assert changed(again) == {kind: {} for kind in again.counts}


def test_an_export_with_every_quirk_brings_the_whole_school(engine, admin):
    report = do_import(admin, sample("all-quirks").data)
    assert report.status == "done"
    with Session(engine) as s:
        people = {
            u.source_id: u for u in s.exec(select(User).where(User.source_id.is_not(None))).all()
        }
        links = s.exec(
            select(Guardianship.relationship_label).where(Guardianship.from_roster)
        ).all()
        groups = set(s.exec(select(Group.name).where(Group.source_id.is_not(None))).all())
        periods = s.exec(select(Period.source_id).where(Period.source_id.is_not(None))).all()
    assert sorted(people) == ["p-1", "s-1", "s-2", "s-3", "s-4", "t-1"]
    assert people["s-1"].full_name == "Åsa Berg, Jr." and groups == {"8C", "Maths, 8"}
    # The last change of a row whose date could not be read is unknown, not guessed.
    assert {sid for sid, u in people.items() if u.source_modified_at is not None} == {"s-2"}
    # The misspelt preferredGivenName column is not read: Nora's "Nori" is not taken.
    assert people["s-3"].preferred_name == "" and people["s-3"].pronouns == "she/her"
    assert links == ["Parent", "Parent"] and periods == ["t-2099"]


def test_a_bulk_row_whose_last_change_cannot_be_read_is_applied_and_the_known_one_kept(
    engine, admin
):
    do_import(admin, clean_11().zip())
    known = user_by_source(engine, "s-1").source_modified_at
    export = clean_11()
    local_dates(export)
    export.rows("users")[0]["givenName"] = "Åse"
    report = do_import(admin, export.zip())
    assert changed(report) == {k: {} for k in report.counts} | {"people": {"updated": 1}}
    asa = user_by_source(engine, "s-1")
    assert (asa.full_name, asa.source_modified_at) == ("Åse Berg", known)


def test_an_inactive_session_retires_the_period_an_earlier_import_brought(engine, admin):
    export = clean_11()
    inactive_session(export)
    export.rows("academicSessions")[1]["status"] = ""
    do_import(admin, export.zip())
    inactive_session_export = clean_11()
    inactive_session(inactive_session_export)
    report = do_import(admin, inactive_session_export.zip())
    assert changed(report)["periods"] == {"retired": 1}
    with Session(engine) as s:
        spring = s.exec(select(Period).where(Period.source_id == "t-2098")).one()
    assert spring.retired_at is not None


async def test_the_report_shows_each_repeated_finding_once_with_its_count_and_lines(engine, school):
    state = await signed_in(AdminImportState, engine, school.id("admin"), "administrator")
    report = call(
        roster_validate,
        actor_of(school.id("admin")),
        data=sample("unreadable-dates-in-a-bulk-file").data,
        filename="x.zip",
    )
    state._show(report)
    assert [(f["severity"], f["file"], f["line"], f["tone"]) for f in state.findings] == [
        ("Warning", "classes.csv", "3", "amber"),
        ("Warning × 5", "users.csv", "2, 4–7", "amber"),
        ("Warning", "enrollments.csv", "3", "amber"),
    ]
    people = next(row for row in state.counts if row["kind"] == "People")
    assert (people["in_file"], people["left_out"], people["created"]) == ("6", "0", "6")
    links = next(row for row in state.counts if row["kind"] == "Parent links")
    assert (links["in_file"], links["created"]) == ("—", "2")
