"""Every HTTP response carries the security and cache headers; pages answer without a redirect."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import warnings

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ilp_app.settings import load_settings
from ilp_app.web import headers
from ilp_app.web.headers import ResponseHeaders, header_policy

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

SECRET = "k" * 48
ORIGINS = "https://ilp.example.org,http://localhost:3000"
INLINE = "window.__start = 1;"
PAGE = f'<html><head><script>{INLINE}</script><script type="module" src="/assets/a-AbCd12_-.js"></script></head></html>'


def _settings(**env):
    return load_settings(
        {"ILP_ENV": "production", "ILP_SECRET_KEY": SECRET, "ILP_PUBLIC_ORIGINS": ORIGINS, **env}
    )


@pytest.fixture
def build(tmp_path):
    """A small frontend build shaped like Reflex's: folder pages, hashed assets, a 404 page."""
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "404.html").write_text("<html>not found</html>")
    for folder in ("parent", "groups/projector"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "index.html").write_text(PAGE)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "root-5LvPfFnp.js").write_text("export {}")
    (tmp_path / "assets" / "plain.js").write_text("export {}")
    (tmp_path / "styles.css").write_text("body {}")
    return tmp_path


def _boom(request):
    raise RuntimeError("boom")


def _client(build, **env) -> TestClient:
    inner = Starlette(
        routes=[
            Route(
                "/api/file",
                lambda r: PlainTextResponse("x", headers={"Cache-Control": "no-store"}),
            ),
            Route("/ping", lambda r: PlainTextResponse("pong")),
            Route("/boom", _boom),
            Mount("/", StaticFiles(directory=build, html=True)),
        ]
    )
    app = ResponseHeaders(inner, policy=header_policy(_settings(**env), build))
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


@pytest.mark.parametrize(
    "path", ["/", "/parent/", "/assets/root-5LvPfFnp.js", "/ping", "/api/file"]
)
def test_every_response_carries_the_security_headers(build, path):
    response = _client(build).get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    for directive in (
        "frame-ancestors 'none'",
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "style-src 'self' 'unsafe-inline'",
    ):
        assert directive in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "microphone=()" in response.headers["permissions-policy"]
    assert "geolocation=()" in response.headers["permissions-policy"]


def test_not_found_and_server_errors_carry_the_security_headers_too(build):
    client = _client(build)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    failed = client.get("/boom")
    assert failed.status_code == 500
    for response in (missing, failed):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"


def test_an_app_failing_before_it_answers_still_answers_500_with_the_headers(build):
    async def broken(scope, receive, send):
        raise RuntimeError("before any response")

    app = ResponseHeaders(broken, policy=header_policy(_settings(), build))
    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert response.status_code == 500
    assert response.headers["x-frame-options"] == "DENY"


def test_headers_the_inner_app_set_are_replaced_not_repeated(build):
    response = _client(build).get("/api/file")
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert len(response.headers.get_list("content-security-policy")) == 1


def test_inline_scripts_of_the_build_are_allowed_by_hash_and_no_other(build):
    digest = base64.b64encode(hashlib.sha256(INLINE.encode()).digest()).decode()
    csp = _client(build).get("/").headers["content-security-policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
    assert f"'sha256-{digest}'" in script_src.split()
    assert "'unsafe-inline'" not in script_src
    assert len([s for s in script_src.split() if s.startswith("'sha256-")]) == 1


def test_the_event_socket_of_each_public_origin_may_be_reached(build):
    csp = _client(build).get("/").headers["content-security-policy"]
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src ")).split()
    assert {"'self'", "wss://ilp.example.org", "ws://localhost:3000"} <= set(connect)
    assert "ws://ilp.example.org" not in connect


def test_hsts_only_when_cookies_are_secure(build):
    assert "strict-transport-security" not in _client(build).get("/").headers
    secure = _client(build, ILP_COOKIE_SECURE="1").get("/")
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_hashed_build_assets_are_cached_for_a_year(build):
    response = _client(build).get("/assets/root-5LvPfFnp.js")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/", "/parent", "/assets/plain.js", "/styles.css", "/ping"])
def test_pages_and_unhashed_files_are_revalidated(build, path):
    assert _client(build).get(path).headers["cache-control"] == "no-cache"


def test_a_missing_hashed_asset_is_not_cached(build):
    response = _client(build).get("/assets/gone-AbCd1234.js")
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-cache"


def test_download_routes_keep_their_no_store(build):
    assert _client(build).get("/api/file").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/parent", "/parent/", "/groups/projector"])
def test_a_page_answers_on_its_own_path_without_a_redirect(build, path):
    response = _client(build).get(path)
    assert response.status_code == 200
    assert INLINE in response.text


def test_websocket_and_lifespan_pass_through_untouched(build):
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope)
        await send({"type": "websocket.accept"})

    app = ResponseHeaders(inner, policy=header_policy(_settings(), build))
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/parent", "headers": []}
    asyncio.run(app(scope, None, send))
    assert seen == [scope]
    assert sent == [{"type": "websocket.accept"}]


def test_install_wraps_whatever_the_other_transformers_built(build, monkeypatch):
    monkeypatch.setattr(headers, "frontend_build_dir", lambda: (build, ""))
    monkeypatch.setattr(headers, "get_settings", _settings)

    class App:
        api_transformer = Starlette()

    app = App()
    headers.install(app)
    first, last = app.api_transformer
    assert isinstance(first, Starlette)
    wrapped = last(first)
    assert isinstance(wrapped, ResponseHeaders)
    assert wrapped.app is first
