"""``python -m bench.incidents.reads``: the 1,000,000-incident reads in process, beside their SQL.

On a kept set (``bench.incidents.scale --build-only``): each read of ``scale.READS`` (the
agent's queue over the API and the web page, one incident and its activity over the API,
the incident's web page) made with Django's test client, ``--runs`` timed requests after a
warm-up, and beside it the same request's statements (captured from the last request) run
on the same connection with the driver alone, as many times: *SQL p50* is what the database
needs, *request ÷ SQL* is Python's share. No server, no sockets, no client processes: on a
shared machine this is the figure least moved by the load. ``--profile NAME`` adds a
cProfile of that read's requests (the top functions by own and cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

from bench.incidents import dataset, scale, setup


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.reads")
    dataset.set_options(parser)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per read")
    dataset.read_options(parser)
    parser.add_argument("--profile", default="", help="a read to profile with cProfile")
    parser.add_argument("--label", default="", help="a labelled set (empty: the demo twin)")
    return parser.parse_args(argv)


def _pct(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _request(client, method: str, path: str, extra: dict, expect: int):  # noqa: ANN001, ANN202
    response = client.generic(method, path, **extra)
    if response.status_code != expect:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return response


def _sql_ms(statements: list[str]) -> float:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)  # no parameters: the driver does no % substitution
            cursor.fetchall()
    return (time.perf_counter() - began) * 1000


def measure(kept: dataset.Kept, args: argparse.Namespace) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    number = args.number or scale.number_to_open(kept.loaded["grow"]["templates"])
    agent = {"HTTP_AUTHORIZATION": f"Bearer {kept.agent_token}"}
    web = {"HTTP_COOKIE": setup.session_cookie(setup.AGENT)}
    chosen = [s for s in args.scenarios.split(",") if s] or list(scale.READS)
    rows = []
    for name in chosen:
        method, path, who, expect, target = scale.READS[name]
        path = path.format(number=number)
        extra = web if who == "web" else agent
        client = Client(HTTP_HOST="127.0.0.1")
        for _ in range(3):  # caches as warm as a worker's
            _request(client, method, path, extra, expect)
        with CaptureQueriesContext(connection) as ctx:
            _request(client, method, path, extra, expect)
        statements = [q["sql"] for q in ctx.captured_queries]
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        took, sql = [], []
        for _ in range(args.runs):  # interleaved: the load falls on both alike
            began = time.perf_counter()
            _request(client, method, path, extra, expect)
            took.append((time.perf_counter() - began) * 1000)
            sql.append(_sql_ms(reads))
        row = {
            "read": name,
            "path": path,
            "statements": len(statements),
            "request_p50_ms": round(statistics.median(took), 2),
            "request_p95_ms": round(_pct(took, 0.95), 2),
            "sql_p50_ms": round(statistics.median(sql), 2),
            "sql_p95_ms": round(_pct(sql, 0.95), 2),
            "target_p95_ms": target,
        }
        row["request_over_sql"] = round(row["request_p50_ms"] / max(row["sql_p50_ms"], 0.01), 1)
        rows.append(row)
        print(  # noqa: T201
            f"{name:13} {row['statements']:3} st  request p50 {row['request_p50_ms']:8.2f} "
            f"p95 {row['request_p95_ms']:8.2f} ms   SQL p50 {row['sql_p50_ms']:7.2f} "
            f"p95 {row['sql_p95_ms']:7.2f} ms   ÷ {row['request_over_sql']}",
            flush=True,
        )
        if name == args.profile:
            row["profile"] = _profile(client, method, path, extra, expect, args.runs)
            print(row["profile"])  # noqa: T201
    return rows


def _profile(client, method: str, path: str, extra: dict, expect: int, runs: int) -> str:  # noqa: ANN001, PLR0913
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        _request(client, method, path, extra, expect)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    return dataset.run_on_kept(args, measure, f"reads-{args.db}", omit="profile")


if __name__ == "__main__":
    raise SystemExit(main())
