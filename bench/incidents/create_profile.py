"""``python -m bench.incidents.create_profile``: one incident create's statements, timed.

On a kept set (``bench.incidents.scale --build-only``; ``--label empty`` for its twin), runs
``--creates`` incident creates in process through ``incident_create`` with the body the
scale bench posts, and times every statement the database runs (an execute wrapper around
each, and the commit), so what grows with the table shows beside the set it grows in. The
per-statement medians are printed in the order the create runs them, with SQLite's
``EXPLAIN QUERY PLAN`` or PostgreSQL's ``EXPLAIN`` of each. The creates are kept (a few
hundred rows in a set of hundreds of thousands).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import statistics
import threading
import time
from collections import defaultdict

from bench.incidents import dataset, scenarios, setup

_VALUES = re.compile(r"\(%s(, %s)*\)(, \(%s(, %s)*\))*|\b\d+\b|'[^']*'")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.create_profile")
    dataset.set_options(parser, rows=200_000)
    parser.add_argument("--label", default="", help="'empty': the set's empty twin")
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="print each statement's plan")
    parser.add_argument("--http", action="store_true", help="POST through Django's test client")
    parser.add_argument("--connections", type=int, default=1, help="threads taking turns")
    parser.add_argument("--wal-frames", action="store_true", help="SQLite: pages per create")
    parser.add_argument("--checkpoint-every", type=int, default=0, help="with --wal-frames")
    return parser.parse_args(argv)


def shape(sql: str) -> str:
    """The statement with its literals and value lists folded, to group repeats."""
    return _VALUES.sub("?", sql)[:150]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    kept = dataset.Kept(
        db=args.db, rows=args.rows, root=args.data_dir.resolve(), pg_url=args.pg_url,
        label=args.label,
    ).__enter__()  # fmt: skip
    setup.django_in_process(kept)
    profile = Profile()
    profile.wal_frames = 0 if args.wal_frames and args.db == "sqlite" else None
    create = _http_create(kept) if args.http else _service_create()
    # each connection in its own thread, the creates taking turns: as a served worker's
    # threads do, each connection starts its transaction after another one has written
    turns = [queue.Queue() for _ in range(args.connections)]
    done: queue.Queue = queue.Queue()
    workers = [
        threading.Thread(target=_worker, args=(profile, create, q, done), daemon=True)
        for q in turns
    ]
    for worker in workers:
        worker.start()
    warm = 5 * args.connections  # caches warm as a served worker has them (stamps, SLA)
    for k in range(args.creates + warm):
        if k == warm:
            profile.clear()
            _wal(profile, "TRUNCATE")
            cpu = time.process_time()
        turns[k % args.connections].put(f"p{os.getpid()}-{k}")
        done.get()
        if args.checkpoint_every and k >= warm and (k - warm + 1) % args.checkpoint_every == 0:
            _checkpoint(profile)
    # the process's CPU (SQLite's too: it runs in process) is what the load does not stretch
    profile.cpu_ms = (time.process_time() - cpu) * 1000 / args.creates
    for q in turns:
        q.put(None)
    _wal(profile, "PASSIVE")
    _report(args, kept, profile)
    return 0


class Profile:
    """Every statement's time by shape, each create's and each commit's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.examples: dict[str, tuple[str, object]] = {}
        self.order: list[str] = []
        self.wal_frames: int | None = None
        self.cpu_ms = 0.0
        self.clear()

    def clear(self) -> None:
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.totals: list[float] = []
        self.commits: list[float] = []
        self.held: list[float] = []
        self.checkpoints: list[tuple[float, int]] = []

    def statement(self, sql: str, params: object, many: bool, ms: float) -> None:
        key = shape(sql) + (" [many]" if many else "")
        with self.lock:
            self.timings[key].append(ms)
            if key not in self.examples:
                self.examples[key] = (sql, params)
                self.order.append(key)


