"""``python -m bench.summary``: every figure issue 13 targets, in one table.

Reads the newest result of each bench and database in bench/results (the JSON files the
``make bench`` targets write) and prints one row per target and database: the measured
figure, the framework floor and the raw database of the *same run* beside it, the ratio the
target is about, met or missed and by how much, and the run it came from (date, commit,
load). A target with no result on a database is printed as such, so a gap is visible. A
missed target that the floor or the plain driver of the same run misses too says so.
``--json`` prints the rows as JSON instead. See docs/benchmarks.md ("All of issue 13").
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DBS = ("sqlite", "postgres")
MILLION = 1_000_000

# (key, the target): the order of the table; every key gets a row per database
TARGETS = [
    ("create", "create over HTTP >= 0.5x floor insert"),
    ("create_p99", "create over HTTP p99 <= 20 ms"),
    ("read", "GET one record >= 0.5x floor read"),
    ("queue_api", "queue first page, API, p95 <= 10 ms at 1M"),
    ("queue_web", "queue first page, web, p95 <= 10 ms at 1M"),
    ("detail", "one incident p95 <= 5 ms at 1M"),
    ("activity", "its activity p95 <= 5 ms at 1M"),
    ("search", "ranked search first page p95 <= 30 ms at 1M"),
    ("bulk", "bulk load >= 30,000/s SQLite, >= 20,000/s PostgreSQL"),
    ("impact", "CMDB impact depth 6, 1M CIs, p95 <= 50 ms"),
    ("calendar", "change calendar month, 5,000 changes, p95 <= 50 ms"),
    ("change_create", "change create >= 0.3x floor"),
    ("import", "CMDB import >= 20,000 rows/s"),
    ("memory", "worker <= 120 MB after 100,000 reads"),
]

# file name -> the bench that wrote it
KINDS = [
    ("cmdb", re.compile(r"^cmdb-(sqlite|postgres)-\d+\.json$")),
    ("changes", re.compile(r"^changes-(sqlite|postgres)-\d+\.json$")),
    ("scale", re.compile(r"-incidents-scale-(sqlite|postgres)-\d+\.json$")),
    ("bulk", re.compile(r"-incidents-bulk-(sqlite|postgres)-\d+\.json$")),
    ("data", re.compile(r"-incidents-data-(sqlite|postgres)-\d+\.json$")),
    ("platform", re.compile(r"^\d{8}-\d{6}-(sqlite|postgres)-[a-z]+\.json$")),
]


def newest(*folders: Path) -> dict[tuple[str, str], tuple[Path, dict]]:
    """The newest file of each (bench, database) in the folders, by modification time."""
    found: dict[tuple[str, str], tuple[Path, dict]] = {}
    paths = [path for folder in folders for path in folder.glob("*.json")]
    for path in sorted(paths, key=lambda p: p.stat().st_mtime):
        for kind, pattern in KINDS:
            match = pattern.search(path.name)
            if match:
                found[(kind, match.group(1))] = (path, json.loads(path.read_text()))
                break
    return found


def _num(value) -> float | None:  # noqa: ANN001
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def verdict(value: float | None, op: str, bound: float) -> tuple[bool | None, str]:
    """Met, or missed and by how much (percent of the bound and the factor)."""
    if value is None:
        return None, "no figure"
    met = value >= bound if op == ">=" else value <= bound
    if met:
        return True, "met"
    pct = abs(value - bound) / bound * 100
    return False, f"MISSED by {pct:,.0f}% ({value / bound:.2f}x the bound)"


def _ms(value) -> str:  # noqa: ANN001
    value = _num(value)
    return "-" if value is None else f"{value:,.2f} ms" if value < 100 else f"{value:,.0f} ms"


def _rate(value) -> str:  # noqa: ANN001
    value = _num(value)
    return "-" if value is None else f"{value:,.0f}/s"


def _times(value, other, word: str) -> str:  # noqa: ANN001
    value, other = _num(value), _num(other)
    if value is None or not other:
        return "-"
    return f"{value / other:,.2f}x {word}"


def source(path: Path, data: dict, note: str = "") -> str:
    machine = data.get("machine", {})
    load = machine.get("load_average") or machine.get("load_avg_start") or ""
    if isinstance(load, list | tuple):
        load = " ".join(f"{x:.1f}" for x in load)
    parts = [path.name, str(machine.get("date", ""))[:16], machine.get("steward_commit", "")]
    if load:
        parts.append(f"load {load}")
    elif "background_busy_pct" in machine:
        parts.append(f"cpu busy before {machine['background_busy_pct']:.0f}%")
    return ", ".join(p for p in [*parts, note] if p)


def _row(key: str, db: str, variant: str, **cells) -> dict:  # noqa: ANN003
    op, bound = cells.pop("op"), cells.pop("bound")
    met, text = verdict(_num(cells.pop("value")), op, bound)
    row = {"key": key, "db": db, "variant": variant, "met": met, "verdict": text, "beyond": ""}
    # A target the framework floor (or the plain driver) of the same run misses too cannot be
    # met by any code on this stack and machine: the row says so instead of only "MISSED".
    limit, word = cells.pop("limit", (None, ""))
    if met is False and verdict(_num(limit), op, bound)[0] is False:
        row["beyond"] = word
        row["verdict"] += f"; the {word} itself misses it"
    return row | {k: cells.get(k, "-") for k in ("measured", "floor", "raw", "ratio", "source")}


def from_scale(db: str, path: Path, data: dict) -> Iterator[dict]:
    full, empty, rows = data["full"], data["empty"], data["rows"]
    size = f"at {rows:,}" if rows >= MILLION else f"QUICK: {rows:,} rows"
    src = source(path, data)
    for where, part in ((size, full), ("empty (demo)", empty)):
        create, floor = part["create"]["median"], part["floor_insert"]["median"]
        ratio = create["rps"] / floor["rps"] if floor["rps"] else None
        common = {"floor": _rate(floor["rps"]), "raw": "-", "source": src}
        yield _row("create", db, where, value=ratio, op=">=", bound=0.5,
                   measured=_rate(create["rps"]), ratio=_times(create["rps"], floor["rps"],
                   "floor"), **common)  # fmt: skip
        common["floor"] = f"{_ms(floor['p99_ms'])} p99"
        yield _row("create_p99", db, where, value=create["p99_ms"], op="<=", bound=20,
                   measured=f"{_ms(create['p99_ms'])} p99", limit=(floor["p99_ms"], "floor"),
                   ratio=_times(create["p99_ms"], floor["p99_ms"], "floor"), **common)  # fmt: skip
    floor = full["floor_read"]["median"]
    reads = {"read": ["detail_api"], "queue_api": ["queue_api"], "queue_web": ["queue_web"]}
    reads |= {"detail": ["detail_api", "detail_web"], "activity": ["activity_api"]}
    reads |= {"search": ["search_selective", "search_common"]}
    bounds = {"queue_api": 10, "queue_web": 10, "detail": 5, "activity": 5, "search": 30}
    for key, names in reads.items():
        for name in names:
            if name not in full:
                continue
            m, raw = full[name]["median"], full[name].get("raw", {})
            cells = {"raw": f"{_ms(raw.get('p95_ms'))} p95", "source": src}
            if key == "read":
                ratio = m["rps"] / floor["rps"] if floor["rps"] else None
                yield _row(key, db, f"{name} {size}", value=ratio, op=">=", bound=0.5,
                           measured=_rate(m["rps"]), floor=_rate(floor["rps"]),
                           ratio=_times(m["rps"], floor["rps"], "floor"), **cells)  # fmt: skip
                continue
            yield _row(key, db, f"{name} {size}", value=m["p95_ms"], op="<=", bound=bounds[key],
                       measured=f"{_ms(m['p95_ms'])} p95", floor=f"{_ms(floor['p95_ms'])} p95",
                       limit=(floor["p95_ms"], "floor"),
                       ratio=_times(m["p95_ms"], raw.get("p95_ms"), "raw"), **cells)  # fmt: skip
    memory = full.get("_memory")
    if memory:
        reads_done = memory.get("reads", 0)
        note = "" if reads_done >= 100_000 else f"ONLY {reads_done:,} reads"
        yield _row("memory", db, f"{reads_done:,} reads {size}", value=memory["worker_peak_mb"],
                   op="<=", bound=120, measured=f"{memory['worker_peak_mb']:.0f} MB",
                   source=source(path, data, note))  # fmt: skip


def from_platform(db: str, path: Path, data: dict) -> Iterator[dict]:
    """``python -m bench``: create and GET on a fresh database, each beside its floor."""
    scenarios, src = data.get("scenarios", {}), source(path, data)
    pairs = (("create", "post_incident", "floor_insert"), ("read", "get_incident", "floor_read"))
    for key, name, floor_name in pairs:
        figures, floor = scenarios.get(name), scenarios.get(floor_name)
        if not figures or not floor:
            continue
        http, fhttp, raw = figures["http"], floor["http"], figures.get("raw") or {}
        cells = {"floor": _rate(fhttp["rps"]), "raw": _rate(raw.get("rps")), "source": src}
        ratio = http["rps"] / fhttp["rps"] if fhttp["rps"] else None
        yield _row(key, db, "fresh db (python -m bench)", value=ratio, op=">=", bound=0.5,
                   measured=_rate(http["rps"]), ratio=_times(http["rps"], fhttp["rps"], "floor"),
                   **cells)  # fmt: skip
        if key == "create":
            cells["floor"] = f"{_ms(fhttp['p99_ms'])} p99"
            cells["raw"] = f"{_ms(raw.get('p99_ms'))} p99"
            yield _row("create_p99", db, "fresh db (python -m bench)", value=http["p99_ms"],
                       op="<=", bound=20, measured=f"{_ms(http['p99_ms'])} p99",
                       ratio=_times(http["p99_ms"], fhttp["p99_ms"], "floor"), **cells)  # fmt: skip
        if "worker_peak_mb" in figures:
            note = f"{http.get('requests', 0):,} requests"
            yield _row("memory", db, f"{name} (python -m bench)", value=figures["worker_peak_mb"],
                       op="<=", bound=120, measured=f"{figures['worker_peak_mb']:.0f} MB",
                       source=source(path, data, note))  # fmt: skip


def _bulk_row(db: str, bulk: dict, variant: str, src: str) -> dict:
    bound = 30_000 if db == "sqlite" else 20_000
    rate, raw = bulk["incidents_per_s"], bulk.get("raw_per_s")
    return _row("bulk", db, variant, value=rate, op=">=", bound=bound, measured=_rate(rate),
                raw=_rate(raw), ratio=_times(rate, raw, "raw"), limit=(raw, "plain driver"),
                source=src)  # fmt: skip


def from_bulk(db: str, path: Path, data: dict) -> Iterator[dict]:
    bulk = data["bulk"]
    yield _bulk_row(db, bulk, f"{bulk['rows']:,} rows (bulk_only)", source(path, data))


def from_data(db: str, path: Path, data: dict) -> Iterator[dict]:
    bulk = data.get("loaded", {}).get("bulk")
    if bulk:
        built = data["loaded"].get("machine", {}).get("date", "")[:16]
        src = source(path, data, f"bulk figure from the build at {built}")
        yield _bulk_row(db, bulk, f"{bulk['rows']:,} rows (data build)", src)


def from_cmdb(db: str, path: Path, data: dict) -> Iterator[dict]:
    cis = data.get("cis_requested", 0)
    size = f"{cis:,} CIs" + ("" if cis >= MILLION else " QUICK")
    src, floor = source(path, data), data.get("floor_read")
    impact = data.get("scenarios", {}).get("impact")
    if impact:
        http, sql = impact["http"], impact["sql"]
        cells = {"raw": f"{_ms(sql['p95_ms'])} p95 (SQL)", "source": src}
        cells["floor"] = f"{_ms(floor['p95_ms'])} p95" if floor else "-"
        yield _row("impact", db, size, value=http["p95_ms"], op="<=", bound=50,
                   measured=f"{_ms(http['p95_ms'])} p95",
                   ratio=_times(http["p95_ms"], sql["p95_ms"], "raw"), **cells)  # fmt: skip
    imported = data.get("import")
    if imported and "first" in imported:
        rate = imported["first"]["rows_per_s"]
        raw = imported.get("raw_first", {}).get("rows_per_s")
        yield _row("import", db, f"{imported['first']['rows']:,} rows, {size}", value=rate,
                   op=">=", bound=20_000, measured=_rate(rate), raw=_rate(raw),
                   limit=(raw, "plain driver"), ratio=_times(rate, raw, "raw"),
                   source=src)  # fmt: skip


def from_changes(db: str, path: Path, data: dict) -> Iterator[dict]:
    load = data.get("load", {})
    size = f"{load.get('cis', 0):,} CIs, {load.get('changes', 0):,} changes"
    size += " QUICK" if data.get("quick_run") else ""
    src = source(path, data)
    calendar = data.get("calendar")
    if calendar:
        steward, raw = calendar["steward"], calendar["raw"]
        yield _row("calendar", db, f"change_calendar, {size}", value=steward["p95_ms"], op="<=",
                   bound=50, measured=f"{_ms(steward['p95_ms'])} p95",
                   raw=f"{_ms(raw['p95_ms'])} p95", ratio=_times(steward["p95_ms"],
                   raw["p95_ms"], "raw"), source=src)  # fmt: skip
        page = data.get("month_page")
        if page:
            p95 = page["steward"]["p95_ms"]
            yield _row("calendar", db, "month page, in-process", value=p95, op="<=", bound=50,
                       measured=f"{_ms(p95)} p95", raw=f"{_ms(raw['p95_ms'])} p95",
                       ratio=_times(p95, raw["p95_ms"], "raw"), source=src)  # fmt: skip
    create = data.get("create")
    if create and create.get("floor"):
        http, floor, raw = create["http"], create["floor"], create["raw"]
        ratio = http["rps"] / floor["rps"] if floor["rps"] else None
        yield _row("change_create", db, f"POST /api/v1/changes, p99 {_ms(http['p99_ms'])}",
                   value=ratio, op=">=", bound=0.3, measured=_rate(http["rps"]),
                   floor=_rate(floor["rps"]), raw=_rate(raw["rps"]),
                   ratio=_times(http["rps"], floor["rps"], "floor"), source=src)  # fmt: skip


READERS = {
    "scale": from_scale,
    "platform": from_platform,
    "bulk": from_bulk,
    "data": from_data,
    "cmdb": from_cmdb,
    "changes": from_changes,
}


def summary(*folders: Path) -> list[dict]:
    """One row per figure, in the issue's order; a "no result" row for each gap."""
    rows: list[dict] = []
    for (kind, db), (path, data) in newest(*folders).items():
        try:
            rows.extend(READERS[kind](db, path, data))
        except (KeyError, TypeError, ZeroDivisionError) as exc:  # an older file's shape
            rows.append(_row(kind, db, f"unreadable {path.name}: {exc!r}", value=None,
                             op=">=", bound=1))  # fmt: skip
    order = {key: i for i, (key, _) in enumerate(TARGETS)}
    have = {(r["key"], r["db"]) for r in rows}
    gaps = [(key, db) for key, _ in TARGETS for db in DBS if (key, db) not in have]
    rows += [
        _row(k, db, "no result in bench/results", value=None, op=">=", bound=1) for k, db in gaps
    ]
    rows.sort(key=lambda r: (order.get(r["key"], len(order)), DBS.index(r["db"])))
    return rows


