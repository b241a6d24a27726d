"""``python -m bench.incidents.create_tail``: which SQLite creates are slow, and what they did.

On a kept set (``bench.incidents.scale --build-only``; ``--label empty`` for its twin), runs
``--creates`` incident creates in process (through the API with Django's test client, or
``--service``) on one connection and records for each one, beside its wall and thread-CPU
time, what it made SQLite do, read from the WAL index (``<db>-shm``, whose header layout is
SQLite's documented file format) and from the FTS5 index's structure record:

- **pages**: WAL frames the create appended (every page its commit changed, whole);
- **checkpoint**: frames the create copied back into the database file (``nBackfill``
  moved): SQLite's autocheckpoint runs in the commit that takes the WAL past
  ``wal_autocheckpoint`` pages;
- **merge**: leaves FTS5 wrote into segments other than the create's own new one (its
  automerge, or a crisis merge, ran in the create's transaction).

Then the percentiles, each group's median wall (creates that checkpointed, merged, both,
neither) and the slowest creates one by one. The counts do not depend on the machine's load;
the times do (the load average is printed with them). The creates are kept in the set.
"""

from __future__ import annotations

import argparse
import mmap
import os
import signal
import statistics
import struct
import time
from pathlib import Path

from bench.incidents import create_profile, dataset, setup

FTS_STRUCTURE_ROWID = 10  # FTS5 keeps its segment list in this row of ``<table>_data``


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.create_tail")
    dataset.set_options(parser)
    parser.add_argument("--label", default="", help="'empty': the set's empty twin")
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--service", action="store_true", help="incident_create, not HTTP")
    parser.add_argument("--slowest", type=int, default=12)
    parser.add_argument(
        "--checkpointer", action="store_true",
        help="a child process checkpoints as the worker does (steward.core.db.sqlite3.upkeep)",
    )  # fmt: skip
    parser.add_argument(
        "--merger", action="store_true",
        help="the child also merges the search index as the worker does (decision 0106)",
    )  # fmt: skip
    return parser.parse_args(argv)


class WalIndex:
    """The WAL index header of a database in WAL mode: frames in the log and backfilled."""

    def __init__(self, database: Path) -> None:
        self.file = open(f"{database}-shm", "rb")  # noqa: SIM115 - held for the run
        self.map = mmap.mmap(self.file.fileno(), 136, access=mmap.ACCESS_READ)

    def read(self) -> tuple[int, int, bytes]:
        """(mxFrame, nBackfill, salts): frames in the log, frames copied back, the log's
        generation (a restart after a full checkpoint changes the salts)."""
        mx_frame = struct.unpack_from("=I", self.map, 16)[0]
        salts = bytes(self.map[32:40])
        backfill = struct.unpack_from("=I", self.map, 96)[0]
        return mx_frame, backfill, salts


def _varints(blob: bytes, at: int, count: int) -> tuple[list[int], int]:
    values = []
    for _ in range(count):
        value = 0
        while True:
            byte = blob[at]
            at += 1
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values, at


def fts_structure(cursor, table: str) -> tuple[int, dict[int, tuple[int, int, int]]]:  # noqa: ANN001
    """(write counter, {segment id: (level, first leaf, last leaf)}) from FTS5's structure
    record: a 4-byte cookie, then varints nLevel, nSegment, nWriteCounter, and per level
    nMerge, nSeg and each segment's id, first and last leaf (SQLite 3.40's format)."""
    cursor.execute(f"SELECT block FROM {table}_data WHERE id = %s", [FTS_STRUCTURE_ROWID])
    blob = bytes(cursor.fetchone()[0])
    (levels, _segments, counter), at = _varints(blob, 4, 3)
    segments = {}
    for level in range(levels):
        (_merge, count), at = _varints(blob, at, 2)
        for _ in range(count):
            (segid, first, last), at = _varints(blob, at, 3)
            segments[segid] = (level, first, last)
    return counter, segments


def merged_leaves(before: dict, after: dict) -> int:
    """Leaves written by merges between two structures: output segments that grew or are
    new above level 0 (a create's own flush is one new level-0 segment)."""
    written = 0
    for segid, (level, first, last) in after.items():
        if segid in before:
            written += max(0, last - before[segid][2])
        elif level > 0:
            written += last - first + 1
    return written


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    args = parse(argv)
    kept = dataset.Kept(
        db="sqlite", rows=args.rows, root=args.data_dir.resolve(), pg_url=args.pg_url,
        label=args.label,
    )  # fmt: skip
    if not kept.loaded:
        print(f"no kept set at {kept.var_dir}")
        return 1
    kept = kept.__enter__()  # the set's tokens (as create_profile)
    setup.django_in_process(kept)
    child = _checkpointer(merger=args.merger) if args.checkpointer or args.merger else 0
    from django.db import connection

    from steward.incidents.selectors.search import TABLE

    create = create_profile._service_create() if args.service else create_profile._http_create(kept)
    for k in range(5):  # caches warm as a served worker has them
        create(f"w{os.getpid()}-{k}")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        autocheckpoint = cursor.fetchone()[0]
    wal = WalIndex(Path(connection.settings_dict["NAME"]))
    load = [os.getloadavg()[0]]
    rows = []
    for k in range(args.creates):
        with connection.cursor() as cursor:
            counter, before = fts_structure(cursor, TABLE)
        frames0, backfill0, salts0 = wal.read()
        began, cpu = time.perf_counter(), time.thread_time()
        create(f"t{os.getpid()}-{k}")
        wall, cpu = (time.perf_counter() - began) * 1000, (time.thread_time() - cpu) * 1000
        frames1, backfill1, salts1 = wal.read()
        with connection.cursor() as cursor:
            counter1, after = fts_structure(cursor, TABLE)
        restarted = salts1 != salts0
        pages = frames1 if restarted else frames1 - frames0
        checkpointed = max(0, backfill1 - (0 if restarted else backfill0))
        rows.append((wall, cpu, pages, checkpointed, merged_leaves(before, after), k))
    load.append(os.getloadavg()[0])
    if child:
        os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)
    _report(args, rows, load, autocheckpoint, counter1, after)
    return 0


