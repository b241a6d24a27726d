"""``python -m bench.reports --db sqlite|postgres [--baseline DIR]``: see ``bench.reports``."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.incidents import dataset, scale, setup
from bench.reports import grow

# The indexes this tree has and the baseline (main) has not: the SLA clocks' covering index
# (``sla 0003``, decision 0103). Before each run they are dropped (baseline) or created
# (branch), so both read the same rows, each with its own indexes. (Decision 0103's incident
# indexes, ``incidents 0019``, are on main: both runs read them.)
BRANCH_ONLY = {"sla.SlaClock": ("sla_clock_outcome",)}
TARGET_MS = 200


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    dataset.set_options(parser, rows=200_000)
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--problems", type=int, default=5_000)
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout to compare with")
    parser.add_argument("--rounds", type=int, default=2, help="baseline/branch alternations")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per report per round")
    parser.add_argument("--who", default="admin,lead", help="the readers (usernames)")
    parser.add_argument("--reports", default="", help="comma-separated subset")
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def _indexes(*, branch: bool) -> list[str]:
    """This tree's report indexes (``branch``) or the baseline's; ``ANALYZE`` either way."""
    from django.apps import apps
    from django.db import connection

    done = []
    for label, names in BRANCH_ONLY.items():
        model = apps.get_model(label)
        ours = [i for i in model._meta.indexes if i.name in names]
        with connection.cursor() as cursor:
            existing = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
        with connection.schema_editor() as editor:
            for index in ours:
                if branch and index.name not in existing:
                    editor.add_index(model, index)
                    done.append(f"+{index.name}")
                elif not branch and index.name in existing:
                    editor.remove_index(model, index)
                    done.append(f"-{index.name}")
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, so a new index's pages are all-visible (index-only scans)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    connection.close()
    return done


def _worker(args: argparse.Namespace, code: Path | None, out: Path) -> dict:
    command = [
        sys.executable, "-m", "bench.reports.worker", "--db", args.db, "--rows", str(args.rows),
        "--data-dir", str(args.data_dir), "--pg-url", args.pg_url, "--repeats",
        str(args.repeats), "--who", args.who, "--reports", args.reports, "--out", str(out),
    ]  # fmt: skip
    if code is not None:
        command += ["--code", str(code)]
    subprocess.run(command, check=True)  # noqa: S603
    return json.loads(out.read_text())


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def summarise(runs: list[dict]) -> dict:
    """Per report: every run's times pooled, median and p95 (nearest rank)."""
    out: dict = {}
    for run in runs:
        for key, figure in run["reports"].items():
            pooled = out.setdefault(key, {"ms": [], "raw_ms": [], "statements": 0})
            pooled["ms"] += figure["ms"]
            pooled["raw_ms"] += figure["raw_ms"]
            pooled["statements"] = figure["statements"]
            pooled["raw_error"] = figure["raw_error"]
            pooled["plans"] = figure["plans"]
            pooled["result"] = figure["result"]
    for pooled in out.values():
        for kind in ("ms", "raw_ms"):
            values = pooled[kind]
            pooled[f"{kind}_median"] = round(statistics.median(values), 1) if values else None
            pooled[f"{kind}_p95"] = round(p95(values), 1) if values else None
    return out


def render(db: str, figures: dict) -> str:
    lines = [
        f"reports on {db}: median / p95 ms (raw driver median), target p95 <= {TARGET_MS} ms",
        f"{'reader/report':34} {'baseline':>24} {'branch':>24} {'ratio':>6} same",
    ]
    branch, base = figures["branch"], figures.get("baseline", {})
    for key, b in branch.items():
        a = base.get(key)

        def cell(f: dict | None) -> str:
            if not f:
                return "-"
            return f"{f['ms_median']:.0f}/{f['ms_p95']:.0f} ({f['raw_ms_median'] or 0:.0f})"

        ratio = f"{b['ms_median'] / a['ms_median']:.2f}" if a else "-"
        same = "-" if not a else ("yes" if a["result"] == b["result"] else "NO")
        if same == "NO" and key.endswith("/backlog"):
            same = "now"  # ages counted from the moment of each run: a boundary may move
        met = "" if b["ms_p95"] <= TARGET_MS else "  over target"
        lines.append(f"{key:34} {cell(a):>24} {cell(b):>24} {ratio:>6} {same}{met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.data_dir = args.data_dir.resolve()
    common = {"db": args.db, "rows": args.rows, "root": args.data_dir, "pg_url": args.pg_url}
    kept = dataset.Kept(settings=scale.FLOOR_SETTINGS, **common)
    with kept:
        if not kept.loaded:
            say(f"-- building {args.rows:,} incidents (bench.incidents.scale --build-only)")
            scale.build(kept, scale.parse(["--rows", str(args.rows), "--db", args.db]))
        setup.django_in_process(kept)
        data: dict = {"command": report.command_line().replace("-m bench", "-m bench.reports")}
        data |= {"db": args.db, "rows": args.rows, "config": vars(args)}
        data["machine"] = report.machine(kept) | {"load_avg_start": os.getloadavg()}
        data["grown"] = grow.grow(args.changes, args.problems)
        say(f"-- {args.rows:,} incidents; {data['grown']}")
        runs: dict[str, list] = {"baseline": [], "branch": []}
        rounds = []
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(args.rounds):
                order = (["baseline"] if args.baseline else []) + ["branch"]
                for variant in order:
                    changed = _indexes(branch=variant == "branch")
                    load = os.getloadavg()[0]
                    say(f"   round {n + 1}: {variant} {' '.join(changed)} (load {load:.1f})")
                    code = args.baseline if variant == "baseline" else None
                    out = Path(tmp) / f"{variant}-{n}.json"
                    runs[variant].append(_worker(args, code, out))
                    rounds.append({"round": n + 1, "variant": variant, "load_avg": load})
        data["rounds"] = rounds
        data["figures"] = {v: summarise(r) for v, r in runs.items() if r}
        data["index_bytes"] = _index_sizes()
        data["machine"]["load_avg_end"] = os.getloadavg()
    data["wall_seconds"] = round(time.monotonic() - began, 1)
    say(render(args.db, data["figures"]))
    say(f"index sizes: {data['index_bytes']}")
    path = report.write_json(data, f"reports-{args.db}-{args.rows}")
    say(f"results: {path}")
    return 0


def _index_sizes() -> dict:
    """The incident and SLA clock tables' and their indexes' sizes in bytes (``dbstat`` /
    ``pg_relation_size``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_index i "
                "ON i.indexrelid = c.oid WHERE i.indrelid IN ('incidents_incident'::regclass, "
                "'sla_slaclock'::regclass) UNION ALL SELECT 'incidents_incident', "
                "pg_relation_size('incidents_incident') UNION ALL SELECT 'sla_slaclock', "
                "pg_relation_size('sla_slaclock')"
            )
        else:
            try:
                cursor.execute(
                    "SELECT name, sum(pgsize) FROM dbstat WHERE name IN ('incidents_incident', "
                    "'sla_slaclock') OR name IN (SELECT name FROM sqlite_master WHERE "
                    "tbl_name IN ('incidents_incident', 'sla_slaclock') AND type = 'index') "
                    "GROUP BY name"
                )
            except Exception:  # noqa: BLE001 - SQLite built without dbstat
                return {}
        return dict(cursor.fetchall())


if __name__ == "__main__":
    raise SystemExit(main())
