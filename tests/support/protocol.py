"""Browser tabs as frames on the event socket (python-socketio), for protocol-level tests.

A tab signs in through the real sign-in form post (so it holds the real ``HttpOnly`` cookie),
then opens the event socket the way the browser does: its own random tab token in the URL, the
hydrate event in the CONNECT packet, the cookie in the handshake.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import time
import urllib.parse
import urllib.request
import uuid

NS = "/_event"
ROOT = "reflex___state____state"
SESSION = f"{ROOT}.ilp_app___state___session____session_state"
PLAN = f"{SESSION}.ilp_app___state___plan____plan_state"
GROUP_PAGE = f"{SESSION}.ilp_app___state___group____group_page_state"
PROJECTOR_PAGE = f"{GROUP_PAGE}.ilp_app___state___group____projector_page_state"
HYDRATE = f"{ROOT}.hydrate_and_load"
DEMO_PASSWORD = "ilp-demo-2026"


#: Dynamic routes as the browser reports them: the pattern, and the values in ``query``.
_ROUTES = (
    ("/plans/", "/plans/[plan_id]", "plan_id", ""),
    ("/groups/", "/groups/[group_id]/projector", "group_id", "/projector"),
    ("/groups/", "/groups/[group_id]", "group_id", ""),
    ("/learners/", "/learners/[learner_id]", "learner_id", ""),
)


def router_data(path: str) -> dict:
    """What the browser sends as ``router_data`` for the page at ``path``."""
    for prefix, pattern, param, suffix in _ROUTES:
        rest = path.removeprefix(prefix)
        if path.startswith(prefix) and rest.endswith(suffix):
            value = rest.removesuffix(suffix) if suffix else rest
            if value and "/" not in value:
                return {"pathname": pattern, "asPath": path, "query": {param: value}}
    return {"pathname": path, "asPath": path}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _form_post(url: str, origin: str, body: bytes, headers: dict) -> urllib.error.HTTPError:
    """Post a form as the browser does, and return the redirect it must answer with."""
    request = urllib.request.Request(
        url, data=body, headers={"Origin": origin, **headers}, method="POST"
    )
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.code
        return answer
    raise AssertionError(f"the post to {url} did not answer with a redirect")


def sign_in_cookie(base_url: str, email: str, password: str = DEMO_PASSWORD) -> str:
    """The session cookie the sign-in form post sets (its ``ilp_session=...`` pair)."""
    body = urllib.parse.urlencode({"email": email, "password": password}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = _form_post(f"{base_url}/auth/sign-in", base_url, body, form)
    cookie = answer.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie, cookie
    return cookie.split(";", 1)[0]


def sign_out_cookie(base_url: str, cookie: str) -> None:
    """End the session behind ``cookie`` as the sign-out button does (a form post)."""
    _form_post(f"{base_url}/auth/sign-out", base_url, b"", {"Cookie": cookie})


async def wait_for_frame(
    frames: list[dict], changed: asyncio.Event, pred, timeout: float, *, since: int = 0
) -> float | None:
    """Seconds until a frame of ``frames`` (from number ``since`` on) satisfies ``pred``.

    ``changed`` is set whenever a frame arrives. Returns None when none did within ``timeout``.
    """
    start, seen = time.monotonic(), since
    while True:
        while seen < len(frames):
            if pred(frames[seen]):
                return time.monotonic() - start
            seen += 1
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            return None
        changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), left)


class Tab:
    """One browser tab: a socket, the frames it received, and waiters on them."""

    def __init__(self, base_url: str, path: str, *, cookie: str = "", token: str | None = None):
        import socketio

        self.base_url, self.path, self.cookie = base_url, path, cookie
        self.token = token or str(uuid.uuid4())
        self.router = router_data(path)
        self.sio = socketio.AsyncClient(reconnection=False, logger=False, engineio_logger=False)
        self.sio.on("event", self._on_event, namespace=NS)
        self.sio.on("new_token", self._on_new_token, namespace=NS)
        self.frames: list[dict] = []
        self._changed = asyncio.Event()

    async def open(self) -> Tab:
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        auth = {"event": {"name": HYDRATE, "payload": {}, "router_data": self.router}}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NS],
            auth=auth,
            headers=headers,
            wait_timeout=30,
        )
        return self

    async def _on_event(self, data) -> None:
        self.frames.append(data if isinstance(data, dict) else {"raw": data})
        self._changed.set()

    async def _on_new_token(self, token) -> None:
        self.token = token

    async def send(self, name: str, payload: dict | None = None) -> None:
        event = {"name": name, "payload": payload or {}, "router_data": self.router}
        await self.sio.emit("event", event, namespace=NS)

    def text(self) -> str:
        return json.dumps(self.frames, ensure_ascii=False)

    async def wait_for(self, pred, timeout: float = 10.0, *, since: int = 0) -> float | None:
        """Seconds until a frame (from number ``since`` on) satisfies ``pred``, or None."""
        return await wait_for_frame(self.frames, self._changed, pred, timeout, since=since)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()

    async def kill(self) -> None:
        """Drop the connection without a goodbye, as a killed tab does."""
        with contextlib.suppress(Exception):
            await self.sio.eio._reset()  # no disconnect packet
        with contextlib.suppress(Exception):
            if self.sio.eio.ws is not None:
                await self.sio.eio.ws.close()


def mentions(text: str):
    return lambda frame: text in json.dumps(frame, ensure_ascii=False)


def run(coro, timeout: float = 120):
    """Run a scenario on its own event loop, in a thread: Playwright holds the test's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, timeout)).result()