def render(rows: list[dict]) -> str:
    labels = dict(TARGETS)
    head = ["target", "db", "run", "measured", "floor", "raw db", "ratio", "verdict", "source"]
    lines = [head]
    previous = None
    for r in rows:
        target = labels.get(r["key"], r["key"]) if r["key"] != previous else ""
        previous = r["key"]
        cells = [r["measured"], r["floor"], r["raw"], r["ratio"], r["verdict"], r["source"]]
        lines.append([target, r["db"], r["variant"], *cells])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    met = sum(1 for r in rows if r["met"])
    missed = sum(1 for r in rows if r["met"] is False)
    gaps = sum(1 for r in rows if r["met"] is None)
    beyond = sum(1 for r in rows if r["beyond"])
    out.append(
        f"{met} met, {missed} missed ({beyond} of them missed by the floor or the plain driver"
        f" of the same run too), {gaps} without a figure ({len(rows)} rows)"
    )
    out.append(
        "floor: the bare Django view (bench/floor) on the same server in the same run; raw db:"
        " the same SQL or rows through the plain driver in the same run; ratio: Steward over"
        " the floor for the floor targets, over the raw database for the others"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.summary", description=__doc__)
    parser.add_argument(
        "--results",
        type=Path,
        nargs="+",
        default=[RESULTS],
        help="folders of results (another checkout's bench/results too): the newest file wins",
    )
    parser.add_argument("--json", action="store_true", help="the rows as JSON")
    args = parser.parse_args(argv)
    rows = summary(*args.results)
    print(json.dumps(rows, indent=2) if args.json else render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
