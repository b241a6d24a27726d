"""``python -m bench.assets``: the asset list's first page at scale and the CSV import rate,
in-process on the database STEWARD_DATABASE_URL names (a fresh one: it is migrated and
filled). A quick look, not yet part of ``make bench``: no HTTP, the selector timed directly.

    STEWARD_DATABASE_URL=sqlite:////tmp/assets-bench.sqlite3 python -m bench.assets --rows 1000000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.assets", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="assets in the table")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the CSV")
    parser.add_argument("--reads", type=int, default=200, help="first-page reads timed")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from steward.assets import selectors, services
    from steward.assets.models import Asset
    from steward.core.actor import Actor
    from steward.core.models import Location

    system = Actor.system("bench")
    category = services.category_create(system, name=f"Bench {time.time_ns()}")
    models = [
        services.model_create(
            system, manufacturer="Bench", name=f"M{i} {time.time_ns()}", category=category.slug
        )
        for i in range(20)
    ]
    places = [Location.objects.create(name=f"Bench site {time.time_ns()} {i}") for i in range(50)]
    rng = random.Random(7)
    states = ["in_stock", "deployed", "deployed", "deployed", "in_repair", "retired"]
    started = time.perf_counter()
    batch = []
    for i in range(args.rows):
        batch.append(
            Asset(
                number=f"B{i:010d}",
                asset_tag=f"BT{i:010d}",
                serial_number=f"BS{i:010d}",
                model=rng.choice(models),
                location=rng.choice(places),
                status=rng.choice(states),
            )
        )
        if len(batch) == 10_000:
            Asset.objects.bulk_create(batch)
            batch = []
    Asset.objects.bulk_create(batch)
    print(f"loaded {args.rows} assets in {time.perf_counter() - started:.0f} s", flush=True)

    timings = []
    for _ in range(args.reads):
        filters = {
            "status": ["deployed"],
            "model": rng.choice(models).pk,
            "location": rng.choice(places).pk,
        }
        t = time.perf_counter()
        page = selectors.asset_list(system, **filters)
        timings.append((time.perf_counter() - t) * 1000)
        assert page.items
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"list first page (state+model+location) at {args.rows}: "
        f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms",
        flush=True,
    )

    rows = [
        {
            "asset_tag": f"IMP{i:08d}",
            "serial_number": f"IMPS{i:08d}",
            "manufacturer": "Bench",
            "model": models[i % len(models)].name,
            "cost": "100.00",
            "purchase_date": "2026-01-02",
        }
        for i in range(args.import_rows)
    ]
    t = time.perf_counter()
    report = services.import_assets(system, rows)
    seconds = time.perf_counter() - t
    assert report.applied, report.errors()[:3]
    print(
        f"CSV import of {args.import_rows} rows (checked, then written): {seconds:.1f} s, "
        f"{args.import_rows / seconds:,.0f} rows/s",
        flush=True,
    )


if __name__ == "__main__":
    main()
