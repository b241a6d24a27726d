"""Grow a loaded incidents table to N rows by copying it in SQL (read benchmarks only).

The bulk path writes each incident with its clocks, audit and outbox rows; on a shared
2-core machine that is an hour for 1,000,000. The *read* figures (search, lists) only need
the incident rows and their index rows with the right distribution, so ``bench.incidents
.data`` loads ``--base`` incidents through the bulk path (its figure is the bulk figure)
and copies them here, round after round, with new ids and numbers, inside the database.
A copy keeps its source's text, index row included (its number token is the source's: a
number search goes to the number column, never to the index), and has no SLA clocks,
comments or audit rows.
"""

from __future__ import annotations

import time


def grow(lo: int, hi: int, total: int, progress=print) -> dict:  # noqa: ANN001
    """Copy incidents ``lo..hi`` (ids) and their index rows until there are ``total``."""
    from django.db import connection, models, transaction

    from steward.core.numbering import WIDTH, next_numbers
    from steward.incidents.models import Incident
    from steward.incidents.selectors.search import TABLE

    qn = connection.ops.quote_name
    columns = [
        qn(f.column)
        for f in Incident._meta.concrete_fields
        if not f.primary_key and f.name != "number" and not isinstance(f, models.GeneratedField)
    ]
    listed = ", ".join(columns)
    pg = connection.vendor == "postgresql"
    number = (
        f"'INC' || lpad((id - %s + %s)::text, {WIDTH}, '0')"
        if pg
        else f"'INC' || printf('%%0{WIDTH}d', id - %s + %s)"
    )
    key = "incident_id" if pg else "rowid"
    span, began, rounds = hi - lo + 1, time.perf_counter(), 0
    while (count := Incident.objects.count()) < total:
        size = min(span, total - count)
        first = int(next_numbers("INC", size)[0][3:])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM incidents_incident")
            offset = cursor.fetchone()[0] + 1 - lo
            cursor.execute(
                f"INSERT INTO incidents_incident (id, number, {listed}) "  # noqa: S608
                f"SELECT id + %s, {number}, {listed} FROM incidents_incident "
                "WHERE id BETWEEN %s AND %s",
                [offset, lo, first, lo, lo + size - 1],
            )
            cursor.execute(
                f"INSERT INTO {TABLE} ({key}, public, internal) "  # noqa: S608
                f"SELECT {key} + %s, public, internal FROM {TABLE} WHERE {key} BETWEEN %s AND %s",
                [offset, lo, lo + size - 1],
            )
        rounds += 1
        progress(f"   copied to {count + size:,} incidents ({time.perf_counter() - began:.0f}s)")
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), "
                "(SELECT max(id) FROM incidents_incident))"
            )
    return {"rounds": rounds, "seconds": round(time.perf_counter() - began, 1)}
