"""``python -m bench.incidents.memprobe``: what a worker's resident memory is made of at
1,000,000 incidents, and which read raises its peak (issue 13: a worker <= 120 MB).

On the kept set of ``bench.incidents.scale`` (``--data-dir``, ``--pg-url`` as there), per
variant (a checkout, ``--root``, and environment, ``--env``) and per read: a fresh
``steward serve`` with one worker (every request lands in it), ``--requests`` reads of the
scenario from ``--clients`` clients, then the worker's VmRSS and VmHWM and their split
(RssAnon: the heaps, Python's and SQLite's caches; RssFile: code and mapped files; RssShmem:
SQLite's WAL index) from /proc/<pid>/status. ``--sequence`` runs every read in turn in one
server (the scale bench's order) and reads the worker after each; ``--mix-reads`` then
reads the scenarios in turn (``--mix``: the scale bench's memory phase reads ``detail_api``),
``--mix-chunk`` requests each, until that many more reads (the target's "after 100,000
reads"). Variants interleave.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from bench import report
from bench.incidents import dataset, scale, setup
from bench.load import http_factory, run
from bench.server import ROOT

FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "Threads")


def status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as lines:
        for line in lines:
            name, _, rest = line.partition(":")
            if name in FIELDS:
                out[name] = int(rest.split()[0])
    return out


class Probe(dataset.Kept):
    """The kept set served by another checkout with extra environment, one worker."""

    def __init__(self, checkout: Path, extra: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.checkout, self.extra, self.workers = checkout, extra, 1

    def env(self) -> dict[str, str]:
        env = super().env()
        env["PYTHONPATH"] = env["PYTHONPATH"].replace(str(ROOT), str(self.checkout), 1)
        return env | self.extra

    def start(self, timeout: float = 120) -> None:
        # ``python -m gunicorn`` puts the working directory first on sys.path, before
        # PYTHONPATH: started from a checkout it would serve that checkout's code
        here = os.getcwd()
        os.chdir(self.var_dir)
        try:
            super().start(timeout)
        finally:
            os.chdir(here)


def _worker(server: Probe) -> int:
    return server.worker_pids()[0]


def _read(server: Probe, who: dict, name: str, number: str, requests: int, clients: int) -> dict:
    method, path, w, expect, _ = scale.READS[name]
    factory = http_factory(server.port, who[w], method, path.format(number=number), None, expect)
    result = run(factory, clients=clients, warmup=0, duration=0, total=requests).as_dict()
    return {"requests": result["requests"], "errors": result["errors"], "p50_ms": result["p50_ms"]}


def _mix(server: Probe, who: dict, names: list[str], number: str, total: int, args) -> dict:  # noqa: ANN001, PLR0913
    done = errors = 0
    while done < total:
        for name in names:
            count = min(args.mix_chunk, total - done)
            if count <= 0:
                break
            result = _read(server, who, name, number, count, args.clients)
            done, errors = done + result["requests"], errors + result["errors"]
    return {"requests": done, "errors": errors, "p50_ms": 0.0, "load": os.getloadavg()[0]}


def probe(server: Probe, who: dict, names: list[str], number: str, args) -> list[dict]:  # noqa: ANN001
    """A fresh server per read (or one for all with ``--sequence``): the worker after each."""
    rows = []
    groups = [names] if args.sequence else [[n] for n in names]
    for group in groups:
        server.start()
        try:
            pid = _worker(server)
            rows.append({"read": "(started)", **status(pid)})
            for name in group:
                done = _read(server, who, name, number, args.requests, args.clients)
                rows.append({"read": name, **done, **status(pid)})
            if args.mix_reads:
                mix = [m for m in args.mix.split(",") if m] or group
                done, step = 0, args.mix_every or args.mix_reads
                while done < args.mix_reads:
                    row = _mix(server, who, mix, number, min(step, args.mix_reads - done), args)
                    done += row["requests"]
                    rows.append(row | {"read": f"+{done:,} of the mix"} | status(pid))
                    kb, load = rows[-1], row["load"]
                    rss, hwm = kb["VmRSS"] / 1024, kb["VmHWM"] / 1024
                    print(
                        f"   {kb['read']}: RSS {rss:.1f} HWM {hwm:.1f} MB, load {load:.1f}",
                        flush=True,
                    )
        finally:
            server.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incidents.memprobe", description=__doc__)
    dataset.set_options(parser)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1, help="variants interleaved, medians")
    parser.add_argument("--scenarios", default="", help="comma-separated subset of the reads")
    parser.add_argument("--sequence", action="store_true", help="all reads in one server")
    parser.add_argument("--mix-reads", type=int, default=0, help="then this many more reads")
    parser.add_argument("--mix-chunk", type=int, default=2000, help="requests per read in turn")
    parser.add_argument("--mix-every", type=int, default=0, help="read the worker every N")
    parser.add_argument("--mix", default="", help="the reads of the mix (default: the sequence's)")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="LABEL=ROOT[,VAR=VALUE...]: a checkout and extra environment (repeatable)",
    )
    args = parser.parse_args(argv)
    variants = []
    for spec in args.variant or [f"this={ROOT}"]:
        label, _, rest = spec.partition("=")
        root, *pairs = rest.split(",")
        variants.append((label, Path(root).resolve(), dict(p.split("=", 1) for p in pairs)))
    common = {"db": args.db, "rows": args.rows, "root": args.data_dir.resolve()}
    common |= {"pg_url": args.pg_url, "settings": scale.FLOOR_SETTINGS}
    servers = {label: Probe(root, extra, **common).__enter__() for label, root, extra in variants}
    first = next(iter(servers.values()))
    setup.django_in_process(first)
    number = scale.number_to_open(first.loaded["grow"]["templates"])
    who = {"agent": first.agent_headers(), "web": {"Cookie": setup.session_cookie(setup.AGENT)}}
    who["admin"] = first.headers()
    setup.close_connections()
    names = [s for s in args.scenarios.split(",") if s] or list(scale.READS)
    runs: dict[str, list[list[dict]]] = {label: [] for label in servers}
    for round_ in range(args.rounds):
        for label, server in servers.items():
            load = os.getloadavg()[0]
            print(f"-- {label} round {round_ + 1} (load {load:.1f})", flush=True)
            rows = probe(server, who, names, number, args)
            for row in rows:
                timing = (
                    f" p50 {row['p50_ms']:.1f} ms err {row['errors']}" if "errors" in row else ""
                )
                print(
                    f"   {row['read']:<17} RSS {row['VmRSS'] / 1024:6.1f} HWM "
                    f"{row['VmHWM'] / 1024:6.1f} anon {row['RssAnon'] / 1024:6.1f} file "
                    f"{row['RssFile'] / 1024:5.1f} shm {row['RssShmem'] / 1024:4.1f} MB{timing}",
                    flush=True,
                )
            runs[label].append(rows)
    print(f"\nmedians over {args.rounds} round(s), MB (load now {os.getloadavg()[0]:.1f})")
    print("| variant | read | VmRSS | VmHWM | RssAnon | RssFile | RssShmem |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, rounds in runs.items():
        for i, row in enumerate(rounds[0]):
            med = {f: statistics.median(r[i][f] for r in rounds) / 1024 for f in FIELDS[:5]}
            print(
                f"| {label} | {row['read']} | {med['VmRSS']:.1f} | {med['VmHWM']:.1f} | "
                f"{med['RssAnon']:.1f} | {med['RssFile']:.1f} | {med['RssShmem']:.1f} |"
            )
    path = report.write_json(
        {"config": vars(args) | {"data_dir": str(args.data_dir)}, "runs": runs},
        f"incidents-memprobe-{args.db}-{args.rows}",
    )
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
