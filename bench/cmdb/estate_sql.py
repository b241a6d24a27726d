"""The estate of ``graph.plan`` built inside the database (``--loader sql``): each layer's CIs
with one ``INSERT … SELECT`` over a counter (SQLite recursive CTE, PostgreSQL
``generate_series``), each relationship rule with one ``INSERT … SELECT`` per out-edge
slot. No row crosses the driver, so a 1,000,000-CI / 3,000,000-relationship estate takes
minutes, not the better part of an hour.

The shape follows ``graph.py``: the same layers, shares, rules and relative out-degrees,
targets in a window of the layer below at the source's position (skewed to the window's
start, so it has hubs) or, for one link in ten, anywhere. The "random" numbers are an
integer hash of (source, slot, rule), the same on both databases; the skew is quadratic
(``graph.py``: power 1.6). Duplicate triples and self-loops are dropped, as there.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from bench.cmdb import graph

M = 2_147_483_648  # the hash's modulus (2**31)
# the statements carry parameters: ``%%`` is the modulo operator on both drivers (Django's
# SQLite cursor turns it back into ``%``)


def _hash(key: str, salt: int) -> str:
    """An integer in [0, M) from the integer SQL expression ``key`` (fits in 64 bits)."""
    return f"((({key}) * {1_103_515_245 + 2 * salt} + {12_345 + 7 * salt}) %% {M})"


def _series(postgres: bool, count: int) -> str:
    """A FROM clause yielding ``i`` = 0 .. count - 1."""
    if postgres:
        return f"generate_series(CAST(0 AS BIGINT), {count - 1}) AS s(i)"  # i * 64: no int4
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {count - 1})"
        " SELECT i FROM s) AS s"
    )


def _text(postgres: bool, expr: str, width: int = 0) -> str:
    if postgres:
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')" if width else f"CAST({expr} AS TEXT)"
    return f"printf('%0{width}d', {expr})" if width else f"CAST({expr} AS TEXT)"


def _engine(n: str) -> str:
    """graph.ENGINES' weights (they sum to 100) over ``n`` mod 100, so the CI list's
    ``attr.engine=…`` scenario matches as many databases as the Python loader's estate
    instead of none."""
    cases, top = [], 0
    for engine, weight in graph.ENGINES:
        top += weight
        cases.append(f"WHEN ({n} %% 100) < {top} THEN '{engine}'")
    return f"(CASE {' '.join(cases)} END)"


def _attributes(postgres: bool, role: str, name: str) -> str:
    """A few attributes per class, as JSON text built in SQL."""
    n = "i"
    fields = {
        "svc": [("service_code", f"'S' || {_text(postgres, n, 6)}")],
        "app": [("app_id", f"'APP' || {_text(postgres, n, 7)}")],
        "db": [("instance_name", name), ("engine", _engine("i"))],
        "appsrv": [("fqdn", f"{name} || '.example.net'")],
        "host": [("fqdn", f"{name} || '.example.net'")],
        "vm": [("fqdn", f"{name} || '.example.net'")],
        "sto": [("serial_number", f"'STO' || {_text(postgres, n, 9)}")],
        "net": [("serial_number", f"'NET' || {_text(postgres, n, 9)}")],
    }[role]
    parts = " || ', ' || ".join(f"'\"{key}\": \"' || {value} || '\"'" for key, value in fields)
    return f"'{{' || {parts} || '}}'"


def build(estate: graph.Estate, progress: Callable[[str], None]) -> dict:
    """Insert the estate's CIs and relationships; the load's figures and the CIs' numbers."""
    from django.db import connection, transaction

    from bench.cmdb.loader import Loaded, _ci_columns
    from steward.cmdb.models import ConfigurationItem, RelationshipType
    from steward.cmdb.selectors import class_tree
    from steward.core.numbering import WIDTH, next_numbers

    postgres = connection.vendor == "postgresql"
    tree = class_tree()
    fields = _ci_columns()
    now = dt.datetime.now(dt.UTC)
    template = ConfigurationItem(name="", ci_class_id=0, created_at=now, updated_at=now)
    constants = {
        f.column: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields
    }
    first = int(next_numbers("CI", estate.size)[0][2:])
    result: dict = {"cis": estate.size}
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for role, span in estate.roles.items():
            name = f"'{role}-' || {_text(postgres, 'i', 7)}"
            attributes = _attributes(postgres, role, name)
            status = "CASE WHEN i %% 50 = 7 THEN 'maintenance' ELSE 'live' END"
            own = {
                "number": f"'CI' || {_text(postgres, f'i + {first + span.start}', WIDTH)}",
                "name": name,
                "ci_class_id": str(tree.by_slug[graph.LAYERS[role][0]].id),
                "attributes": f"CAST({attributes} AS JSONB)" if postgres else attributes,
                "status": status,
            }
            columns, values, params = [], [], []
            for f in fields:
                columns.append(f.column)
                if f.column in own:
                    values.append(own[f.column])
                else:
                    values.append("%s")
                    params.append(constants[f.column])
            cursor.execute(
                f"INSERT INTO cmdb_configurationitem ({', '.join(columns)})"  # noqa: S608
                f" SELECT {', '.join(values)} FROM {_series(postgres, len(span))}",
                params,
            )
            progress(f"   {role}: {len(span):,} CIs ({time.perf_counter() - began:.0f}s)")
        cursor.execute(
            "SELECT id, number FROM cmdb_configurationitem WHERE number >= %s ORDER BY number",
            [f"CI{first:0{WIDTH}d}"],
        )
        rows = cursor.fetchall()
    loaded = Loaded()
    loaded.ids = [pk for pk, _n in rows][: estate.size]
    loaded.numbers = [number for _pk, number in rows][: estate.size]
    # the roles' CIs are consecutive ids in insertion order (checked: the estate is built
    # on a fresh database)
    assert loaded.ids == list(range(loaded.ids[0], loaded.ids[0] + estate.size))
    cis_s = time.perf_counter() - began
    types = dict(RelationshipType.objects.values_list("slug", "id"))
    made = _relationships(estate, loaded.ids[0], types, now, progress)
    rels_s = time.perf_counter() - began - cis_s
    result |= {
        "relationships": made,
        "product_path": {"what": "none (--loader sql)", "cis": 0, "relationships": 0},
        "raw_path": {
            "what": "INSERT … SELECT over a counter, in the database (bench/cmdb/estate_sql.py)",
            "cis": estate.size,
            "relationships": made,
            "cis_per_s": round(estate.size / cis_s, 1),
            "relationships_per_s": round(made / rels_s, 1),
        },
        "seconds": round(time.perf_counter() - began, 2),
        "_loaded": loaded,
    }
    result["product_path"] |= {"cis_per_s": None, "relationships_per_s": None, "seconds": 0}
    return result


