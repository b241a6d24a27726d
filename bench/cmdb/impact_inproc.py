"""``python -m bench.cmdb.impact_inproc --var-dir DIR``: impact in process on a kept estate.

Times ``selectors.impact`` (up, depth 6) for ``--starts`` CIs drawn from the infrastructure
layers (the upper 55% of ids: `bench/cmdb/graph.py` numbers the layers from services down),
beside its recursive SQL alone (the endpoint's default page: ``bench.cmdb.impact.query``)
replayed with the plain ``sqlite3`` driver, sample by sample.
``DIR`` is a ``STEWARD_VAR_DIR`` holding a ``bench.cmdb`` estate (SQLite), e.g. one a run is
still holding: the numbers of docs/benchmarks-cmdb.md at 1,000,000 CIs came from it.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cmdb.impact_inproc")
    parser.add_argument("--var-dir", required=True)
    parser.add_argument("--starts", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ["STEWARD_VAR_DIR"] = args.var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.changes.inproc import summary
    from bench.cmdb.impact import query
    from steward.cmdb import selectors
    from steward.cmdb.choices import IMPACT_PAGE
    from steward.cmdb.models import ConfigurationItem
    from steward.core.actor import Actor

    actor, rng = Actor.system("bench"), random.Random(3)
    top = ConfigurationItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(int(top * 0.45), top) for _ in range(args.starts)]
    numbers = dict(ConfigurationItem.objects.filter(id__in=ids).values_list("id", "number"))
    plain = sqlite3.connect(str(connection.settings_dict["NAME"]))
    steward, raw, nodes = [], [], []
    for pk in ids:
        if pk not in numbers:
            continue
        began = time.perf_counter()
        found = selectors.impact(
            actor, number=numbers[pk], direction="up", depth=6, limit=IMPACT_PAGE
        )
        steward.append((time.perf_counter() - began) * 1000)
        nodes.append(len(found.nodes))
        sql, params = query("up", pk)
        began = time.perf_counter()
        plain.execute(sql.replace("%s", "?"), params).fetchall()
        raw.append((time.perf_counter() - began) * 1000)
    ordered = sorted(nodes)
    print(f"starts {len(nodes)}; nodes p50 {ordered[len(ordered) // 2]}, max {ordered[-1]}")
    print(f"impact in process {summary(steward)}")
    print(f"recursive SQL     {summary(raw)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
