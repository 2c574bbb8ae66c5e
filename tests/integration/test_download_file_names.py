"""Every download answers with a well-formed, uncached attachment, whatever its file name holds.

File names come from people's and groups' names. A quote, a line break or a letter outside
Latin-1 must neither break the Content-Disposition header (or add another header) nor make the
server fail: the browser still gets the file, under a safe name.
"""

from __future__ import annotations

import pytest

from ilp_app.web import download as web_download
from tests.support.school import build_school
from tests.support.services import token_for

HOSTILE_NAMES = [
    'plan-"quoted".pdf',
    "plan\r\nSet-Cookie: ilp_session=stolen.pdf",
    "plan-Åsa-Ødegård-ŁĘCKA-王.pdf",
    "../../etc/passwd",
    "",
]


@pytest.fixture
def school(session):
    return build_school(session)


def download(token: str, filename: str):
    return web_download.download(
        token, lambda s, me: (filename, b"%PDF-1.4 data"), media_type="application/pdf"
    )


@pytest.mark.parametrize("filename", HOSTILE_NAMES)
def test_a_download_under_any_name_is_one_safe_header(engine, school, filename):
    response = download(token_for(engine, school.id("mentor"), "mentor"), filename)
    assert response.status_code == 200 and response.body == b"%PDF-1.4 data"
    raw = dict(response.raw_headers)[b"content-disposition"]
    assert b"\r" not in raw and b"\n" not in raw and raw.isascii()
    value = raw.decode("ascii")
    assert value.startswith('attachment; filename="') and value.count('"') == 2
    assert "Set-Cookie:" not in value and "/" not in value.split(";")[1]
    assert response.headers["cache-control"] == "no-store"


def test_a_plain_name_is_sent_as_it_is(engine, school):
    response = download(token_for(engine, school.id("mentor"), "mentor"), "plan-asa-current.pdf")
    assert response.headers["content-disposition"] == 'attachment; filename="plan-asa-current.pdf"'


def test_a_name_with_letters_beyond_ascii_keeps_them_in_the_encoded_form(engine, school):
    response = download(token_for(engine, school.id("mentor"), "mentor"), "Åsa Ødegård.pdf")
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Asa-degard.pdf\"; filename*=UTF-8''%C3%85sa%20%C3%98deg%C3%A5rd.pdf"
    )


def test_refusals_are_not_cached_either(engine, school):
    response = download("not-a-session", "plan.pdf")
    assert response.status_code == 401 and response.headers["cache-control"] == "no-store"