def _relationships(
    estate: graph.Estate,
    base_id: int,
    types: dict[str, int],
    now: dt.datetime,
    progress: Callable[[str], None],
) -> int:
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    expected = sum(len(estate.roles[src]) * weight for src, _t, _k, weight in graph.RULES)
    scale = estate.degree * estate.size / expected
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cmdb_relationship")
        before = cursor.fetchone()[0]
        for rule, (src_role, dst_role, kind, weight) in enumerate(graph.RULES):
            src, dst = estate.roles[src_role], estate.roles[dst_role]
            mean = weight * scale
            whole, frac = int(mean), mean - int(mean)
            window = min(len(dst), graph.WINDOW)
            for slot in range(whole + (frac > 0)):
                key = f"(i * 64 + {slot}) * 16 + {rule}"
                keep = "1 = 1" if slot < whole else f"{_hash(key, 1)} < {int(frac * M)}"
                anywhere = f"{_hash(key, 2)} < {int(graph.GLOBAL_SHARE * M)}"
                spread = f"{_hash(key, 3)} %% {len(dst)}"
                r = f"({_hash(key, 4)} %% {window})"
                near = f"i * {len(dst) - window} / {len(src)} + {r} * {r} / {window}"
                offset = f"CASE WHEN {anywhere} THEN {spread} ELSE {near} END"
                source = f"{base_id + src.start} + i"
                target = f"{base_id + dst.start} + {offset}"
                if kind == "part_of":  # the part (application) points at the whole (service)
                    source, target = target, source
                cursor.execute(
                    "INSERT INTO cmdb_relationship (source_id, target_id, type_id, created_at)"  # noqa: S608
                    f" SELECT a, b, %s, %s FROM (SELECT {source} AS a, {target} AS b"
                    f" FROM {_series(postgres, len(src))} WHERE {keep}) AS e WHERE a <> b"
                    " ON CONFLICT DO NOTHING",
                    [types[kind], now],
                )
            progress(
                f"   rule {src_role} {kind} {dst_role}: {whole + (frac > 0)} slots"
                f" ({time.perf_counter() - began:.0f}s)"
            )
        cursor.execute("SELECT COUNT(*) FROM cmdb_relationship")
        return cursor.fetchone()[0] - before
