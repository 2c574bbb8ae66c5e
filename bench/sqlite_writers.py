"""Many threads saving at once on SQLite: waiting in turn against SQLite's busy handler.

Run: ``.venv/bin/python -m bench.sqlite_writers``. Each of ``--threads`` threads saves
``--saves`` small transactions through ``session_scope`` (as the app's handlers do, in the
server's thread pool) into a fresh database file, holding the write lock about as long as a
tick's save does. The same run measures the baseline: the same work with SQLite's own busy
handler as the only queue (threads that find the lock taken sleep in steps of up to 100 ms).
Prints p50/p95/p99/max of one save's wall time, the whole run's time, and the ratios.
Figures are printed, never judged.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from ilp_app.db import engine as db_engine

HOLD_S = 0.002  # a tick's save holds the write lock for about this long


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _run(threads: int, saves: int, *, in_turn: bool) -> tuple[list[float], float]:
    folder = tempfile.mkdtemp(prefix="ilp-bench-")
    engine = db_engine.make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
    db_engine.use_engine(engine)
    original = db_engine._one_writer
    if not in_turn:
        db_engine._one_writer = lambda _engine: contextlib.nullcontext()
    try:
        with db_engine.session_scope() as s:
            s.exec(sa.text("CREATE TABLE saved (id INTEGER PRIMARY KEY, v INTEGER)"))
        times: list[float] = []
        lock = threading.Lock()

        def work() -> None:
            for _ in range(saves):
                started = time.perf_counter()
                with db_engine.session_scope() as s:
                    s.exec(sa.text("INSERT INTO saved (v) VALUES (1)"))
                    time.sleep(HOLD_S)
                with lock:
                    times.append(time.perf_counter() - started)

        workers = [threading.Thread(target=work) for _ in range(threads)]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return times, time.perf_counter() - started
    finally:
        db_engine._one_writer = original
        db_engine.use_engine(None)
        engine.dispose()


def _line(name: str, times: list[float], total: float) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"| {name} | {statistics.median(ms):.0f} / {_percentile(ms, 0.95):.0f} / "
        f"{_percentile(ms, 0.99):.0f} / {max(ms):.0f} | {total:.2f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--saves", type=int, default=40, help="per thread")
    parser.add_argument("--rounds", type=int, default=3, help="each way, alternating")
    args = parser.parse_args()
    results: dict[str, list[tuple[list[float], float]]] = {"in turn": [], "busy handler": []}
    for _ in range(args.rounds):
        results["busy handler"].append(_run(args.threads, args.saves, in_turn=False))
        results["in turn"].append(_run(args.threads, args.saves, in_turn=True))
    print(f"{args.threads} threads × {args.saves} saves, {args.rounds} rounds each way")
    print("| queue | save p50 / p95 / p99 / max ms | whole run (median) |")
    print("| --- | --- | --- |")
    merged = {}
    for name, runs in results.items():
        times = [t for run, _ in runs for t in run]
        total = statistics.median(total for _, total in runs)
        merged[name] = (times, total)
        print(_line(name, times, total))
    (turn, turn_total), (busy, busy_total) = merged["in turn"], merged["busy handler"]
    print(
        f"in turn / busy handler: p99 {_percentile(turn, 0.99) / _percentile(busy, 0.99):.2f}×, "
        f"max {max(turn) / max(busy):.2f}×, whole run {turn_total / busy_total:.2f}×"
    )


if __name__ == "__main__":
    main()
