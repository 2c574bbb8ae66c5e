"""Signing in with the school's account against a real OpenID Connect provider (a local
oidc-provider-mock speaking HTTP: discovery, JWKS, the authorization code flow).

Nobody gets an account by signing in; an account is found by its linked subject, or once by a
verified email address; every refusal is told plainly and audited.
"""

from __future__ import annotations

import urllib.parse
from urllib.parse import quote

import httpx
import pytest
from sqlmodel import Session

from ilp_app import routes
from ilp_app.db.models import AuditEvent, ExternalIdentity, OidcLogin, User
from ilp_app.services.access import oidc
from ilp_app.settings import get_settings
from tests.support.services import rows

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")


@pytest.fixture(scope="module")
def provider_url():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def configured(provider_url, monkeypatch):
    monkeypatch.setenv("ILP_OIDC_MOCK_ISSUER", provider_url)
    monkeypatch.setenv("ILP_OIDC_MOCK_CLIENT_ID", "ilp-test")
    monkeypatch.setenv("ILP_OIDC_MOCK_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("ILP_OIDC_MOCK_LABEL", "Sign in with the school")
    get_settings.cache_clear()
    oidc._cache.clear()
    yield provider_url
    get_settings.cache_clear()


def claims(provider_url: str, sub: str, **values) -> None:
    answer = httpx.put(f"{provider_url}/users/{quote(sub)}", json=values)
    assert answer.status_code == 204


def start(client) -> str:
    """Begin at the app; the provider's authorization URL it sends the browser to."""
    answer = client.get("/auth/oidc/mock/start", follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def authorize(url: str, sub: str) -> str:
    """The person signs in at the provider; the app's callback (path and query) it returns to."""
    answer = httpx.post(url, data={"sub": sub})
    assert answer.status_code in (302, 303), answer.text
    back = urllib.parse.urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


def sign_in(client, provider_url: str, sub: str) -> httpx.Response:
    return client.get(authorize(start(client), sub), follow_redirects=False)


def session_cookie(answer) -> str:
    return answer.cookies.get(routes.SESSION_COOKIE, "") or ""


def outcomes(engine) -> list[str]:
    return [a.outcome for a in rows(engine, AuditEvent, AuditEvent.action == "auth.oidc_sign_in")]


def test_the_start_uses_pkce_state_and_nonce(client, configured, engine, school):
    url = urllib.parse.urlsplit(start(client))
    params = dict(urllib.parse.parse_qsl(url.query))
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and params["scope"] == "openid email profile"
    (login,) = rows(engine, OidcLogin)
    assert params["state"] not in login.state_hash  # kept only as a keyed hash
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    assert create_s256_code_challenge(login.code_verifier) == params["code_challenge"]


def test_a_verified_school_email_signs_in_once_then_the_subject_does(
    client, configured, engine, school
):
    claims(configured, "g-123", email="mentor@test.school", email_verified=True)
    answer = sign_in(client, configured, "g-123")
    assert answer.headers["location"] == routes.home_url("mentor"), (
        answer.headers,
        rows(engine, AuditEvent),
    )
    assert session_cookie(answer)
    (link,) = rows(engine, ExternalIdentity)
    assert (link.user_id, link.subject) == (school.id("mentor"), "g-123")
    # Later the provider's email changes: the stored subject still finds the same person.
    claims(configured, "g-123", email="someone.else@elsewhere.example", email_verified=True)
    answer = sign_in(client, configured, "g-123")
    assert answer.status_code == 303 and session_cookie(answer)
    assert outcomes(engine) == ["allowed", "allowed"] or all(
        o in ("", "allowed", "ok") for o in outcomes(engine)
    )


def test_an_unknown_person_is_told_and_audited_and_gets_no_account(
    client, configured, engine, school
):
    users_before = len(rows(engine, User))
    claims(configured, "stranger", email="stranger@gmail.com", email_verified=True)
    answer = sign_in(client, configured, "stranger")
    assert answer.headers["location"] == routes.login_url(error="oidc_unknown")
    assert not session_cookie(answer)
    assert len(rows(engine, User)) == users_before
    assert "unknown" in outcomes(engine)


def test_an_unverified_email_does_not_match_an_account(client, configured, engine, school):
    claims(configured, "unverified", email="parent@test.school", email_verified=False)
    answer = sign_in(client, configured, "unverified")
    assert answer.headers["location"] == routes.login_url(error="oidc_unknown")
    assert rows(engine, ExternalIdentity) == []


def test_a_disabled_account_stays_disabled(client, configured, engine, school):
    with Session(engine) as s:
        user = s.get(User, school.id("teacher"))
        user.is_active = False
        s.add(user)
        s.commit()
    claims(configured, "t-1", email="teacher@test.school", email_verified=True)
    answer = sign_in(client, configured, "t-1")
    assert answer.headers["location"] == routes.login_url(error="disabled")
    assert not session_cookie(answer) and "disabled" in outcomes(engine)


def test_a_wrong_state_and_a_replayed_code_are_refused(client, configured, engine, school):
    claims(configured, "l-1", email="learner@test.school", email_verified=True)
    callback = authorize(start(client), "l-1")
    forged = callback.replace("state=", "state=x")
    answer = client.get(forged, follow_redirects=False)
    assert answer.headers["location"] == routes.login_url(error="oidc_failed")
    assert not session_cookie(answer)
    # The real callback works once; the same code and state again do not.
    callback = authorize(start(client), "l-1")
    first = client.get(callback, follow_redirects=False)
    assert session_cookie(first), (first.headers, outcomes(engine))
    client.cookies.set(
        "ilp_oidc_state",
        dict(urllib.parse.parse_qsl(callback.split("?")[1]))["state"],
        path="/auth/oidc",
    )
    replay = client.get(callback, follow_redirects=False)
    assert replay.headers["location"] == routes.login_url(error="oidc_failed")
    assert not session_cookie(replay)


def test_another_browser_cannot_finish_someone_elses_sign_in(client, configured, school):
    """The callback must come back to the browser that started it (the state cookie)."""
    claims(configured, "l-2", email="learner@test.school", email_verified=True)
    callback = authorize(start(client), "l-2")
    client.cookies.clear()
    answer = client.get(callback, follow_redirects=False)
    assert answer.headers["location"] == routes.login_url(error="oidc_failed")


def test_an_unconfigured_provider_is_refused(client, configured, school):
    answer = client.get("/auth/oidc/nosuch/start", follow_redirects=False)
    assert answer.headers["location"] == routes.login_url(error="oidc_failed")


def test_a_domain_rule_keeps_other_domains_out(client, configured, engine, school, monkeypatch):
    monkeypatch.setenv("ILP_OIDC_MOCK_DOMAINS", "school.no")
    get_settings.cache_clear()
    claims(configured, "m-2", email="mentor@test.school", email_verified=True)
    answer = sign_in(client, configured, "m-2")
    assert answer.headers["location"] == routes.login_url(error="oidc_unknown")


def test_a_roster_id_claim_matches_the_imported_account_once(
    client, configured, engine, school, monkeypatch
):
    monkeypatch.setenv("ILP_OIDC_MOCK_ROSTER_CLAIM", "roster_id")
    get_settings.cache_clear()
    with Session(engine) as s:
        user = s.get(User, school.id("learner2"))
        user.source_id = "OR-LEARNER-2"
        s.add(user)
        s.commit()
    claims(configured, "feide-77", roster_id="OR-LEARNER-2")  # no email at all
    answer = sign_in(client, configured, "feide-77")
    assert answer.headers["location"] == routes.home_url("learner") and session_cookie(answer)
    (link,) = rows(engine, ExternalIdentity)
    assert (link.user_id, link.subject) == (school.id("learner2"), "feide-77")
    claims(configured, "feide-78", roster_id="OR-NOBODY")
    assert sign_in(client, configured, "feide-78").headers["location"] == routes.login_url(
        error="oidc_unknown"
    )


def test_no_answer_sends_the_browser_off_the_app_except_to_the_configured_provider(
    client, configured, school
):
    """No open redirect: after signing in the browser goes home; a 'next' parameter is ignored."""
    claims(configured, "g-9", email="mentor@test.school", email_verified=True)
    start_answer = client.get(
        "/auth/oidc/mock/start?next=https://evil.example", follow_redirects=False
    )
    assert start_answer.headers["location"].startswith(configured + "/")
    callback = authorize(start_answer.headers["location"], "g-9") + "&next=https://evil.example"
    home = client.get(callback, follow_redirects=False).headers["location"]
    assert home == routes.home_url("mentor")
    odd = client.get(
        "/auth/oidc/mock/callback?state=x&code=y&next=//evil.example", follow_redirects=False
    )
    location = odd.headers["location"]
    assert location.startswith("/") and not location.startswith("//")


async def test_the_sign_in_and_invitation_pages_offer_each_configured_provider(configured, engine):
    import reflex as rx

    from ilp_app.state.login import LoginState, PasswordResetState

    for state_type, load in ((LoginState, "load"), (PasswordResetState, "load_reset")):
        state = await rx.State().get_state(state_type)
        state_type.event_handlers[load].fn(state)
        assert state.providers == [
            {"href": "/auth/oidc/mock/start", "label": "Sign in with the school"}
        ]
