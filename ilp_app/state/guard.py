"""The guard every socket event passes before any handler runs (a Reflex middleware).

In order, for each event:

1. **Size.** An event whose payload is larger than :data:`MAX_EVENT_BYTES` is refused with a
   message; nothing runs.
2. **Rate.** Each tab may send :data:`BURST` events at once and :data:`RATE` a second after that;
   a flood from one tab is refused with a message instead of slowing everyone else.
3. **Owner.** The session behind the connection's cookie is looked up (off the event loop). When
   the database takes longer than :data:`LOOKUP_PATIENCE_SECONDS` (a stall, a failover), the
   last answer for that session, if at most :data:`KNOWN_SESSION_SECONDS` old, is used instead:
   an event with no database work is then not held up by the database. The state tree belongs to the session that filled it: if the connection's session is another one
   (a replayed tab token, a different person, a signed-out or disabled session), every page
   state is emptied *before* the event runs, so the hydrate snapshot never carries someone
   else's page.

4. **Language.** The tab follows the language the person reads (:class:`LocaleState`), and
   text built during the event is built in it.

The person found is kept for the event (:data:`ilp_app.state.session.current_event_user`), so
handlers do not look the session up a second time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

import reflex as rx
import sqlalchemy.exc
from reflex.middleware import Middleware
from reflex.state import StateUpdate
from reflex_base.event import Event

from ilp_app.i18n import N_, gettext
from ilp_app.services.access.auth import CurrentUser
from ilp_app.state.locale import LocaleState
from ilp_app.state.session import SessionState, current_event_user, session_lookup
from ilp_app.web.socket_gate import SESSION_HEADER

log = logging.getLogger("ilp.guard")

#: The largest event payload accepted, as JSON. Forms and ids are far smaller; uploads do not
#: travel through the socket.
MAX_EVENT_BYTES = 64 * 1024
#: Events a tab may send at once, and per second after that.
BURST = 40
RATE = 15.0

#: How long an event waits for the database to look its session up before the last answer for
#: that session is used instead.
LOOKUP_PATIENCE_SECONDS = 1.0
#: How old that last answer may be. A session revoked this shortly before the database stalled
#: keeps working until the database answers again; never longer than this.
KNOWN_SESSION_SECONDS = 60.0

MSG_TOO_LARGE = N_("That was too large to send. Nothing was changed.")
MSG_TOO_FAST = N_("Too many actions at once. Wait a moment, then try again.")


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per client token, in this worker's memory."""

    def __init__(self, *, burst: int = BURST, rate: float = RATE, clock=time.monotonic):
        self.burst, self.rate, self.clock = burst, rate, clock
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 10_000:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if now - b.at > self.burst / self.rate]
        for key in full:
            del self._buckets[key]


class SessionLookup:
    """Looks sessions up off the event loop; bridges a slow database with the last answer."""

    def __init__(
        self,
        lookup=session_lookup,
        *,
        patience: float = LOOKUP_PATIENCE_SECONDS,
        max_age: float = KNOWN_SESSION_SECONDS,
        clock=time.monotonic,
    ):
        self.lookup, self.patience, self.max_age, self.clock = lookup, patience, max_age, clock
        self._known: dict[str, tuple[CurrentUser | None, float]] = {}
        # The lookup of each session still waiting for the database, and when it started.
        self._pending: dict[str, tuple[asyncio.Future, float]] = {}

    async def __call__(self, digest: str) -> CurrentUser | None:
        pending, waited = self._lookup_of(digest)
        try:
            # Events of one session share a lookup under way, and its patience: while the
            # database is stalled, each tab waits once, not once per event it sends.
            patience = max(0.0, self.patience - waited)
            return await asyncio.wait_for(asyncio.shield(pending), patience)
        except TimeoutError:
            if (known := self._recent(digest)) is not None:
                log.warning("the database is slow to answer; using the session's last lookup")
                return known[0]
            return await pending
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError):
            if (known := self._recent(digest)) is not None:
                log.warning("the database is unavailable; using the session's last lookup")
                return known[0]
            raise

    def _lookup_of(self, digest: str) -> tuple[asyncio.Future, float]:
        """This session's lookup under way (or a new one), and how long it has been waiting."""
        now = self.clock()
        found = self._pending.get(digest)
        if found is not None and not found[0].done():
            return found[0], now - found[1]
        pending = asyncio.ensure_future(asyncio.to_thread(self.lookup, digest))
        self._pending[digest] = (pending, now)
        pending.add_done_callback(lambda done: self._finish(digest, done))
        return pending, 0.0

    def _finish(self, digest: str, done: asyncio.Future) -> None:
        if self._pending.get(digest, (None,))[0] is done:
            del self._pending[digest]
        self._remember(digest, done)

    def _recent(self, digest: str) -> tuple[CurrentUser | None] | None:
        found = self._known.get(digest)
        if found is None or self.clock() - found[1] > self.max_age:
            return None
        return (found[0],)

    def _remember(self, digest: str, done: asyncio.Future) -> None:
        if done.cancelled() or done.exception() is not None:
            return
        if len(self._known) > 10_000:
            now = self.clock()
            for key in [k for k, (_, at) in self._known.items() if now - at > self.max_age]:
                del self._known[key]
        self._known[digest] = (done.result(), self.clock())


