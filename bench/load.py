"""Closed-loop load from N processes: warm up, start together, time every operation.

An *operation factory* is called once in each client process with the process index and
returns ``op(seq) -> error | None``; ``seq`` counts up from 0 in that process (warm-up
included), so ``(index, seq)`` is unique within a run.
"""

from __future__ import annotations

import http.client
import json
import math
import multiprocessing as mp
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

Op = Callable[[int], str | None]
OpFactory = Callable[[int], Op]
_fork = mp.get_context("fork")  # factories are closures: inherited, never pickled


@dataclass
class Result:
    """What one scenario (HTTP or raw) measured."""

    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    clients: int
    # CPU per operation (ms): the client processes, each group the ``cpu`` probe names, and
    # "other": the rest of the machine's busy time (kernel threads, unrelated processes)
    cpu_ms: dict[str, float]
    machine_busy_pct: float  # of all cores, whatever ran
    first_error: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _client(
    factory: OpFactory,
    index: int,
    warmup: float,
    duration: float,
    count: int,
    barrier,  # noqa: ANN001 - multiprocessing.Barrier
    queue,  # noqa: ANN001 - multiprocessing.Queue
) -> None:
    op = factory(index)
    seq, error = 0, None
    warm_until = time.monotonic() + warmup
    while time.monotonic() < warm_until:
        op(seq)
        seq += 1
    barrier.wait(timeout=120)
    latencies: list[float] = []
    errors = 0
    cpu = time.process_time()
    start = time.perf_counter()
    stop_at = start + duration
    now = start
    while (count and len(latencies) < count) or (not count and now < stop_at):
        failure = op(seq)
        seq += 1
        after = time.perf_counter()
        latencies.append(after - now)
        now = after
        if failure:
            errors += 1
            error = error or failure
    queue.put((index, start, now, latencies, errors, error, time.process_time() - cpu))
    barrier.wait(timeout=600)  # stay connected until the parent has read the CPU counters


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def run(
    factory: OpFactory,
    *,
    clients: int,
    warmup: float,
    duration: float,
    total: int = 0,
    cpu: Callable[[], dict[str, float]] = dict,
) -> Result:
    """Run ``factory``'s op from ``clients`` processes: ``total`` ops, else ``duration`` s.

    ``cpu`` returns CPU seconds used so far by named process groups (gunicorn, postgres);
    it is read when the measured phase starts (all clients warmed up) and when it ends.
    """
    barrier, queue = _fork.Barrier(clients + 1), _fork.Queue()
    shares = [total // clients + (i < total % clients) for i in range(clients)] if total else []
    procs = [
        _fork.Process(
            target=_client,
            args=(factory, i, warmup, duration, shares[i] if total else 0, barrier, queue),
            daemon=True,
        )
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=warmup + 120)
    cpu_before, jiffies = cpu(), machine_jiffies()
    # a fixed count of ops has no duration: allow 20 ms per op on top (a slow, loaded
    # machine must give a slow figure, not a crash that loses the whole run)
    patience = warmup + duration + 600 + 0.02 * total
    outcomes = [queue.get(timeout=patience) for _ in procs]
    cpu_after = cpu()
    busy, ticks = (b - a for a, b in zip(jiffies, machine_jiffies(), strict=True))
    barrier.wait(timeout=60)
    for proc in procs:
        proc.join()
    latencies = sorted(x * 1000 for o in outcomes for x in o[3])
    seconds = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    errors = sum(o[4] for o in outcomes)
    per_op = 1000 / max(1, len(latencies))
    used = {"clients": sum(o[6] for o in outcomes)}
    used |= {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    busy_s = busy / os.sysconf("SC_CLK_TCK")
    used["other"] = max(0.0, busy_s - sum(used.values()))
    return Result(
        requests=len(latencies),
        errors=errors,
        seconds=round(seconds, 3),
        rps=round(len(latencies) / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(latencies, 0.50), 3),
        p95_ms=round(percentile(latencies, 0.95), 3),
        p99_ms=round(percentile(latencies, 0.99), 3),
        max_ms=round(latencies[-1], 3) if latencies else math.nan,
        clients=clients,
        cpu_ms={name: round(spent * per_op, 3) for name, spent in used.items()},
        machine_busy_pct=round(100 * busy / ticks, 1) if ticks else 0.0,
        first_error=next((o[5] for o in outcomes if o[5]), None),
    )


def http_factory(
    port: int,
    headers: dict[str, str],
    method: str,
    path: str,
    body: Callable[[str], dict] | None,
    expect: int,
) -> OpFactory:
    """One persistent ``http.client`` connection per process; reconnects when the server closes.

    ``body(unique)`` builds the JSON body from a string unique to the request.

    gunicorn's sync worker answers ``Connection: close``, so with it every request opens a
    new TCP connection; keep-alive servers keep it. A kept connection the server closed while
    idle (its keep-alive timeout, e.g. across the warm-up barrier) is retried once on a new
    one, as HTTP clients do: that is no server error.
    """

    nonce = uuid.uuid4().hex[:8]

    def factory(index: int) -> Op:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def op(seq: int) -> str | None:
            payload = json.dumps(body(f"{nonce}-{index}-{seq}")).encode() if body else None
            for attempt in (1, 2):
                try:
                    conn.request(method, path, payload, headers)
                    response = conn.getresponse()
                    content = response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    conn.close()  # the server closed an idle kept connection: reconnect
                    if attempt == 2:
                        return "the server closed the connection twice"
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    return f"{type(exc).__name__}: {exc}"
            if response.status != expect:
                return f"HTTP {response.status}: {content[:200]!r}"
            return None

        return op

    return factory
