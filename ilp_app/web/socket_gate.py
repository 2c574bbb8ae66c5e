"""The door of the event socket (``/_event``): who may open it, and what it carries in.

Two rules, applied before Reflex sees the connection:

* The ``token`` in the socket URL must look like a tab's own random id (a UUID, as the Reflex
  client makes one). Names such as ``group1`` are refused, so no client can connect under a
  channel's or another well-known name.
* The session cookie never reaches Reflex. The socket's handshake carries the browser's
  ``HttpOnly`` session cookie; it is replaced by its keyed digest in the private header
  :data:`SESSION_HEADER`, which is what the event guard looks the session up by. The raw token is
  therefore never copied into a state, and so never into the state store. A header of that
  name sent by a client is dropped: only the cookie counts.

When a tab's socket opens, ``on_open(token, digest)`` is awaited before Reflex links the
token to the new socket (see ``ilp_app.state.guard.claim_tab``). When it closes,
``on_closed(token)`` is called, so that a tab closed for good
leaves no page data behind (see ``ilp_app.state.guard.forget_closed_tab``).
"""

from __future__ import annotations

import re
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from ilp_app import security
from ilp_app.routes import EVENT_SOCKET_PATH, SESSION_COOKIE

#: The header (lower case, as ASGI keeps them) that carries the session digest to the guard.
SESSION_HEADER = "x-ilp-session-digest"

# Reflex's browser client writes the variant digit as 8-f, so any hex digit is taken there.
_TAB_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_COOKIE_HEADER = 8192


def is_tab_token(value: object) -> bool:
    """Whether ``value`` has the shape of a tab's random id (a version 4 UUID, lower case)."""
    return isinstance(value, str) and _TAB_TOKEN.fullmatch(value) is not None


def session_cookie(cookie_header: str) -> str:
    """The session token in a ``Cookie`` header, or "" when there is none (or it is unreadable)."""
    if not cookie_header or len(cookie_header) > _MAX_COOKIE_HEADER:
        return ""
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return ""
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else ""


def session_digest(cookie_header: str) -> str:
    """The keyed digest of the session cookie in ``cookie_header`` ("" without one)."""
    token = session_cookie(cookie_header)
    return security.token_digest(token) if token and len(token) <= 128 else ""


def _query_token(scope) -> object:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return values[0] if len(values) == 1 else None


class SocketGate:
    """ASGI middleware in front of the whole backend; only ``/_event`` requests are changed."""

    def __init__(self, app, *, on_open=None, on_closed=None):
        self.app = app
        self.on_open = on_open
        self.on_closed = on_closed

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or not scope.get("path", "").startswith(
            EVENT_SOCKET_PATH
        ):
            await self.app(scope, receive, send)
            return
        tab = _query_token(scope)
        if not is_tab_token(tab):
            await _refuse(scope, receive, send)
            return
        cookie = ""
        headers = []
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie += ("; " if cookie else "") + value.decode("latin-1")
            elif name != SESSION_HEADER.encode():
                headers.append((name, value))
        digest = session_digest(cookie)
        if digest:
            headers.append((SESSION_HEADER.encode(), digest.encode()))
        if scope["type"] == "websocket" and self.on_open is not None:
            # Before the socket can receive anything meant for this tab token (a live push
            # included), the tab's page data must belong to this connection's session.
            await self.on_open(tab, digest)
        try:
            await self.app({**scope, "headers": headers}, receive, send)
        finally:
            if scope["type"] == "websocket" and self.on_closed is not None:
                self.on_closed(tab)


async def _refuse(scope, receive, send) -> None:
    if scope["type"] == "websocket":
        await receive()  # the websocket.connect message
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"This connection is not allowed."
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})
