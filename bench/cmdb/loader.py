"""Load the estate: through the product's bulk path (``steward.cmdb.services.bulk``: validation,
audit rows, outbox) or, for the bulk of a large estate, with the plain driver (PostgreSQL
``COPY``, SQLite ``executemany``) into the same tables, without audit rows.

Either way the CIs get real numbers from the CI sequence, so the API finds them, and the
time of each part is measured.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from bench.cmdb import graph

CI_BATCH = 10_000
REL_BATCH = 50_000


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class Loaded:
    """Ids and numbers of the loaded CIs, by estate index."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.numbers: list[str] = []

    def stand_in(self, index: int):  # noqa: ANN201 - a ConfigurationItem not read from the db
        """Just enough of a CI for ``relationships_import`` (pk and number for the audit)."""
        from steward.cmdb.models import ConfigurationItem

        return ConfigurationItem(id=self.ids[index], number=self.numbers[index])


def load(
    estate: graph.Estate,
    *,
    product_cis: int,
    product_relationships: int,
    progress: Callable[[str], None],
) -> dict:
    """Load CIs then relationships: the first ``product_cis`` / ``product_relationships``
    through the product's bulk path (its rate is reported), the rest with the plain driver."""
    loaded = Loaded()
    rows, edges = enumerate(graph.rows(estate)), graph.edges(estate)
    product_cis, product_rels = min(product_cis, estate.size), product_relationships
    result: dict = {"cis": estate.size}
    t0 = time.perf_counter()
    bulk_ci_s = _cis_bulk(islice(rows, product_cis), loaded, progress)
    t1 = time.perf_counter()
    raw_ci_s = _cis_raw(rows, estate.size - product_cis, loaded, progress)
    t2 = time.perf_counter()
    bulk_rels, bulk_rel_s = _relationships_bulk(islice(edges, product_rels), loaded, progress)
    t3 = time.perf_counter()
    raw_rels, raw_rel_s = _relationships_raw(edges, loaded, progress)
    t4 = time.perf_counter()
    result |= {
        "relationships": bulk_rels + raw_rels,
        "product_path": {
            "what": "steward.cmdb.services.bulk cis_import + relationships_import"
            " (validated, audited, history), batches of"
            f" {CI_BATCH:,} CIs / {REL_BATCH:,} relationships",
            "cis": product_cis,
            "relationships": bulk_rels,
            "cis_per_s": round(product_cis / bulk_ci_s, 1) if product_cis else None,
            "relationships_per_s": round(bulk_rels / bulk_rel_s, 1) if bulk_rels else None,
            "seconds": round(t1 - t0 + t3 - t2, 2),
        },
        "raw_path": {
            "what": "plain driver (PostgreSQL COPY, SQLite executemany) into the same tables,"
            " one transaction per batch, no audit or history rows",
            "cis": estate.size - product_cis,
            "relationships": raw_rels,
            "cis_per_s": round((estate.size - product_cis) / raw_ci_s, 1) if raw_ci_s else None,
            "relationships_per_s": round(raw_rels / raw_rel_s, 1) if raw_rel_s else None,
            "seconds_with_row_building": round(t2 - t1 + t4 - t3, 2),
        },
        "seconds": round(t4 - t0, 2),
        "_loaded": loaded,
    }
    return result


def _cis_bulk(
    rows: Iterable[tuple[int, dict]], loaded: Loaded, progress: Callable[[str], None]
) -> float:
    from steward.cmdb.services.bulk import cis_import
    from steward.core.actor import Actor

    system, spent = Actor.system("bench"), 0.0
    for chunk in _chunks(rows, CI_BATCH):
        t0 = time.perf_counter()
        made = cis_import(system, [row for _i, row in chunk])
        spent += time.perf_counter() - t0
        loaded.ids.extend(ci.pk for ci in made)
        loaded.numbers.extend(ci.number for ci in made)
        progress(f"   {len(loaded.ids):,} CIs through cis_import, {len(loaded.ids) / spent:,.0f}/s")
    return spent


