"""Benchmark ``steward serve`` over HTTP beside the framework floor and the raw driver.

Every Steward scenario is printed beside its *floor* (a bare Django view doing the same
durable insert, or reading the same row: bench/floor), measured by the same server with the
same settings in the same run, as "Steward ÷ floor"; and beside the same rows done with the
plain database driver.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import time

from bench import rawdb, report
from bench.load import http_factory, run
from bench.server import ADMIN, STACKS, Server


def _incident(unique: str) -> dict:
    return {"title": f"Printer on floor 3 jams {unique}", "impact": 2, "urgency": 2}


# what an agent's form names (``post_incident_form``): a caller, a team and a category, made
# by ``context`` with the services; each is looked up per create (decision 0061's caches)
FORM = {"caller": "bench-caller", "team": "bench-desk", "category": "bench-network"}


def _form_incident(unique: str) -> dict:
    return {**_incident(unique), "description": "Tray 2, since this morning.", **FORM}


FLOOR_SETTINGS = "bench.floor.settings"
FLOORS = ("floor_read", "floor_insert")
# name: (method, path ({number} = an incident made at start), body(unique string), expected
# status, raw operation ("read_user", "read_incident", "write" or None), floor scenario,
# who: "token" or "web" (the admin's session cookie))
SCENARIOS = {
    "floor_read": ("GET", "/__floor__/incidents/{number}", None, 200, None, None, "token"),
    "floor_insert": ("POST", "/__floor__/incidents", _incident, 201, None, None, "token"),
    "get_incident": (
        "GET", "/api/v1/incidents/{number}", None, 200, "read_incident", "floor_read", "token"
    ),
    "post_incident": (
        "POST", "/api/v1/incidents", _incident, 201, "write", "floor_insert", "token"
    ),
    "post_incident_form": (
        "POST", "/api/v1/incidents", _form_incident, 201, "write", "floor_insert", "token"
    ),
    "queue_web": ("GET", "/incidents/", None, 200, "read_incident", "floor_read", "web"),
    "get_user": ("GET", f"/api/v1/users/{ADMIN}", None, 200, "read_user", "floor_read", "token"),
    "post_team": (
        "POST", "/api/v1/teams", lambda u: {"name": f"bench {u}"}, 201, "write", "floor_insert",
        "token",
    ),
}  # fmt: skip
DEFAULT_SCENARIOS = "get_incident,post_incident,queue_web"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per scenario")
    parser.add_argument(
        "--requests", type=int, default=0, help="measure this many requests instead of a duration"
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--stack",
        choices=STACKS,
        default="default",
        help="default: `steward serve` as shipped; sync: gunicorn sync workers (one request"
        " per connection); gthread: gunicorn threads with keep-alive; granian: granian WSGI",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument(
        "--scenarios",
        default=DEFAULT_SCENARIOS,
        help=f"comma-separated, each measured beside its floor: {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL maintenance database used to create and drop the bench database",
    )
    parser.add_argument(
        "--settings",
        default=FLOOR_SETTINGS,
        help="DJANGO_SETTINGS_MODULE of the server (it must keep bench.floor's routes):"
        " measure a settings change without editing Steward",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    floors = {SCENARIOS[name][5] for name in chosen} - {None}
    # the floors first, in a fixed order, then Steward's scenarios as asked
    args.scenarios = [f for f in FLOORS if f in floors or f in chosen]
    args.scenarios += [s for s in chosen if s not in FLOORS]
    return args


def _ratio(http: dict, raw: dict) -> dict:
    """How many times the raw database beats Steward: throughput, and each latency."""

    def times(a: float, b: float) -> float:
        return round(a / b, 1) if b and not math.isnan(a) else math.nan

    ratio = {"rps": times(raw["rps"], http["rps"])}
    ratio |= {key: times(http[key], raw[key]) for key in ("p50_ms", "p95_ms", "p99_ms")}
    return ratio


def _of_floor(http: dict, floor: dict | None) -> dict:
    """Steward ÷ floor: the share of the floor's rate Steward reaches, and its latencies over
    the floor's (the issue's targets: rate >= 0.5x the floor's)."""
    if floor is None:
        return {}

    def share(a: float, b: float) -> float:
        return round(a / b, 2) if b and not math.isnan(a) else math.nan

    ratio = {"rps": share(http["rps"], floor["rps"])}
    ratio |= {key: share(http[key], floor[key]) for key in ("p50_ms", "p95_ms", "p99_ms")}
    return ratio


