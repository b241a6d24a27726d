"""``python -m bench.summary`` on fixture results: every target of issue 13 gets a row per
database, the floor and raw figures of the same run stand beside the measured one, the
verdict says by how much a target was missed, the newest file wins and a gap is shown."""

from __future__ import annotations

import json
import os

import pytest

from bench import summary
from bench.incidents.checks import render as scale_render


def _lat(rps: float, p95: float, p99: float | None = None) -> dict:
    p99 = p95 * 2 if p99 is None else p99
    return {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p99, "errors": 0}


def _scale(rows: int, reads: int) -> dict:
    def fig(rps, p95, p99=None, raw_p95=None):  # noqa: ANN001, ANN202
        out = {"median": _lat(rps, p95, p99)}
        if raw_p95 is not None:
            out["raw"] = _lat(5000, raw_p95)
        return out

    full = {
        "floor_read": fig(400, 4.0),
        "floor_insert": fig(300, 10.0, 15.0),
        "queue_api": fig(50, 151.0, raw_p95=5.0),
        "queue_web": fig(40, 8.0, raw_p95=4.0),
        "detail_api": fig(220, 4.5, raw_p95=0.5),
        "activity_api": fig(200, 6.0, raw_p95=0.5),
        "search_selective": fig(30, 45.0, raw_p95=15.0),
        "create": fig(90, 30.0, 84.0),
        "_memory": {"reads": reads, "worker_peak_mb": 95.0},
    }
    empty = {"create": fig(150, 10.0, 18.0), "floor_insert": fig(250, 8.0, 12.0)}
    machine = {"date": "2026-12-04T10:00:00+00:00", "steward_commit": "abc1234"}
    machine["load_avg_start"] = [12.5, 11.0, 9.0]
    return {"rows": rows, "db": "sqlite", "config": {"repeats": 3}, "machine": machine} | {
        "full": full,
        "empty": empty,
    }


def _cmdb(impact_p95: float, import_rate: float) -> dict:
    return {
        "cis_requested": 1_000_000,
        "machine": {"date": "2026-12-04T11:00:00+00:00", "load_average": "20.1 18.0 15.2"},
        "floor_read": _lat(900, 3.0),
        "scenarios": {"impact": {"http": _lat(60, impact_p95), "sql": _lat(400, 2.0)}},
        "import": {"first": {"rows": 100_000, "rows_per_s": import_rate}},
    }


def _changes() -> dict:
    return {
        "quick_run": False,
        "load": {"cis": 1_000_000, "changes": 100_000},
        "machine": {"date": "2026-12-04T11:00:00+00:00", "background_busy_pct": 100.0},
        "calendar": {"steward": _lat(0, 120.0), "raw": _lat(0, 40.0)},
        "create": {"http": _lat(60, 80.0), "floor": _lat(200, 20.0), "raw": _lat(900, 2.0)},
    }


def _bulk(rate: float) -> dict:
    bulk = {"rows": 100_000, "incidents_per_s": rate, "raw_per_s": 50_000.0}
    return {"bulk": bulk, "machine": {"date": "2026-12-04T11:00:00+00:00"}}


def _write(folder, name: str, data: dict, mtime: float) -> None:  # noqa: ANN001
    path = folder / name
    path.write_text(json.dumps(data))
    os.utime(path, (mtime, mtime))


@pytest.fixture
def results(tmp_path):
    _write(tmp_path, "20261204-100000-incidents-scale-sqlite-1000000.json", _scale(10**6, 10**5), 1)
    _write(tmp_path, "cmdb-postgres-1000000.json", _cmdb(40.0, 12_000), 2)
    _write(tmp_path, "changes-sqlite-1000000.json", _changes(), 3)
    _write(tmp_path, "notes.json", {"unrelated": True}, 4)  # a name no bench writes
    return tmp_path


def _one(rows: list[dict], key: str, db: str, variant: str = "") -> dict:
    found = [r for r in rows if r["key"] == key and r["db"] == db and variant in r["variant"]]
    assert len(found) == 1, found
    return found[0]


