"""``python -m bench.cmdb.import_first``: where a committed first import's time goes.

``import_inproc`` rolls every import back, so it never pays the commit (SQLite's WAL write
and fsync, PostgreSQL's deferred foreign-key checks). Here each run is one committed first
import of the bench's servers CSV (``--rows``) into a fresh copy of one estate
(``--cis``, built once with ``bench.cmdb.estate_sql``): a copy of the SQLite file, or a
``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Each run is its own process, so this
checkout and another (``--other DIR``, e.g. ``git worktree add /tmp/main main``) alternate
``--pairs`` times. A run prints one JSON line: wall and CPU seconds, rows per second and per
CPU-second, the statements' wall and CPU (``execute_wrapper``), each table's insert wall
(``imports.sql.insert``: ``COPY`` does not pass the wrapper), the commit, and on
PostgreSQL the deferred constraint checks (``SET CONSTRAINTS ALL IMMEDIATE`` just before the
commit, timed apart).

    python -m bench.cmdb.import_first --db sqlite --cis 100000 --build
    python -m bench.cmdb.import_first --db sqlite --cis 100000 --pairs 7 --other /tmp/main
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432/"


def _prefix(args: argparse.Namespace) -> str:
    """The databases' names begin with ``--pg-url``'s own database's, when it names one (as
    ``bench.server.Server`` does), so people sharing a server tell theirs apart."""
    own = args.pg_url.rsplit("/", 1)[-1]
    return f"{own}_" if own and own != "postgres" else ""


def _estate_name(args: argparse.Namespace) -> str:
    return f"{_prefix(args)}steward_bench_first_estate_{args.cis}"


def build(args: argparse.Namespace) -> None:
    """The estate and the CSV, once, into ``--work`` (SQLite) or a template database."""
    from bench.cmdb import estate_sql, graph, importer, loader
    from bench.incidents import setup
    from bench.server import Server

    server = Server(db=args.db, pg_url=args.pg_url)
    server.setup()
    setup.django_in_process(server)
    estate_sql.build(graph.plan(args.cis, 3.0), progress=lambda _t: None)
    importer.write_csv(args.work / "import.csv", args.rows)
    importer._source()  # noqa: SLF001 - the bench's own helper
    loader.analyze()
    from django.db import connection, connections

    if args.db == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connections.close_all()
        shutil.copy(server.sqlite_path, args.work / f"estate{args.cis}.sqlite3")
        server.cleanup()
        return
    connections.close_all()
    _admin(args, f'DROP DATABASE IF EXISTS "{_estate_name(args)}"')
    _admin(args, f'ALTER DATABASE "{server.pg_name}" RENAME TO "{_estate_name(args)}"')


def _admin(args: argparse.Namespace, statement: str) -> None:
    import psycopg

    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        conn.execute(statement)


def run(args: argparse.Namespace) -> dict:
    """One committed first import on a fresh copy of the estate."""
    var = args.work / f"run-{os.getpid()}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir()
    name = f"{_prefix(args)}steward_bench_first_run_{os.getpid()}"
    if args.db == "sqlite":
        shutil.copy(args.work / f"estate{args.cis}.sqlite3", var / "steward.sqlite3")
    else:
        _admin(args, f'CREATE DATABASE "{name}" TEMPLATE "{_estate_name(args)}"')
    os.environ.update(
        STEWARD_VAR_DIR=str(var),
        STEWARD_REDIS_URL="",
        STEWARD_DEBUG="false",
        STEWARD_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="steward.settings",
        STEWARD_DATABASE_URL=args.pg_url.rsplit("/", 1)[0] + "/" + name
        if args.db == "postgres"
        else "",
    )
    try:
        return _timed(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            _admin(args, f'DROP DATABASE IF EXISTS "{name}"')
        shutil.rmtree(var, ignore_errors=True)


def _timed(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection, connections

    from bench.cmdb.importer import SOURCE
    from steward.cmdb.imports import import_cis, sql
    from steward.core.actor import Actor

    statements = [0.0, 0.0]
    inserts: dict[str, float] = {}
    commit, checks = [0.0], [0.0]

    def wrapper(execute, query, params, many, context):  # noqa: ANN001, ANN202
        began, cpu = time.perf_counter(), time.process_time()
        try:
            return execute(query, params, many, context)
        finally:
            statements[0] += time.perf_counter() - began
            statements[1] += time.process_time() - cpu

    insert = sql.insert

    def timed_insert(model, fields, rows) -> None:  # noqa: ANN001
        began = time.perf_counter()
        try:
            insert(model, fields, rows)
        finally:
            table = model._meta.db_table
            inserts[table] = inserts.get(table, 0.0) + time.perf_counter() - began

    wrapper_class = type(connections["default"])
    own_commit = wrapper_class._commit

    def timed_commit(self) -> None:  # noqa: ANN001
        if args.db == "postgres":
            began = time.perf_counter()
            with self.connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            checks[0] += time.perf_counter() - began
        began = time.perf_counter()
        try:
            own_commit(self)
        finally:
            commit[0] += time.perf_counter() - began

    sql.insert = timed_insert
    wrapper_class._commit = timed_commit
    rows = list(csv.DictReader(io.StringIO((args.work / "import.csv").read_text())))
    connection.ensure_connection()
    actor = Actor.system("bench")
    with connection.execute_wrapper(wrapper):
        began, cpu = time.perf_counter(), time.process_time()
        report = import_cis(actor, rows, source=SOURCE)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    import steward

    return {
        "checkout": str(Path(steward.__file__).parents[1]),
        "db": args.db,
        "load": os.getloadavg()[0],
        "ok": report.ok and report.applied,
        "rows": len(rows),
        "wall": round(wall, 3),
        "cpu": round(cpu, 3),
        "rows_per_s": round(len(rows) / wall),
        "rows_per_cpu_s": round(len(rows) / cpu),
        "statements_wall": round(statements[0], 3),
        "statements_cpu": round(statements[1], 3),
        "inserts_wall": {k: round(v, 3) for k, v in inserts.items()},
        "commit_wall": round(commit[0], 3),
        "deferred_checks_wall": round(checks[0], 3),
    }


def pairs(args: argparse.Namespace) -> None:
    """This checkout and ``--other`` alternating, each run a process of its own."""
    found: dict[str, list[dict]] = {"other": [], "this": []}
    for _ in range(args.pairs):
        for side, root in (("other", args.other), ("this", ROOT)):
            # this file, run with the other checkout's steward and bench first on the path
            # (that checkout need not have this module)
            code = (
                "import runpy, sys; sys.argv = sys.argv[1:];"
                " runpy.run_path(sys.argv[0], run_name='__main__')"
            )
            command = [sys.executable, "-c", code, __file__, "--run", *_common(args)]
            env = {**os.environ, "PYTHONPATH": str(root)}
            done = subprocess.run(  # noqa: S603 - this interpreter and this module
                command, cwd=root, env=env, capture_output=True, text=True, check=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            found[side].append(result)
            print(side, json.dumps(result), flush=True)  # noqa: T201
    for key in ("rows_per_cpu_s", "rows_per_s", "statements_cpu", "commit_wall"):
        medians = {side: statistics.median(r[key] for r in runs) for side, runs in found.items()}
        print(f"median {key}: other {medians['other']} this {medians['this']}")  # noqa: T201


def _common(args: argparse.Namespace) -> list[str]:
    return [
        *("--db", args.db, "--cis", str(args.cis), "--rows", str(args.rows)),
        *("--work", str(args.work), "--pg-url", args.pg_url),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cmdb.import_first")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/steward-bench-first"))
    parser.add_argument("--pg-url", default=PG + "postgres")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--other", type=Path, help="another checkout to alternate with")
    parser.add_argument("--build", action="store_true", help="(re)build the estate, only")
    parser.add_argument("--run", action="store_true", help="one run, this checkout")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.build:  # Django is then set up on the build's server: runs are processes apart
        build(args)
        return 0
    if args.run:
        print(json.dumps(run(args)))  # noqa: T201
    elif args.other:
        pairs(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
