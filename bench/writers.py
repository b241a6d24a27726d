"""Concurrent SQLite writers without HTTP: how long a write transaction takes, lock wait
included, with Django's backend (SQLite's sleeping busy handler) or Steward's (the writer
queue, docs/decisions/0060).

    python -m bench.writers --engine django|steward|direct [--processes 4] [--transactions 300]

Each process runs the floor's transaction shape (three small inserts, one commit) in a
loop on one fresh WAL database with Steward's pragmas. ``direct`` is Steward's queue with
its contended wait as a plain blocking ``flock`` in the caller's thread (no helper thread,
no bound): the alternative it was measured against.
"""

from __future__ import annotations

import argparse
import fcntl
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

ENGINES = {
    "django": "django.db.backends.sqlite3",
    "steward": "steward.core.db.sqlite3",
    "direct": "steward.core.db.sqlite3",
}


def _configure(engine: str, path: Path) -> None:
    import django
    from django.conf import settings

    from steward.settings import SQLITE_OPTIONS

    database = {"ENGINE": ENGINES[engine], "NAME": str(path), "OPTIONS": dict(SQLITE_OPTIONS)}
    settings.configure(DATABASES={"default": database}, USE_TZ=True)
    django.setup()
    if engine == "direct":
        from steward.core.db.sqlite3 import writers

        writers.WriterQueue._wait = lambda self, fd: fcntl.flock(fd, fcntl.LOCK_EX)


def _writer(engine: str, path: Path, count: int, start: float, out) -> None:  # noqa: ANN001
    _configure(engine, path)
    from django.db import connection, transaction

    cursor_sql = "INSERT INTO row (who, body) VALUES (%s, %s)"
    times = []
    while time.time() < start:  # every process starts writing at once
        time.sleep(0.001)
    for n in range(count):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for part in range(3):
                cursor.execute(cursor_sql, [f"{n}.{part}", "x" * 200])
        times.append(time.perf_counter() - began)
    out.put(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.writers", description=__doc__)
    parser.add_argument("--engine", choices=sorted(ENGINES), default="steward")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--transactions", type=int, default=300, help="per process")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-writers-") as tmp:
        path = Path(tmp) / "writers.sqlite3"
        import sqlite3

        with sqlite3.connect(path) as setup:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, who TEXT, body TEXT)")
        spawn = multiprocessing.get_context("spawn")
        out = spawn.Queue()
        start = time.time() + 2
        procs = [
            spawn.Process(target=_writer, args=(args.engine, path, args.transactions, start, out))
            for _ in range(args.processes)
        ]
        for proc in procs:
            proc.start()
        times = sorted(t for _ in procs for t in out.get())
        wall = time.time() - start
        for proc in procs:
            proc.join()

    def ms(q: float) -> float:
        return round(1000 * times[min(len(times) - 1, int(q * len(times)))], 1)

    print(
        f"{args.engine}: {len(times)} transactions in {wall:.1f} s ({len(times) / wall:.0f}/s);"
        f" p50 {ms(0.5)} p95 {ms(0.95)} p99 {ms(0.99)} max {ms(1.0)} ms;"
        f" mean {1000 * statistics.fmean(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
