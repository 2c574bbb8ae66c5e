"""A roster file and its report never outlive the administrator's session on the import page.

Checking and importing run in background events that outlast the event which started them. If
the tab is signed out meanwhile, their result must not land on the (emptied) page, and the
private copy of the uploaded zip, which holds the whole school's roster, must be deleted.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from ilp_app.state import admin_import, roster_uploads
from ilp_app.state.admin_import import AdminImportState
from tests.support.school import build_school
from tests.support.services import guard_event, signed_in, tab_sign_out

MANIFEST = (
    "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\n"
    "file.academicSessions,bulk\nfile.classes,bulk\nfile.users,bulk\nfile.enrollments,bulk\n"
    "file.courses,absent\n"
)
ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\norg-t,,,Test School,school,,\n"
SESSIONS = (
    "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
    "t-2099,,,Autumn 2099,semester,2099-08-18,2099-12-19,,2100\n"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\nc-8c,,,8C,08,,,homeroom,,org-t,t-2099,,,\n"
)
USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
    "s-1,,,true,org-t,student,s-1,,Nora,Haugen,,,nora.haugen@test.school,,,,08,\n"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
    "beginDate,endDate\ne-1,,,c-8c,org-t,s-1,student,false,,\n"
)


def roster_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (
            ("manifest.csv", MANIFEST),
            ("orgs.csv", ORGS),
            ("academicSessions.csv", SESSIONS),
            ("classes.csv", CLASSES),
            ("users.csv", USERS),
            ("enrollments.csv", ENROLLMENTS),
        ):
            archive.writestr(name, text)
    return buffer.getvalue()


@dataclass
class Chunk:
    filename: str
    data: bytes


async def upload(data: bytes, name: str = "roster.zip"):
    for start in range(0, len(data), 1024):
        yield Chunk(name, data[start : start + 1024])


async def run(state: AdminImportState, handler: str, *args) -> list:
    """Run a background event handler to its end (Reflex refuses a direct call of one)."""
    fn = type(state).event_handlers[handler].fn
    return [event async for event in fn(state, *args)]


@pytest.fixture
def school(session):
    return build_school(session)


@pytest.fixture
def stored(monkeypatch) -> list[Path]:
    """Every private copy of an upload the page makes (deleted at the end if a test failed)."""
    paths: list[Path] = []
    real = roster_uploads.store

    def store(data: bytes) -> str:
        path = real(data)
        paths.append(Path(path))
        return path

    monkeypatch.setattr(roster_uploads, "store", store)
    yield paths
    for path in paths:
        path.unlink(missing_ok=True)


def sign_out_during(monkeypatch, name: str, state: AdminImportState) -> None:
    """Make the worker step ``name`` end the tab's session while it runs, as another tab's sign-out would."""
    real = getattr(admin_import, name)

    def step(*args):
        result = real(*args)
        tab_sign_out(state)
        return result

    monkeypatch.setattr(admin_import, name, step)


async def test_a_check_that_ends_after_sign_out_shows_nothing_and_keeps_no_file(
    engine, school, stored, monkeypatch
):
    state = await signed_in(AdminImportState, engine, school.id("admin"), "administrator")
    await state.load()
    sign_out_during(monkeypatch, "_validate", state)
    await run(state, "check_file", upload(roster_zip()))
    assert (state.report_status, state.report_title, state.findings, state.counts) == (
        "",
        "",
        [],
        [],
    )
    assert state._upload_path == "" and state.file_name == ""
    assert stored and not any(p.exists() for p in stored)


async def test_an_import_that_ends_after_sign_out_shows_nothing_and_keeps_no_file(
    engine, school, stored, monkeypatch
):
    state = await signed_in(AdminImportState, engine, school.id("admin"), "administrator")
    await state.load()
    await run(state, "check_file", upload(roster_zip()))
    assert state.report_status == "checked" and state.can_import
    sign_out_during(monkeypatch, "_import", state)
    state.runs = []
    await run(state, "run_import")
    assert (
        state.report_status == "checked" and state.runs == []
    )  # the page shows nothing of the finished import
    assert not any(p.exists() for p in stored)


async def test_signing_out_deletes_the_checked_file_the_page_was_holding(engine, school, stored):
    state = await signed_in(AdminImportState, engine, school.id("admin"), "administrator")
    await state.load()
    await run(state, "check_file", upload(roster_zip()))
    [path] = stored
    assert state.report_status == "checked" and path.exists()
    tab_sign_out(state)  # signed out in another tab; this tab's next event finds it out
    await guard_event(state)
    assert state.report_status == "" and state._upload_path == ""
    assert not path.exists()


async def test_a_completed_import_deletes_its_file(engine, school, stored):
    state = await signed_in(AdminImportState, engine, school.id("admin"), "administrator")
    await state.load()
    await run(state, "check_file", upload(roster_zip()))
    await run(state, "run_import")
    assert state.report_status == "done" and [r.filename for r in state.runs] == ["roster.zip"]
    assert not any(p.exists() for p in stored)
