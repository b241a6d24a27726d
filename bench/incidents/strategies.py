"""``python -m bench.incidents.strategies``: a common word's first page, two strategies.

In process, on a kept set (``bench.incidents.scale --build-only`` or ``data``): the first
page of ``incident_list(actor, q=word, **filters)`` for common words, as the agent ``lead``
with and without filters that keep a small share (decision 0031). ``before`` is decision
0030's walk (the index drives, batches grow fourfold: ``_small_set`` and ``_next_batch``
put back as they were); ``after`` is the code as it is. The two are interleaved run by run,
so the load of a shared machine falls on both alike; the pages are compared (``same``).
``walk`` is the time inside ``_newest_keys`` alone (the part that differs).

``--index``: the code as it is, the six filtered cases without and with the team's
``(team, is_open, id)`` index (``inc_team_open_id``: measured for a migration, not added),
dropped and made again (with its statistics) between rounds of ``--runs`` pages:
``before`` is without.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time

from bench import report
from bench.incidents import dataset

WORDS = ("vpn", "error", "vpn error")
FILTERS = {
    "agent scope": {},
    "my teams, open": {"queue": "my_teams"},
    "status new or in progress": {"status": ["new", "in_progress"]},
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.strategies")
    dataset.set_options(parser, rows=200_000)
    parser.add_argument("--runs", type=int, default=15, help="timed pages per strategy")
    parser.add_argument("--index", action="store_true", help="without / with inc_team_open_id")
    parser.add_argument("--rounds", type=int, default=3, help="--index: rounds of each state")
    return parser.parse_args(argv)


INDEX = "inc_team_open_id"


def _set_index(made: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        if made:
            cursor.execute(f"CREATE INDEX {INDEX} ON incidents_incident (team_id, is_open, id)")
            cursor.execute("ANALYZE incidents_incident")


def measure_index(runs: int, rounds: int) -> list[dict]:
    """The filtered cases without (``before``) and with (``after``) the index, in rounds."""
    from django.db import connection

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.selectors import incident_list, search_walk

    actor = Actor(user=User.objects.get(username="lead"), channel="api")
    cases = [(w, label) for w in WORDS for label in FILTERS if FILTERS[label]]
    took = {(c, s): [] for c in cases for s in ("before", "after")}
    small = {(c, s): [] for c in cases for s in ("before", "after")}
    read_small, inside = search_walk._small_set, []

    def timed_small(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the read the index serves
        began = time.perf_counter()
        try:
            return read_small(*args, **kwargs)
        finally:
            inside.append((time.perf_counter() - began) * 1000)

    search_walk._small_set = timed_small
    pages, statements, plans = {}, {}, {}
    for _ in range(rounds):
        for state in ("before", "after"):
            _set_index(made=state == "after")
            for word, label in cases:
                for run in range(runs + 1):
                    ran: list = []
                    inside.clear()
                    with connection.execute_wrapper(functools.partial(_count, ran)):
                        began = time.perf_counter()
                        page = incident_list(actor, q=word, **FILTERS[label]).items
                        ms = (time.perf_counter() - began) * 1000
                    if run:  # the first is a warm-up
                        took[(word, label), state].append(ms)
                        small[(word, label), state].append(sum(inside))
                pages[(word, label), state] = [i.number for i in page]
                statements[(word, label), state] = len(ran)
                plans[(word, label), state] = _plans(ran)
    _set_index(made=True)
    search_walk._small_set = read_small
    rows = []
    for word, label in cases:
        row = {"word": word, "filters": label}
        row["same"] = pages[(word, label), "before"] == pages[(word, label), "after"]
        for state in ("before", "after"):
            times = sorted(took[(word, label), state])
            row[state] = {
                "best_ms": round(times[0], 1),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
                "statements": statements[(word, label), state],
                "page_rows": len(pages[(word, label), state]),
                "uses_index": plans[(word, label), state],
                "small_set_p50_ms": round(statistics.median(small[(word, label), state]), 2),
            }
        rows.append(row)
        print(  # noqa: T201
            f"{word!r:12} {label:28} small set p50 {row['before']['small_set_p50_ms']:6.2f} / "
            f"{row['after']['small_set_p50_ms']:6.2f} ms; "
            f"without p50 {row['before']['p50_ms']:7.1f} ms "
            f"({row['before']['statements']} st) with p50 {row['after']['p50_ms']:7.1f} ms "
            f"({row['after']['statements']} st, index in plan: {row['after']['uses_index']}) "
            f"rows {row['after']['page_rows']} same={row['same']}",
            flush=True,
        )
    return rows


def _count(ran, execute, sql, params, many, context):  # noqa: ANN001, ANN202, PLR0913
    ran.append((sql, params))
    return execute(sql, params, many, context)


def _plans(ran: list) -> bool:
    """Whether any statement's plan names the index."""
    from django.db import connection

    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for sql, params in ran:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(explain + sql, params)
                if INDEX in str(cursor.fetchall()):
                    return True
    return False


