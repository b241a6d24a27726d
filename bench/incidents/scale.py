"""``python -m bench.incidents.scale``: the reads and the create at 1,000,000 incidents over HTTP.

Built once (``--reuse`` keeps it; ``--rebuild`` makes it again): ``steward demo`` through
the product's bulk path, a copy of that database as the *empty* twin, then the incidents
grown in plain SQL to ``--rows`` (``bench.incidents.million``) and a sample checked
against its templates (``bench.incidents.checks``).

Measured (``steward serve`` with ``bench.floor``'s settings, as ``python -m bench``): the
floor's read and insert first, then each scenario, ``--repeats`` times in rotation
(medians), each beside the raw driver running the SQL the request ran (captured in
process). The create is measured on the empty twin and on the full set in the same run.
Then reads of one incident until ``--memory-reads``, and the workers' peak RSS.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench import report
from bench.incidents import checks, dataset, million, plans, scenarios, setup
from bench.load import http_factory, run

FLOOR_SETTINGS = "bench.floor.settings"


def _insert_body(unique: str) -> dict:
    return {"title": f"Printer on floor 3 jams {unique}", "impact": 2, "urgency": 2}


# name: (method, path, who, expected status, target p95 ms, floor)
READS = {
    "queue_api": ("GET", "/api/v1/incidents?queue=my_teams", "agent", 200, 10),
    "list_api": ("GET", "/api/v1/incidents", "agent", 200, 10),  # the default list
    "queue_web": ("GET", "/incidents/?queue=my_teams", "web", 200, 10),
    "detail_api": ("GET", "/api/v1/incidents/{number}", "agent", 200, 5),
    "activity_api": ("GET", "/api/v1/incidents/{number}/comments", "agent", 200, 5),
    "detail_web": ("GET", "/incidents/{number}/", "web", 200, 5),
    "search_selective": ("GET", f"/api/v1/incidents?q={million.SELECTIVE}", "agent", 200, 30),
    "search_common": ("GET", f"/api/v1/incidents?q={million.COMMON}", "agent", 200, 30),
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.scale", description=__doc__)
    dataset.set_options(parser)
    parser.add_argument("--reuse", action="store_true", help="use the kept set if it is there")
    parser.add_argument("--rebuild", action="store_true", help="build the set again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="runs per scenario (medians)")
    parser.add_argument("--duration", type=float, default=5, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--memory-reads", type=int, default=100_000)
    parser.add_argument("--scenarios", default="", help="comma-separated subset of the reads")
    parser.add_argument(
        "--explain", default="search_common,search_selective",
        help="the reads whose statements' plans are kept beside their figures ('' for none)",
    )  # fmt: skip
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def build(kept: dataset.Kept, args: argparse.Namespace) -> dict:
    say(f"-- built: steward demo; the empty twin; growing to {args.rows:,} in SQL")
    twin = kept.twin("empty")
    setup.django_in_process(kept)
    figures = {"load_avg_before": os.getloadavg(), "grow": million.grow(args.rows, progress=say)}
    figures["check"] = checks.verify(figures["grow"]["templates"], progress=say)
    figures["machine"] = report.machine(kept)
    figures["twin"] = str(twin.var_dir)
    setup.close_connections()
    kept.mark_loaded(figures)
    return figures


def number_to_open(span: int, rows: int | None = None) -> str:
    """A copy in the newest round of the template with the most comments, among the set's
    own ``rows`` (a reused set also holds the incidents earlier runs' creates made, numbered
    from another sequence than their ids)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM incidents_incident WHERE number LIKE 'INC%'")
        top = cursor.fetchone()[0]
        top = top if rows is None else min(top, rows)
        cursor.execute(
            "SELECT object_id, count(*) FROM core_comment WHERE content_type_id = "
            "(SELECT id FROM django_content_type WHERE model = 'incident' AND "
            "app_label = 'incidents') AND id < 20000 GROUP BY object_id ORDER BY 2 DESC, 1"
        )
        rows = cursor.fetchall()
    tid = next(int(o) for o, _ in rows if int(o) <= span)
    number = tid + ((top - tid) // span) * span
    return f"INC{number:07d}"


def _one(server, name, method, path, headers, body, expect, args) -> dict:  # noqa: ANN001, PLR0913
    factory = http_factory(server.port, headers, method, path, body, expect)
    common = {"clients": args.clients, "cpu": server.cpu_seconds}
    # with a worker (BENCH_WORKER=1): the rows the floor's insert and earlier runs left
    # pending are marked dispatched, not drained 200 to a transaction during this phase
    # (decision 0091; the platform bench does the same)
    settled = server.settle_outbox()
    result = run(factory, warmup=args.warmup, duration=args.duration, **common).as_dict()
    result["outbox_settled"] = settled
    result["load_avg"] = os.getloadavg()[0]
    return result


def _raw(server, statements, requests, args) -> dict:  # noqa: ANN001
    factory = scenarios.replay_factory(server, statements)
    total = max(200, min(requests, 3000))
    common = {"clients": args.clients, "cpu": server.cpu_seconds}
    try:
        return run(factory, warmup=0.5, duration=0, total=total, **common).as_dict()
    except Exception as exc:  # noqa: BLE001 - a raw replay that never ends is a figure too
        nan = float("nan")
        failed = {"rps": nan, "p50_ms": nan, "p95_ms": nan, "p99_ms": nan, "errors": 1}
        return failed | {"first_error": f"{type(exc).__name__}: {exc}"}


def _median(runs: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms")
    out = {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}
    out["errors"] = sum(r["errors"] for r in runs)
    out["load_avg"] = round(statistics.median(r.get("load_avg", 0) for r in runs), 1)
    out["first_error"] = next((r["first_error"] for r in runs if r["first_error"]), None)
    return out


def measure_empty(twin: dataset.Kept, args: argparse.Namespace) -> dict:
    """The floor's insert and Steward's create on the demo database alone."""
    twin.start()
    try:
        runs: dict[str, list] = {"floor_insert": [], "create": []}
        for _ in range(args.repeats):
            runs["floor_insert"].append(
                _one(
                    twin,
                    "floor_insert",
                    "POST",
                    "/__floor__/incidents",
                    twin.headers(),
                    _insert_body,
                    201,
                    args,
                )  # fmt: skip
            )
            runs["create"].append(
                _one(
                    twin,
                    "create",
                    "POST",
                    "/api/v1/incidents",
                    twin.headers(),
                    scenarios.create_body,
                    201,
                    args,
                )  # fmt: skip
            )
    finally:
        twin.stop()
    return {name: {"median": _median(r), "runs": r} for name, r in runs.items()}


def measure_full(kept: dataset.Kept, args: argparse.Namespace) -> dict:  # noqa: PLR0914
    number = number_to_open(kept.loaded["grow"]["templates"], args.rows)
    cookie = setup.session_cookie(setup.AGENT)
    who = {"agent": kept.agent_headers(), "web": {"Cookie": cookie}, "admin": kept.headers()}
    chosen = [s for s in args.scenarios.split(",") if s] or list(READS)
    plan = {name: READS[name] for name in chosen}
    captured, explained = {}, {}
    for name, (method, path, w, expect, _) in plan.items():
        scenario = scenarios.Scenario(name, method, path.format(number=number), w, expect)
        captured[name] = scenarios.capture(scenario, who[w])
        say(f"   {name}: {len(captured[name])} statements")
        if name in args.explain.split(","):
            explained[name] = plans.explain(captured[name])
            say(f"     plans: {plans.summary(explained[name])}")
    setup.close_connections()
    kept.start()
    kept.reset_peaks()
    runs: dict[str, list] = {name: [] for name in ["floor_read", "floor_insert", *plan, "create"]}
    raws: dict[str, list] = {name: [] for name in plan}
    reads = 0
    try:
        for repeat in range(args.repeats):
            say(f"   round {repeat + 1} of {args.repeats} (load {os.getloadavg()[0]:.1f})")
            fr = _one(kept, "floor_read", "GET", f"/__floor__/incidents/{number}",
                      kept.headers(), None, 200, args)  # fmt: skip
            runs["floor_read"].append(fr)
            runs["floor_insert"].append(
                _one(
                    kept,
                    "floor_insert",
                    "POST",
                    "/__floor__/incidents",
                    kept.headers(),
                    _insert_body,
                    201,
                    args,
                )  # fmt: skip
            )
            reads += fr["requests"]
            for name, (method, path, w, expect, _) in plan.items():
                result = _one(kept, name, method, path.format(number=number), who[w], None,
                              expect, args)  # fmt: skip
                runs[name].append(result)
                reads += result["requests"]
                raws[name].append(_raw(kept, captured[name], result["requests"], args))
                raw = raws[name][-1]
                say(f"     {name:<17} p50 {result['p50_ms']:.1f} p95 {result['p95_ms']:.1f}"
                    f" ms {result['rps']:.0f}/s; raw p50 {raw['p50_ms']:.2f}"
                    f" p95 {raw['p95_ms']:.2f} ms")  # fmt: skip
            runs["create"].append(
                _one(
                    kept,
                    "create",
                    "POST",
                    "/api/v1/incidents",
                    kept.headers(),
                    scenarios.create_body,
                    201,
                    args,
                )  # fmt: skip
            )
        memory = {}
        if args.memory_reads > reads:
            say(f"-- memory: {args.memory_reads - reads:,} more reads of {number}")
            memory = scenarios.memory_phase(
                kept, kept.agent_headers(), number, args.memory_reads - reads, args
            )
            reads += memory["requests"]
        peaks = kept.peaks()
    finally:
        kept.stop()
    figures = {name: {"median": _median(r), "runs": r} for name, r in runs.items()}
    for name, r in raws.items():
        figures[name]["raw"] = _median(r)
        figures[name]["statements"] = len(captured[name])
        if name in explained:
            figures[name]["plans"] = explained[name]
    worker_kb = peaks["worker_max_hwm_kb"] or 0
    figures["_memory"] = memory | peaks | {"reads": reads, "worker_peak_mb": worker_kb / 1024}
    figures["_number"] = number
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    root = args.data_dir.resolve()
    common = {"db": args.db, "rows": args.rows, "root": root, "pg_url": args.pg_url}
    kept = dataset.Kept(settings=FLOOR_SETTINGS, **common)
    if args.rebuild or not args.reuse:
        kept.drop()
    with kept:
        loaded = kept.loaded or build(kept, args)
        if args.build_only:
            return 0
        twin = dataset.Kept(settings=FLOOR_SETTINGS, label="empty", **common).__enter__()
        setup.django_in_process(kept)
        data = {"command": report.command_line().replace("-m bench", "-m bench.incidents.scale")}
        data |= {"db": args.db, "rows": args.rows, "loaded": loaded, "config": vars(args)}
        data["machine"] = report.machine(kept) | {"load_avg_start": os.getloadavg()}
        say("-- the create on the empty twin (the demo's 3,001 incidents)")
        data["empty"] = measure_empty(twin, args)
        say(f"-- at {args.rows:,} incidents")
        data["full"] = measure_full(kept, args)
        data["machine"]["load_avg_end"] = os.getloadavg()
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    say("")
    say(checks.render(data))
    path = report.write_json(data, f"incidents-scale-{args.db}-{args.rows}")
    say(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
