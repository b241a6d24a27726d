"""Upward impact analysis: the start nodes, the same walk as an in-memory breadth-first
search over the graph loaded from the database, the check that both agree, the recursive
query alone with the plain driver, and a profile of the selector."""

from __future__ import annotations

import http.client
import json
import random
import time
from collections import deque

from bench.cmdb import graph
from bench.load import Op, OpFactory, percentile

DEPTH = 6
START_ROLES = ["db", "appsrv", "vm", "host", "sto", "net"]  # what fails: infrastructure


def start_nodes(estate: graph.Estate, numbers: list[str], count: int, seed: int = 3) -> list[str]:
    """``count`` CIs picked at random from the infrastructure layers (fixed seed)."""
    rng = random.Random(seed)
    pool = [i for role in START_ROLES for i in estate.roles[role]]
    return [numbers[i] for i in rng.sample(pool, min(count, len(pool)))]


def impact_path(number: str) -> str:
    return f"/api/v1/cis/{number}/impact?direction=up&depth={DEPTH}"


class Graph:
    """Who needs whom, loaded from the database: ``up[x]`` are the CIs that depend on ``x``
    (``part_of`` counts from the whole to the part, as the product reads it)."""

    def __init__(self) -> None:
        from django.db import connection

        from steward.cmdb.models import RelationshipType

        began = time.perf_counter()
        forward = dict(RelationshipType.objects.values_list("id", "source_depends_on_target"))
        self.up: dict[int, list[int]] = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT number, id FROM cmdb_configurationitem")
            self.ids: dict[str, int] = dict(cursor.fetchall())
            cursor.execute("SELECT source_id, target_id, type_id FROM cmdb_relationship")
            up = self.up
            while rows := cursor.fetchmany(100_000):
                for source, target, kind in rows:
                    needs, needed = (source, target) if forward[kind] else (target, source)
                    up.setdefault(needed, []).append(needs)
        self.numbers = {pk: number for number, pk in self.ids.items()}
        self.load_seconds = round(time.perf_counter() - began, 2)

    def bfs(self, number: str, depth: int = DEPTH) -> dict[str, int]:
        """CI number → shortest depth, start excluded: what the impact endpoint answers."""
        start = self.ids[number]
        seen, queue, up = {start: 0}, deque([start]), self.up
        while queue:
            node = queue.popleft()
            level = seen[node]
            if level == depth:
                continue
            for nxt in up.get(node, ()):
                if nxt not in seen:
                    seen[nxt] = level + 1
                    queue.append(nxt)
        del seen[start]
        return {self.numbers[pk]: level for pk, level in seen.items()}


def bfs_timings(walks: Graph, starts: list[str], repeat: int = 3) -> dict:
    """Latency of the in-memory walk per start (best of ``repeat``), as the HTTP figures."""
    times = []
    for number in starts:
        best = min(_timed(walks.bfs, number) for _ in range(repeat))
        times.append(best * 1000)
    times.sort()
    return {
        "requests": len(times),
        "errors": 0,
        "rps": round(1000 / (sum(times) / len(times)), 1) if times else 0.0,
        "p50_ms": round(percentile(times, 0.5), 3),
        "p95_ms": round(percentile(times, 0.95), 3),
        "p99_ms": round(percentile(times, 0.99), 3),
        "max_ms": round(times[-1], 3) if times else None,
    }


def _timed(fn, *args) -> float:  # noqa: ANN001
    began = time.perf_counter()
    fn(*args)
    return time.perf_counter() - began


class Mismatch(AssertionError):
    """The endpoint and the in-memory walk disagree: the benchmark's figures mean nothing."""


