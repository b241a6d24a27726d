"""``python -m bench.incidents.bulk_only``: the bulk path alone, beside the raw driver.

On a fresh demo database (``steward demo``: its SLA policies match every bench row, so each
incident gets its response and resolution clocks moved through its history), ``--rows``
incidents go through ``incidents_import`` in batches of ``--batch`` (one transaction each,
with 0-2 comments per incident as the demo writes them), and the same rows through the plain
driver's ``executemany`` into shadow tables, batch by batch in the same run
(``bulkload.load``). ``--profile`` adds a cProfile of one more batch (top functions by
cumulative time). Prints the figures and writes ``bench/results/<stamp>-incidents-bulk-
<db>-<rows>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from bench import report
from bench.incidents import bulkload, setup


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.incidents.bulk_only", description=__doc__
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


def _profile(batch: int) -> str:
    from django.db import transaction

    from steward.core.actor import Actor
    from steward.incidents.services.bulk import incidents_import

    rows = bulkload.Rows(seed=11).batch(batch)
    profiler = cProfile.Profile()
    with transaction.atomic():
        profiler.enable()
        incidents_import(Actor.system("bench"), rows)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    with setup.DemoServer(db=args.db, pg_url=args.pg_url, workers=2) as server:
        setup.django_in_process(server)
        background = report.background_load()
        print(f"-- {args.rows:,} incidents through incidents_import, raw driver beside", flush=True)
        bulk = bulkload.load(args.rows, min(args.batch, args.rows), raw=True)
        bulk.pop("_ids")
        data = {
            "command": report.command_line().replace("-m bench", "-m bench.incidents.bulk_only"),
            "db": args.db,
            "bulk": bulk,
        }
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        if args.profile:
            data["profile"] = _profile(min(args.batch, 5000))
            print(data["profile"])
        setup.close_connections()
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    print(
        f"bulk load (import + comments) {bulk['incidents_per_s']:,.0f}/s, import alone "
        f"{bulk['import_only_per_s']:,.0f}/s, raw driver {bulk['raw_per_s']:,.0f}/s; "
        f"seconds {bulk['seconds']}"
    )
    print(f"results: {report.write_json(data, f'incidents-bulk-{args.db}-{args.rows}')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
