"""Step 2: the HTTP scenarios against ``steward serve``, each beside its raw-database floor.

The raw floor of a read is *the same SQL*: the request is made once in-process with
Django's test client under ``CaptureQueriesContext`` (after a warm-up, so caches are as
warm as in a worker) and every statement it ran, authentication and session included, is
replayed with the plain driver. The floor of the write is the shared harness's
``bench.rawdb`` transaction (a record, its audit row and its outbox row).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from bench import rawdb
from bench.load import Op, OpFactory, http_factory, run

SLOW_SQL_S = 1.0  # a read this slow is measured with a few requests from one client
SLOW_REQUESTS = 2


def create_body(unique: str) -> dict:
    """The incident every create scenario posts (``bench.incidents.scale`` and
    ``create_profile`` too)."""
    return {
        "title": f"Printer on floor 3 jams {unique}",
        "description": "Paper jam in tray 2.",
        "caller": "alice",
        "impact": 2,
        "urgency": 2,
        "team": "network",
    }


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    who: str  # "admin", "agent" (bearer token) or "web" (agent's session cookie)
    expect: int = 200
    target: tuple[str, str, float, str] | None = None  # metric, op, bound, unit

    def body(self, unique: str) -> dict:
        return create_body(unique)


def scenarios(number: str, word: str) -> list[Scenario]:
    return [
        Scenario("create", "POST", "/api/v1/incidents", "admin", 201, ("rps", ">=", 1400, "req/s")),
        Scenario(
            "queue_api",
            "GET",
            "/api/v1/incidents?queue=my_teams",
            "agent",
            target=("p95_ms", "<=", 10, "ms"),
        ),
        Scenario("queue_web", "GET", "/incidents/?queue=my_teams", "web"),
        Scenario(
            "search",
            "GET",
            f"/api/v1/incidents?q={word}",
            "agent",
            target=("p95_ms", "<=", 30, "ms"),
        ),
        Scenario(
            "get_one",
            "GET",
            f"/api/v1/incidents/{number}",
            "agent",
            target=("p95_ms", "<=", 5, "ms"),
        ),
        Scenario(
            "comments",
            "GET",
            f"/api/v1/incidents/{number}/comments",
            "agent",
            target=("p95_ms", "<=", 5, "ms"),
        ),
    ]


EXTRA_TARGETS = [("create", "p99_ms", "<=", 20, "ms")]


def headers_for(server, who: str, cookie: str) -> dict[str, str]:  # noqa: ANN001
    if who == "admin":
        return server.headers()
    if who == "agent":
        return server.agent_headers()
    return {"Cookie": cookie}


def capture(scenario: Scenario, headers: dict[str, str], repeat: int = 3) -> list[str]:
    """Every SQL statement one request runs (the last of ``repeat``, caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    for _ in range(repeat):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.generic(scenario.method, scenario.path, **extra)
        if response.status_code != scenario.expect:
            raise RuntimeError(f"{scenario.path}: HTTP {response.status_code}")
        if time.perf_counter() - began > SLOW_SQL_S:  # seconds per request: once is enough
            break
    return [q["sql"] for q in ctx.captured_queries]


def sql_seconds(statements: list[str]) -> float:
    """One in-process run of the statements: is the scenario a query of seconds?"""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(sql)  # no parameters: the driver does no % substitution
                cursor.fetchall()
    return time.perf_counter() - began


def replay_factory(server, statements: list[str]) -> OpFactory:  # noqa: ANN001
    """Run the captured statements with the plain driver, fetching every row."""

    def factory(index: int) -> Op:
        if server.db == "postgres":
            import psycopg

            conn = psycopg.connect(server.database_url, autocommit=True)
            execute = conn.execute
        else:
            conn = sqlite3.connect(server.sqlite_path, isolation_level=None, timeout=20)
            conn.execute("PRAGMA journal_mode=WAL")
            execute = conn.execute
        # a session's last-seen update etc. would also be replayed: reads only
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]

        def op(seq: int) -> str | None:
            try:
                for sql in reads:
                    execute(sql).fetchall()
            except Exception as exc:  # noqa: BLE001 - reported as the op's error
                return f"{type(exc).__name__}: {exc}"
            return None

        return op

    return factory


def measure(server, scenario: Scenario, headers: dict, args, statements, sql_s=0.0) -> dict:  # noqa: ANN001
    body = scenario.body if scenario.method == "POST" else None
    factory = http_factory(
        server.port, headers, scenario.method, scenario.path, body, scenario.expect
    )
    common = {"clients": args.clients, "cpu": server.cpu_seconds}
    slow = sql_s > SLOW_SQL_S
    if slow:  # a few requests from one client: enough to know, without a 30 s worker kill
        common["clients"] = 1
        http = run(factory, warmup=0, duration=0, total=SLOW_REQUESTS, **common).as_dict()
    else:
        http = run(factory, warmup=args.warmup, duration=args.duration, **common).as_dict()
    if scenario.method == "POST":
        raw_factory = rawdb.factory_for(server, write=True)
        raw_what = "bench.rawdb write: record + audit + outbox rows in one transaction"
    else:
        raw_factory = replay_factory(server, statements)
        raw_what = f"the request's {len(statements)} SQL statements replayed"
    count = min(http["requests"], 20000) or 1000
    if slow:  # the in-process run of the same SQL is the raw figure: no repeat of minutes
        ms = round(sql_s * 1000, 3)
        raw = {"requests": 1, "errors": 0, "rps": round(1 / sql_s, 2), "first_error": None}
        raw |= {"p50_ms": ms, "p95_ms": ms, "p99_ms": ms, "max_ms": ms}
    else:
        raw = run(raw_factory, warmup=1.0, duration=0, total=count, **common).as_dict()
    return {
        "request": f"{scenario.method} {scenario.path}",
        "as": scenario.who,
        "queries": len(statements),
        "sql_seconds_in_process": round(sql_s, 4),
        "slow_mode": slow,
        "http": http,
        "raw": raw,
        "raw_what": raw_what,
    }


def memory_phase(server, headers: dict, number: str, reads: int, args) -> dict:  # noqa: ANN001
    """Read one incident until the run's reads reach ``reads``; the workers' peak RSS."""
    factory = http_factory(server.port, headers, "GET", f"/api/v1/incidents/{number}", None, 200)
    result = run(factory, clients=args.clients, warmup=0, duration=0, total=reads).as_dict()
    return {"requests": result["requests"], "errors": result["errors"], "rps": result["rps"]}
