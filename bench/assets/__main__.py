"""``python -m bench.assets``: the asset list's first page and an asset's detail at scale,
in process, beside the framework floor of the same run; optionally the CSV import rate.

    python -m bench.assets --db sqlite --rows 1000000
    python -m bench.assets --db postgres --rows 1000000 --import-rows 20000

A fresh database (SQLite file or a new PostgreSQL database) is migrated, then filled by
``bench/assets/loader.py`` (plain SQL in large batches: the point is the reads, and the
ORM's ``bulk_create`` took longer than 20 minutes for 1,000,000 rows on the shared
machine). Timed, through the selectors the API and pages call, as an administrator:

- **floor**: one asset's columns by number with the bare ORM (``.values()``), the floor's
  read in process;
- **list**: the first page (50) filtered by state, model and location (issue 14: p95 ≤ 10 ms
  at 1,000,000), and by state alone, and unfiltered;
- **detail**: one asset with its references and check-out history.

Writes bench/results/assets-<db>-<rows>.json with the machine, the load and each query's plan.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

from bench import report
from bench.assets.loader import load_assets
from bench.changes.inproc import summary
from bench.incidents import setup
from bench.knowledge.__main__ import BareServer


def say(text: str) -> None:
    print(text, flush=True)


def timed(call, inputs: list) -> dict:  # noqa: ANN001
    for value in inputs[:5]:  # warm: imports, caches
        call(value)
    times = []
    for value in inputs:
        began = time.perf_counter()
        call(value)
        times.append((time.perf_counter() - began) * 1000)
    return summary(times)


def plan(queryset) -> str:  # noqa: ANN001
    try:
        return queryset.explain()
    except Exception as exc:  # noqa: BLE001 - a plan is a note, not the measure
        return f"(no plan: {exc})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.assets", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000, help="assets in the table")
    parser.add_argument("--reads", type=int, default=300, help="timed reads of each kind")
    parser.add_argument("--import-rows", type=int, default=0, help="CSV rows (0: no import)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    background = report.background_load()
    data: dict = {"db": args.db, "rows": args.rows, "reads": args.reads}
    say(f"== bench.assets on {args.db}: {args.rows:,} assets")
    with BareServer(db=args.db, workers=1, pg_url=args.pg_url) as server:
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        data["load_average_before"] = os.getloadavg()
        rng = random.Random(7)
        began = time.monotonic()
        models, places = load_assets(args.rows, rng, say=say)
        data["load_seconds"] = round(time.monotonic() - began, 1)
        say(f"   loaded in {data['load_seconds']:.0f} s")
        measure(data, args, rng, models, places)
        data["load_average_after"] = os.getloadavg()
        setup.close_connections()
    out = report.RESULTS / f"assets-{args.db}-{args.rows}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=2, default=str))
    say(f"   wrote {out}")
    return 0


def measure(data: dict, args: argparse.Namespace, rng: random.Random, models, places) -> None:  # noqa: ANN001
    from steward.assets import selectors
    from steward.assets.models import Asset
    from steward.core.actor import Actor
    from steward.core.models import User

    admin = Actor(user=User.objects.create(username="asset-bench", is_superuser=True))
    numbers = [f"AST{rng.randrange(args.rows) + 1:07d}" for _ in range(args.reads)]
    triples = [
        {"status": ["deployed"], "model": rng.choice(models), "location": rng.choice(places)}
        for _ in range(args.reads)
    ]
    states = [{"status": [rng.choice(["deployed", "in_stock"])]} for _ in range(args.reads)]
    scenarios = {
        "floor": (lambda n: Asset.objects.filter(number=n).values().first(), numbers),
        "list_state_model_location": (
            lambda f: selectors.asset_list(admin, **f, limit=50).items,
            triples,
        ),
        "list_state": (lambda f: selectors.asset_list(admin, **f, limit=50).items, states),
        "list_all": (lambda _: selectors.asset_list(admin, limit=50).items, [None] * args.reads),
        "detail": (lambda n: selectors.asset_get(admin, number=n), numbers),
    }
    for name, (call, inputs) in scenarios.items():
        figures = timed(call, inputs)
        data[name] = figures
        say(f"-- {name}: p50 {figures['p50_ms']:.2f} p95 {figures['p95_ms']:.2f} ms")
    data["floor_ratio_p50"] = {
        name: round(data[name]["p50_ms"] / data["floor"]["p50_ms"], 1)
        for name in scenarios
        if name != "floor"
    }
    data["target"] = "list_state_model_location p95 <= 10 ms at 1,000,000"
    from steward.assets.selectors.assets import asset_visible

    qs = asset_visible(admin).filter(**{"status__in": ["deployed"]})
    data["plans"] = {
        "state_model_location": plan(
            qs.filter(model_id=models[0], location_id=places[0]).order_by("id")[:51]
        ),
        "state": plan(qs.order_by("id")[:51]),
    }
    for name, text in data["plans"].items():
        say(f"   plan {name}: {' | '.join(text.splitlines())[:300]}")
    if args.import_rows:
        import_rate(data, args)


def import_rate(data: dict, args: argparse.Namespace) -> None:
    from steward.assets import services
    from steward.assets.models import AssetModel
    from steward.core.actor import Actor

    model = AssetModel.objects.first()
    rows = [
        {
            "asset_tag": f"IMP{i:08d}",
            "serial_number": f"IMPS{i:08d}",
            "manufacturer": model.manufacturer,
            "model": model.name,
            "cost": "100.00",
            "purchase_date": "2026-01-02",
        }
        for i in range(args.import_rows)
    ]
    began = time.perf_counter()
    done = services.import_assets(Actor.system("bench"), rows)
    seconds = time.perf_counter() - began
    assert done.applied, done.errors()[:3]
    data["import"] = {"rows": args.import_rows, "seconds": round(seconds, 2)}
    data["import"]["rows_per_s"] = round(args.import_rows / seconds)
    say(f"-- import: {args.import_rows} rows in {seconds:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
