"""Import of CIs from a CSV file with reconciliation, through the product's importer
(``steward.cmdb.imports.import_cis``), and the re-run of the same file, which must find
every row unchanged and write nothing.

The file is a discovery export of servers (one class, its identification keys ``fqdn`` and
``serial_number`` present), new to the CMDB on the first run.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import time
from collections import Counter
from pathlib import Path

SOURCE = "bench-discovery"
COLUMNS = ["ci_class", "name", "fqdn", "serial_number", "ip_address", "os", "cpu_count", "status"]


def available() -> str | None:
    """None when the importer exists, else why the scenario is skipped."""
    if importlib.util.find_spec("steward.cmdb.imports") is None:
        return "steward.cmdb.imports does not exist yet"
    from steward.cmdb import imports

    if not hasattr(imports, "import_cis"):
        return "steward.cmdb.imports has no import_cis yet"
    return None


def write_csv(path: Path, count: int) -> None:
    """``count`` servers, deterministic, unlike anything the estate holds (``imp-`` names)."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(count):
            name = f"imp-srv-{i:07d}"
            ip = f"10.{100 + i // 65536 % 100}.{i // 256 % 256}.{i % 256}"
            os_name = ("linux", "linux", "windows")[i % 3]
            row = ["server", name, f"{name}.dc.example.org", f"IMP{i:010d}", ip, os_name]
            writer.writerow([*row, (4, 8, 16, 32)[i % 4], "live"])


def _counts() -> dict[str, int]:
    from steward.cmdb.models import ConfigurationItem
    from steward.core.models import AuditEntry, OutboxMessage

    return {
        "audit_rows": AuditEntry.objects.count(),
        "outbox_rows": OutboxMessage.objects.count(),
        "cis": ConfigurationItem.objects.count(),
    }


def _source() -> None:
    from steward.cmdb.models import ImportSource

    ImportSource.objects.get_or_create(
        name=SOURCE, defaults={"label": "Benchmark discovery", "precedence": 60}
    )


def _run(path: Path) -> dict:
    """Parse the file and import it once: timings, actions, and what was written."""
    from steward.cmdb.imports import import_cis
    from steward.core.actor import Actor

    before = _counts()
    began = time.perf_counter()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    parsed = time.perf_counter()
    report = import_cis(Actor.system("bench"), rows, source=SOURCE)
    done = time.perf_counter()
    after = _counts()
    actions = Counter(r.action for r in getattr(report, "rows", []))
    return {
        "rows": len(rows),
        "parse_seconds": round(parsed - began, 2),
        "import_seconds": round(done - parsed, 2),
        "rows_per_s": round(len(rows) / (done - began), 1),
        "applied": getattr(report, "applied", None),
        "actions": dict(actions),
        "written": {k: after[k] - before[k] for k in after},
    }


def run(count: int, work_dir: Path, progress) -> dict:  # noqa: ANN001
    """First import (all new) then the same file again (all unchanged, nothing written)."""
    path = work_dir / f"cmdb-import-{count}.csv"
    write_csv(path, count)
    _source()
    progress(f"   {count:,} rows in {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    first = _run(path)
    progress(
        f"   first run {first['rows_per_s']:,.0f} rows/s, actions {first['actions']},"
        f" written {first['written']}"
    )
    again = _run(path)
    progress(
        f"   re-run    {again['rows_per_s']:,.0f} rows/s, actions {again['actions']},"
        f" written {again['written']}"
    )
    problems = []
    if first["written"]["cis"] != count:
        problems.append(f"the first run created {first['written']['cis']} CIs, not {count}")
    if any(again["written"].values()):
        problems.append(f"the re-run wrote {again['written']}")
    return {"first": first, "rerun": again, "problems": problems, "file": str(path)}


def raw_rerun(path: Path) -> dict:
    """The least a no-change re-run must do, with the plain driver: read the file, fetch the
    CIs by name in chunks of 1,000 and compare their attributes in Python."""
    import json

    from django.db import connection

    began = time.perf_counter()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    same = 0
    with connection.cursor() as cursor:
        for k in range(0, len(rows), 1000):
            chunk = rows[k : k + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT name, attributes FROM cmdb_configurationitem WHERE name IN ({marks})",  # noqa: S608
                [r["name"] for r in chunk],
            )
            found = {
                name: attrs if isinstance(attrs, dict) else json.loads(attrs)
                for name, attrs in cursor.fetchall()
            }
            for r in chunk:
                attrs = found.get(r["name"], {})
                same += attrs.get("fqdn") == r["fqdn"] and attrs.get("os") == r["os"]
    seconds = time.perf_counter() - began
    return {"rows": len(rows), "matched": same, "rows_per_s": round(len(rows) / seconds, 1)}


def raw_first(path: Path) -> dict:
    """The least a first import must do, with the plain driver: read the file and insert its
    CI rows (every column, attributes as JSON) with ``executemany`` / ``COPY`` in one
    transaction, rolled back. No validation, matching, identifiers or audit."""
    from django.db import connection, transaction

    from bench.cmdb.loader import _ci_columns, _copy
    from steward.cmdb.models import CIClass, ConfigurationItem

    fields = _ci_columns()
    columns = [f.column for f in fields]
    server = CIClass.objects.get(slug="server").id
    now = dt.datetime.now(dt.UTC)
    began = time.perf_counter()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    values = []
    for i, row in enumerate(rows):
        attrs = {k: row[k] for k in ("fqdn", "serial_number", "ip_address", "os")}
        attrs["cpu_count"] = int(row["cpu_count"])
        item = ConfigurationItem(
            number=f"RAW{i:09d}", name=row["name"], ci_class_id=server, status=row["status"]
        )
        item.created_at = item.updated_at = now
        item.attributes = attrs
        values.append(
            tuple(f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields)
        )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _copy(cursor, "cmdb_configurationitem", columns, values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO cmdb_configurationitem ({', '.join(columns)})"  # noqa: S608
                    f" VALUES ({marks})",
                    values,
                )
            seconds = time.perf_counter() - began
            raise _Rollback
    except _Rollback:
        pass
    return {"rows": len(rows), "rows_per_s": round(len(rows) / seconds, 1)}


class _Rollback(Exception):  # noqa: N818 - control flow: undo the raw insert
    pass
