"""CPU per month page, two checkouts alternating on one kept database (decision 0073).

    python -m bench.changes.page_cpu build DIR [--db postgres --pg-url URL]
    python -m bench.changes.page_cpu compare DIR --before ROOT [--after ROOT] [--rounds 6]
        [--calls 20] [--path URL]

``build`` loads the calendar's estate (20,000 CIs, 20,000 changes, 5,000 of them in the month
two months ahead, freezes: ``bench/changes/loader.py``) into a database kept in ``DIR``.
``compare`` runs the month page in process (Django's test client, signed in as the admin) in
a child process per checkout and round, before and after alternating, and gives the CPU
(``time.process_time``) and wall time per page, p50 and p95 over every call of each side.
CPU time barely moves with other work on the machine, so the two sides compare fairly on a
shared machine; wall time does not. Each child warms up with three pages first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent.parent


def build(directory: Path, db: str, pg_url: str) -> None:
    from bench.changes import loader
    from bench.changes.__main__ import BareServer
    from bench.incidents import setup

    server = BareServer(db=db, workers=1, pg_url=pg_url)
    server.__enter__()
    setup.django_in_process(server)
    loaded = loader.load(
        db, cis=20_000, changes=20_000, month=5_000, rng=random.Random(7), progress=print
    )
    setup.close_connections()
    directory.mkdir(parents=True, exist_ok=True)
    for item in server.var_dir.iterdir():
        item.rename(directory / item.name)
    server.var_dir.rmdir()
    day = (loaded.month_start.date().replace(day=15)).isoformat()
    facts = {"database_url": server.database_url, "path": f"/changes/calendar/?date={day}"}
    (directory / "page_cpu.json").write_text(json.dumps(facts))
    print(json.dumps(facts))


def child(directory: Path, path: str, calls: int) -> None:
    """In the checkout on ``PYTHONPATH``: ``calls`` pages, their CPU and wall ms as JSON."""
    facts = json.loads((directory / "page_cpu.json").read_text())
    os.environ.update(
        STEWARD_VAR_DIR=str(directory),
        STEWARD_DATABASE_URL=facts["database_url"],
        STEWARD_REDIS_URL="",
        STEWARD_DEBUG="false",
        STEWARD_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="steward.settings",
    )
    import django

    django.setup()
    from django.test import Client

    from steward.core.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="admin"))
    for _ in range(3):
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path} did not answer 200")
    cpu, wall = [], []
    for _ in range(calls):
        began_cpu, began = time.process_time(), time.perf_counter()
        client.get(path)
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    print(json.dumps({"cpu": cpu, "wall": wall}))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    at = (len(ordered) - 1) * share
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def compare(args: argparse.Namespace) -> None:
    facts = json.loads((args.dir / "page_cpu.json").read_text())
    path = args.path or facts["path"]
    sides = {"before": args.before.resolve(), "after": (args.after or ROOT).resolve()}
    found: dict[str, dict[str, list[float]]] = {s: {"cpu": [], "wall": []} for s in sides}
    for round_ in range(args.rounds):
        for side, root in sides.items():
            env = {**os.environ, "PYTHONPATH": str(root)}
            command = [sys.executable, str(HERE), "child", str(args.dir), path, str(args.calls)]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            times = json.loads(done.stdout.strip().splitlines()[-1])
            for key in ("cpu", "wall"):
                found[side][key] += times[key]
            median = statistics.median(times["cpu"])
            print(f"round {round_ + 1} {side:6s} CPU p50 {median:6.2f} ms", flush=True)
    load = os.getloadavg()
    print(f"{path}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for side, times in found.items():
        cpu, wall = times["cpu"], times["wall"]
        print(
            f"{side:6s} {sides[side]}: {len(cpu)} pages, CPU p50 {_percentile(cpu, 0.5):.2f}"
            f" p95 {_percentile(cpu, 0.95):.2f} ms; wall p50 {_percentile(wall, 0.5):.2f}"
            f" p95 {_percentile(wall, 0.95):.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.changes.page_cpu", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("build")
    made.add_argument("dir", type=Path)
    made.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    made.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    compared = commands.add_parser("compare")
    compared.add_argument("dir", type=Path)
    compared.add_argument("--before", type=Path, required=True, help="a checkout of main")
    compared.add_argument("--after", type=Path, help="a checkout (default: this one)")
    compared.add_argument("--rounds", type=int, default=6)
    compared.add_argument("--calls", type=int, default=20, help="pages per child")
    compared.add_argument("--path", default="", help="the page (default: the built month)")
    run = commands.add_parser("child")
    run.add_argument("dir", type=Path)
    run.add_argument("path")
    run.add_argument("calls", type=int)
    args = parser.parse_args()
    if args.command == "build":
        build(args.dir, args.db, args.pg_url)
    elif args.command == "compare":
        compare(args)
    else:
        child(args.dir, args.path, args.calls)


if __name__ == "__main__":
    main()
