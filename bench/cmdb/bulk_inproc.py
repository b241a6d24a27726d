"""``python -m bench.cmdb.bulk_inproc``: the product's bulk path in process on a small estate.

Builds a fresh estate of ``--cis`` CIs (``bench.cmdb.estate_sql``, seconds at 20,000), then,
``--repeats`` times, each in a transaction rolled back afterwards:

* ``cis_import`` of ``--rows`` new CIs (the estate generator's rows, in calls of
  ``--batch``) and ``relationships_import`` of ``--rels`` links among them (the generator's
  edges, in one call), each timed on its own;
* the plain driver's insert of the same CI rows and relationship rows (values built
  beforehand, as ``bench.cmdb.loader``'s raw path builds them), the floor for the same run.

Prints medians (wall and this process's CPU) beside the plain driver, and with ``--profile``
a cProfile (own time) of one more import of each. Writes
``bench/results/cmdb-bulk-<db>-<rows>.json``. Run it from a ``git archive`` copy of another
revision (this file copied in) for a before figure in the same minutes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from itertools import islice

from bench import report
from bench.cmdb import estate_sql, graph, inproc, loader


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _rates(count: int, began: tuple[float, float]) -> dict:
    wall, cpu = time.perf_counter() - began[0], time.process_time() - began[1]
    return {"rows": count, "per_s": round(count / wall, 1), "per_cpu_s": round(count / cpu, 1)}


def product(rows: list[dict], edges: list[tuple], batch: int, profile: bool = False) -> dict:
    """``cis_import`` then ``relationships_import`` in one rolled-back transaction."""
    from django.db import transaction

    from steward.cmdb.models import ConfigurationItem
    from steward.cmdb.services.bulk import cis_import, relationships_import
    from steward.core.actor import Actor

    system, result = Actor.system("bench"), {}
    # CPU time, not wall: on a loaded machine the wall clock mostly measures the others
    made_profiler = lambda: cProfile.Profile(time.process_time)  # noqa: E731
    profilers = [made_profiler(), made_profiler()] if profile else [None, None]
    try:
        with transaction.atomic():
            began, made = _clock(), []
            if profilers[0]:
                profilers[0].enable()
            for k in range(0, len(rows), batch):
                made += [(ci.pk, ci.number) for ci in cis_import(system, rows[k : k + batch])]
            if profilers[0]:
                profilers[0].disable()
            result["cis"] = _rates(len(rows), began)
            # what the loader hands over: CIs the caller holds (id and number)
            held = [ConfigurationItem(id=pk, number=number) for pk, number in made]
            triples = [(held[s], held[t], kind) for s, t, kind in edges]
            began = _clock()
            if profilers[1]:
                profilers[1].enable()
            done = relationships_import(system, triples)
            if profilers[1]:
                profilers[1].disable()
            result["relationships"] = _rates(len(done), began)
            raise inproc.Rollback
    except inproc.Rollback:
        pass
    for name, profiler in zip(("cis", "relationships"), profilers, strict=True):
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            result[f"profile_{name}"] = out.getvalue()
    return result


def raw(rows: list[dict], edges: list[tuple]) -> dict:
    """The same CI and relationship rows with the plain driver (``executemany`` / ``COPY``),
    numbers and values prepared beforehand as ``loader._cis_raw`` prepares them."""
    import datetime as dt

    from django.db import connection, transaction

    from steward.cmdb.models import ConfigurationItem, RelationshipType
    from steward.cmdb.selectors import class_tree

    tree, fields = class_tree(), loader._ci_columns()  # noqa: SLF001 - the bench's own helper
    columns = [f.column for f in fields]
    types = dict(RelationshipType.objects.values_list("slug", "id"))
    now = dt.datetime.now(dt.UTC)
    values = []
    for i, row in enumerate(rows):
        item = ConfigurationItem(
            number=f"RAW{i:09d}",
            name=row["name"],
            ci_class_id=tree.by_slug[row["ci_class"]].id,
            attributes=row["attributes"],
            status=row["status"],
            created_at=now,
            updated_at=now,
        )
        prep = [f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields]
        values.append(tuple(prep))
    result: dict = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            began = _clock()
            if connection.vendor == "postgresql":
                loader._copy(cursor, "cmdb_configurationitem", columns, values)  # noqa: SLF001
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO cmdb_configurationitem ({', '.join(columns)})"  # noqa: S608
                    f" VALUES ({marks})",
                    values,
                )
            cursor.execute(  # the keys, as a caller relating the new CIs needs them
                "SELECT id FROM cmdb_configurationitem WHERE number LIKE %s ORDER BY number",
                ["RAW%"],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            result["cis"] = _rates(len(values), began)
            links = [(ids[s], ids[t], types[kind], now) for s, t, kind in edges]
            began = _clock()
            rel_columns = ["source_id", "target_id", "type_id", "created_at"]
            if connection.vendor == "postgresql":
                loader._copy(cursor, "cmdb_relationship", rel_columns, links)  # noqa: SLF001
            else:
                cursor.executemany(
                    "INSERT INTO cmdb_relationship (source_id, target_id, type_id, created_at)"
                    " VALUES (%s, %s, %s, %s)",
                    links,
                )
            result["relationships"] = _rates(len(links), began)
            raise inproc.Rollback
    except inproc.Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> int:
    parser = inproc.options(
        "python -m bench.cmdb.bulk_inproc", cis=20_000, cis_help="CIs in the estate"
    )
    parser.add_argument("--rows", type=int, default=20_000, help="CIs per cis_import run")
    parser.add_argument("--rels", type=int, default=20_000, help="relationships per run")
    parser.add_argument("--batch", type=int, default=10_000, help="rows per cis_import call")
    return inproc.run_on_fresh_server(
        parser, argv, lambda args, _server: run(args), "cmdb-bulk-{db}-{rows}"
    )


def run(args: argparse.Namespace) -> dict:
    data: dict = {"command": report.command_line(), "db": args.db, "cis": args.cis}
    data["load_average"] = report.load_average()
    print(f"== bulk path on {args.db}: estate {args.cis:,}, load {data['load_average']}")
    estate_sql.build(graph.plan(args.cis, 3.0), progress=lambda _t: None)
    plan = graph.plan(args.rows, 3.0, seed=11)
    rows = [dict(r, name=f"bulk-{r['name']}") for r in graph.rows(plan)]
    edges = list(islice(dict.fromkeys(graph.edges(plan)), args.rels))
    runs: dict[str, list[dict]] = {"product": [], "raw": []}
    for _ in range(args.repeats):
        runs["product"].append(product(rows, edges, args.batch))
        runs["raw"].append(raw(rows, edges))
    data["runs"], data["load_average_after"] = runs, report.load_average()
    for part in ("cis", "relationships"):
        for key in ("per_s", "per_cpu_s"):
            got = statistics.median(r[part][key] for r in runs["product"])
            floor = statistics.median(r[part][key] for r in runs["raw"])
            data.setdefault("summary", {})[f"{part}_{key}"] = {"product": got, "raw": floor}
            print(
                f"   {part:>13} {key:>9}: product {got:,.0f}  raw {floor:,.0f}"
                f"  ({got / floor:.2f}x raw)",
                flush=True,
            )
    if args.profile:
        profiled = product(rows, edges, args.batch, profile=True)
        for part in ("cis", "relationships"):
            print(f"-- profile, {part} (own time)\n{profiled[f'profile_{part}']}")
        data["profile"] = profiled
    print(f"   load after {data['load_average_after']}")
    return data


if __name__ == "__main__":
    raise SystemExit(main())
