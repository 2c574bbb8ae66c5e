"""What the production server sends with its answers: security and cache headers, no redirects.

Checked against the real single-port server (pages, build assets, downloads, pings and 404s all
come from it) and in Chromium, which enforces the policy: the app must still work under it, and
another site must not be able to frame it.
"""

from __future__ import annotations

import http.client
import http.server
import re
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ilp_app import routes
from tests.e2e.conftest import sign_in, wait_for_path

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_ASSET = re.compile(r'"(/assets/[^"/]+-[A-Za-z0-9_-]{8}\.js)"')

# Every page the app has, dynamic ones with an example id.
PAGE_PATHS = [
    routes.INDEX,
    routes.LOGIN,
    routes.PASSWORD,
    routes.ADMIN,
    routes.MENTOR,
    routes.TEACHER,
    routes.LEARNER,
    routes.PARENT,
    routes.TEMPLATES,
    routes.OBJECTIVES,
    routes.ADMIN_SCHOOL,
    routes.ADMIN_GROUPS,
    routes.ADMIN_IMPORT,
    routes.ADMIN_PRIVACY,
    routes.plan_url(1),
    routes.group_url(1),
    routes.projector_url(1),
    routes.admin_person_url(1),
    routes.learner_report_url(1),
    routes.evidence_page_url(1),
    routes.showcase_url(1),
    routes.showcase_present_url(1),
]


def _get(base_url: str, path: str) -> http.client.HTTPResponse:
    """One GET that does not follow redirects (the body is read, the headers kept)."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def _assert_security_headers(response: http.client.HTTPResponse) -> None:
    csp = response.getheader("Content-Security-Policy") or ""
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, directive
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
    assert "'unsafe-inline'" not in script_src
    assert "ws://" in next(d for d in csp.split("; ") if d.startswith("connect-src "))
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert "camera=()" in (response.getheader("Permissions-Policy") or "")
    # Served over plain HTTP here (ILP_COOKIE_SECURE unset): no HSTS.
    assert response.getheader("Strict-Transport-Security") is None


def test_a_page_carries_the_security_headers_and_is_revalidated(base_url):
    page = _get(base_url, routes.LOGIN)
    assert page.status == 200
    _assert_security_headers(page)
    assert page.getheader("Cache-Control") == "no-cache"


def test_a_hashed_build_asset_carries_the_headers_and_is_cached_for_a_year(base_url):
    html = _get(base_url, routes.LOGIN).body.decode()
    asset = HASHED_ASSET.search(html).group(1)
    response = _get(base_url, asset)
    assert response.status == 200
    _assert_security_headers(response)
    assert response.getheader("Cache-Control") == IMMUTABLE


def test_ping_a_404_and_a_refused_download_carry_the_security_headers(base_url):
    ping = _get(base_url, "/ping")
    missing = _get(base_url, "/no-such-page")
    download = _get(base_url, "/api/reviews/1.ics")
    assert (ping.status, missing.status, download.status) == (200, 404, 401)
    for response in (ping, missing, download):
        _assert_security_headers(response)
    assert download.getheader("Cache-Control") == "no-store"


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_answers_on_its_own_path_without_a_redirect(base_url, path):
    response = _get(base_url, path)
    assert response.status == 200, response.getheader("Location")
    assert response.getheader("Content-Type", "").startswith("text/html")


def _watch_policy(page) -> list[str]:
    """Collect every Content-Security-Policy violation the page reports, across navigations."""
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.expose_function("reportPolicyViolation", lambda text: reports.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.reportPolicyViolation(`${e.violatedDirective} ${e.blockedURI}`));"
    )
    return reports


def test_signing_in_works_under_the_policy_without_a_violation(new_page):
    page = new_page()
    reports = _watch_policy(page)
    page.goto(routes.LOGIN)
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    sign_in(page, "parent@demo.school")
    wait_for_path(page, routes.PARENT)
    expect(page.get_by_role("heading", name="My children", level=1)).to_be_visible()
    page.reload()  # a signed-in page loaded straight from the server
    expect(page.get_by_role("heading", name="My children", level=1)).to_be_visible()
    switcher = page.get_by_role("radiogroup", name="Choose a child")
    switcher.get_by_role("radio", name="Åsa").click()
    # Åsa's card (the plan below it carries her name too, once it shows her plan).
    expect(
        page.locator("article.child-card").get_by_role("heading", name="Åsa", level=2)
    ).to_be_visible()
    # A refusal's toast is code the server sends for the page to run (Reflex evals it).
    page.goto(routes.ADMIN)
    expect(page.get_by_text("You do not have access")).to_be_visible()
    wait_for_path(page, routes.PARENT)
    assert reports == []


@pytest.fixture
def framing_site(base_url) -> Iterator[str]:
    """Another origin (127.0.0.1 on its own port) whose page puts the app's sign-in in a frame."""
    html = (
        "<!doctype html><title>Framer</title><h1>Another site</h1>"
        f'<iframe title="framed app" src="{base_url}{routes.LOGIN}" width="800" height="600">'
        "</iframe>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_another_site_cannot_show_the_app_in_a_frame(new_page, framing_site, base_url):
    page = new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    # The app does answer the frame's request: it is the browser that must refuse to show it.
    with page.expect_response(lambda r: r.url.startswith(base_url) and r.status == 200):
        page.goto(framing_site)
    expect(page.get_by_role("heading", name="Another site")).to_be_visible()
    page.wait_for_timeout(2_000)  # time enough for the framed page to arrive, were it allowed
    frame = page.locator("iframe[title='framed app']").element_handle().content_frame()
    assert not frame.url.startswith(base_url), frame.url  # Chromium shows its error page
    framed = page.frame_locator("iframe[title='framed app']")
    expect(framed.locator("link[href^='/assets/']")).to_have_count(0)  # nothing of the app's page
    assert any("frame-ancestors" in text for text in console), console[:5]
