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

import reflex as rx
import sqlalchemy.exc
from reflex_base.event import EventSpec

from ilp_app.i18n import N_, gettext

log = logging.getLogger("ilp.saving")

MSG_NOT_SAVED = N_("Not saved — try again. The connection to the school's server was interrupted.")
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


MSG_SERVER_TROUBLE = (
    "Not saved — try again. The school's server could not reach its storage for a moment."
)
MSG_UNEXPECTED = N_("Something went wrong on our side. Nothing was changed; please try again.")


def is_outage(exception: BaseException) -> bool:
    """Whether ``exception`` is a storage outage (database or state store), not a bug."""
    import redis.exceptions

    return isinstance(
        exception,
        sqlalchemy.exc.OperationalError
        | sqlalchemy.exc.InterfaceError
        | redis.exceptions.ConnectionError
        | redis.exceptions.TimeoutError
        | ConnectionError
        | TimeoutError,
    )


def event_failed(exception: Exception) -> EventSpec:
    """What a person sees when an event fails outside the app's own handling.

    The framework's own answer says "Contact the website administrator"; a storage outage
    (a Redis or database restart) instead says that nothing was saved and to try again, and
    anything else says nothing was changed. The details go to the log, never to the page.
    """
    if is_outage(exception):
        log.warning("an event failed during a storage outage: %r", exception)
        return rx.toast.error(MSG_SERVER_TROUBLE)
    log.error("an event failed", exc_info=exception)
    return rx.toast.error(gettext(MSG_UNEXPECTED))