def test_each_target_and_database_has_a_row_and_gaps_say_so(results):
    rows = summary.summary(results)
    for key, _ in summary.TARGETS:
        for db in summary.DBS:
            assert any(r["key"] == key and r["db"] == db for r in rows), (key, db)
    gap = _one(rows, "create", "postgres")
    assert gap["met"] is None
    assert gap["variant"] == "no result in bench/results"
    assert _one(rows, "bulk", "sqlite")["verdict"] == "no figure"


def test_create_beside_its_floor_at_a_million_and_on_empty(results):
    rows = summary.summary(results)
    full = _one(rows, "create", "sqlite", "at 1,000,000")
    assert (full["measured"], full["floor"], full["ratio"]) == ("90/s", "300/s", "0.30x floor")
    assert full["met"] is False
    assert full["verdict"] == "MISSED by 40% (0.60x the bound)"
    empty = _one(rows, "create", "sqlite", "empty")
    assert empty["ratio"] == "0.60x floor"
    assert empty["met"] is True
    p99 = _one(rows, "create_p99", "sqlite", "at 1,000,000")
    assert (p99["measured"], p99["floor"]) == ("84.00 ms p99", "15.00 ms p99")
    assert p99["verdict"] == "MISSED by 320% (4.20x the bound)"
    assert _one(rows, "create_p99", "sqlite", "empty")["met"] is True


def test_reads_beside_floor_and_raw_of_the_same_run(results):
    rows = summary.summary(results)
    read = _one(rows, "read", "sqlite")
    assert (read["measured"], read["floor"], read["ratio"]) == ("220/s", "400/s", "0.55x floor")
    assert read["met"] is True
    queue = _one(rows, "queue_api", "sqlite")
    assert (queue["floor"], queue["raw"], queue["ratio"]) == (
        "4.00 ms p95",
        "5.00 ms p95",
        "30.20x raw",
    )
    assert queue["verdict"] == "MISSED by 1,410% (15.10x the bound)"
    assert _one(rows, "queue_web", "sqlite")["met"] is True
    assert _one(rows, "detail", "sqlite", "detail_api")["met"] is True
    assert _one(rows, "activity", "sqlite")["met"] is False
    assert _one(rows, "memory", "sqlite")["met"] is True
    assert "load 12.5 11.0 9.0" in queue["source"]
    assert "abc1234" in queue["source"]


def test_cmdb_and_changes(results):
    rows = summary.summary(results)
    impact = _one(rows, "impact", "postgres")
    assert (impact["measured"], impact["floor"], impact["raw"]) == (
        "40.00 ms p95",
        "3.00 ms p95",
        "2.00 ms p95 (SQL)",
    )
    assert impact["met"] is True
    assert "load 20.1 18.0 15.2" in impact["source"]
    assert _one(rows, "import", "postgres")["verdict"] == "MISSED by 40% (0.60x the bound)"
    calendar = _one(rows, "calendar", "sqlite")
    assert (calendar["raw"], calendar["ratio"], calendar["met"]) == (
        "40.00 ms p95",
        "3.00x raw",
        False,
    )
    create = _one(rows, "change_create", "sqlite")
    assert (create["floor"], create["raw"], create["ratio"]) == ("200/s", "900/s", "0.30x floor")
    assert create["met"] is True
    assert "cpu busy before 100%" in create["source"]


def test_the_newest_file_of_a_bench_wins(results):
    _write(results, "cmdb-postgres-100000.json", _cmdb(70.0, 25_000), 10)
    rows = summary.summary(results)
    assert _one(rows, "impact", "postgres")["met"] is False
    assert _one(rows, "import", "postgres")["met"] is True


