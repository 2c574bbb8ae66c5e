"""The session cookie: set only by an HTTP response, never readable by script, never in a state.

Signing in is a form post. Its answer sets the random token as an ``HttpOnly`` cookie; the event
socket only ever carries the token's keyed digest, so neither a state variable nor the state
store holds the bearer token.
"""

from __future__ import annotations

import pickle

import pytest
from sqlmodel import Session

from ilp_app import security
from ilp_app.db.models import User
from ilp_app.state.learner_report import LearnerReportState
from ilp_app.web.socket_gate import SESSION_HEADER, SocketGate, is_tab_token, session_digest
from tests.support.school import build_school
from tests.support.services import guard_event

PASSWORD = "a long and private family sentence"
ORIGIN = "http://localhost:3000"


@pytest.fixture
def parent(engine):
    with Session(engine) as s:
        school = build_school(s)
        user = s.get(User, school.id("parent"))
        user.password_hash = security.password_hash(PASSWORD)
        email = user.email
        s.add(user)
        s.commit()
    return email


def post_sign_in(client, email: str, password: str, origin: str = ORIGIN):
    return client.post(
        "/auth/sign-in",
        data={"email": email, "password": password},
        headers={"Origin": origin},
        follow_redirects=False,
    )


def test_signing_in_sets_an_httponly_cookie_by_the_response(client, parent):
    answer = post_sign_in(client, parent, PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == "/parent"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("ilp_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_a_refused_sign_in_names_a_code_and_never_the_password(client, parent):
    answer = post_sign_in(client, parent, "not the password")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?error=failed"
    assert "set-cookie" not in answer.headers
    assert "not the password" not in answer.headers["location"]


def test_a_sign_in_posted_from_another_site_is_refused(client, parent):
    for origin in ("https://evil.example", ""):
        answer = post_sign_in(client, parent, PASSWORD, origin=origin)
        assert answer.status_code == 403 and "set-cookie" not in answer.headers
    # Control: the same post from the app's own page signs in.
    assert post_sign_in(client, parent, PASSWORD).status_code == 303


def test_the_sign_in_route_takes_no_get_so_a_password_never_rides_in_a_url(client, parent):
    answer = client.get(f"/auth/sign-in?email={parent}&password={PASSWORD}")
    assert answer.status_code == 405 and "set-cookie" not in answer.headers


def test_signing_out_ends_the_session_and_clears_the_cookie(client, parent):
    token = post_sign_in(client, parent, PASSWORD).cookies["ilp_session"]
    client.cookies.set("ilp_session", token)
    answer = client.post("/auth/sign-out", headers={"Origin": ORIGIN}, follow_redirects=False)
    assert answer.status_code == 303
    assert (
        'ilp_session=""' in answer.headers["set-cookie"]
        or "Max-Age=0" in answer.headers["set-cookie"]
    )
    client.cookies.clear()
    client.cookies.set("ilp_session", token)
    assert client.get("/api/reviews/1.ics").status_code == 401


async def test_no_state_and_no_stored_tree_holds_the_bearer_token(client, parent, engine):
    token = post_sign_in(client, parent, PASSWORD).cookies["ilp_session"]
    digest = session_digest(f"ilp_session={token}")
    assert digest == security.token_digest(token)
    import reflex as rx

    report = await rx.State().get_state(LearnerReportState)
    await guard_event(report, digest)
    root = report._get_root_state()
    stored = pickle.dumps(root._serialize() if hasattr(root, "_serialize") else root)
    assert token.encode() not in stored
    assert token not in repr(root.dict())
    # Control: the tab is signed in (the guard found the session through the digest).
    assert report._current() is not None


async def test_the_socket_gate_replaces_the_cookie_with_its_digest_and_drops_a_forged_one():
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    gate = SocketGate(inner)
    token = security.token_new()
    scope = {
        "type": "websocket",
        "path": "/_event/",
        "query_string": b"EIO=4&transport=websocket&token=0b6c3d1e-2f4a-4b5c-9d6e-7f8091a2b3c4",
        "headers": [
            (b"cookie", f"theme=dark; ilp_session={token}".encode()),
            (SESSION_HEADER.encode(), b"forged"),
        ],
    }
    await gate(scope, None, None)
    headers = dict(seen["headers"])
    assert b"cookie" not in headers
    assert headers[SESSION_HEADER.encode()] == security.token_digest(token).encode()


@pytest.mark.parametrize(
    "token",
    [
        "b1852e6d-c8a2-4ad6-ecd6-af3ed329b980",  # as the browser client writes them (variant 8-f)
        "0b6c3d1e-2f4a-4b5c-9d6e-7f8091a2b3c4",
    ],
)
def test_a_tab_token_as_the_browser_makes_it_is_accepted(token):
    assert is_tab_token(token)


@pytest.mark.parametrize(
    "token",
    [
        "group1",
        "projector1",
        "learner5",
        "user1",
        "roster2",
        "",
        "B1852E6D-C8A2-4AD6-ECD6-AF3ED329B980",
        "b1852e6d-c8a2-3ad6-ecd6-af3ed329b980",
        "b1852e6d-c8a2-4ad6-ecd6-af3ed329b980x",
        None,
        5,
    ],
)
def test_anything_else_is_not_a_tab_token(token):
    assert not is_tab_token(token)
