"""The event guard's session lookup: a slow database does not hold up every event."""

import asyncio
import threading

import pytest
import sqlalchemy.exc

from ilp_app.state.guard import SessionLookup


class Database:
    """A session table whose answers can be frozen (a stall) or refused (an outage)."""

    def __init__(self):
        self.answer = "Åsa"
        self.running = threading.Event()
        self.running.set()
        self.refuse = False
        self.calls = 0

    def lookup(self, digest: str):
        self.calls += 1
        self.running.wait(5)
        if self.refuse:
            raise sqlalchemy.exc.OperationalError("SELECT", {}, Exception("connection refused"))
        return self.answer


def _run(coro):
    return asyncio.run(coro)


def test_every_event_asks_the_database_while_it_answers():
    db = Database()
    sessions = SessionLookup(db.lookup, patience=0.2)

    async def scenario():
        assert await sessions("d") == "Åsa"
        db.answer = None  # signed out: the very next event sees it
        assert await sessions("d") is None

    _run(scenario())
    assert db.calls == 2


def test_a_stalled_database_answers_from_the_sessions_last_lookup_after_a_short_wait():
    db = Database()
    sessions = SessionLookup(db.lookup, patience=0.2)

    async def scenario():
        assert await sessions("d") == "Åsa"
        db.running.clear()  # the database stalls
        loop = asyncio.get_running_loop()
        start = loop.time()
        assert await sessions("d") == "Åsa"
        assert loop.time() - start < 1.0
        db.running.set()

    _run(scenario())


def test_a_session_never_seen_waits_for_the_database():
    db = Database()
    sessions = SessionLookup(db.lookup, patience=0.1)

    async def scenario():
        db.running.clear()
        asyncio.get_running_loop().call_later(0.4, db.running.set)
        assert await sessions("new") == "Åsa"

    _run(scenario())


def test_an_old_answer_is_not_used_and_an_outage_without_one_is_raised():
    db = Database()
    now = [0.0]
    sessions = SessionLookup(db.lookup, patience=0.1, max_age=60, clock=lambda: now[0])

    async def scenario():
        assert await sessions("d") == "Åsa"
        db.refuse = True
        assert await sessions("d") == "Åsa"  # a recent answer bridges the outage
        now[0] = 61.0
        with pytest.raises(sqlalchemy.exc.OperationalError):
            await sessions("d")

    _run(scenario())


def test_while_a_lookup_waits_for_a_stalled_database_the_next_events_do_not_wait_again():
    db = Database()
    now = [0.0]
    sessions = SessionLookup(db.lookup, patience=0.3, clock=lambda: now[0])

    async def scenario():
        assert await sessions("d") == "Åsa"
        db.running.clear()  # the database stalls
        loop = asyncio.get_running_loop()
        start = loop.time()
        now[0] = 1.0
        assert await sessions("d") == "Åsa"  # waited its patience, then used the last answer
        now[0] = 1.5  # the stalled lookup is still waiting: later events share it
        assert await asyncio.gather(*(sessions("d") for _ in range(5))) == ["Åsa"] * 5
        assert loop.time() - start < 0.3 + 0.2  # the patience once, not once per event
        db.running.set()

    _run(scenario())
    assert db.calls == 2  # one lookup for the first answer, one shared through the stall


def test_events_of_a_session_arriving_together_share_one_lookup():
    db = Database()
    sessions = SessionLookup(db.lookup, patience=0.5)

    async def scenario():
        db.running.clear()
        asyncio.get_running_loop().call_later(0.1, db.running.set)
        assert await asyncio.gather(*(sessions("d") for _ in range(4))) == ["Åsa"] * 4

    _run(scenario())
    assert db.calls == 1
