"""Saving through a database that may be briefly unavailable, without blocking the event loop.

A tap in a lesson must never be lost silently and never be shown as saved before it is. The
work runs in a thread (a stalled database then holds up one thread, not every tab on the
worker), and a failure of the database itself (a restart, a dropped connection, a stall past
the driver's timeouts) is tried again a few times before the person is told it was not saved.
Refusals by the app's own rules (``DomainError``) are never retried.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy.exc

log = logging.getLogger("ilp.saving")

MSG_NOT_SAVED = "Not saved — try again. The connection to the school's server was interrupted."
#: Pauses between tries; the whole attempt gives up after about eight seconds.
RETRY_DELAYS = (0.5, 1.5, 3.0, 3.0)


class DatabaseUnavailable(Exception):
    """The database could not be reached for long enough that the person must be told."""


async def save_with_retries(fn, *args, delays=RETRY_DELAYS):
    """``fn(*args)`` in a thread; database outages are retried, then raise DatabaseUnavailable.

    ``fn`` must run its own unit of work, so that a failed try leaves nothing half-saved and
    the next try starts afresh.
    """
    for attempt, delay in enumerate((*delays, None)):
        try:
            return await asyncio.to_thread(fn, *args)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
            if delay is None:
                log.warning("gave up saving after %d tries: %s", attempt + 1, error)
                raise DatabaseUnavailable from error
            log.info("database unavailable, trying again in %.1f s", delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
