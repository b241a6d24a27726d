"""``python -m bench.cmdb.import_inproc``: the CSV import in process, old path beside new.

Builds a fresh estate (``--cis``, with ``bench.cmdb.estate_sql``), writes the servers CSV of
``bench.cmdb.importer`` (``--rows``), then, ``--repeats`` times and interleaved so that the
machine's load falls on each alike:

* the first import (every row new) with the importer of this checkout and, with
  ``--before REV``, with the importer as it was at git revision ``REV`` (its package
  extracted to a temporary directory), each in a transaction rolled back afterwards;
* the plain driver's insert of the same CI rows (``importer.raw_first``), also rolled back;

then commits one first import and times the no-change re-run the same way, beside the plain
driver's fetch-and-compare (``importer.raw_rerun``). Prints medians and ratios and writes
``bench/results/cmdb-import-<db>-<cis>.json``. ``--profile`` prints a cProfile of one first
import and one re-run with this checkout's importer.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.cmdb import estate_sql, graph, importer, inproc
from bench.server import Server


def old_importer(rev: str) -> object:
    """``import_cis`` of ``steward.cmdb.imports`` at ``rev``, importable beside today's."""
    target = Path(tempfile.mkdtemp(prefix="steward-old-import-"))
    package = target / "old_cmdb_imports"
    package.mkdir()
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", rev, "steward/cmdb/imports/"],  # noqa: S607
        cwd=inproc.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in listing:
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"],  # noqa: S607
            cwd=inproc.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (package / Path(path).name).write_text(
            text.replace("steward.cmdb.imports", "old_cmdb_imports")
        )
    sys.path.insert(0, str(target))
    return importlib.import_module("old_cmdb_imports").import_cis


def _rows(path: Path) -> list[dict]:
    import csv

    return list(csv.DictReader(io.StringIO(path.read_text())))


def timed(import_cis, path: Path, *, keep: bool = False, profile: bool = False) -> dict:  # noqa: ANN001
    """One import of the file (parsing included, as ``importer._run``), rolled back unless
    ``keep``."""
    from django.db import transaction

    from bench.cmdb.importer import SOURCE
    from steward.core.actor import Actor

    profiler = cProfile.Profile() if profile else None
    result: dict = {}
    try:
        with transaction.atomic():
            began, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            rows = _rows(path)
            done = import_cis(Actor.system("bench"), rows, source=SOURCE)
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - began
            cpu = time.process_time() - cpu
            result = {
                "cpu_seconds": round(cpu, 3),
                "rows_per_cpu_s": round(len(rows) / cpu, 1),
                "rows": len(rows),
                "seconds": round(seconds, 3),
                "rows_per_s": round(len(rows) / seconds, 1),
                "applied": done.applied,
                "ok": done.ok,
            }
            if not keep:
                raise inproc.Rollback
    except inproc.Rollback:
        pass
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        result["profile"] = out.getvalue()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        result["profile_self"] = out.getvalue()
    return result


