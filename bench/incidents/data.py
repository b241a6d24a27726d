"""``python -m bench.incidents.data``: the bulk path and search at scale, on a kept database.

The first run loads ``--base`` incidents through ``incidents_import`` (the raw driver's
insert of the same rows beside it, batch by batch: the bulk figure), copies them in SQL up
to ``--rows`` (``multiply``) and keeps the database under ``--data-dir``; later runs reuse
it (``--rebuild`` to load again and re-measure the bulk path). Then search, in process:
``incident_list(actor, q=...)`` for a selective word, a common one and a very common one,
as an agent and as a requester, p50/p95 over ``--runs``,
beside the raw driver running the plain ranked query (rank every match, take 50) and the
index-order query on the same database in the same run.
"""

from __future__ import annotations

import argparse
import time

from bench import report
from bench.incidents import bulkload, dataset, multiply, searchbench, setup


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.data", description=__doc__)
    dataset.set_options(parser)
    parser.add_argument(
        "--base", type=int, default=50_000, help="incidents through the bulk path (then copied)"
    )
    parser.add_argument("--batch", type=int, default=10_000, help="rows per incidents_import")
    parser.add_argument("--runs", type=int, default=30, help="timed searches per word")
    parser.add_argument("--rebuild", action="store_true", help="load the rows again")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def build(kept: dataset.Kept, args: argparse.Namespace) -> dict:
    from django.db import connection

    base = min(args.base, args.rows)
    say(f"-- bulk load: {base:,} incidents through incidents_import, raw driver beside")
    background = report.background_load()
    bulk = bulkload.load(base, min(args.batch, base), raw=True, progress=say)
    ids = bulk.pop("_ids")
    say(f"   {bulk['incidents_per_s']:,.0f} incidents/s; raw {bulk['raw_per_s']:,.0f}/s")
    say("-- search reindex (the bench's comments bypass the services)")
    reindexed = bulkload.reindex(ids, progress=say)
    say(f"   {reindexed['per_s']:,.0f} incidents/s")
    say(f"-- copied in SQL up to {args.rows:,} incidents (read figures only)")
    grown = multiply.grow(min(ids), max(ids), args.rows, progress=say)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures = {"bulk": bulk, "reindex": reindexed, "background_busy_pct": background}
    figures["copied"] = grown
    figures["machine"] = report.machine(kept)
    kept.mark_loaded(figures)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    kept = dataset.Kept(
        db=args.db, rows=args.rows, root=args.data_dir.resolve(), pg_url=args.pg_url
    )
    if args.rebuild:
        kept.drop()
    with kept:
        setup.django_in_process(kept)
        loaded = kept.loaded or build(kept, args)
        data = {"command": report.command_line().replace("-m bench", "-m bench.incidents.data")}
        data |= {"db": args.db, "rows": args.rows, "loaded": loaded}
        data["machine"] = report.machine(kept) | {"background_busy_pct": report.background_load()}
        say(f"-- search at {args.rows:,} incidents, {args.runs} runs per word")
        data["search"] = searchbench.measure(kept, args.runs, progress=say)
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    say("")
    say(searchbench.render(data))
    path = report.write_json(data, f"incidents-data-{args.db}-{args.rows}")
    say(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