def _relationships_bulk(
    edges: Iterable[tuple[int, int, str]], loaded: Loaded, progress: Callable[[str], None]
) -> tuple[int, float]:
    from steward.cmdb.services.bulk import relationships_import
    from steward.core.actor import Actor

    system, made, spent = Actor.system("bench"), 0, 0.0
    for chunk in _chunks(edges, REL_BATCH):
        triples = [(loaded.stand_in(s), loaded.stand_in(t), kind) for s, t, kind in chunk]
        t0 = time.perf_counter()
        made += len(relationships_import(system, triples))
        spent += time.perf_counter() - t0
        progress(f"   {made:,} relationships through relationships_import, {made / spent:,.0f}/s")
    return made, spent


def _ci_columns() -> list:
    from steward.cmdb.models import ConfigurationItem

    return [f for f in ConfigurationItem._meta.concrete_fields if not f.primary_key]


def _cis_raw(
    rows: Iterator[tuple[int, dict]], count: int, loaded: Loaded, progress: Callable[[str], None]
) -> float:
    """The CI rows as ``cis_import`` would build them, inserted with the plain driver."""
    from django.db import connection, transaction

    from steward.cmdb.models import ConfigurationItem
    from steward.cmdb.selectors import class_tree
    from steward.core.numbering import next_numbers

    if count <= 0:
        return 0.0
    tree = class_tree()
    fields = _ci_columns()
    columns = [f.column for f in fields]
    now = dt.datetime.now(dt.UTC)
    numbers = next_numbers("CI", count)
    spent, done = 0.0, 0
    postgres = connection.vendor == "postgresql"
    for chunk in _chunks(rows, CI_BATCH):
        values = []
        for _index, row in chunk:
            # a model instance gives every column its default (new fields included) and
            # Django's own conversion to the driver's form
            item = ConfigurationItem(
                number=numbers[done + len(values)],
                name=row["name"],
                ci_class_id=tree.by_slug[row["ci_class"]].id,
                attributes=row["attributes"],
                status=row["status"],
                created_at=now,
                updated_at=now,
            )
            values.append(
                tuple(f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields)
            )
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                _copy(cursor, "cmdb_configurationitem", columns, values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO cmdb_configurationitem ({', '.join(columns)})"  # noqa: S608
                    f" VALUES ({marks})",
                    values,
                )
        spent += time.perf_counter() - t0
        done += len(values)
        if done % (CI_BATCH * 20) == 0 or done == count:
            progress(f"   {done:,} CIs with the plain driver, {done / spent:,.0f}/s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, id FROM cmdb_configurationitem WHERE number >= %s AND number <= %s",
            [numbers[0], numbers[-1]],
        )
        by_number = dict(cursor.fetchall())
    loaded.numbers.extend(numbers)
    loaded.ids.extend(by_number[n] for n in numbers)
    return spent + time.perf_counter() - t0


def _relationships_raw(
    edges: Iterator[tuple[int, int, str]], loaded: Loaded, progress: Callable[[str], None]
) -> tuple[int, float]:
    from django.db import connection, transaction

    from steward.cmdb.models import RelationshipType

    types = dict(RelationshipType.objects.values_list("slug", "id"))
    now = dt.datetime.now(dt.UTC)
    postgres = connection.vendor == "postgresql"
    columns = ["source_id", "target_id", "type_id", "created_at"]
    made, spent = 0, 0.0
    ids = loaded.ids
    for chunk in _chunks(edges, REL_BATCH):
        values = [(ids[s], ids[t], types[kind], now) for s, t, kind in chunk]
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                _copy(cursor, "cmdb_relationship", columns, values)
            else:
                cursor.executemany(
                    "INSERT INTO cmdb_relationship (source_id, target_id, type_id, created_at)"
                    " VALUES (%s, %s, %s, %s)",
                    values,
                )
        spent += time.perf_counter() - t0
        made += len(values)
        if made % (REL_BATCH * 10) == 0:
            progress(f"   {made:,} relationships with the plain driver, {made / spent:,.0f}/s")
    return made, spent


def _copy(cursor, table: str, columns: list[str], values: list[tuple]) -> None:  # noqa: ANN001
    """PostgreSQL COPY through the connection's own psycopg cursor."""
    raw = cursor.cursor  # Django's wrapper holds the psycopg cursor
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for value in values:
            copy.write_row(value)


def analyze() -> float:
    """Fresh planner statistics after the load (what autovacuum / a DBA would do)."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return round(time.perf_counter() - began, 2)
