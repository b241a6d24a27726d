"""``python -m bench.incidents.prepared``: the reads and creates with PostgreSQL's statements
bound in the client (Django's default) or prepared (decision 0044), alternated in one process.

On a kept PostgreSQL set, each read of ``scale.READS`` and two creates (``POST
/api/v1/incidents``, ``POST /api/v1/changes``) are made with Django's test client on one
connection whose cursors are switched between the ways below, round after round in a
rotating order, so the machine's load falls on every way alike:

- *client*: Django's default psycopg cursor: values bound in the client, every statement
  planned anew (``STEWARD_DATABASE_PREPARE_THRESHOLD=0``);
- *prepared*: server-side binding, a statement prepared once the connection has run it
  ``--threshold`` times (``STEWARD_DATABASE_PREPARE_THRESHOLD``, default 5);
- *collapse*: the client way with ``join_collapse_limit`` and ``from_collapse_limit`` at 1
  for the session (the joins planned in the order the statement writes them).

Beside the wall time (which the shared machine's load moves by ±50 %), each request's CPU
time is taken on both sides: this process's (``time.process_time``) and its PostgreSQL
backend's (``/proc/<pid>/schedstat``, nanoseconds on a CPU), where planning is spent. CPU
time is what the load moves least.

Each way is warmed by ``--warm`` requests (enough for psycopg to prepare and for
PostgreSQL's ``plan_cache_mode = auto`` to settle on a generic plan: five custom plans
first) before ``--runs`` timed ones. Printed: p50 per way and round, the ratio to *client*,
and the statements each request ran in each way (they must be equal).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from pathlib import Path

from bench.incidents import dataset, scale, setup

WAYS = ("client", "prepared", "collapse")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.prepared")
    dataset.set_options(parser, db=False)
    parser.add_argument("--runs", type=int, default=15, help="timed requests per way and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=12, help="requests before the timed ones")
    parser.add_argument("--threshold", type=int, default=5, help="psycopg's prepare_threshold")
    parser.add_argument("--ways", default=",".join(WAYS))
    dataset.read_options(parser, "reads and creates (default: all)")
    return parser.parse_args(argv)


def _way(name: str, threshold: int) -> None:
    from django.db import connection
    from django.db.backends.postgresql.base import Cursor, ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    if name == "prepared":
        raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, threshold
    else:
        raw.cursor_factory, raw.prepare_threshold = Cursor, None
    collapse = "1" if name == "collapse" else "DEFAULT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET join_collapse_limit = {collapse}; SET from_collapse_limit = {collapse}"
        )


def _backend_ns() -> int:
    from django.db import connection

    pid = connection.connection.info.backend_pid
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def _reader(method: str, path: str, extra: dict, expect: int):  # noqa: ANN202
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def read() -> None:
        response = client.generic(method, path, **extra)
        if response.status_code != expect:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")

    return read


def _requests(kept: dataset.Kept, args: argparse.Namespace) -> dict:
    """name -> a call making that request once (checking its status)."""
    from django.test import Client

    from steward.changes.models import RiskQuestion
    from steward.cmdb.models import ConfigurationItem

    number = args.number or scale.number_to_open(kept.loaded["grow"]["templates"])
    agent = {"HTTP_AUTHORIZATION": f"Bearer {kept.agent_token}"}
    admin = {"HTTP_AUTHORIZATION": f"Bearer {kept.loaded['tokens']['admin']}"}
    web = {"HTTP_COOKIE": setup.session_cookie(setup.AGENT)}
    calls = {}
    for name, (method, path, who, expect, _target) in scale.READS.items():
        extra = web if who == "web" else agent
        calls[name] = _reader(method, path.format(number=number), extra, expect)
    answers = {
        q.slug: q.answers.values_list("slug", flat=True)[0]
        for q in RiskQuestion.objects.filter(is_active=True).prefetch_related("answers")
    }
    cis = list(ConfigurationItem.objects.order_by("id").values_list("number", flat=True)[:3])
    poster = Client(HTTP_HOST="127.0.0.1", **admin)

    def post(path: str, body: dict) -> None:
        response = poster.post(path, json.dumps(body), content_type="application/json")
        if response.status_code != 201:  # noqa: PLR2004
            raise RuntimeError(f"POST {path}: HTTP {response.status_code} {response.content[:200]}")

    calls["create_incident"] = lambda: post(
        "/api/v1/incidents", {"title": f"Bench {uuid.uuid4().hex[:8]}", "impact": 2, "urgency": 2}
    )
    calls["create_change"] = lambda: post(
        "/api/v1/changes",
        {"title": f"Bench change {uuid.uuid4().hex[:8]}", "cis": cis[:2], "risk_answers": answers},
    )
    return calls


def measure(kept: dataset.Kept, args: argparse.Namespace) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls = _requests(kept, args)
    chosen = [s for s in args.scenarios.split(",") if s] or list(calls)
    ways = [w for w in args.ways.split(",") if w]
    rows = []
    for name in chosen:
        call = calls[name]
        took: dict[str, list[list[float]]] = {w: [] for w in ways}
        cpu: dict[str, list[tuple[float, float]]] = {w: [] for w in ways}
        statements = {}
        for round_ in range(args.rounds):
            for way in ways[round_ % len(ways) :] + ways[: round_ % len(ways)]:
                _way(way, args.threshold)
                for _ in range(args.warm):
                    call()
                with CaptureQueriesContext(connection) as ctx:
                    call()
                statements[way] = len(ctx.captured_queries)
                times = []
                for _ in range(args.runs):
                    began, own, backend = time.perf_counter(), time.process_time(), _backend_ns()
                    call()
                    times.append((time.perf_counter() - began) * 1000)
                    cpu[way].append(
                        ((time.process_time() - own) * 1000, (_backend_ns() - backend) / 1e6)
                    )
                took[way].append(times)
        p50s = {w: [round(statistics.median(t), 2) for t in took[w]] for w in ways}
        overall = {w: statistics.median([x for t in took[w] for x in t]) for w in ways}
        row = {
            "read": name,
            "statements": statements,
            "p50_ms_per_round": p50s,
            "p50_ms": {w: round(v, 2) for w, v in overall.items()},
            "ratio_to_client": {
                w: round(overall[w] / overall["client"], 3) for w in ways if "client" in overall
            },
            "app_cpu_p50_ms": {w: round(statistics.median(c[0] for c in cpu[w]), 2) for w in ways},
            "db_cpu_p50_ms": {w: round(statistics.median(c[1] for c in cpu[w]), 2) for w in ways},
            "load": os.getloadavg()[0],
        }
        rows.append(row)
        print(  # noqa: T201
            f"{name:17} st {statements}  "
            + "  ".join(f"{w} {'/'.join(f'{x:.1f}' for x in p50s[w])}" for w in ways)
            + f"  ratio {row['ratio_to_client']}  CPU app {row['app_cpu_p50_ms']}"
            f" db {row['db_cpu_p50_ms']}  load {row['load']:.1f}",
            flush=True,
        )
    _way("client", args.threshold)
    return rows


def main(argv: list[str] | None = None) -> int:
    return dataset.run_on_kept(parse(argv), measure, "prepared-postgres", units="p50 ms per round")


if __name__ == "__main__":
    raise SystemExit(main())