def _payload_size(payload: object) -> int:
    try:
        return len(json.dumps(payload, default=str))
    except (TypeError, ValueError):
        return MAX_EVENT_BYTES + 1


def _refuse(message: str) -> StateUpdate:
    return StateUpdate(events=Event.from_event_type(rx.toast.error(gettext(message))))


#: The session checks of this worker: the guard's before each event, and each live push's.
session_checks = SessionLookup()


class EventGuard(Middleware):
    """See the module docstring."""

    def __init__(self, limiter: RateLimiter | None = None, sessions: SessionLookup | None = None):
        self.limiter = limiter or RateLimiter()
        self.sessions = sessions or session_checks
        self._last_warned: dict[str, float] = {}

    async def preprocess(self, app, state, event) -> StateUpdate | None:
        client = state.router.session.client_token
        if _payload_size(event.payload) > MAX_EVENT_BYTES:
            log.warning("refused an event of more than %d bytes from a tab", MAX_EVENT_BYTES)
            return _refuse(MSG_TOO_LARGE)
        if not self.limiter.allow(client):
            return self._too_fast(client)
        headers = state.router_data.get("headers", {})
        digest = headers.get(SESSION_HEADER, "") if isinstance(headers, dict) else ""
        me = await self.sessions(digest)
        session_state = await state.get_state(SessionState)
        owner = str(me.session_id) if me is not None else ""
        if session_state._owner != owner:
            # Someone else's (or nobody's) page data: gone before this event, or a snapshot, runs.
            await session_state._reset_session_tree()
            session_state._owner = owner
        session_state._digest = digest if me is not None else ""
        current_event_user.set((session_state._digest, me))
        # The person's language for this event: the tab's words, and any text the server builds.
        (await state.get_state(LocaleState))._follow(me)
        return None

    def _too_fast(self, client: str) -> StateUpdate | None:
        now = time.monotonic()
        if now - self._last_warned.get(client, 0.0) < 2.0:
            return StateUpdate()  # one message every two seconds is enough
        self._last_warned[client] = now
        if len(self._last_warned) > 10_000:
            self._last_warned.clear()
        log.warning("refused events from a tab sending too fast")
        return _refuse(MSG_TOO_FAST)


async def claim_tab(app, token: str, digest: str) -> None:
    """Before a socket takes over a tab token: empty the tab unless it is this session's.

    The event guard empties a foreign tree at the connection's first event; but between the
    socket linking the token and that event, a live push into the token's old page (still
    checked against the old page's session) would reach the new socket. Claiming the tree under
    its lock first closes that window: the old page is gone before the socket is linked.
    """
    try:
        async with app.modify_state(rx.BaseStateToken(ident=token, cls=SessionState)) as root:
            session_state = await root.get_state(SessionState)
            if session_state._digest != digest:
                await session_state._reset_session_tree()
    except Exception:
        log.exception("could not check a tab's owner before its socket opened")


#: How long a closed tab's page data is kept for a reconnect (a reload, a network blip).
CLOSED_TAB_GRACE_SECONDS = 10.0
_forgetting: set[asyncio.Task] = set()


def forget_closed_tab(app, token: str, *, grace: float = CLOSED_TAB_GRACE_SECONDS) -> None:
    """Soon after a tab's socket closed: if it has not come back, empty its page data.

    The state store then holds nothing of the page the tab last showed, so a token replayed
    later finds nothing, even before the guard would have emptied it.
    """

    async def forget() -> None:
        await asyncio.sleep(grace)
        try:
            if await app.event_namespace._token_manager.is_token_connected(token):
                return
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=SessionState)) as root:
                session_state = await root.get_state(SessionState)
                await session_state._reset_session_tree()
        except Exception:
            log.exception("could not empty a closed tab's page data")

    task = asyncio.get_running_loop().create_task(forget())
    _forgetting.add(task)  # the loop keeps tasks only weakly
    task.add_done_callback(_forgetting.discard)
