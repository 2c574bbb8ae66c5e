"""Who is watching which live channel: a registry of viewer tabs the app controls.

A *viewer* is one browser tab (its Reflex client token) and the page state that shows the
channel there. A page joins a channel only after the services have authorised it, and re-joins
every few seconds while it is open (its heartbeat); an entry nobody refreshes expires after
:data:`VIEWER_TTL_SECONDS`, so a tab killed without a goodbye drops out by itself.

Each channel also carries a *version*, raised at every push. A viewer remembers the version it
last applied; when its heartbeat finds another one, it missed a push (or the registry was
restarted) and reloads from the database.

One worker keeps the registry in memory; several workers share it in Redis (sorted sets keyed
by expiry time, so reading a channel never returns an expired viewer).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

#: How long a viewer stays registered without a heartbeat.
VIEWER_TTL_SECONDS = 30.0
#: How often an open page refreshes its entry and checks its version.
HEARTBEAT_SECONDS = 5.0
#: Pages that follow one person (a plan, a home, the inbox) beat less often: a class of thirty
#: phones would otherwise send more heartbeats than ticks. Staleness is still noticed within
#: 15 s, and pushes keep them current in between.
PERSONAL_HEARTBEAT_SECONDS = 10.0
INBOX_HEARTBEAT_SECONDS = 15.0
KEY_PREFIX = "ilp:live:"


@dataclass(frozen=True)
class Viewer:
    """One tab watching a channel: its client token and the page state to push into."""

    client_token: str
    state: str

    def key(self) -> str:
        return f"{self.client_token}|{self.state}"

    @classmethod
    def from_key(cls, key: str) -> Viewer:
        token, _, state = key.partition("|")
        return cls(token, state)


class ViewerRegistry(Protocol):
    async def join(self, channel: str, viewer: Viewer) -> int:
        """Register (or refresh) ``viewer`` on ``channel``; returns the channel's version."""

    async def leave(self, channel: str, viewer: Viewer) -> None: ...

    async def viewers(self, channel: str) -> list[Viewer]: ...

    async def bump(self, channel: str) -> int:
        """Raise the channel's version (before a push); returns the new one."""

    async def version(self, channel: str) -> int: ...


class MemoryRegistry:
    """The registry of one worker."""

    def __init__(self, *, ttl: float = VIEWER_TTL_SECONDS, clock=time.monotonic):
        self.ttl, self.clock = ttl, clock
        self._viewers: dict[str, dict[Viewer, float]] = {}
        self._versions: dict[str, int] = {}

    async def join(self, channel: str, viewer: Viewer) -> int:
        self._viewers.setdefault(channel, {})[viewer] = self.clock() + self.ttl
        return self._versions.get(channel, 0)

    async def leave(self, channel: str, viewer: Viewer) -> None:
        entries = self._viewers.get(channel)
        if entries is not None:
            entries.pop(viewer, None)
            if not entries:
                del self._viewers[channel]

    async def viewers(self, channel: str) -> list[Viewer]:
        entries = self._viewers.get(channel)
        if not entries:
            return []
        now = self.clock()
        for viewer in [v for v, until in entries.items() if until <= now]:
            del entries[viewer]
        return sorted(entries, key=Viewer.key)

    async def bump(self, channel: str) -> int:
        self._versions[channel] = self._versions.get(channel, 0) + 1
        return self._versions[channel]

    async def version(self, channel: str) -> int:
        return self._versions.get(channel, 0)


class RedisRegistry:
    """The registry shared by several workers (``redis.asyncio`` client)."""

    def __init__(self, client, *, ttl: float = VIEWER_TTL_SECONDS, clock=time.time):
        self.redis, self.ttl, self.clock = client, ttl, clock

    def _members(self, channel: str) -> str:
        return f"{KEY_PREFIX}viewers:{channel}"

    def _version(self, channel: str) -> str:
        return f"{KEY_PREFIX}version:{channel}"

    async def join(self, channel: str, viewer: Viewer) -> int:
        key = self._members(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {viewer.key(): self.clock() + self.ttl})
            pipe.expire(key, int(self.ttl) + 5)
            pipe.get(self._version(channel))
            _, _, version = await pipe.execute()
        return int(version or 0)

    async def leave(self, channel: str, viewer: Viewer) -> None:
        await self.redis.zrem(self._members(channel), viewer.key())

    async def viewers(self, channel: str) -> list[Viewer]:
        key = self._members(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, "-inf", self.clock())
            pipe.zrange(key, 0, -1)
            _, members = await pipe.execute()
        return [Viewer.from_key(m.decode() if isinstance(m, bytes) else m) for m in members]

    async def bump(self, channel: str) -> int:
        key = self._version(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, 24 * 3600)
            version, _ = await pipe.execute()
        return int(version)

    async def version(self, channel: str) -> int:
        return int(await self.redis.get(self._version(channel)) or 0)


def registry_for(redis_url: str | None) -> ViewerRegistry:
    """The registry for this deployment: Redis when the app runs on several workers."""
    if not redis_url:
        return MemoryRegistry()
    import redis.asyncio as aioredis

    return RedisRegistry(aioredis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5))
