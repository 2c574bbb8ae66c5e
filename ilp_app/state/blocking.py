"""Event handlers that read or write the database run in a thread, never on the event loop.

Reflex calls a plain (``def``) handler on the event loop itself, so a handler that waits for
the database (a slow query, a stalled server) would hold up every tab on the worker. Such
handlers are marked ``@off_loop`` under ``@rx.event``: the handler then runs in a worker
thread while the event loop serves everyone else. The tab's state lock is held for the whole
event, so nothing else changes this tab's state meanwhile; the person found by the event
guard travels with the thread (context variables are copied).
"""

from __future__ import annotations

import asyncio
import functools
import inspect

from ilp_app.services.outbox import changed_learners, notified_users
from ilp_app.services.uow import unit_of_work


def off_loop(handler):
    """Run the plain handler ``handler`` in a worker thread (see the module docstring)."""
    if inspect.iscoroutinefunction(handler) or inspect.isgeneratorfunction(handler):
        raise TypeError(f"{handler.__qualname__}: only a plain handler can be moved off the loop")

    @functools.wraps(handler)
    async def in_thread(self, *args, **kwargs):
        return await asyncio.to_thread(handler, self, *args, **kwargs)

    return in_thread


def perform(me, service, client_ip: str, **kwargs):
    """Run one service for the signed-in person ``me`` in its own unit of work (blocking: call
    it through ``asyncio.to_thread``).

    Returns what the service returned, and what it changed: (learner ids, user ids) for the
    live announcement once the unit of work has committed.
    """
    with unit_of_work() as s:
        result = service(session=s, actor=me.actor if me else None, client_ip=client_ip, **kwargs)
        return result, (changed_learners(s), notified_users(s))
