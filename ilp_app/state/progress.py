"""How far a long job in a worker thread has got, for the event that shows its progress."""

from __future__ import annotations

import threading


class Progress:
    """Items done so far of how many, written by the worker thread and read by the event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self.done, self.total
