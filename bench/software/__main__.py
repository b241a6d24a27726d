"""``python -m bench.software``: the licence compliance position at scale, in process.

Loads ``--devices`` devices and ``--installations`` installations over ``--products``
products (three licences each: two counted, one expired subscription), then times the two
reads of issue 14 through the selectors the API and pages call:

- all products' position (``compliance_of``, and the report with its sort): target 500 ms;
- one product's drill-down (its position and the first page of its installations, with
  devices and users): target p95 20 ms.

Prints each figure beside the raw SQL of the same run and its query plan, and writes
bench/results/software-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from bench import report
from bench.incidents.setup import django_in_process
from bench.server import ADMIN, Server


class Database(Server):
    """``bench.server.Server``'s database, migrated, with its admin; no HTTP server (the
    reads are timed in process, where the targets are)."""

    def __enter__(self) -> Database:
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.software", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--installations", type=int, default=500_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the all-products read")
    parser.add_argument("--drills", type=int, default=300, help="timed drill-downs")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


def say(text: str = "") -> None:
    print(text, flush=True)


def figures(ms: list[float]) -> dict:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return {
        "runs": len(ms),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed(fn, runs: int) -> tuple[dict, list[str]]:  # noqa: ANN001
    """Time ``fn`` ``runs`` times after one warm-up; the SQL of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()
    ms = []
    for _ in range(runs - 1):
        began = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - began) * 1000)
    return figures(ms), [q["sql"] for q in captured]


def plan(sql: str, db: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    say(
        f"== bench.software on {args.db}: {args.devices:,} devices, "
        f"{args.installations:,} installations, {args.products} products"
    )
    background = report.background_load()
    with Database(db=args.db, pg_url=args.pg_url, workers=1) as server:
        django_in_process(server)
        from django.db import connection

        from bench.software.loader import load
        from steward.core.actor import Actor
        from steward.core.models import User
        from steward.software import selectors
        from steward.software.models import Product

        began = time.perf_counter()
        counts = load(
            devices=args.devices,
            installations=args.installations,
            products=args.products,
            users=args.users,
        )
        with connection.cursor() as cursor:
            # plans from fresh statistics; PostgreSQL's visibility map for index-only scans
            cursor.execute("VACUUM ANALYZE" if args.db == "postgres" else "ANALYZE")
        say(f"   loaded {counts} in {time.perf_counter() - began:.1f}s")
        actor = Actor(user=User.objects.get(username=ADMIN))

        everything, all_sql = timed(lambda: selectors.compliance_of(actor), args.runs)
        the_report, _ = timed(lambda: selectors.compliance_report(actor), args.runs)
        slugs = list(Product.objects.values_list("slug", "id"))
        rng = random.Random(1)

        def drill() -> None:
            slug, pid = rng.choice(slugs)
            selectors.compliance_of(actor, [pid])
            list(selectors.installation_list(actor, product=slug, counting=True).items)

        drill_down, drill_sql = timed(drill, args.drills)

        def raw(statements: list[str]):  # noqa: ANN202
            """The floor: the same statements (as the ORM ran them, values inlined) on
            the DB-API cursor, fetched; what the database alone costs for the same rows."""

            def run() -> None:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
                        cursor.fetchall()

            return run

        floor_all, _ = timed(raw(all_sql), args.runs)
        floor_drill, _ = timed(raw(drill_sql), args.drills)
        result = {
            "db": args.db,
            "machine": report.machine(),
            "background_cpu_percent": background,
            "counts": counts,
            "all_products": everything | {"target_ms": 500, "floor": floor_all},
            "report_sorted": the_report | {"target_ms": 500},
            "drill_down": drill_down | {"target_p95_ms": 20, "floor": floor_drill},
            "ratio_p50": {
                "all_products": round(everything["p50_ms"] / floor_all["p50_ms"], 1),
                "drill_down": round(drill_down["p50_ms"] / floor_drill["p50_ms"], 1),
            },
            "sql": {"all_products": all_sql, "drill_down": drill_sql},
            "plans": {
                "all_products": [plan(q, args.db) for q in all_sql],
                "drill_down": [plan(q, args.db) for q in drill_sql if q.startswith("SELECT")],
            },
        }
        say()
        for name, fig in (
            ("all products (compliance_of)", everything),
            ("  floor: its SQL, raw cursor", floor_all),
            ("all products, report sorted", the_report),
            ("one product's drill-down", drill_down),
            ("  floor: its SQL, raw cursor", floor_drill),
        ):
            say(
                f"   {name:32} p50 {fig['p50_ms']:8.2f} ms  p95 {fig['p95_ms']:8.2f} ms"
                f"  max {fig['max_ms']:8.2f} ms  ({fig['runs']} runs)"
            )
        for label, statements in (("all products", all_sql), ("drill-down", drill_sql)):
            say(f"\n-- SQL of the timed {label} run:")
            for sql, lines in zip(statements, [plan(q, args.db) for q in statements], strict=True):
                say(f"{sql};")
                for line in lines:
                    say(f"   plan: {line}")
        connection.close()
    out = Path(__file__).resolve().parents[1] / "results" / f"software-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(f"\n   written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
