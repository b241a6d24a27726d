"""``python -m bench.assets``: the asset list's first page at scale, in process, each
figure beside a floor measured in the same run; optionally the CSV import rate.

    python -m bench.assets --db sqlite --rows 1000000
    python -m bench.assets --db postgres --rows 1000000 --import-rows 100000

The asset table is kept between runs under ``--data-dir`` (``bench/assets/kept.py``: the
first run loads it with ``bench/assets/loader.py``, plain SQL in large batches; later runs
migrate and reuse it; ``--rebuild`` loads again). Timed, through the selectors the API and
pages call, as an administrator, each beside its **floor**: the same statement's SQL and
parameters (taken from the ORM before timing) run on the raw DB-API cursor and fetched —
what the database alone costs for the same rows:

- **list**: the first page (50) filtered by state, model and location (issue 14: p95 ≤ 10 ms
  at 1,000,000), by state alone, and unfiltered; the page's rows as the API and the list
  page read them (``asset_list(..., rows=True)``) and, for comparison, as models;
- **detail**: one asset with its references and check-out history (floor: its columns by
  number on the raw cursor).

``--import-rows`` imports that many CSV rows (``import_asset_file``: per-row checks, then
the batched writes) into a fresh database of the same kind, beside the floor of inserting
the same asset rows with ``executemany``/``COPY`` and nothing else.

Writes bench/results/assets-<db>-<rows>.json with the machine, the load and each plan.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import time
from pathlib import Path

from bench import report
from bench.assets.kept import KeptAssets
from bench.assets.loader import insert_rows, load_assets
from bench.changes.inproc import summary
from bench.incidents import setup
from bench.knowledge.__main__ import BareServer


def say(text: str) -> None:
    print(text, flush=True)


def timed(call, inputs: list) -> dict:  # noqa: ANN001
    for value in inputs[:5]:  # warm: imports, caches, compiled statements
        call(value)
    times = []
    for value in inputs:
        began = time.perf_counter()
        call(value)
        times.append((time.perf_counter() - began) * 1000)
    return summary(times)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.assets", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000, help="assets in the table")
    parser.add_argument("--reads", type=int, default=300, help="timed reads of each kind")
    parser.add_argument("--import-rows", type=int, default=0, help="CSV rows (0: no import)")
    parser.add_argument("--profile", action="store_true", help="cProfile the import's top 25")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-assets"))
    parser.add_argument("--rebuild", action="store_true", help="load the kept table again")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    background = report.background_load()
    data: dict = {"db": args.db, "rows": args.rows, "reads": args.reads}
    what = f"import of {args.import_rows:,} rows" if args.import_rows else f"{args.rows:,} assets"
    say(f"== bench.assets on {args.db}: {what}")
    if args.import_rows:  # a fresh database: the import alone
        with BareServer(db=args.db, workers=1, pg_url=args.pg_url) as fresh:
            setup.django_in_process(fresh)
            data["machine"] = report.machine(fresh) | {"background_busy_pct": background}
            data["load_average_before"] = os.getloadavg()
            import_rate(data, args)
            data["load_average_after"] = os.getloadavg()
            setup.close_connections()
        out = report.RESULTS / f"assets-import-{args.db}-{args.import_rows}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(data, indent=2, default=str))
        say(f"   wrote {out}")
        return 0
    kept = KeptAssets(db=args.db, rows=args.rows, root=args.data_dir, pg_url=args.pg_url)
    if args.rebuild:
        kept.drop()
    with kept:
        setup.django_in_process(kept)
        data["machine"] = report.machine(kept) | {"background_busy_pct": background}
        data["load_average_before"] = os.getloadavg()
        loaded = kept.loaded
        if loaded is None:
            began = time.monotonic()
            models, places = load_assets(args.rows, random.Random(7), say=say)
            loaded = {"models": models, "places": places}
            loaded["seconds"] = round(time.monotonic() - began, 1)
            kept.mark_loaded(loaded)
        data["load_seconds"] = loaded["seconds"]
        say(f"   loaded in {loaded['seconds']:.0f} s")
        if args.reads:
            measure(data, args, random.Random(7), loaded["models"], loaded["places"])
        data["load_average_after"] = os.getloadavg()
        setup.close_connections()
    out = report.RESULTS / f"assets-{args.db}-{args.rows}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=2, default=str))
    say(f"   wrote {out}")
    return 0


def raw(statements: list[tuple[str, list]]):  # noqa: ANN201
    """A call that runs the next of ``statements`` on the DB-API cursor and fetches it."""
    from django.db import connection

    queue = itertools.cycle(statements)

    def run(_: object) -> list:
        sql, params = next(queue)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def measure(data: dict, args: argparse.Namespace, rng: random.Random, models, places) -> None:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.assets import selectors
    from steward.core.actor import Actor
    from steward.core.models import User

    user, _ = User.objects.get_or_create(username="asset-bench", defaults={"is_superuser": True})
    admin = Actor(user=user)
    numbers = [f"AST{rng.randrange(args.rows) + 1:07d}" for _ in range(args.reads)]
    triples = [
        {"status": ["deployed"], "model": rng.choice(models), "location": rng.choice(places)}
        for _ in range(args.reads)
    ]
    states = [{"status": [rng.choice(["deployed", "in_stock"])]} for _ in range(args.reads)]
    unfiltered = [{}] * args.reads

    def sql_of(call, inputs: list) -> list[tuple[str, list]]:  # noqa: ANN001
        """The statements ``call`` runs for each input (its last one: the page), untimed."""
        found = []
        for value in inputs:
            with CaptureQueriesContext(connection) as captured:
                call(value)
            found.append(captured.captured_queries[-1]["sql"])
        return [(sql, []) for sql in found]  # the SQL as run, values inlined by Django

    def rows(f: dict) -> list:
        return selectors.asset_list(admin, **f, limit=50, rows=True).items

    def objects(f: dict) -> list:
        return selectors.asset_list(admin, **f, limit=50).items

    scenarios = {
        "list_state_model_location": (rows, triples),
        "list_state_model_location_models": (objects, triples),
        "list_state": (rows, states),
        "list_all": (rows, unfiltered),
        "detail": (lambda n: selectors.asset_get(admin, number=n), numbers),
    }
    data["plans"] = {}
    for name, (call, inputs) in scenarios.items():
        statements = sql_of(call, inputs[:50])
        data["plans"][name] = explain(statements[0][0])
        floor = timed(raw(statements), inputs)
        figures = timed(call, inputs)
        ratio = round(figures["p50_ms"] / floor["p50_ms"], 1) if floor["p50_ms"] else None
        data[name] = figures | {"floor": floor, "ratio_p50": ratio}
        say(
            f"-- {name:34} p50 {figures['p50_ms']:7.2f} p95 {figures['p95_ms']:7.2f} ms"
            f"   floor p50 {floor['p50_ms']:6.2f} p95 {floor['p95_ms']:6.2f} ms  ({ratio}x)"
        )
    data["target"] = "list_state_model_location p95 <= 10 ms at 1,000,000"
    for name, lines in data["plans"].items():
        say(f"   plan {name}: {' | '.join(lines)[:400]}")


def explain(sql: str) -> list[str]:
    """The plan of a statement as it ran (the page with its joins)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {sql}")
        return [row[0] for row in cursor.fetchall()]


