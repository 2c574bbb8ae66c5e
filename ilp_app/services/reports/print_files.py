"""Finished print files held for one download by the person who asked for them.

A group print is rendered in the background while the page shows its progress; the browser
then fetches the file with a plain GET. Between the two the file waits here, never in a
state variable (those reach the browser) nor under ``/_upload`` (served to anyone):

* It is stored under the keyed hash of a random 256-bit key. Only the key, inside the
  download URL, goes to the browser that asked.
* It is bound to that person's server-side session: the download must carry the same
  session cookie, still valid. Anyone else, even holding the URL, is refused and audited.
* It expires after :data:`PRINT_TTL`, can be downloaded once, and a session holds at most
  one waiting file (a new print replaces the old).

With ``REFLEX_REDIS_URL`` set (required for several workers) the files live in that Redis, so
the worker or host answering the download need not be the one that rendered. Without Redis
there is one worker process, and the files live in its memory.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlmodel import Session

from ilp_app import routes, security
from ilp_app.domain.errors import NotFound, ValidationFailed
from ilp_app.domain.permissions import Action, Actor, GroupRef
from ilp_app.services.guard import denial
from ilp_app.services.reports.overview import group_authorize
from ilp_app.settings import get_settings

PRINT_TTL = timedelta(minutes=10)
PRINT_FILE_PATH = routes.API_PRINT_FILE
MSG_PRINT_GONE = "That print is no longer available. Print the group again."

_KEY_LENGTH = 43  # secrets.token_urlsafe(32)
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_MEMORY_LIMIT = 64  # files held at once by one process without Redis; the oldest go first
_REDIS_PREFIX = "ilp:print:"


def print_file_url(key) -> str:
    """Where a finished print is downloaded (``key`` may be a string or a frontend var)."""
    return routes.url_for(routes.API_PRINT_FILE, key=key)


@dataclass(frozen=True)
class StoredPrint:
    user_id: int
    session_id: int
    group_id: int
    filename: str
    expires_at: float  # POSIX seconds
    data: bytes


class PrintStore(Protocol):
    def put(self, digest: str, record: StoredPrint) -> None: ...

    def get(self, digest: str) -> StoredPrint | None: ...

    def delete(self, digest: str) -> bool:
        """Remove the file; True only for the one caller that removed it."""
        ...


class MemoryPrintStore:
    """Files in this process's memory: enough with one worker (no Redis)."""

    def __init__(self, limit: int = _MEMORY_LIMIT) -> None:
        self._limit = limit
        self._records: dict[str, StoredPrint] = {}
        self._by_session: dict[int, str] = {}
        self._lock = threading.Lock()

    def put(self, digest: str, record: StoredPrint) -> None:
        with self._lock:
            now = datetime.now(UTC).timestamp()
            for old, rec in list(self._records.items()):
                if rec.expires_at <= now:
                    self._drop(old)
            replaced = self._by_session.get(record.session_id)
            if replaced is not None:
                self._drop(replaced)
            while len(self._records) >= self._limit:
                self._drop(min(self._records, key=lambda d: self._records[d].expires_at))
            self._records[digest] = record
            self._by_session[record.session_id] = digest

    def get(self, digest: str) -> StoredPrint | None:
        with self._lock:
            return self._records.get(digest)

    def delete(self, digest: str) -> bool:
        with self._lock:
            return self._drop(digest)

    def _drop(self, digest: str) -> bool:
        record = self._records.pop(digest, None)
        if record is not None and self._by_session.get(record.session_id) == digest:
            del self._by_session[record.session_id]
        return record is not None


