"""Benchmark ``steward serve`` over HTTP against the same rows done with the raw driver."""

from __future__ import annotations

import argparse
import math
import time

from bench import rawdb, report
from bench.load import http_factory, run
from bench.server import ADMIN, Server

SCENARIOS = {
    # name: (method, path, body(unique string), expected status, raw operation writes?)
    "get_user": ("GET", f"/api/v1/users/{ADMIN}", None, 200, False),
    "post_team": ("POST", "/api/v1/teams", lambda unique: {"name": f"bench {unique}"}, 201, True),
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per scenario")
    parser.add_argument(
        "--requests", type=int, default=0, help="measure this many requests instead of a duration"
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}"
    )
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL maintenance database used to create and drop the bench database",
    )
    parser.add_argument(
        "--settings",
        default="steward.settings",
        help="DJANGO_SETTINGS_MODULE of the server: measure a settings change without editing it",
    )
    args = parser.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


def _ratio(http: dict, raw: dict) -> dict:
    """How many times the raw database beats Steward: throughput, and each latency."""

    def times(a: float, b: float) -> float:
        return round(a / b, 1) if b and not math.isnan(a) else math.nan

    ratio = {"rps": times(raw["rps"], http["rps"])}
    ratio |= {key: times(http[key], raw[key]) for key in ("p50_ms", "p95_ms", "p99_ms")}
    return ratio


def measure(server: Server, name: str, args: argparse.Namespace) -> dict:
    method, path, body, expect, writes = SCENARIOS[name]
    load = {"clients": args.clients, "cpu": server.cpu_seconds}
    peak_reset = server.reset_peaks()
    factory = http_factory(server.port, server.headers(), method, path, body, expect)
    http = run(factory, warmup=args.warmup, duration=args.duration, total=args.requests, **load)
    http = http.as_dict()
    memory = server.peaks() | {"peak_reset": peak_reset}
    # the same rows with the plain driver: as many operations, from as many processes
    raw_factory = rawdb.factory_for(server, write=writes)
    raw = run(raw_factory, warmup=min(1.0, args.warmup), duration=0, total=http["requests"], **load)
    raw = raw.as_dict()
    worker_kb, master_kb = memory["worker_max_hwm_kb"], memory["master_hwm_kb"]
    return {
        "request": f"{method} {path}",
        "http": http,
        "raw": raw,
        "ratio": _ratio(http, raw),
        "memory": memory,
        "worker_peak_mb": round(worker_kb / report.MB, 1) if worker_kb else math.nan,
        "master_peak_mb": round(master_kb / report.MB, 1) if master_kb else math.nan,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    raw_label = "raw psycopg" if args.db == "postgres" else "raw sqlite3"
    amount = f"{args.requests} requests" if args.requests else f"{args.duration:g}s"
    print(
        f"== steward serve --workers {args.workers} on {args.db}; {args.clients} client processes;"
        f" {args.warmup:g}s warm-up, then {amount} per scenario"
    )
    began = time.monotonic()
    background = report.background_load()
    if background > 10:
        print(
            f"   WARNING: {background:.0f}% of the CPU was busy before the run; figures will be low"
        )
    scenarios: dict[str, dict] = {}
    options = {"pg_url": args.pg_url, "settings": args.settings, "workers": args.workers}
    with Server(db=args.db, **options) as server:
        machine = report.machine(server) | {"background_busy_pct": background}
        print(
            f"   {machine['cpu']}, {machine['cores']} cores,"
            f" python loop {machine['python_loop_ms']} ms;"
            f" server pid {server.master_pid}, port {server.port}, var {server.var_dir}"
        )
        for name in args.scenarios:
            figures = measure(server, name, args)
            scenarios[name] = figures
            http, raw = figures["http"], figures["raw"]
            print(
                f"   {name}: {http['requests']} requests, {http['rps']:,.0f} req/s,"
                f" {http['errors']} errors; raw {raw['rps']:,.0f} ops/s"
            )
            for label, result in (("steward", http), (raw_label, raw)):
                if result["first_error"]:
                    print(f"   first {label} error: {result['first_error']}")
    checks = report.check_targets(scenarios)
    print()
    print(report.table(scenarios, raw_label))
    print("(worker MB: max VmHWM of the gunicorn workers during the scenario; master likewise)")
    print()
    print(report.cpu_text(scenarios, raw_label))
    print()
    print(report.targets_text(checks))
    data = {
        "command": report.command_line(),
        "db": args.db,
        "machine": machine,
        "config": {k: v for k, v in vars(args).items() if k != "pg_url"},
        "scenarios": scenarios,
        "targets": checks,
        "wall_seconds": round(time.monotonic() - began, 1),
    }
    path = report.write_json(data, args.db)
    print(f"\nresults: {path}  ({data['wall_seconds']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
