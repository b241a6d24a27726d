"""``python -m bench.incidents.create_worker``: the create beside the floor with a worker running.

Issue 13's create target is judged with nothing draining the outbox (``bench.incidents.scale``
runs no worker). In production ``steward worker`` runs beside the server and, on SQLite,
takes the same one write lock as the creates for each dispatch batch. This bench measures
that: on a fresh copy of a kept set (``scale --build-only``), ``steward serve`` (2 workers,
4 clients), the floor's insert, then ``steward worker`` started and Steward's create, and
each dispatch transaction the worker ran (from BEGIN to its end: the time it held SQLite's
write lock, and the rows it dispatched), written by a hook in the worker process. The
set's own undispatched rows (built in SQL) and the floor's (it wakes no worker) are marked
dispatched first, so the worker has the creates' rows alone; ``--backlog`` keeps them, and
the worker's start-up sweep drains them during the create (a worker back after downtime).

Two or more checkouts (``--code name=dir``) alternate in the same minutes, each on its own
copy of the set, so their figures compare; each row of ``--out`` is one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.incidents import dataset, scale, scenarios
from bench.load import http_factory, run

# Run in the worker process before ``steward worker``: times each outermost
# ``transaction.atomic()`` that steward/core/outbox.py opens (the dispatch batches), from
# its BEGIN to its end, and counts the savepoints directly inside it (one per row
# dispatched); a line per batch to the log.
HOOK = r"""
import json, os, sys, threading, time
from django.db import transaction

_real = transaction.atomic
_log = os.environ["STEWARD_BENCH_HOLD_LOG"]
_state = threading.local()


class _Timed:
    def __init__(self, inner):
        self.inner = inner

    def __enter__(self):
        depth = getattr(_state, "depth", 0)
        entered = self.inner.__enter__()  # BEGIN IMMEDIATE: the write lock from here
        _state.depth = depth + 1
        if depth == 0:
            _state.rows, _state.start = 0, time.perf_counter()
        elif depth == 1:
            _state.rows += 1
        return entered

    def __exit__(self, *exc):
        try:
            return self.inner.__exit__(*exc)
        finally:
            _state.depth -= 1
            if _state.depth == 0:
                held = (time.perf_counter() - _state.start) * 1000
                with open(_log, "a") as out:
                    out.write(json.dumps({"ms": round(held, 3), "rows": _state.rows}) + "\n")


def atomic(*args, **kwargs):
    inner = _real(*args, **kwargs)
    if sys._getframe(1).f_code.co_filename.endswith(os.path.join("core", "outbox.py")):
        return _Timed(inner)
    return inner


transaction.atomic = atomic
from steward.cli import main
main(["worker"])
"""


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.create_worker")
    dataset.set_options(parser, rows=4000)
    parser.add_argument("--code", action="append", required=True, help="name=checkout dir")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-worker", action="store_true", help="no worker (as scale runs)")
    parser.add_argument(
        "--backlog",
        action="store_true",
        help="keep the set's undispatched rows: the worker drains them during the create",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/create_worker.jsonl"))
    return parser.parse_args(argv)


def _point_at(server: dataset.Kept, code: Path) -> None:
    """Run ``code``'s steward (and its bench.floor) in the server and the worker."""
    env = server.env

    def patched() -> dict[str, str]:
        out = env()
        out["PYTHONPATH"] = str(code)
        return out

    server.env = patched  # type: ignore[method-assign]


def _hold_figures(path: Path) -> dict:
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    held = sorted(r["ms"] for r in rows if r["rows"])
    if not held:
        return {"batches": 0}
    return {
        "batches": len(held),
        "rows": sum(r["rows"] for r in rows),
        "hold_p50_ms": round(statistics.median(held), 2),
        "hold_p99_ms": round(held[min(len(held) - 1, int(len(held) * 0.99))], 2),
        "hold_max_ms": round(held[-1], 2),
        "hold_total_ms": round(sum(held), 1),
        "rows_max": max(r["rows"] for r in rows),
    }


