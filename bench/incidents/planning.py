"""``python -m bench.incidents.planning``: PostgreSQL's planning against execution, per read.

For each read of ``scale.READS`` on a kept PostgreSQL set, the request's ``SELECT``
statements are captured with their parameters (Django's ``execute_wrapper``) and each is
explained ``--runs`` times with ``EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON)`` in four ways:

- *custom*: the values in the statement, planned anew every time (what Django does with
  client-side binding, its default);
- *generic*: ``PREPARE``d with ``$n`` parameters and run with ``plan_cache_mode =
  force_generic_plan``: the plan is made once, for any value (what a prepared statement
  gets once PostgreSQL settles on its generic plan; decision 0044);
- *auto*: the same prepared statement under the server's own ``plan_cache_mode`` (``auto``:
  five custom plans, then the generic one when it costs no more);
- *collapse 1*: custom, with ``join_collapse_limit`` and ``from_collapse_limit`` at 1 (the
  joins kept in the order the statement writes them).

Printed per statement: the median planning and execution ms of each way, and whether the
generic plan's shape differs from the custom one's (its execution is the figure to watch
for skewed values, e.g. a team's queue).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics

from bench.incidents import dataset, scale, setup


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.planning")
    dataset.set_options(parser, db=False)
    parser.add_argument("--runs", type=int, default=7, help="EXPLAINs per statement and way")
    dataset.read_options(parser)
    parser.add_argument("--min-plan-ms", type=float, default=0.0, help="print statements above")
    return parser.parse_args(argv)


def _capture(client, method: str, path: str, extra: dict) -> list[tuple[str, tuple]]:  # noqa: ANN001
    from django.db import connection

    seen: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):  # noqa: ANN001, ANN202, PLR0913
        if not many and sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.generic(method, path, **extra)
    if response.status_code >= 400:  # noqa: PLR2004
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return seen


def _dollars(sql: str) -> str:
    """Django's ``%s`` placeholders as PostgreSQL's ``$1 … $n`` (``%%`` is a literal %)."""
    count = 0

    def number(match: re.Match) -> str:
        nonlocal count
        if match.group(0) == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", number, sql)


def _explain(cursor, sql: str, params: tuple) -> tuple[float, float, str]:  # noqa: ANN001
    cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {sql}", params)
    found = cursor.fetchone()[0]
    plan = found if isinstance(found, list) else json.loads(found)
    top = plan[0]
    return top.get("Planning Time", 0.0), top["Execution Time"], _shape(top["Plan"])


def _shape(node: dict) -> str:
    inner = ",".join(_shape(child) for child in node.get("Plans", []))
    name = node["Node Type"] + (f"[{node['Index Name']}]" if "Index Name" in node else "")
    return f"{name}({inner})" if inner else name


def _ways(cursor, sql: str, params: tuple, runs: int, mode: str) -> dict:  # noqa: ANN001
    out: dict[str, dict] = {}
    literal = cursor.mogrify(sql, params) if params else sql.replace("%%", "%")
    out["custom"] = [_explain(cursor, literal, ()) for _ in range(runs)]
    cursor.execute("SET join_collapse_limit = 1; SET from_collapse_limit = 1")
    out["collapse 1"] = [_explain(cursor, literal, ()) for _ in range(runs)]
    cursor.execute("RESET join_collapse_limit; RESET from_collapse_limit")
    args = ", ".join(cursor.mogrify("%s", (p,)) for p in params)
    execute = f"EXECUTE bench_p({args})" if params else "EXECUTE bench_p"
    for way, cache_mode in (("generic", "force_generic_plan"), ("auto", mode)):
        cursor.execute(f"SET plan_cache_mode = {cache_mode}")
        cursor.execute(f"PREPARE bench_p AS {_dollars(sql)}")
        # five runs first: under ``auto`` PostgreSQL makes custom plans five times before it
        # weighs the generic one; the figures are the runs after them
        out[way] = [_explain(cursor, execute, ()) for _ in range(runs + 5)][5:]
        cursor.execute("DEALLOCATE bench_p")
        cursor.execute("RESET plan_cache_mode")
    summary = {}
    for way, taken in out.items():
        if not taken:
            continue
        summary[way] = {
            "plan_ms": round(statistics.median(t[0] for t in taken), 3),
            "exec_ms": round(statistics.median(t[1] for t in taken), 3),
            "shape": taken[-1][2],
        }
    return summary


def measure(kept: dataset.Kept, args: argparse.Namespace) -> list[dict]:
    import psycopg
    from django.test import Client

    number = args.number or scale.number_to_open(kept.loaded["grow"]["templates"])
    agent = {"HTTP_AUTHORIZATION": f"Bearer {kept.agent_token}"}
    web = {"HTTP_COOKIE": setup.session_cookie(setup.AGENT)}
    chosen = [s for s in args.scenarios.split(",") if s] or list(scale.READS)
    conn = psycopg.connect(kept.database_url, autocommit=True, cursor_factory=psycopg.ClientCursor)
    with conn.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]
    rows = []
    for name in chosen:
        method, path, who, _expect, _target = scale.READS[name]
        path = path.format(number=number)
        client = Client(HTTP_HOST="127.0.0.1")
        extra = web if who == "web" else agent
        for _ in range(2):
            client.generic(method, path, **extra)
        statements = _capture(client, method, path, extra)
        for index, (sql, params) in enumerate(statements):
            with conn.cursor() as cursor:
                ways = _ways(cursor, sql, params, args.runs, mode)
            row = {"read": name, "statement": index, "tables": sql.count(" JOIN ") + 1,
                   "sql": sql[:160], "ways": ways}  # fmt: skip
            rows.append(row)
            if ways["custom"]["plan_ms"] < args.min_plan_ms:
                continue
            same = "same" if ways["generic"]["shape"] == ways["custom"]["shape"] else "DIFFERS"
            print(  # noqa: T201
                f"{name:16} #{index:<2} {row['tables']:2} tables  "
                + "  ".join(
                    f"{way} {w['plan_ms']:.2f}/{w['exec_ms']:.2f}" for way, w in ways.items()
                )
                + f"  generic plan {same}",
                flush=True,
            )
    conn.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    return dataset.run_on_kept(
        parse(argv), measure, "planning-postgres", units="plan ms / execution ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
