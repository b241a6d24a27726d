"""The issue's targets against the measured figures, and the printed table."""

from __future__ import annotations

import math


def _row(figure: str, target: str, value, met, raw=None, unit: str = "") -> dict:  # noqa: ANN001
    row = {"figure": figure, "target": target, "value": value, "unit": unit, "met": met}
    row["raw"] = raw
    return row


def _check(value: float, op: str, bound: float) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value >= bound if op == ">=" else value <= bound


def _miss(value: float, op: str, bound: float) -> float:
    return round(abs(value - bound) / bound * 100, 1)


def checks(data: dict) -> list[dict]:
    rows = []
    bulk = data.get("bulk")
    if bulk:
        rows.append(
            _row(
                "bulk load (import + comments), incidents/s",
                ">= 30000",
                bulk["incidents_per_s"],
                _check(bulk["incidents_per_s"], ">=", 30000),
                bulk.get("raw_per_s"),
            )
        )
        rows.append(
            _row("  incidents_import alone, incidents/s", "", bulk["import_only_per_s"], None)
        )
    if data.get("reindex"):
        rows.append(_row("search reindex, incidents/s", "", data["reindex"]["per_s"], None))
    targets = [
        ("create", "rps", ">=", 1400, "req/s"),
        ("create", "p99_ms", "<=", 20, "ms"),
        ("queue_api", "p95_ms", "<=", 10, "ms"),
        ("queue_web", "p95_ms", "", 0, "ms"),
        ("search", "p95_ms", "<=", 30, "ms"),
        ("get_one", "p95_ms", "<=", 5, "ms"),
        ("comments", "p95_ms", "<=", 5, "ms"),
    ]
    for name, metric, op, bound, unit in targets:
        figures = data.get("scenarios", {}).get(name)
        if not figures:
            continue
        value, raw = figures["http"][metric], figures["raw"][metric]
        met = _check(value, op, bound) if op else None
        target = f"{op} {bound} {unit}" if op else ""
        label = f"{name} {metric.replace('_ms', '')} ({figures['http']['errors']} errors)"
        rows.append(_row(label, target, value, met, raw, unit))
    memory = data.get("memory")
    if memory:
        mb = memory["worker_peak_mb"]
        label = f"worker peak MB after {memory['reads']:,} reads"
        rows.append(_row(label, "<= 120 MB", mb, _check(mb, "<=", 120)))
    sla = data.get("sla")
    if sla:
        label = "SLA due times/s (raw: datetime+timedelta)"
        met = _check(sla["per_s"], ">=", 50000)
        rows.append(_row(label, ">= 50000", sla["per_s"], met, sla["baseline_per_s"]))
    before, after = data.get("queries_before_load"), data.get("queries_after_load")
    if after:
        counts = [after["limit_10"]["queries"], after["limit_100"]["queries"]]
        if before:
            counts += [before["limit_10"]["queries"], before["limit_100"]["queries"]]
        bound = after.get("bound", min(counts))
        label = f"list queries, limit 10/100 at {after['table_rows']:,} rows"
        if before:
            label += f" (at {before['table_rows']:,}: {counts[2]}/{counts[3]})"
        flat = max(counts) <= bound
        rows.append(_row(label, f"<= {bound}, any size", f"{counts[0]}/{counts[1]}", flat))
    for row in rows:
        if row["met"] is False and isinstance(row["value"], int | float):
            op, bound = row["target"].split()[:2]
            row["missed_by_pct"] = _miss(row["value"], op, float(bound))
    return rows


def _fmt(value) -> str:  # noqa: ANN001
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _ratio(row: dict) -> str:
    value, raw = row["value"], row["raw"]
    if not isinstance(value, int | float) or not isinstance(raw, int | float) or not raw:
        return "-"
    bigger_better = row["unit"] != "ms"
    ratio = raw / value if bigger_better else value / raw
    return f"{ratio:,.1f}x"


def render(data: dict) -> str:
    head = ["figure", "target", "measured", "met?", "raw db", "raw is faster by"]
    lines = [head]
    for row in data["targets"]:
        if row["met"] is None:
            verdict = "-"
        elif row["met"]:
            verdict = "met"
        else:
            verdict = f"MISSED {row.get('missed_by_pct', '')}%".replace(" %", "")
        cells = [row["figure"], row["target"], _fmt(row["value"]), verdict, _fmt(row["raw"])]
        lines.append([*cells, _ratio(row)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        out.append(
            "  ".join(
                c.ljust(w) if j < 2 else c.rjust(w)
                for j, (c, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    note = "raw db: bulk = plain driver executemany of the same rows; reads = the same SQL"
    note += " replayed; create = bench.rawdb write txn; SLA = datetime + timedelta"
    return "\n".join([*out, note])
