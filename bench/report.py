"""The printed table, the Foundation targets, machine facts and the JSON file."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench.load import machine_jiffies

RESULTS = Path(__file__).resolve().parent / "results"
MB = 1024  # VmHWM is in kB; the figures are MiB

# The performance targets: (scenario, metric, comparison, bound, unit). ``floor_rps`` is
# Steward's rate over its floor's in the same run (issue 13); the absolute rates are the
# Foundation issue's.
TARGETS = [
    ("post_incident", "floor_rps", ">=", 0.5, "x floor"),
    ("post_incident", "p99_ms", "<=", 20, "ms"),
    ("get_incident", "floor_rps", ">=", 0.5, "x floor"),
    ("post_team", "rps", ">=", 1400, "req/s"),
    ("post_team", "p99_ms", "<=", 20, "ms"),
    ("get_user", "rps", ">=", 2000, "req/s"),
    ("*", "worker_peak_mb", "<=", 120, "MB"),
]


def machine(server=None) -> dict:  # noqa: ANN001 - bench.server.Server
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    facts = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "steward": metadata.version("steward"),
        "memory_mb": os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20,
    }
    facts["python_loop_ms"] = python_loop_ms()
    facts["steward_commit"] = _git("rev-parse", "--short", "HEAD")
    facts["steward_dirty"] = bool(_git("status", "--porcelain", "--", "steward"))
    if server is not None and server.db == "postgres":
        import psycopg

        with psycopg.connect(server.pg_admin_url) as conn:
            facts["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
    return facts


def python_loop_ms() -> float:
    """A fixed pure-Python loop, best of 5: compares the CPU's speed between runs (vCPUs vary)."""
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        sum(i * i for i in range(300_000))
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 2)


def _git(*args: str) -> str:
    """Read-only git facts about the checkout being measured ("" outside a checkout)."""
    root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
    except OSError:
        return ""
    return done.stdout.strip()


def check_targets(scenarios: dict[str, dict]) -> list[dict]:
    """Each target with the measured value, met or missed, and by how much."""
    checks = []
    for scenario, metric, op, bound, unit in TARGETS:
        for name, figures in scenarios.items():
            if scenario not in ("*", name):
                continue
            if metric == "floor_rps":
                value = figures.get("of_floor", {}).get("rps", math.nan)
            else:
                value = figures.get(metric, figures["http"].get(metric))
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            met = value >= bound if op == ">=" else value <= bound
            miss = 0.0 if met else abs(value - bound) / bound * 100
            target = f"{op} {bound} {unit}"
            check = {"scenario": name, "metric": metric, "target": target, "value": value}
            checks.append(check | {"met": met, "missed_by_pct": round(miss, 1)})
    return checks


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if digits == 0 else f"{value:,.{digits}f}"


def _row(label: str, run: str, result: dict, digits: int, memory: list[str]) -> list[str]:
    latencies = [_fmt(result[k], digits) for k in ("p50_ms", "p95_ms", "p99_ms")]
    return [label, run, _fmt(result["rps"], 0), *latencies, str(result["errors"]), *memory]


def table(scenarios: dict[str, dict], raw_label: str) -> str:
    head = ["scenario", "run", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    rows = [[*head, "worker MB", "master MB"]]
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms")
    for name, figures in scenarios.items():
        memory = [_fmt(figures["worker_peak_mb"], 1), _fmt(figures["master_peak_mb"], 1)]
        floor = figures.get("floor")
        rows.append(_row(name, "floor" if name.startswith("floor") else "steward",
                         figures["http"], 2, memory))  # fmt: skip
        if figures.get("of_floor"):
            shares = [f"{figures['of_floor'][k]:.2f}x" for k in keys]
            rows.append(["", f"steward ÷ {floor}", *shares, "", "", ""])
        if figures.get("raw"):
            rows.append(_row("", raw_label, figures["raw"], 3, ["-", "-"]))
            times = [f"{figures['ratio'][k]:.1f}x" for k in keys]
            rows.append(["", "raw is faster by", *times, "", "", ""])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        cells = [
            c.ljust(w) if j < 2 else c.rjust(w)
            for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages as the kernel reports them."""
    try:
        with open("/proc/loadavg") as loadavg:
            return " ".join(loadavg.read().split()[:3])
    except OSError:
        return ""


def background_load(seconds: float = 1.0) -> float:
    """Percent of all cores busy while the benchmark is not running yet."""
    before = machine_jiffies()
    time.sleep(seconds)
    busy, total = (b - a for a, b in zip(before, machine_jiffies(), strict=True))
    return round(100 * busy / total, 1) if total else 0.0


def cpu_text(scenarios: dict[str, dict], raw_label: str) -> str:
    """Where the machine's CPU went during each measured phase, per request."""
    lines = [f"CPU ms per request during the measured phase ({os.cpu_count()} cores):"]
    for name, figures in scenarios.items():
        for label, result in (("steward", figures["http"]), (raw_label, figures["raw"])):
            if not result:
                continue
            parts = ", ".join(f"{k} {v:.3f}" for k, v in result["cpu_ms"].items())
            total = sum(result["cpu_ms"].values())
            lines.append(
                f"  {name:<10} {label:<12} {parts}; total {total:.3f}"
                f" (machine {result['machine_busy_pct']:.0f}% busy)"
            )
            if label == "steward" and result["cpu_ms"]["other"] > 0.1 * total:
                share = result["cpu_ms"]["other"] / total
                lines.append(f"  WARNING: other processes took {share:.0%} of the CPU: figures low")
    return "\n".join(lines)


def targets_text(checks: list[dict]) -> str:
    lines = ["Targets:"]
    for c in checks:
        verdict = "met" if c["met"] else f"MISSED by {c['missed_by_pct']:.0f}%"
        lines.append(
            f"  {c['scenario']:<10} {c['metric']:<15} {c['target']:<12} "
            f"measured {c['value']:>9,.2f}  {verdict}"
        )
    return "\n".join(lines)


def write_json(data: dict, db: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}-{db}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path


def command_line() -> str:
    return " ".join([Path(sys.executable).name, "-m", "bench", *sys.argv[1:]])