def import_rate(data: dict, args: argparse.Namespace) -> None:
    """The CSV import of ``--import-rows`` rows on a fresh database, beside the floor: the
    same rows' columns inserted on the raw cursor (then deleted)."""
    import csv
    import io

    from django.db import connection, transaction

    from steward.assets import services
    from steward.assets.models import Asset
    from steward.core.actor import Actor
    from steward.core.models import Location

    system = Actor.system("bench")
    category = services.category_create(system, name="Import laptops")
    models = [
        services.model_create(system, manufacturer="Bench", name=f"I{i}", category=category.slug)
        for i in range(20)
    ]
    places = [Location.objects.create(name=f"Import site {i}") for i in range(50)]
    rng = random.Random(3)
    out = io.StringIO()
    columns = ["asset_tag", "serial_number", "manufacturer", "model", "status", "cost"]
    columns += ["purchase_date", "location", "vendor"]
    writer = csv.writer(out)
    writer.writerow(columns)
    for i in range(args.import_rows):
        model, place = rng.choice(models), rng.choice(places)
        writer.writerow(
            [f"IMP{i:08d}", f"IMPS{i:08d}", model.manufacturer, model.name, "in_stock"]
            + ["1299.00", "2026-01-02", place.name, "Bench vendor"]
        )
    payload = out.getvalue().encode()
    # the floor: the same assets' columns, inserted and nothing else
    fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
    began = time.perf_counter()
    with transaction.atomic():
        insert_rows(
            connection,
            fields,
            [
                {
                    "number": f"FLR{i:07d}",
                    "asset_tag": f"FLR{i:08d}",
                    "serial_number": f"FLRS{i:08d}",
                    "model_id": models[i % 20].pk,
                    "location_id": places[i % 50].pk,
                    "status": "in_stock",
                }
                for i in range(args.import_rows)
            ],
        )
        floor = time.perf_counter() - began
        transaction.set_rollback(True)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    began = time.perf_counter()
    done = services.import_asset_file(system, payload)
    seconds = time.perf_counter() - began
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    assert done.applied, done.errors()[:3]
    assert Asset.objects.count() == args.import_rows
    data["import"] = {
        "rows": args.import_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(args.import_rows / seconds),
        "floor_seconds": round(floor, 2),
        "floor_rows_per_s": round(args.import_rows / floor),
        "ratio": round(seconds / floor, 1),
        "target_rows_per_s": 20_000,
    }
    say(
        f"-- import: {args.import_rows:,} rows in {seconds:.1f} s "
        f"({data['import']['rows_per_s']:,}/s); floor {floor:.1f} s "
        f"({data['import']['floor_rows_per_s']:,}/s), {data['import']['ratio']}x"
    )


if __name__ == "__main__":
    raise SystemExit(main())
