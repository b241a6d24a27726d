"""``python -m bench.cmdb``: the CMDB at scale on a fresh database. See --help.

Loads a layered estate (``--cis`` CIs, ``--degree`` relationships per CI), then measures
over HTTP against ``steward serve``: upward impact analysis (checked equal to an in-memory
BFS), the CI list filtered by class and attribute, a CSV import with reconciliation and its
no-change re-run, and a CI ``as_of`` a past moment; each beside the raw-database or
in-memory figure for the same work. Writes bench/results/cmdb-<db>-<cis>.json.
"""

from __future__ import annotations

import argparse
import json
import time

from bench import report
from bench.cmdb import estate_sql, explain, graph, impact, importer, loader, scenarios
from bench.cmdb.table import checks, render
from bench.incidents import setup
from bench.incidents.scenarios import replay_factory
from bench.load import http_factory, run
from bench.server import Server

# Steward's URLs plus the bare Django views (bench/floor): the impact request is measured
# beside the framework floor's read of one row, served by the same server in the same run
FLOOR_SETTINGS = "bench.floor.settings"

ALL = ["impact", "explain", "list", "import", "as_of"]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cmdb", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cis", type=int, default=1_000_000, help="CIs in the estate")
    parser.add_argument("--degree", type=float, default=3.0, help="relationships per CI")
    parser.add_argument(
        "--product-cis",
        type=int,
        default=10_000,
        help="CIs loaded through the product's cis_import (the rest with the plain driver)",
    )
    parser.add_argument(
        "--product-relationships",
        type=int,
        default=30_000,
        help="relationships loaded through relationships_import (the rest: plain driver)",
    )
    parser.add_argument(
        "--loader",
        choices=["sql", "driver"],
        default="sql",
        help="sql: the estate built in the database with INSERT … SELECT (minutes at 1M);"
        " driver: rows built in Python, a product-path share, the rest with the plain driver",
    )
    parser.add_argument("--starts", type=int, default=200, help="impact start nodes")
    parser.add_argument(
        "--before-after", type=int, default=10, help="starts timed with the old impact query"
    )
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the CSV import")
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per scenario")
    parser.add_argument(
        "--clients", type=int, default=2, help="client processes (as many as workers: latency)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--scenarios", default=",".join(ALL), help=f"subset of {','.join(ALL)}")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the impact and list selectors in-process"
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    if set(args.scenarios) - set(ALL):
        parser.error(f"unknown scenarios: {set(args.scenarios) - set(ALL)}")
    return args


def say(text: str) -> None:
    print(text, flush=True)


class BareServer(Server):
    """``bench.server.Server`` set up (admin and token) but started only after the load."""

    def __enter__(self) -> BareServer:
        try:
            self.setup()
        except BaseException:
            self.cleanup()
            raise
        return self


def timed(server: Server, factory, args: argparse.Namespace) -> dict:  # noqa: ANN001
    common = {"clients": args.clients, "cpu": server.cpu_seconds}
    return run(factory, warmup=args.warmup, duration=args.duration, **common).as_dict()


def replayed(server: Server, statements: list[str], count: int, args) -> dict:  # noqa: ANN001
    common = {"clients": args.clients, "cpu": server.cpu_seconds}
    factory = replay_factory(server, statements)
    return run(
        factory, warmup=1.0, duration=0, total=max(200, min(count, 20000)), **common
    ).as_dict()


