"""``python -m bench.incidents``: incidents at scale on a fresh database. See --help."""

from __future__ import annotations

import argparse
import math
import time

from bench import report
from bench.incidents import bulkload, inproc, multiply, scenarios, setup
from bench.incidents.table import checks, render

SEARCH_WORD = "vpn"  # in a third of the network incidents: about 1 row in 9


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents to bulk-load")
    parser.add_argument("--batch", type=int, default=10_000, help="rows per incidents_import")
    parser.add_argument(
        "--base",
        type=int,
        default=0,
        help="load only this many through incidents_import (the bulk figure), then copy them"
        " in SQL up to --rows (bench.incidents.multiply: read figures only; 0 = load all)",
    )
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--memory-reads", type=int, default=100_000, help="reads before the worker memory figure"
    )
    parser.add_argument("--no-raw", action="store_true", help="skip the raw bulk insert")
    parser.add_argument("--scenarios", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def busiest_incident() -> str:
    """The number of a loaded incident with comments (what an agent opens)."""
    from django.db.models import Count

    from steward.core.models import Comment
    from steward.incidents.models import Incident

    top = Comment.objects.values("object_id").annotate(n=Count("id")).order_by("-n").first()
    return Incident.objects.get(pk=int(top["object_id"])).number


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    quick = args.rows < 1_000_000
    say(
        f"== bench.incidents on {args.db}: {args.rows:,} incidents"
        + (" (QUICK RUN: fewer than the 1,000,000 of the issue)" if quick else "")
        + f"; steward serve --workers {args.workers}, {args.clients} client processes,"
        f" {args.warmup:g}s warm-up + {args.duration:g}s per scenario"
    )
    background = report.background_load()
    if background > 10:
        say(f"   WARNING: {background:.0f}% of the CPU was busy before the run")
    data: dict = {"command": report.command_line().replace("-m bench", "-m bench.incidents", 1)}
    data |= {"db": args.db, "rows_requested": args.rows, "quick_run": quick}
    data["config"] = {k: v for k, v in vars(args).items() if k != "pg_url"}
    with setup.DemoServer(db=args.db, workers=args.workers, pg_url=args.pg_url) as server:
        say(f"   migrated and loaded `steward demo` in {time.monotonic() - began:.0f}s")
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        data["queries_before_load"] = inproc.list_queries(setup.AGENT)

        loaded = min(args.base, args.rows) if args.base else args.rows
        say(f"-- 1. bulk load of {loaded:,} through incidents_import, batches of {args.batch:,}")
        bulk = bulkload.load(loaded, min(args.batch, loaded), raw=not args.no_raw, progress=say)
        ids = bulk.pop("_ids")
        data["bulk"] = bulk
        say(f"   {bulk['incidents_per_s']:,.0f} incidents/s; raw {bulk.get('raw_per_s', 0):,.0f}/s")
        say("-- search reindex")
        data["reindex"] = bulkload.reindex(ids, progress=say)
        say(f"   {data['reindex']['per_s']:,.0f} incidents/s")
        if loaded < args.rows:
            say(f"-- copied in SQL up to {args.rows:,} incidents (read figures only)")
            data["copied"] = multiply.grow(min(ids), max(ids), args.rows, progress=say)
        del ids
        # what autovacuum does after a big load, done now: the planner needs statistics on
        # the new rows (without them PostgreSQL walked the wrong index for the queues)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        say("-- 3. SLA due times (add_business_seconds, Berlin calendar)")
        data["sla"] = inproc.sla_rate()
        data["sla"]["profile_own_time_pct"] = inproc.sla_profile()
        sla = data["sla"]
        say(f"   {sla['per_s']:,.0f}/s; datetime+timedelta {sla['baseline_per_s']:,.0f}/s")

        say("-- 4. list query count")
        data["queries_after_load"] = inproc.list_queries(setup.AGENT)
        say(f"   before load {data['queries_before_load']}")
        say(f"   after load  {data['queries_after_load']}")

        say("-- 2. HTTP scenarios")
        number = busiest_incident()
        cookie = setup.session_cookie(setup.AGENT)
        chosen = [s for s in args.scenarios.split(",") if s]
        plan = [
            s for s in scenarios.scenarios(number, SEARCH_WORD) if not chosen or s.name in chosen
        ]
        captured = {
            s.name: scenarios.capture(s, scenarios.headers_for(server, s.who, cookie))
            for s in plan
            if s.method == "GET"
        }
        sql_s = {name: scenarios.sql_seconds(sql) for name, sql in captured.items()}
        say(
            "   SQL alone, in-process: "
            + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in sql_s.items())
        )
        setup.close_connections()
        server.start()
        server.reset_peaks()
        say(f"   server pid {server.master_pid}, port {server.port}, var {server.var_dir}")
        results, reads = {}, 0
        for s in plan:
            headers = scenarios.headers_for(server, s.who, cookie)
            statements = captured.get(s.name, [])
            figures = scenarios.measure(server, s, headers, args, statements, sql_s.get(s.name, 0))
            results[s.name] = figures
            http, raw = figures["http"], figures["raw"]
            reads += http["requests"] if s.method == "GET" else 0
            say(
                f"   {s.name:<10} {http['rps']:>7,.0f} req/s p50 {http['p50_ms']:.1f}"
                f" p95 {http['p95_ms']:.1f} p99 {http['p99_ms']:.1f} ms, {http['errors']} errors;"
                f" raw {raw['rps']:,.0f}/s p95 {raw['p95_ms']:.2f} ms"
            )
            if http["first_error"]:
                say(f"   first error: {http['first_error']}")
        remaining = max(0, args.memory_reads - reads)
        if remaining:
            goal = args.memory_reads
            say(f"-- memory: {remaining:,} more reads (GET one incident) to reach {goal:,}")
            data["memory_phase"] = scenarios.memory_phase(
                server, server.agent_headers(), number, remaining, args
            )
            reads += data["memory_phase"]["requests"]
        peaks = server.peaks()
        worker_kb = peaks["worker_max_hwm_kb"]
        data["memory"] = peaks | {
            "reads": reads,
            "worker_peak_mb": round(worker_kb / report.MB, 1) if worker_kb else math.nan,
        }
        data["scenarios"] = results
        data["search_word"], data["incident"] = SEARCH_WORD, number
    data["targets"] = checks(data)
    say("")
    say(render(data))
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    path = report.write_json(data, f"incidents-{args.db}-{args.rows}")
    say(f"\nresults: {path}  ({data['wall_seconds']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