def test_results_from_several_folders_newest_wins(results, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    _write(other, "cmdb-postgres-1000000.json", _cmdb(70.0, 12_000), 10)
    _write(other, "20261204-1-incidents-bulk-postgres-100000.json", _bulk(25_000), 10)
    rows = summary.summary(results, other)
    assert _one(rows, "impact", "postgres")["met"] is False  # the other folder's is newer
    bulk = _one(rows, "bulk", "postgres")
    assert (bulk["measured"], bulk["raw"], bulk["ratio"]) == ("25,000/s", "50,000/s", "0.50x raw")
    assert bulk["met"] is True  # PostgreSQL's bound is 20,000/s
    _write(other, "20261204-1-incidents-bulk-sqlite-100000.json", _bulk(25_000), 10)
    assert _one(summary.summary(other), "bulk", "sqlite")["met"] is False  # SQLite's: 30,000/s


def test_memory_short_of_the_reads_is_flagged(tmp_path):
    _write(tmp_path, "20261204-1-incidents-scale-sqlite-200000.json", _scale(200_000, 9_000), 1)
    rows = summary.summary(tmp_path)
    memory = _one(rows, "memory", "sqlite")
    assert "ONLY 9,000 reads" in memory["source"]
    assert "QUICK: 200,000 rows" in _one(rows, "queue_api", "sqlite")["variant"]


def test_render_is_one_table_with_the_counts(results):
    rows = summary.summary(results)
    text = summary.render(rows)
    met = sum(1 for r in rows if r["met"])
    missed = sum(1 for r in rows if r["met"] is False)
    assert f"{met} met, {missed} missed" in text
    assert text.splitlines()[0].split()[:4] == ["target", "db", "run", "measured"]
    assert text.count("create over HTTP >= 0.5x floor insert") == 1  # named once, rows below


def test_scale_table_prints_p99_and_the_create_verdict():
    text = scale_render(_scale(10**6, 10**5))
    create = next(line for line in text.splitlines() if line.startswith("| create |"))
    cells = [c.strip() for c in create.strip("|").split("|")]
    assert cells[3] == "84.0"  # p99 ms
    assert cells[-2:] == [">= 0.5x floor, p99 <= 20 ms", "no"]
    detail = next(line for line in text.splitlines() if line.startswith("| detail_api |"))
    assert detail.rstrip(" |").endswith("yes")


def test_a_target_the_floor_or_plain_driver_misses_too_is_named(tmp_path):
    scale = _scale(10**6, 10**5)
    scale["full"]["floor_read"]["median"] = _lat(400, 12.0)  # the bare view over 10 and 5 ms
    scale["full"]["floor_insert"]["median"] = _lat(300, 10.0, 25.0)  # its p99 over 20 ms
    _write(tmp_path, "20261204-1-incidents-scale-sqlite-1000000.json", scale, 1)
    bulk = _bulk(3_000) | {"bulk": _bulk(3_000)["bulk"] | {"raw_per_s": 8_000.0}}
    _write(tmp_path, "20261204-1-incidents-bulk-sqlite-100000.json", bulk, 2)
    _write(tmp_path, "20261204-1-incidents-bulk-postgres-100000.json", _bulk(3_000), 3)
    rows = summary.summary(tmp_path)
    queue = _one(rows, "queue_api", "sqlite")
    assert queue["beyond"] == "floor"
    assert queue["verdict"] == "MISSED by 1,410% (15.10x the bound); the floor itself misses it"
    assert _one(rows, "create_p99", "sqlite", "at 1,000,000")["beyond"] == "floor"
    assert _one(rows, "create_p99", "sqlite", "empty")["beyond"] == ""  # the empty floor: 12 ms
    assert _one(rows, "queue_web", "sqlite")["beyond"] == ""  # met: nothing to explain
    assert _one(rows, "bulk", "sqlite")["beyond"] == "plain driver"
    assert _one(rows, "bulk", "postgres")["beyond"] == ""  # its driver did 50,000/s
    assert _one(rows, "activity", "sqlite")["beyond"] == "floor"  # 6 ms, the floor's 12 ms
    assert _one(rows, "search", "sqlite")["beyond"] == ""  # 45 ms missed; the floor's 12 met 30
    # queue_api, activity, the create's p99 at 1,000,000 and SQLite's bulk
    assert "(4 of them missed by the floor or the plain driver" in summary.render(rows)