def _sql(server: dataset.Kept, sql: str) -> int:
    """Run ``sql`` on the set's database; its first value, else its row count."""
    if server.db == "postgres":
        import psycopg

        with psycopg.connect(server.database_url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchone()[0] if cursor.description else cursor.rowcount
    import sqlite3

    with sqlite3.connect(server.sqlite_path) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchone()[0] if cursor.description else cursor.rowcount


PENDING = "SELECT count(*) FROM core_outboxmessage WHERE dispatched_at IS NULL"
# the set's own rows (built in SQL, never dispatched) marked done: the worker then has the
# run's rows to dispatch, as a server that has been running with its worker would
QUIESCE = (
    "UPDATE core_outboxmessage SET dispatched_at = CURRENT_TIMESTAMP WHERE dispatched_at IS NULL"
)


def _wait_for_worker(log: Path, mark: str, timeout: float = 90) -> None:
    """Until the worker's log has ``mark`` after its start-up sweep began."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        if "sweep_outbox" in text and mark in text:
            return
        time.sleep(0.5)
    raise RuntimeError(f"the worker did not start:\n{log.read_text()}")


def _start_worker(twin: dataset.Kept, hold_log: Path, *, backlog: bool) -> subprocess.Popen:
    """``steward worker`` with the hook, once its start-up sweep has run (with a backlog:
    once it has started, the sweep then dispatching the backlog during the create)."""
    env = twin.env() | {"STEWARD_BENCH_HOLD_LOG": str(hold_log)}
    env["STEWARD_LOG_LEVEL"] = "INFO"  # the consumer's start and its tasks
    log = twin.var_dir / "worker.log"
    with open(log, "ab") as out:
        worker = subprocess.Popen([sys.executable, "-c", HOOK], env=env, stdout=out, stderr=out)
    _wait_for_worker(log, "Executing steward.core.tasks.sweep_outbox" if backlog else "executed in")
    return worker


def one_run(kept: dataset.Kept, name: str, code: Path, args: argparse.Namespace) -> dict:
    twin = kept.twin(f"run-{name}")
    _point_at(twin, code)
    if not args.backlog:
        _sql(twin, QUIESCE)
    hold_log = twin.var_dir / "hold.jsonl"
    worker = None
    figures: dict = {"code": name, "db": kept.db, "load_before": os.getloadavg()[0]}
    twin.start()
    try:
        common = {"clients": args.clients, "cpu": twin.cpu_seconds}
        for label, path, body in (
            ("floor", "/__floor__/incidents", scale._insert_body),  # noqa: SLF001
            ("create", "/api/v1/incidents", scenarios.create_body),
        ):
            hold_log.unlink(missing_ok=True)
            if label == "create" and not args.no_worker:
                if not args.backlog:  # the floor's rows (it wakes no worker): not the create's
                    _sql(twin, QUIESCE)
                worker = _start_worker(twin, hold_log, backlog=args.backlog)
            factory = http_factory(twin.port, twin.headers(), "POST", path, body, 201)
            result = run(factory, warmup=args.warmup, duration=args.duration, **common)
            figures[label] = result.as_dict() | {"load": os.getloadavg()[0]}
            figures[label]["worker"] = _hold_figures(hold_log)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a long batch still running: the sweep's rows
                worker.kill()  # stay undispatched, to be taken again (at least once)
                worker.wait()
        twin.stop()
    figures["pending_after"] = _sql(twin, PENDING)
    logs = [twin.log_path, twin.var_dir / "worker.log"]
    figures["locked"] = sum(p.read_text().count("database is locked") for p in logs if p.exists())
    figures["ratio"] = round(figures["create"]["rps"] / figures["floor"]["rps"], 3)
    twin.drop()
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    codes = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in args.code]
    kept = dataset.Kept(
        db=args.db,
        rows=args.rows,
        root=args.data_dir,
        pg_url=args.pg_url,
        settings=scale.FLOOR_SETTINGS,
    )
    if kept.loaded is None:
        print("build the set first: python -m bench.incidents.scale --build-only", flush=True)
        return 1
    kept.__enter__()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for round_ in range(args.rounds):
        for name, code in codes if round_ % 2 == 0 else codes[::-1]:
            figures = one_run(kept, name, code, args) | {"round": round_, "at": time.time()}
            figures["worker_on"] = not args.no_worker
            figures["backlog"] = args.backlog
            with open(args.out, "a") as out:
                out.write(json.dumps(figures) + "\n")
            c, f = figures["create"], figures["floor"]
            print(
                f"{time.strftime('%H:%M:%S')} {args.db} {name}: floor {f['rps']}/s "
                f"create {c['rps']}/s ratio {figures['ratio']} p50/p99 {c['p50_ms']}/"
                f"{c['p99_ms']} cpu {c['cpu_ms']} worker {c['worker']} "
                f"pending {figures['pending_after']} locked {figures['locked']} "
                f"load {c['load']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