def _worker(profile: Profile, create, turns: queue.Queue, done: queue.Queue) -> None:  # noqa: ANN001
    from django.db import connection

    def timed(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        began = time.perf_counter()
        if sql.startswith("BEGIN"):
            opened[0] = began
        try:
            return execute(sql, params, many, context)
        finally:
            profile.statement(sql, params, many, (time.perf_counter() - began) * 1000)

    real_commit = connection.commit
    opened = [0.0]

    def commit() -> None:
        began = time.perf_counter()
        real_commit()
        profile.commits.append((time.perf_counter() - began) * 1000)
        if opened[0]:  # SQLite's write lock: from BEGIN IMMEDIATE to the end of the commit
            profile.held.append((time.perf_counter() - opened[0]) * 1000)
            opened[0] = 0.0

    connection.commit = commit  # Django commits without a cursor: timed here
    if profile.wal_frames is not None:
        with connection.cursor() as cursor:  # the WAL keeps every frame until the report
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
    while (unique := turns.get()) is not None:
        began = time.perf_counter()
        with connection.execute_wrapper(timed):
            create(unique)
        profile.totals.append((time.perf_counter() - began) * 1000)
        done.put(unique)
    connection.close()


def _wal(profile: Profile, mode: str) -> None:
    """SQLite's WAL emptied before the measured creates; after them, its frames: the pages
    the creates wrote (each commit writes every page it changed, whole)."""
    if profile.wal_frames is None:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA wal_checkpoint({mode})")
        profile.wal_frames = cursor.fetchone()[1]


def _checkpoint(profile: Profile) -> None:
    """One checkpoint of what the last creates wrote, timed: SQLite's autocheckpoint runs
    it in the commit that crosses ``wal_autocheckpoint`` pages (1,000)."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _, frames, _ = cursor.fetchone()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next one starts empty
    profile.checkpoints.append(((time.perf_counter() - began) * 1000, frames))


def _service_create():  # noqa: ANN202
    from steward.incidents.services.records import incident_create

    actor = setup.actor_for("admin")
    return lambda unique: incident_create(actor, **scenarios.create_body(unique))


def _http_create(kept: dataset.Kept):  # noqa: ANN202
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in kept.headers().items()}
    extra.pop("HTTP_CONTENT_TYPE", None)

    def create(unique: str) -> None:
        body = json.dumps(scenarios.create_body(unique))
        response = client.post("/api/v1/incidents", body, "application/json", **extra)
        if response.status_code != 201:  # noqa: PLR2004
            raise RuntimeError(f"HTTP {response.status_code}: {response.content[:200]!r}")

    return create


def _report(args: argparse.Namespace, kept: dataset.Kept, profile: Profile) -> None:
    from django.db import connection

    totals, commits = profile.totals, profile.commits
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_incident")
        count = cursor.fetchone()[0]
    how = "HTTP in process" if args.http else "incident_create"
    print(f"{args.db} {kept.var_dir.name}: {count:,} incidents, load {os.getloadavg()[0]:.1f}, "
          f"{how}, {args.connections} connection(s) taking turns")  # fmt: skip
    print(f"create: median {statistics.median(totals):.3f} ms, mean "
          f"{statistics.fmean(totals):.3f} ms, p90 {statistics.quantiles(totals, n=10)[-1]:.3f}"
          f" ms ({len(totals)} creates), CPU {profile.cpu_ms:.3f} ms per create")  # fmt: skip
    if profile.wal_frames is not None:
        print(f"  WAL: {profile.wal_frames / len(totals):.1f} pages written per create")
    if profile.held:
        held = profile.held
        print(f"  write lock held (BEGIN to committed): median {statistics.median(held):.3f}"
              f" ms, mean {statistics.fmean(held):.3f} ms")  # fmt: skip
    if profile.checkpoints:
        ms = [c[0] for c in profile.checkpoints]
        print(f"  checkpoint every {args.checkpoint_every} creates: median "
              f"{statistics.median(ms):.2f} ms, mean {statistics.fmean(ms):.2f} ms, "
              f"{statistics.fmean(c[1] for c in profile.checkpoints):.0f} frames")  # fmt: skip
    print(f"  commit: median {statistics.median(commits):.3f} ms, mean "
          f"{statistics.fmean(commits):.3f} ms, max {max(commits):.3f} ms")  # fmt: skip
    for key in profile.order:
        runs = profile.timings[key]
        if not runs:  # only in the warm-up creates
            continue
        per = len(runs) / len(totals)
        print(f"  {statistics.median(runs):7.3f} ms med {sum(runs) / len(totals):7.3f} per create"
              f" {max(runs):7.2f} max x{per:.1f}  {key}")  # fmt: skip
        if args.explain and not key.startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            for line in _plan(connection, *profile.examples[key]):
                print(f"        {line}")


def _plan(connection, sql: str, params) -> list[str]:  # noqa: ANN001
    many = isinstance(params, list | tuple) and params and isinstance(params[0], list | tuple)
    params = params[0] if many else params
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            return [str(row[-1]) for row in cursor.fetchall()]
    except Exception as exc:  # noqa: BLE001 - a plan we cannot ask for is a line too
        connection.rollback() if not connection.in_atomic_block else None
        return [f"(no plan: {type(exc).__name__}: {str(exc)[:80]})"]


if __name__ == "__main__":
    raise SystemExit(main())