def context(server: Server) -> dict[str, str]:
    """What the scenarios' paths and headers need: an incident's number, a session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    body = json.dumps(_incident("the one read")).encode()
    conn.request("POST", "/api/v1/incidents", body, server.headers())
    response = conn.getresponse()
    made = json.loads(response.read())
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"creating the incident to read: HTTP {response.status}: {made}")
    from bench.incidents.setup import close_connections, django_in_process, session_cookie

    django_in_process(server)
    cookie = session_cookie(ADMIN)
    _form_references()
    close_connections()  # the client processes fork from here
    return {"number": made["number"], "cookie": cookie}


def _form_references() -> None:
    """The caller, team and category ``post_incident_form`` names, made with the services."""
    from steward.core.actor import Actor
    from steward.core.services import team_create, user_create
    from steward.incidents.services import category_create

    system = Actor.system("bench")
    user_create(system, username=FORM["caller"], email="caller@bench.example")
    team_create(system, name="Bench desk", slug=FORM["team"], members=[ADMIN])
    category_create(system, name="Bench network")


def _raw_factory(server: Server, kind: str | None, number: str):  # noqa: ANN202
    if kind == "write":
        return rawdb.factory_for(server, write=True)
    if kind == "read_user":
        return rawdb.factory_for(server, write=False)
    if kind == "read_incident":
        return rawdb.select_factory(server, rawdb.SELECT_INCIDENT, (number,))
    return None


def measure(server: Server, name: str, args: argparse.Namespace, ctx: dict, floors: dict) -> dict:
    method, path, body, expect, raw_kind, floor_name, who = SCENARIOS[name]
    path = path.format(number=ctx["number"])
    headers = server.headers() if who == "token" else {"Cookie": ctx["cookie"]}
    load = {"clients": args.clients, "cpu": server.cpu_seconds}
    peak_reset = server.reset_peaks()
    settled = server.settle_outbox()  # rows the floor and raw phases left, waking no worker
    factory = http_factory(server.port, headers, method, path, body, expect)
    http = run(factory, warmup=args.warmup, duration=args.duration, total=args.requests, **load)
    http = http.as_dict()
    memory = server.peaks() | {"peak_reset": peak_reset}
    # the same rows with the plain driver: as many operations, from as many processes
    raw_factory = _raw_factory(server, raw_kind, ctx["number"])
    raw = None
    if raw_factory is not None:
        total = http["requests"]
        settled += server.settle_outbox()
        raw = run(raw_factory, warmup=min(1.0, args.warmup), duration=0, total=total, **load)
        raw = raw.as_dict()
    floor = floors.get(floor_name)
    worker_kb, master_kb = memory["worker_max_hwm_kb"], memory["master_hwm_kb"]
    return {
        "request": f"{method} {path}",
        "floor": floor_name,
        "http": http,
        "raw": raw,
        "ratio": _ratio(http, raw) if raw else {},
        "of_floor": _of_floor(http, floor),
        "memory": memory,
        "outbox_settled": settled,  # pending rows marked dispatched before the phases
        "worker_peak_mb": round(worker_kb / report.MB, 1) if worker_kb else math.nan,
        "master_peak_mb": round(master_kb / report.MB, 1) if master_kb else math.nan,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    raw_label = "raw psycopg" if args.db == "postgres" else "raw sqlite3"
    amount = f"{args.requests} requests" if args.requests else f"{args.duration:g}s"
    print(
        f"== {args.stack} server, {args.workers} workers, on {args.db};"
        f" {args.clients} client processes; {args.warmup:g}s warm-up, then {amount} per scenario"
    )
    began = time.monotonic()
    background = report.background_load()
    if background > 10:
        print(
            f"   WARNING: {background:.0f}% of the CPU was busy before the run; figures will be low"
        )
    scenarios: dict[str, dict] = {}
    options = {"pg_url": args.pg_url, "settings": args.settings, "workers": args.workers}
    options |= {"stack": args.stack, "threads": args.threads}
    with Server(db=args.db, **options) as server:
        machine = report.machine(server) | {"background_busy_pct": background}
        machine["load_average"] = report.load_average()
        print(
            f"   {machine['cpu']}, {machine['cores']} cores,"
            f" python loop {machine['python_loop_ms']} ms, load average {machine['load_average']};"
            f" server pid {server.master_pid}, port {server.port}, var {server.var_dir}"
        )
        ctx = context(server)
        for name in args.scenarios:
            figures = measure(server, name, args, ctx, {f: scenarios[f]["http"] for f in scenarios})
            scenarios[name] = figures
            http, raw = figures["http"], figures["raw"]
            raw_text = f"; raw {raw['rps']:,.0f} ops/s" if raw else ""
            print(
                f"   {name}: {http['requests']} requests, {http['rps']:,.0f} req/s,"
                f" {http['errors']} errors{raw_text}"
            )
            for label, result in (("steward", http), (raw_label, raw)):
                if result and result["first_error"]:
                    print(f"   first {label} error: {result['first_error']}")
    checks = report.check_targets(scenarios)
    print()
    print(report.table(scenarios, raw_label))
    print("(÷ floor: Steward's req/s over the floor's, and its latencies over the floor's;")
    print(" worker MB: max VmHWM of the server's workers during the scenario; master likewise)")
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
    path = report.write_json(data, f"{args.db}-{args.stack}")
    print(f"\nresults: {path}  ({data['wall_seconds']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
