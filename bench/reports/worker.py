"""One measuring process: Django on the kept set with ``--code``'s ``steward`` (the baseline
checkout, or this tree), each report's selector timed ``--repeats`` times per reader (after
one warm-up run), then its captured statements replayed as many times through the plain
driver (``sqlite3`` / ``psycopg``, every row fetched: the raw database figure), and their
plans. Writes JSON to ``--out``."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    from bench.incidents import dataset

    parser = argparse.ArgumentParser(prog="python -m bench.reports.worker")
    dataset.set_options(parser, rows=200_000)
    parser.add_argument("--code", type=Path, default=None, help="the steward checkout to run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--who", default="admin,lead")
    parser.add_argument("--reports", default="", help="comma-separated subset")
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


def _raw_connection(kept):  # noqa: ANN001, ANN202
    if kept.db == "postgres":
        import psycopg

        conn = psycopg.connect(kept.database_url, autocommit=True)
        return conn, conn.execute
    conn = sqlite3.connect(kept.sqlite_path, isolation_level=None, timeout=20)
    return conn, conn.execute


def _ms(began: float) -> float:
    return round((time.perf_counter() - began) * 1000, 3)


def measure(kept, args: argparse.Namespace) -> dict:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.incidents import plans, setup
    from steward.reports import selectors

    names = [n for n in args.reports.split(",") if n] or list(selectors.REPORTS)
    conn, execute = _raw_connection(kept)
    out: dict = {}
    for who in args.who.split(","):
        actor = setup.actor_for(who)
        for name in names:
            selectors.report_get(actor, name=name)  # warm: caches, plans, pages
            runs = []
            for _ in range(args.repeats):
                began = time.perf_counter()
                selectors.report_get(actor, name=name)
                runs.append(_ms(began))
            with CaptureQueriesContext(connection) as ctx:
                table = selectors.report_get(actor, name=name)
            statements = [q["sql"] for q in ctx.captured_queries]
            reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
            raw, error = [], None
            try:
                for sql in reads:
                    execute(sql).fetchall()
                for _ in range(args.repeats):
                    began = time.perf_counter()
                    for sql in reads:
                        execute(sql).fetchall()
                    raw.append(_ms(began))
            except Exception as exc:  # noqa: BLE001 - a statement the driver refuses is a figure
                error = f"{type(exc).__name__}: {exc}"
            out[f"{who}/{name}"] = {
                "ms": runs,
                "raw_ms": raw,
                "raw_error": error,
                "statements": len(statements),
                "rows": len(table.rows),
                "result": json.loads(json.dumps(table.rows, default=str)),
                "plans": plans.explain(reads),
            }
    conn.close()
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.code is not None:  # the baseline's steward before anything imports this tree's
        sys.path.insert(0, str(args.code.resolve()))
    from bench.incidents import dataset, setup

    kept = dataset.Kept(
        db=args.db, rows=args.rows, root=args.data_dir.resolve(), pg_url=args.pg_url
    )
    setup.django_in_process(kept)
    import steward

    figures = {"steward": str(Path(steward.__file__).parent), "reports": measure(kept, args)}
    args.out.write_text(json.dumps(figures, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