def verify(port: int, headers: dict[str, str], walks: Graph, starts: list[str]) -> dict:
    """Each start's impact over HTTP against the BFS. The answer is a page (the endpoint's
    default ``limit``): the nearest CIs of the BFS, each at its BFS depth, every CI nearer
    than the page's farthest one in it, and ``truncated`` exactly when the BFS has more."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sizes, truncated, problems = [], 0, []
    for number in starts:
        conn.request("GET", impact_path(number), headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise Mismatch(f"{number}: HTTP {response.status}: {body[:300]!r}")
        answer = json.loads(body)
        got = {item["number"]: item["depth"] for item in answer["items"]}
        expected = walks.bfs(number)
        sizes.append(len(got))
        truncated += answer["truncated"]
        farthest = max(got.values(), default=0)
        wrong = {k: v for k, v in got.items() if expected.get(k) != v}
        missing = sorted(k for k, v in expected.items() if v < farthest and k not in got)
        size_ok = len(got) == min(answer["limit"], len(expected))
        more_ok = answer["truncated"] == (len(expected) > answer["limit"])
        if wrong or missing or not size_ok or not more_ok:
            problems.append(
                f"{number}: HTTP {len(got)} CIs (truncated {answer['truncated']}), BFS"
                f" {len(expected)}; other depth {sorted(wrong)[:5]}, nearer ones missing"
                f" {missing[:5]}"
            )
    conn.close()
    if problems:
        raise Mismatch("impact over HTTP differs from the in-memory BFS:\n" + "\n".join(problems))
    sizes.sort()
    return {
        "starts": len(starts),
        "all_equal": True,
        "truncated": truncated,
        "nodes_min": sizes[0],
        "nodes_median": sizes[len(sizes) // 2],
        "nodes_p95": round(percentile(sizes, 0.95)),
        "nodes_max": sizes[-1],
        "nodes_mean": round(sum(sizes) / len(sizes), 1),
    }


def http_paths_factory(port: int, headers: dict[str, str], paths: list[str]) -> OpFactory:
    """GETs cycling through ``paths`` (each client starts at its own offset)."""

    def factory(index: int) -> Op:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        offset = index * len(paths) // 7

        def op(seq: int) -> str | None:
            path = paths[(offset + seq) % len(paths)]
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                return f"{type(exc).__name__}: {exc}"
            if response.status != 200:
                return f"HTTP {response.status}: {content[:200]!r}"
            return None

        return op

    return factory


def query(direction: str, start_id: int) -> tuple[str, list]:
    """The selector's own recursive query and parameters for an administrator's walk and
    the endpoint's default page (its first bound on the walk: three rows per CI)."""
    from steward.cmdb.choices import IMPACT_PAGE
    from steward.cmdb.selectors import impact_query, relationship_directions

    types = relationship_directions()
    rows = (IMPACT_PAGE + 1) * 3
    return impact_query(
        direction, start_id=start_id, depth=DEPTH, types=types, rows=rows, nodes=True
    )


def sql_factory(server, ids: list[int]) -> OpFactory:  # noqa: ANN001 - bench.server.Server
    """The selector's recursive query alone (admin: no visibility filter), plain driver."""
    sql, params = query("up", ids[0])

    def factory(index: int) -> Op:
        if server.db == "postgres":
            import psycopg

            conn = psycopg.connect(server.database_url, autocommit=True)
            statement = sql
        else:
            import sqlite3

            conn = sqlite3.connect(server.sqlite_path, isolation_level=None, timeout=20)
            statement = sql.replace("%s", "?")
        offset = index * len(ids) // 7

        def op(seq: int) -> str | None:
            try:
                start = ids[(offset + seq) % len(ids)]
                conn.execute(statement, [start, *params[1:]]).fetchall()
            except Exception as exc:  # noqa: BLE001 - reported as the op's error
                return f"{type(exc).__name__}: {exc}"
            return None

        return op

    return factory


def profile(paths: list[str], headers: dict[str, str], top: int = 20) -> dict:
    """cProfile of the same requests made in-process (Django's test client: middleware,
    auth, selector, serialisation; no socket): the functions with the most own time, with
    their cumulative time, and the milliseconds per request."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    client.get(paths[0], **extra)  # warm: imports, content types
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for path in paths:
        client.get(path, **extra)
    profiler.disable()
    per_request = (time.perf_counter() - began) / len(paths)
    stats = pstats.Stats(profiler).stats
    # by own time: where the time is spent, not the call chain every request shares
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    functions = [
        (
            f"{func[2]} ({'/'.join(func[0].rsplit('/', 2)[-2:])}:{func[1]})",
            round(row[2], 4),
            round(row[3], 4),
        )
        for func, row in rows
    ]
    return {
        "requests": len(paths),
        "ms_per_request": round(per_request * 1000, 2),
        "top": functions,
    }
