"""Handlers marked off_loop run in a worker thread, with the event's context, and only plain ones."""

import asyncio
import contextvars
import threading

import pytest

from ilp_app.state.blocking import off_loop

who = contextvars.ContextVar("who", default="nobody")


class Page:
    def __init__(self):
        self.seen = None

    @off_loop
    def load(self, value: int):
        """Reads the database."""
        self.seen = (threading.current_thread() is threading.main_thread(), who.get(), value)
        return ["event"]


async def test_a_marked_handler_runs_in_a_thread_with_the_events_context():
    page = Page()
    who.set("mentor")
    assert await page.load(7) == ["event"]
    assert page.seen == (False, "mentor", 7)


async def test_the_event_loop_answers_others_while_the_handler_waits():
    gate = threading.Event()

    class Slow:
        @off_loop
        def load(self):
            gate.wait(5)

    slow = asyncio.ensure_future(Slow().load())
    await asyncio.sleep(0.05)
    assert not slow.done()  # still waiting in its thread, and this coroutine runs meanwhile
    gate.set()
    await asyncio.wait_for(slow, 5)


def test_the_signature_and_name_are_kept_for_the_framework():
    import inspect

    assert list(inspect.signature(Page.load).parameters) == ["self", "value"]
    assert Page.load.__name__ == "load" and Page.load.__doc__ == "Reads the database."
    assert inspect.iscoroutinefunction(Page.load)


def test_only_plain_handlers_can_be_marked():
    async def coroutine(self):
        pass

    def generator(self):
        yield

    for handler in (coroutine, generator):
        with pytest.raises(TypeError):
            off_loop(handler)


async def test_a_change_announced_from_a_worker_thread_is_pushed_from_the_event_loop():
    from ilp_app.services.live.live_registry import MemoryRegistry
    from ilp_app.state import live

    push = live.LivePush(modify_state=None, registry=MemoryRegistry())
    pumped: list[tuple[set[int], bool]] = []

    async def pump():
        on_loop = threading.current_thread() is threading.main_thread()
        pumped.append((set(push._pending.learners), on_loop))

    push._pump = pump
    push.loop = asyncio.get_running_loop()
    # A handler running off the loop (an admin connecting a learner) announces its change.
    await asyncio.to_thread(push.announce, learner_ids={5}, user_ids=set())
    await asyncio.sleep(0.05)
    assert pumped == [({5}, True)]
