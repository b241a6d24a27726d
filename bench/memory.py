"""``python -m bench.memory``: a web worker's memory before its first request and after many
reads of one incident over HTTP, for several checkouts and server options in one run.

Each variant is ``steward serve`` (2 workers, 4 threads, SQLite, a fresh database with one
incident) started from a checkout (``--before`` is e.g. /work/main: the code before a
change; the measured one is this checkout), optionally with extra gunicorn arguments
(``GUNICORN_CMD_ARGS``, e.g. ``--preload``). Per worker, from /proc: RSS and its peak
(VmRSS, VmHWM: what issue 13's target names), PSS (shared pages divided among the
processes sharing them) and USS (pages only this process has: what stopping it frees).
"""

from __future__ import annotations

import argparse
import http.client
import json
from pathlib import Path

from bench import report
from bench.load import http_factory, run
from bench.server import ROOT, Server, _vm_kb


def _rollup(pid: int) -> dict[str, int]:
    """Pss and Private (USS) in kB from /proc/<pid>/smaps_rollup."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if name in ("Pss", "Private_Clean", "Private_Dirty"):
                fields[name] = int(rest.split()[0])
    return {"pss_kb": fields["Pss"], "uss_kb": fields["Private_Clean"] + fields["Private_Dirty"]}


def _workers(server: Server) -> list[dict]:
    return [
        {"rss_kb": _vm_kb(pid, "VmRSS"), "hwm_kb": _vm_kb(pid, "VmHWM"), **_rollup(pid)}
        for pid in server.worker_pids()
    ]


class Checkout(Server):
    """``Server`` running another checkout's ``steward`` (and extra gunicorn arguments)."""

    def __init__(self, root: Path, gunicorn_args: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.root, self.gunicorn_args = root, gunicorn_args

    def env(self) -> dict[str, str]:
        env = super().env()
        env["PYTHONPATH"] = env["PYTHONPATH"].replace(str(ROOT), str(self.root), 1)
        if self.gunicorn_args:
            env["GUNICORN_CMD_ARGS"] = self.gunicorn_args
        return env


def measure(root: Path, gunicorn_args: str, reads: int, clients: int) -> dict:
    with Checkout(root, gunicorn_args, db="sqlite") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        body = {"title": "Printer on floor 3 jams", "impact": 2, "urgency": 2}
        conn.request("POST", "/api/v1/incidents", json.dumps(body), server.headers())
        number = json.loads(conn.getresponse().read())["number"]
        conn.close()
        started = _workers(server)
        read = http_factory(
            server.port, server.headers(), "GET", f"/api/v1/incidents/{number}", None, 200
        )
        result = run(read, clients=clients, warmup=0, duration=0, total=reads).as_dict()
        return {
            "root": str(root),
            "gunicorn_args": gunicorn_args,
            "reads": result["requests"],
            "errors": result["errors"],
            "rps": result["rps"],
            "started": started,
            "after": _workers(server),
            "master_rss_kb": _vm_kb(server.master_pid, "VmRSS"),
        }


def _mb(kb: int | None) -> str:
    return f"{(kb or 0) / 1024:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--before", type=Path, help="the checkout before the change")
    parser.add_argument("--reads", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    variants = [(ROOT, ""), (ROOT, "--preload")]
    if args.before:
        variants.insert(0, (args.before.resolve(), ""))
    load = report.load_average()
    rows = [measure(root, extra, args.reads, args.clients) for root, extra in variants]
    print(f"load average at start: {load}; now: {report.load_average()}")
    print("| checkout | options | reads | start RSS/PSS/USS MB | after RSS (peak)/PSS/USS |")
    print("|---|---|---:|---|---|")
    for row in rows:
        for before, after in zip(row["started"], row["after"], strict=False):
            print(
                f"| {row['root']} | {row['gunicorn_args'] or 'as shipped'} | {row['reads']:,} "
                f"| {_mb(before['rss_kb'])} / {_mb(before['pss_kb'])} / {_mb(before['uss_kb'])} "
                f"| {_mb(after['rss_kb'])} ({_mb(after['hwm_kb'])}) / {_mb(after['pss_kb'])}"
                f" / {_mb(after['uss_kb'])} |"
            )
    path = report.write_json(
        {"machine": report.machine(), "load": load, "variants": rows}, "memory"
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