def insert_only(path: Path, *, drop_indexes: bool) -> dict:
    """The CI rows of the file inserted with the plain driver, values built beforehand (so
    the figure is the database's alone), all in one transaction rolled back; with
    ``drop_indexes`` the table's secondary indexes are dropped first and rebuilt after (both
    timed): what a large first import could do instead of maintaining them row by row."""
    import datetime as dt

    from django.db import connection, transaction

    from bench.cmdb.loader import _ci_columns, _copy
    from steward.cmdb.models import CIClass, ConfigurationItem

    fields = _ci_columns()
    columns = [f.column for f in fields]
    server = CIClass.objects.get(slug="server").id
    now = dt.datetime.now(dt.UTC)
    values = []
    for i, row in enumerate(_rows(path)):
        item = ConfigurationItem(
            number=f"RAW{i:09d}", name=row["name"], ci_class_id=server, status=row["status"]
        )
        item.created_at = item.updated_at = now
        item.attributes = {k: row[k] for k in ("fqdn", "serial_number", "ip_address", "os")}
        values.append(
            tuple(f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields)
        )
    table = ConfigurationItem._meta.db_table
    result: dict = {"rows": len(values), "drop_indexes": drop_indexes}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            indexes = _secondary_indexes(cursor, table) if drop_indexes else []
            began, cpu = time.perf_counter(), time.process_time()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            if connection.vendor == "postgresql":
                _copy(cursor, table, columns, values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    values,
                )
            inserted = time.perf_counter()
            if indexes and connection.vendor == "postgresql":
                # the foreign keys' deferred checks must fire before an index is built in
                # the same transaction ("pending trigger events"): a cost of this route
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, create in indexes:
                cursor.execute(create)
            done, cpu = time.perf_counter(), time.process_time() - cpu
            result |= {
                "rows_per_cpu_s": round(len(values) / cpu, 1),
                "indexes": len(indexes),
                "insert_seconds": round(inserted - began, 3),
                "rebuild_seconds": round(done - inserted, 3),
                "rows_per_s": round(len(values) / (done - began), 1),
            }
            raise inproc.Rollback
    except inproc.Rollback:
        pass
    return result


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:  # noqa: ANN001
    """(name, CREATE statement) of the table's indexes other than the primary key's and
    unique constraints (which a load must keep checking)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = %s AND NOT x.indisprimary AND NOT x.indisunique",
            [table],
        )
        return cursor.fetchall()
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
        [table],
    )
    return cursor.fetchall()


def median(runs: list[dict], key: str = "rows_per_s") -> float:
    return round(statistics.median(r[key] for r in runs), 1)


def with_cpu(measure, *args) -> dict:  # noqa: ANN001
    """``measure(*args)`` (a plain-driver figure) with this process's CPU time beside: on a
    loaded machine the wall clock mostly measures the other processes."""
    cpu = time.process_time()
    found = measure(*args)
    cpu = time.process_time() - cpu
    return found | {"cpu_seconds": round(cpu, 3), "rows_per_cpu_s": round(found["rows"] / cpu, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = inproc.options("python -m bench.cmdb.import_inproc", cis=100_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--before", default="", help="git revision of the old importer")
    return inproc.run_on_fresh_server(parser, argv, run, "cmdb-import-{db}-{cis}")


def run(args: argparse.Namespace, server: Server) -> dict:
    from steward.cmdb.imports import import_cis

    print(f"== import in process on {args.db}: {args.cis:,} CIs, {args.rows:,} rows", flush=True)
    data: dict = {"command": report.command_line(), "db": args.db, "cis": args.cis}
    data["machine"] = report.machine(server) | {"load_average": report.load_average()}
    print(f"   {data['machine']['cpu']}, load {data['machine']['load_average']}", flush=True)
    load = estate_sql.build(graph.plan(args.cis, 3.0), progress=lambda _t: None)
    load.pop("_loaded", None)
    print(f"   estate {load['cis']:,} CIs in {load['seconds']:.0f}s", flush=True)
    path = server.var_dir / "import.csv"
    importer.write_csv(path, args.rows)
    importer._source()  # noqa: SLF001 - the bench's own helper
    indexes = {
        "kept": [insert_only(path, drop_indexes=False) for _ in range(args.repeats)],
        "dropped": [insert_only(path, drop_indexes=True) for _ in range(args.repeats)],
    }
    data["insert_only"] = indexes
    for key in ("rows_per_s", "rows_per_cpu_s"):
        kept, dropped = median(indexes["kept"], key), median(indexes["dropped"], key)
        print(
            f"   plain insert of the CI rows, values prepared ({key}): {kept:,.0f} with the"
            f" {indexes['dropped'][0]['indexes']} secondary indexes kept, {dropped:,.0f}"
            " dropped and rebuilt",
            flush=True,
        )
    variants = {"new": import_cis}
    if args.before:
        variants["old"] = old_importer(args.before)
    first: dict[str, list[dict]] = {name: [] for name in [*variants, "raw"]}
    for _ in range(args.repeats):
        for name, fn in variants.items():
            first[name].append(timed(fn, path))
        first["raw"].append(with_cpu(importer.raw_first, path))
    profiled = timed(import_cis, path, profile=True) if args.profile else {}
    timed(import_cis, path, keep=True)
    rerun: dict[str, list[dict]] = {name: [] for name in [*variants, "raw"]}
    for _ in range(args.repeats):
        for name, fn in variants.items():
            rerun[name].append(timed(fn, path))
        rerun["raw"].append(with_cpu(importer.raw_rerun, path))
    data["first"], data["rerun"] = first, rerun
    data["load_average_after"] = report.load_average()
    for label, runs in (("first import", first), ("re-run", rerun)):
        for key, unit in (("rows_per_s", "rows/s"), ("rows_per_cpu_s", "rows per CPU-s")):
            raw = median(runs["raw"], key)
            line = [f"{label:>12} ({unit}):"]
            for name in variants:
                got = median(runs[name], key)
                line.append(f"{name} {got:,.0f} ({got / raw:.2f}x raw)")
            line.append(f"raw {raw:,.0f}")
            print("   " + " ".join(line), flush=True)
    if args.profile:
        again = timed(import_cis, path, profile=True)
        for label, found in (("first import", profiled), ("re-run", again)):
            print(f"-- profile, {label}\n{found['profile']}\n{found['profile_self']}")
        data["profile"] = {"first": profiled, "rerun": again}
    data["summary"] = {
        label: {
            name: {key: median(r, key) for key in ("rows_per_s", "rows_per_cpu_s")}
            for name, r in runs.items()
        }
        for label, runs in (("first", first), ("rerun", rerun))
    }
    return data


if __name__ == "__main__":
    raise SystemExit(main())