def floor_read(server: Server, args: argparse.Namespace) -> dict:
    """The bare Django view's GET of one row by number (bench/floor), timed like a scenario."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    body = json.dumps({"title": "Floor row"})
    conn.request("POST", "/__floor__/incidents", body, server.headers())
    response = conn.getresponse()
    number = json.loads(response.read())["number"]
    conn.close()
    path = f"/__floor__/incidents/{number}"
    return timed(server, http_factory(server.port, server.headers(), "GET", path, None, 200), args)


def brief(result: dict) -> str:
    return (
        f"{result['rps']:,.0f}/s p50 {result['p50_ms']:.2f} p95 {result['p95_ms']:.2f}"
        f" p99 {result['p99_ms']:.2f} ms, {result['errors']} errors"
    )


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one script, step by step
    args = parse(argv)
    began = time.monotonic()
    quick = args.cis < 1_000_000
    say(
        f"== bench.cmdb on {args.db}: {args.cis:,} CIs, {args.degree:g} relationships per CI"
        + (" (QUICK RUN: fewer than the 1,000,000 of the issue)" if quick else "")
        + f"; steward serve --workers {args.workers}, {args.clients} client processes,"
        f" {args.warmup:g}s warm-up + {args.duration:g}s per scenario"
    )
    background = report.background_load()
    if background > 10:
        say(f"   WARNING: {background:.0f}% of the CPU was busy before the run")
    data: dict = {"command": report.command_line().replace("-m bench", "-m bench.cmdb", 1)}
    data |= {"db": args.db, "cis_requested": args.cis, "quick_run": quick}
    data["config"] = {k: v for k, v in vars(args).items() if k != "pg_url"}
    skipped: dict[str, str] = {}
    results: dict = {}
    with BareServer(
        db=args.db, workers=args.workers, pg_url=args.pg_url, settings=FLOOR_SETTINGS
    ) as server:
        setup.django_in_process(server)
        data["machine"] = report.machine(server) | {"background_busy_pct": background}
        data["machine"]["load_average"] = report.load_average()
        machine = data["machine"]
        say(
            f"   {machine['cpu']}, {machine['cores']} cores, {machine['date']},"
            f" load average {machine['load_average']}"
        )

        say("-- 1. load the estate")
        estate = graph.plan(args.cis, args.degree)
        if args.loader == "sql":
            load = estate_sql.build(estate, progress=say)
        else:
            load = loader.load(
                estate,
                product_cis=args.product_cis,
                product_relationships=args.product_relationships,
                progress=say,
            )
        loaded = load.pop("_loaded")
        load["analyze_seconds"] = loader.analyze()
        data["load"] = load
        data["estate"] = {role: len(span) for role, span in estate.roles.items()}
        say(
            f"   {load['cis']:,} CIs + {load['relationships']:,} relationships in"
            f" {load['seconds']:.0f}s; product path {load['product_path']['cis_per_s']} CIs/s,"
            f" {load['product_path']['relationships_per_s']} rels/s; plain driver"
            f" {load['raw_path']['cis_per_s']} CIs/s, {load['raw_path']['relationships_per_s']}"
            " rels/s"
        )
        say(f"   LOADER: {load['raw_path']['what']} for all but the product-path share")

        if "import" in args.scenarios:
            say(f"-- 4. import {args.import_rows:,} CIs from CSV, then the same file again")
            missing = importer.available()
            if missing:
                skipped["import"] = missing
                say(f"   SKIPPED: {missing}")
            else:
                data["import"] = importer.run(args.import_rows, server.var_dir, say)
                csv_path = server.var_dir / f"cmdb-import-{args.import_rows}.csv"
                data["import"]["raw_rerun"] = importer.raw_rerun(csv_path)
                data["import"]["raw_first"] = importer.raw_first(csv_path)
                say(
                    f"   plain driver: insert {data['import']['raw_first']['rows_per_s']:,.0f}"
                    f" rows/s, fetch+compare {data['import']['raw_rerun']['rows_per_s']:,.0f}"
                )
                for problem in data["import"]["problems"]:
                    say(f"   PROBLEM: {problem}")

        say("-- the graph in memory for the BFS")
        walks = impact.Graph()
        starts = impact.start_nodes(estate, loaded.numbers, args.starts)
        start_ids = [walks.ids[n] for n in starts]
        say(f"   {len(walks.ids):,} CIs, loaded in {walks.load_seconds}s; {len(starts)} starts")

        if "explain" in args.scenarios:
            say("-- the impact query's plan and walk sizes")
            # the plan of a walk that reaches something (a start with no dependants is a
            # plan of nothing): the largest blast radius of at most a thousand CIs
            sizes = {pk: len(walks.bfs(n)) for n, pk in zip(starts, start_ids, strict=True)}
            shown = max(start_ids, key=lambda pk: (sizes[pk] <= 1000, sizes[pk]))
            plans = explain.plan([shown])
            data["explain_start"] = {"ci_id": shown, "up_nodes": sizes[shown]}
            say(f"   plans of the walk from CI id {shown} ({sizes[shown]} CIs up)")
            data["explain"] = {
                "plans": plans,
                "indexes": explain.uses_index(plans),
                "walk": explain.walk_sizes(start_ids[:50]),
                "before_after_ms": explain.before_after(start_ids[: args.before_after]),
            }
            for direction, lines in plans.items():
                say(f"   {direction}:")
                for line in lines:
                    say(f"     {line}")
            say(f"   indexes used: {data['explain']['indexes']}")
            say(f"   walk sizes: {data['explain']['walk']}")
            say(f"   old vs new query, mean ms: {data['explain']['before_after_ms']}")

        list_sql: list[str] = []
        if "list" in args.scenarios:
            list_sql = scenarios.capture(scenarios.LIST_PATH, server.headers())
            say(f"   list: {len(list_sql)} SQL statements captured; the page's plan:")
            data["list_plan"] = explain.statement_plan(list_sql[-1])
            for line in data["list_plan"]:
                say(f"     {line}")
        setup.close_connections()
        server.start()
        say(f"   server pid {server.master_pid}, port {server.port}, var {server.var_dir}")
        headers = server.headers()
        floor = floor_read(server, args)
        data["floor_read"] = floor
        say(f"   floor GET one row (bare Django view): {brief(floor)}")

        if "impact" in args.scenarios:
            say(f"-- 2. impact up, depth {impact.DEPTH}, {len(starts)} start nodes")
            check = impact.verify(server.port, headers, walks, starts)
            data["impact_check"] = check
            say(f"   HTTP answers equal the BFS for all {check['starts']} starts: {check}")
            paths = [impact.impact_path(n) for n in starts]
            http = timed(server, impact.http_paths_factory(server.port, headers, paths), args)
            bfs = impact.bfs_timings(walks, starts)
            count = http["requests"]
            sql = run(
                impact.sql_factory(server, start_ids),
                clients=args.clients,
                warmup=1.0,
                duration=0,
                total=max(200, min(count, 5000)),
                cpu=server.cpu_seconds,
            ).as_dict()
            results["impact"] = {"depth": impact.DEPTH, "http": http, "bfs": bfs, "sql": sql}
            say(f"   HTTP {brief(http)}")
            say(f"   SQL  {brief(sql)}")
            say(f"   BFS  p50 {bfs['p50_ms']:.2f} p95 {bfs['p95_ms']:.2f} ms (in-memory)")

        if "list" in args.scenarios:
            say(f"-- 3. {scenarios.LIST_PATH}")
            factory = impact.http_paths_factory(server.port, headers, [scenarios.LIST_PATH])
            http = timed(server, factory, args)
            raw = replayed(server, list_sql, http["requests"], args)
            results["list"] = {"request": scenarios.LIST_PATH, "http": http, "raw": raw}
            results["list"]["statements"] = list_sql
            say(f"   HTTP {brief(http)}")
            say(f"   SQL  {brief(raw)}")

        if "as_of" in args.scenarios:
            say("-- 5. a CI as_of a past moment")
            number = loaded.numbers[0]  # loaded (and related) through the product path
            probe = scenarios.as_of_setup(server.port, headers, number)
            data["as_of_probe"] = probe
            if not probe["works"]:
                skipped["as_of"] = probe["reason"]
                say(f"   SKIPPED: {probe['reason']}")
            else:
                for name, path in (
                    ("as_of", probe["path"]),
                    ("as_of_relationships", probe.get("relationships_path")),
                ):
                    if not path:
                        continue
                    statements = scenarios.capture(path, headers)
                    factory = impact.http_paths_factory(server.port, headers, [path])
                    http = timed(server, factory, args)
                    raw = replayed(server, statements, http["requests"], args)
                    results[name] = {"request": path, "http": http, "raw": raw}
                    results[name]["queries"] = len(statements)
                    say(f"   {name} HTTP {brief(http)}; SQL {brief(raw)}")
        data["scenarios"] = results

        data["targets"] = checks(data)
        missed = [row["figure"] for row in data["targets"] if row["met"] is False]
        if args.profile:
            data["profile"] = {}
            plan = [("impact", [impact.impact_path(n) for n in starts])]
            plan.append(("list", [scenarios.LIST_PATH] * 20))
            if "as_of" in results:
                plan.append(("as_of", [results["as_of"]["request"]] * 20))
            for name, paths in plan:
                found = impact.profile(paths, headers)
                data["profile"][name] = found
                say(
                    f"-- profile of {name}: {found['requests']} requests in-process,"
                    f" {found['ms_per_request']} ms each; own s, cumulative s, function"
                )
                for function, own, cumulative in found["top"]:
                    say(f"   {own:8.3f} {cumulative:8.3f}  {function}")
        elif missed:
            say("   (a target was missed: --profile prints where the selector's time goes)")
    say("")
    say(render(data, skipped))
    data["skipped"] = skipped
    data["machine"]["load_average_end"] = report.load_average()
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    report.RESULTS.mkdir(exist_ok=True)
    path = report.RESULTS / f"cmdb-{args.db}-{args.cis}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    say(f"\nresults: {path}  ({data['wall_seconds']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
