"""The issue's CMDB targets against the measured figures, each beside the raw-database or
in-memory figure for the same work, and the printed table."""

from __future__ import annotations

import math


def _check(value, op: str, bound: float) -> bool | None:  # noqa: ANN001
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value >= bound if op == ">=" else value <= bound


def _row(figure: str, target: str, value, raw=None, raw_what: str = "", unit: str = "") -> dict:  # noqa: ANN001
    met = None
    if target:
        op, bound = target.split()[:2]
        met = _check(value, op, float(bound))
    row = {"figure": figure, "target": target, "value": value, "unit": unit, "met": met}
    row |= {"raw": raw, "raw_what": raw_what}
    if met is False:
        row["missed_by_pct"] = round(abs(value - float(bound)) / float(bound) * 100, 1)
    return row


def checks(data: dict) -> list[dict]:
    rows = []
    load = data.get("load")
    if load:
        product, raw = load["product_path"], load["raw_path"]
        if product["cis"]:
            rows.append(
                _row(
                    f"load: {product['cis']:,} CIs via cis_import, CIs/s",
                    "",
                    product["cis_per_s"],
                    raw["cis_per_s"],
                    "plain driver, same rows",
                )
            )
        if product["relationships"]:
            rows.append(
                _row(
                    f"load: {product['relationships']:,} rels via relationships_import, /s",
                    "",
                    product["relationships_per_s"],
                    raw["relationships_per_s"],
                    "plain driver, same rows",
                )
            )
    scenarios = data.get("scenarios", {})
    impact = scenarios.get("impact")
    if impact:
        nodes = data["impact_check"]
        label = (
            f"impact up depth {impact['depth']} p95 ({impact['http']['errors']} errors;"
            f" nodes median {nodes['nodes_median']}, p95 {nodes['nodes_p95']},"
            f" max {nodes['nodes_max']})"
        )
        rows.append(
            _row(label, "<= 50 ms", impact["http"]["p95_ms"], impact["bfs"]["p95_ms"], "BFS", "ms")
        )
        rows.append(
            _row(
                "  the recursive query alone, p95",
                "",
                impact["sql"]["p95_ms"],
                impact["bfs"]["p95_ms"],
                "BFS",
                "ms",
            )
        )
    floor = data.get("floor_read")
    if impact and floor:
        # the HTTP floor: what the stack alone costs for one request reading one row
        label = "  impact req/s beside the floor's GET of one row (bare Django view)"
        rows.append(_row(label, "", impact["http"]["rps"], floor["rps"], "floor /s"))
        label = "  the floor's GET of one row, p95"
        rows.append(_row(label, "", floor["p95_ms"], None, "", "ms"))
    listing = scenarios.get("list")
    if listing:
        label = f"CI list class+attribute p95 ({listing['http']['errors']} errors)"
        raw = listing["raw"]["p95_ms"]
        rows.append(_row(label, "<= 10 ms", listing["http"]["p95_ms"], raw, "same SQL", "ms"))
    imported = data.get("import")
    if imported and "first" in imported:
        first, again = imported["first"], imported["rerun"]
        raw_rate = imported.get("raw_first", {}).get("rows_per_s")
        if raw_rate is None and data.get("load"):
            raw_rate = data["load"]["raw_path"]["cis_per_s"]
        label = f"import {first['rows']:,} CIs from CSV, rows/s"
        rows.append(_row(label, ">= 20000", first["rows_per_s"], raw_rate, "plain insert"))
        label = f"  re-run, nothing changes, rows/s (wrote {sum(again['written'].values())})"
        target = f">= {first['rows_per_s']}"
        raw_rerun = imported.get("raw_rerun", {}).get("rows_per_s")
        rows.append(_row(label, target, again["rows_per_s"], raw_rerun, "fetch+compare"))
        rows[-1]["met"] = rows[-1]["met"] and not any(again["written"].values())
    as_of = scenarios.get("as_of")
    if as_of:
        label = f"CI as_of p95 ({as_of['http']['errors']} errors)"
        raw = as_of["raw"]["p95_ms"]
        rows.append(_row(label, "<= 20 ms", as_of["http"]["p95_ms"], raw, "same SQL", "ms"))
    links = scenarios.get("as_of_relationships")
    if links:
        label = f"  its relationships as_of p95 ({links['http']['errors']} errors)"
        raw = links["raw"]["p95_ms"]
        rows.append(_row(label, "", links["http"]["p95_ms"], raw, "same SQL", "ms"))
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
    ratio = value / raw if row["unit"] == "ms" else raw / value
    return f"{ratio:,.1f}x"


def render(data: dict, skipped: dict[str, str]) -> str:
    head = ["figure", "target", "measured", "met?", "raw/in-memory", "what", "raw faster by"]
    lines = [head]
    for row in data["targets"]:
        if row["met"] is None:
            verdict = "-"
        elif row["met"]:
            verdict = "met"
        else:
            verdict = f"MISSED {row.get('missed_by_pct', '')}%".replace(" %", "")
        cells = [row["figure"], row["target"], _fmt(row["value"]), verdict, _fmt(row["raw"])]
        lines.append([*cells, row["raw_what"], _ratio(row)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        cells = [
            c.ljust(w) if j in (0, 1, 5) else c.rjust(w)
            for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.extend(f"SKIPPED {name}: {why}" for name, why in skipped.items())
    return "\n".join(out)
