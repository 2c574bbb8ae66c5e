"""Response headers for everything the app serves: pages, build assets, downloads, pings, errors.

In production (``reflex run --env prod --single-port``) one ASGI app answers everything: the built
frontend (static files under ``.web/build/client``), ``/ping``, the ``/api`` downloads and the
``/_event`` websocket. :class:`ResponseHeaders` wraps all of it and, on every HTTP response:

* sets the security headers (Content-Security-Policy, X-Frame-Options, ...), replacing any the
  inner app set, so a page can be neither framed nor made to run injected markup;
* adds a Cache-Control where the response has none: build assets whose names carry a content hash
  are cached for a year, everything else is revalidated (``/api`` answers keep their ``no-store``);
* answers a page's own path (``/parent``) directly. Starlette's static files would redirect it to
  ``/parent/``, one more round trip on a phone before anything is drawn.

It is plain ASGI (not Starlette's ``BaseHTTPMiddleware``) so websockets and streamed bodies pass
through untouched.

Wiring: ``install(app)`` in ``ilp_app.py``, after every other API transformer, so that it wraps
the routes they add too.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ilp_app.settings import Settings, get_settings
from ilp_app.web import add_transformer

#: Vite names every file it writes under /assets/ ``<name>-<8 character hash>.<ext>``.
HASHED_ASSET = re.compile(r"^/assets/[^/]+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HSTS = "max-age=31536000; includeSubDomains"

# Reflex runs the code of events sent by the server with eval(): every rx.toast, rx.call_script
# and event callback. Without 'unsafe-eval' sign-in and every toast fail. Injected markup still
# cannot run: inline scripts must match a hash of the built pages, and scripts load only from here.
SCRIPT_EVAL = "'unsafe-eval'"

_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC_ATTRIBUTE = re.compile(r"\bsrc\s*=", re.IGNORECASE)

_SECURITY_NAMES = frozenset(
    {
        b"content-security-policy",
        b"x-frame-options",
        b"x-content-type-options",
        b"referrer-policy",
        b"permissions-policy",
        b"strict-transport-security",
    }
)


def inline_script_hashes(build_dir: Path) -> tuple[str, ...]:
    """The CSP sources (``'sha256-...'``) of every inline script in the built HTML pages.

    React Router writes its start-up code inline into each page; hashing those exact scripts lets
    them run without allowing any other inline script.
    """
    found: set[str] = set()
    if not build_dir.is_dir():
        return ()
    for page in build_dir.rglob("*.html"):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attributes, body = match.groups()
            if body and not _SRC_ATTRIBUTE.search(attributes):
                digest = hashlib.sha256(body.encode("utf-8")).digest()
                found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return tuple(sorted(found))


def page_paths(build_dir: Path, prefix: str = "") -> frozenset[str]:
    """URL paths without a trailing slash that the build serves as a folder's ``index.html``."""
    if not build_dir.is_dir():
        return frozenset()
    base = "/" + prefix.strip("/") if prefix.strip("/") else ""
    return frozenset(
        f"{base}/{index.parent.relative_to(build_dir).as_posix()}"
        for index in build_dir.rglob("index.html")
        if index.parent != build_dir
    )


def _socket_origins(origins: Iterable[str]) -> list[str]:
    """Each origin, and its websocket form: 'self' does not cover ws: and wss: in every browser."""
    sources: list[str] = []
    for origin in origins:
        sources.append(origin)
        if origin.startswith("https://"):
            sources.append("wss://" + origin.removeprefix("https://"))
        elif origin.startswith("http://"):
            sources.append("ws://" + origin.removeprefix("http://"))
    return sources


def content_security_policy(*, public_origins: Iterable[str], script_hashes: Iterable[str]) -> str:
    """The Content-Security-Policy of every response."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", SCRIPT_EVAL, *script_hashes],
        # Radix Themes, emotion and the toasts inject <style> elements and style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_socket_origins(public_origins)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(
    *, public_origins: Iterable[str], script_hashes: Iterable[str], hsts: bool
) -> tuple[tuple[bytes, bytes], ...]:
    """The security headers every HTTP response carries (HSTS only when served over HTTPS)."""
    headers = [
        (
            "content-security-policy",
            content_security_policy(public_origins=public_origins, script_hashes=script_hashes),
        ),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        # Page paths name learners and plans (/learners/12): they never leave the site.
        ("referrer-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ]
    if hsts:
        headers.append(("strict-transport-security", HSTS))
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers)


def cache_control(path: str, status: int) -> str:
    """The Cache-Control for a response that did not choose its own."""
    if status in (200, 304) and HASHED_ASSET.match(path):
        return IMMUTABLE
    return REVALIDATE


@dataclass(frozen=True)
class HeaderPolicy:
    """What :class:`ResponseHeaders` adds, computed once when the server starts."""

    security: tuple[tuple[bytes, bytes], ...]
    pages: frozenset[str] = frozenset()


def header_policy(settings: Settings, build_dir: Path, prefix: str = "") -> HeaderPolicy:
    """The policy for this deployment, from its settings and its built frontend."""
    return HeaderPolicy(
        security=security_headers(
            public_origins=settings.public_origins,
            script_hashes=inline_script_hashes(build_dir),
            hsts=settings.cookie_secure,
        ),
        pages=page_paths(build_dir, prefix),
    )


class ResponseHeaders:
    """ASGI middleware: security and cache headers on every HTTP response; pages without redirect."""

    def __init__(self, app: ASGIApp, *, policy: HeaderPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # websocket and lifespan pass untouched
            return
        path = scope["path"]
        if scope["method"] in ("GET", "HEAD") and path in self.policy.pages:
            # The folder URL itself: the static files then serve its index.html, not a redirect.
            scope = {**scope, "path": path + "/"}
            if "raw_path" in scope and scope["raw_path"] is not None:
                scope["raw_path"] = scope["raw_path"] + b"/"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self._headers(message, path)}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # An app that fails before answering still answers with the headers; the error is
            # raised on for the server to log (it sends nothing more once a response started).
            if not started:
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": b"Internal Server Error"})
            raise

    def _headers(self, message: Message, path: str) -> list[tuple[bytes, bytes]]:
        headers = [
            (name, value)
            for name, value in message.get("headers", [])
            if name.lower() not in _SECURITY_NAMES
        ]
        if not any(name.lower() == b"cache-control" for name, _ in headers):
            headers.append((b"cache-control", cache_control(path, message["status"]).encode()))
        headers.extend(self.policy.security)
        return headers


def frontend_build_dir() -> tuple[Path, str]:
    """Where Reflex puts the built frontend it serves in single-port mode, and its URL prefix."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants
    from reflex_base.config import get_config

    prefix = get_config().frontend_path.strip("/")
    return (get_web_dir() / constants.Dirs.STATIC / prefix).resolve(), prefix


def install(app) -> None:
    """Wrap everything ``app`` (an ``rx.App``) serves in :class:`ResponseHeaders`.

    Call it after every other change to ``app.api_transformer``: transformers apply in order, so
    the last one wraps the routes the others add. The policy is computed when Reflex builds the
    server app, after the frontend build, so the script hashes match the pages served.
    """

    def wrap(asgi_app: ASGIApp) -> ASGIApp:
        build_dir, prefix = frontend_build_dir()
        return ResponseHeaders(asgi_app, policy=header_policy(get_settings(), build_dir, prefix))

    add_transformer(app, wrap)