def _checkpointer(*, merger: bool = False) -> int:
    """A forked child (no connection open yet) running the worker's checkpointer and, with
    ``merger``, its search merger (steward.incidents.services.search_merge)."""
    pid = os.fork()
    if pid:
        return pid
    from steward.core.db.sqlite3 import upkeep

    steps: dict[str, list[float]] = {"checkpoint": [], "merge step": []}

    def timed(name, call):  # noqa: ANN001, ANN202 - each step's wall, write lock included
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                steps[name].append((time.perf_counter() - began) * 1000)

        return run

    upkeep.checkpoint = timed("checkpoint", upkeep.checkpoint)
    worker = upkeep.Checkpointer()
    merging = None
    if merger:
        from steward.incidents.services import search_merge

        search_merge.merge_step = timed("merge step", search_merge.merge_step)
        merging = search_merge.Merger()
        merging.start()

    # SIGTERM is the worker's graceful stop: the round in hand ends
    def stop(*_) -> None:  # noqa: ANN002
        worker.stop()
        if merging is not None:
            merging.stop()

    signal.signal(signal.SIGTERM, stop)
    try:
        worker.run()
        if merging is not None:
            merging.join(30)
            print(f"merger: {merging.steps} steps that merged")
        print(f"checkpointer: {worker.checkpoints} rounds")
        for name, ms in steps.items():
            if len(ms) > 1:
                p90 = statistics.quantiles(ms, n=10)[-1]
                print(f"  {name}: {len(ms)} calls, ms median {statistics.median(ms):.1f}, "
                      f"p90 {p90:.1f}, max {max(ms):.1f}")  # fmt: skip
    finally:
        os._exit(0)
    return 0


def _report(args, rows, load, autocheckpoint, counter, segments) -> None:  # noqa: ANN001
    walls = sorted(r[0] for r in rows)
    q = statistics.quantiles(walls, n=100)
    how = "incident_create" if args.service else "HTTP in process"
    print(f"{args.rows:,} set{' ' + args.label if args.label else ''}: {len(rows)} creates "
          f"({how}), load {load[0]:.1f} -> {load[1]:.1f}, "
          f"wal_autocheckpoint {autocheckpoint}")  # fmt: skip
    cpus = sorted(r[1] for r in rows)
    cpu99 = statistics.quantiles(cpus, n=100)[98]
    cpu = f"{statistics.median(cpus):.2f}, p99 {cpu99:.2f}, max {cpus[-1]:.2f}"
    print(f"wall ms: p50 {q[49]:.2f}  p90 {q[89]:.2f}  p95 {q[94]:.2f}  p99 {q[98]:.2f}  "
          f"max {walls[-1]:.2f};  thread CPU median {cpu}")  # fmt: skip
    print(f"pages per create: median {statistics.median(r[2] for r in rows):.0f}, mean "
          f"{statistics.fmean(r[2] for r in rows):.1f}")  # fmt: skip
    groups = {
        "neither": [r for r in rows if not r[3] and not r[4]],
        "checkpoint": [r for r in rows if r[3] and not r[4]],
        "merge": [r for r in rows if r[4] and not r[3]],
        "both": [r for r in rows if r[3] and r[4]],
    }
    for name, group in groups.items():
        if group:
            print(f"  {name:10} {len(group):5} creates, wall median "
                  f"{statistics.median(r[0] for r in group):7.2f} ms, max "
                  f"{max(r[0] for r in group):7.2f};  pages checkpointed mean "
                  f"{statistics.fmean(r[3] for r in group):6.0f}, merge leaves mean "
                  f"{statistics.fmean(r[4] for r in group):5.0f}")  # fmt: skip
        else:
            print(f"  {name:10}     0 creates")
    slow = sum(1 for r in rows if r[0] >= q[98])
    slow_odd = sum(1 for r in rows if r[0] >= q[98] and (r[3] or r[4]))
    print(f"creates at or over p99: {slow}, of which checkpointed or merged: {slow_odd}")
    levels: dict[int, int] = {}
    for level, _first, _last in segments.values():
        levels[level] = levels.get(level, 0) + 1
    print(f"FTS5 after: write counter {counter}, segments per level {dict(sorted(levels.items()))}")
    print("slowest: wall ms / CPU ms / pages / checkpointed / merge leaves / #")
    for r in sorted(rows, reverse=True)[: args.slowest]:
        print(f"  {r[0]:8.2f} {r[1]:7.2f} {r[2]:5} {r[3]:6} {r[4]:5}  #{r[5]}")


if __name__ == "__main__":
    raise SystemExit(main())