class RedisPrintStore:
    """Files in Redis, shared by every worker and host; Redis expires them too."""

    def __init__(self, client) -> None:
        self._redis = client

    @classmethod
    def from_url(cls, url: str) -> RedisPrintStore:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5))

    def put(self, digest: str, record: StoredPrint) -> None:
        key, session_key = _REDIS_PREFIX + digest, f"{_REDIS_PREFIX}session:{record.session_id}"
        ttl = max(1, int(record.expires_at - datetime.now(UTC).timestamp()) + 1)
        replaced = self._redis.get(session_key)
        pipe = self._redis.pipeline(transaction=True)
        if replaced:
            pipe.delete(_REDIS_PREFIX + replaced.decode())
        pipe.hset(
            key,
            mapping={
                "user_id": record.user_id,
                "session_id": record.session_id,
                "group_id": record.group_id,
                "filename": record.filename,
                "expires_at": repr(record.expires_at),
                "data": record.data,
            },
        )
        pipe.expire(key, ttl)
        pipe.set(session_key, digest, ex=ttl)
        pipe.execute()

    def get(self, digest: str) -> StoredPrint | None:
        fields = self._redis.hgetall(_REDIS_PREFIX + digest)
        if not fields:
            return None
        return StoredPrint(
            user_id=int(fields[b"user_id"]),
            session_id=int(fields[b"session_id"]),
            group_id=int(fields[b"group_id"]),
            filename=fields[b"filename"].decode(),
            expires_at=float(fields[b"expires_at"]),
            data=fields[b"data"],
        )

    def delete(self, digest: str) -> bool:
        return self._redis.delete(_REDIS_PREFIX + digest) == 1


_memory_store = MemoryPrintStore()


@functools.cache
def _redis_store(url: str) -> RedisPrintStore:
    return RedisPrintStore.from_url(url)


def print_store() -> PrintStore:
    """Redis when the app runs on Redis (any number of workers), else this process's memory."""
    url = get_settings().redis_url
    return _redis_store(url) if url else _memory_store


def _now(now: datetime | None) -> float:
    return (now or datetime.now(UTC)).timestamp()


def print_file_put(
    *,
    actor: Actor,
    session_id: int,
    group_id: int,
    filename: str,
    data: bytes,
    store: PrintStore | None = None,
    now: datetime | None = None,
) -> str:
    """Hold a finished print for ``actor``'s session; returns the key for :func:`print_file_url`."""
    key = security.token_new()
    record = StoredPrint(
        user_id=actor.user_id,
        session_id=session_id,
        group_id=group_id,
        filename=filename,
        expires_at=_now(now) + PRINT_TTL.total_seconds(),
        data=data,
    )
    (store or print_store()).put(security.token_digest(key), record)
    return key


def print_file_take(
    *,
    session: Session,
    actor: Actor | None,
    session_id: int,
    key: object,
    client_ip: str = "",
    store: PrintStore | None = None,
    now: datetime | None = None,
) -> tuple[str, bytes]:
    """The file held under ``key``, once, for the session that asked for it.

    Returns:
        The download file name and the PDF bytes; the file is then gone.

    Raises:
        NotSignedIn: nobody is signed in.
        PermissionDenied: the file belongs to another person or session (audited; the file stays
            for its owner), or the person is no longer staff of the group.
        NotFound: no such file, already downloaded, or expired.
    """
    if actor is None:
        raise denial(None, Action.GROUP_VIEW, None, client_ip=client_ip)
    if not isinstance(key, str) or len(key) != _KEY_LENGTH or not _KEY_CHARS.issuperset(key):
        raise ValidationFailed(MSG_PRINT_GONE)
    store = store or print_store()
    digest = security.token_digest(key)
    record = store.get(digest)
    if record is None or record.expires_at <= _now(now):
        raise NotFound(MSG_PRINT_GONE)
    if record.user_id != actor.user_id or record.session_id != session_id:
        raise denial(actor, Action.GROUP_VIEW, GroupRef(record.group_id), client_ip=client_ip)
    group_authorize(session=session, actor=actor, group_id=record.group_id, client_ip=client_ip)
    if not store.delete(digest):
        raise NotFound(MSG_PRINT_GONE)
    return record.filename, record.data