def _before(search_walk) -> dict:  # noqa: ANN001 - the module
    """Decision 0030's walk: no small set, fourfold batches (what the patch replaces)."""
    return {
        "_small_set": lambda qs, below: None,
        "_next_batch": lambda batch, **_: min(batch * 4, search_walk.NEWEST_BATCH),
    }


def measure(runs: int) -> list[dict]:
    from django.db import connection

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.incidents.selectors import incident_list, search_walk

    actor = Actor(user=User.objects.get(username="lead"), channel="api")
    after = {name: getattr(search_walk, name) for name in ("_small_set", "_next_batch")}
    before = _before(search_walk)

    walk = search_walk._newest_keys
    inside: list[float] = []

    def timed_walk(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        began = time.perf_counter()
        try:
            return walk(*args, **kwargs)
        finally:
            inside.append(time.perf_counter() - began)

    search_walk._newest_keys = timed_walk

    def page(strategy: dict, word: str, filters: dict) -> tuple[float, list[str], int]:
        for name, fn in strategy.items():
            setattr(search_walk, name, fn)
        ran = []

        def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202, PLR0913
            ran.append(sql)
            return execute(sql, params, many, context)

        inside.clear()
        with connection.execute_wrapper(count):
            began = time.perf_counter()
            numbers = [i.number for i in incident_list(actor, q=word, **filters).items]
            took = time.perf_counter() - began
        walks.append(sum(inside) * 1000)
        return took * 1000, numbers, len(ran)

    rows, walks = [], []
    for word in WORDS:
        for label, filters in FILTERS.items():
            took: dict[str, list[float]] = {"before": [], "after": []}
            walked: dict[str, list[float]] = {"before": [], "after": []}
            pages, statements = {}, {}
            for run in range(runs + 1):
                for name, strategy in (("before", before), ("after", after)):
                    ms, pages[name], statements[name] = page(strategy, word, filters)
                    if run:  # the first of each is a warm-up
                        took[name].append(ms)
                        walked[name].append(walks[-1])
            row = {"word": word, "filters": label, "same": pages["before"] == pages["after"]}
            for name, times in took.items():
                times.sort()
                row[name] = {
                    "best_ms": round(times[0], 1),
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
                    "walk_p50_ms": round(statistics.median(walked[name]), 2),
                    "statements": statements[name],
                    "page_rows": len(pages[name]),
                }
            rows.append(row)
            print(  # noqa: T201
                f"{word!r:12} {label:28} walk p50 {row['before']['walk_p50_ms']:6.1f} / "
                f"{row['after']['walk_p50_ms']:6.1f} ms; "
                f"page before p50 {row['before']['p50_ms']:7.1f} ms "
                f"({row['before']['statements']} st) after p50 {row['after']['p50_ms']:7.1f} ms "
                f"({row['after']['statements']} st) rows {row['after']['page_rows']} "
                f"same={row['same']}",
                flush=True,
            )
    for name, fn in after.items():
        setattr(search_walk, name, fn)
    search_walk._newest_keys = walk
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    kept = dataset.Kept(db=args.db, rows=args.rows, root=args.data_dir, pg_url=args.pg_url)
    if not kept.loaded:
        print(f"no kept set at {kept.var_dir}: build it with bench.incidents.scale")  # noqa: T201
        return 1
    os.environ.update(kept.env())
    import django

    django.setup()
    print(f"load average at start: {os.getloadavg()}", flush=True)  # noqa: T201
    rows = measure_index(args.runs, args.rounds) if args.index else measure(args.runs)
    print(f"load average at end: {os.getloadavg()}", flush=True)  # noqa: T201
    name = f"strategies{'-index' if args.index else ''}-{args.db}"
    saved = report.write_json({"rows": rows, "load": report.load_average()}, name)
    print(f"saved {saved}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
