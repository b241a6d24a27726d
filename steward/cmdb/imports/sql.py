"""Plain ``executemany`` inserts and updates for the import's volumes.

``bulk_create`` and ``bulk_update`` prepare every value of every row through the ORM's field
machinery, which costs more than the database work at 100,000 rows (measured: under 1,000
rows/s). Here values are adapted once per type with the backend's own adapters (JSON,
datetimes), and the driver batches the statements. Only used for tables whose columns the
caller names explicitly; table and column names come from the models, never from input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import DatabaseError, connection, models

BATCH = 5000
# decision 0085: on SQLite, rows go in multi-row ``INSERT … VALUES (…), (…)`` statements of
# up to ``VALUES_PARAMETERS`` values, not one ``executemany`` step per row; ``False`` is the
# old path (kept for the equality test, tests/cmdb/test_import_rows_unchanged.py)
MULTI_ROW = True
# values per such statement: compiling one costs time in proportion to its size, and past
# about 30,000 values more than the per-row steps it saves (measured: 14,705 CI rows in one
# statement cost more CPU than ``executemany``; 200 to 1,927 rows alike, a quarter less)
VALUES_PARAMETERS = 16_384


def _names(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    columns = [quote(model._meta.get_field(f).column) for f in fields]
    return quote(model._meta.db_table), columns


def json_adapter() -> Any:
    """``adapt(value)`` for a JSON column (``Jsonb`` on PostgreSQL, text on SQLite); taken
    once per batch, as ``connection`` is a thread-local proxy that costs a lookup per use."""
    adapt = connection.ops.adapt_json_value
    return lambda value: adapt(value, None)


class Ref:
    """Just enough of a saved row for ``outbox.emit_batch`` (its ``pk`` and ``_meta``),
    without building 100,000 model instances."""

    __slots__ = ("_meta", "pk")

    def __init__(self, model: type[models.Model], pk: int) -> None:
        self._meta = model._meta
        self.pk = pk


def time_value(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _batches(rows: Iterable[Sequence[Any]], size: int = BATCH) -> Iterable[list[Sequence[Any]]]:
    if isinstance(rows, list):  # slices, not an append per row
        for at in range(0, len(rows), size):
            yield rows[at : at + size]
        return
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert every row (values already adapted, in ``fields`` order): ``COPY`` on
    PostgreSQL (no statement to parse or plan per row), ``executemany`` on SQLite (one
    prepared statement stepped in C)."""
    table, columns = _names(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = f"({', '.join(['%s'] * len(columns))})"
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
        if MULTI_ROW:
            _insert_values(cursor, head, marks, len(columns), rows)
            return
        for batch in _batches(rows):
            cursor.executemany(head + marks, batch)


def _insert_values(cursor: Any, head: str, marks: str, width: int, rows: Iterable[Any]) -> None:
    """SQLite: rows ``VALUES_PARAMETERS`` values at a time per ``INSERT`` (963 CI rows,
    4,096 identifier rows). Each row of an ``executemany`` is a statement run of its own:
    bound, stepped and reset, and an ``AUTOINCREMENT`` table's ``sqlite_sequence`` row
    rewritten, per row; here per statement. The rows, their order and so their ids are the
    same. The statements are written with ``?`` and sent past the backend's ``%s`` → ``?``
    rewrite (``_qmark``, decision 0100)."""
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(limit, VALUES_PARAMETERS) // width)
    execute = _qmark(cursor)
    if execute is not None:
        marks = marks.replace("%s", "?")
    else:
        execute = cursor.execute
    flat = itertools.chain.from_iterable
    full = ""
    for batch in _batches(rows, per):
        if len(batch) == per:
            full = full or head + ", ".join([marks] * per)
            sql = full
        else:
            sql = head + ", ".join([marks] * len(batch))
        execute(sql, list(flat(batch)))


def _qmark(cursor: Any) -> Any:
    """``execute(sql, params)`` for SQL written with ``?`` on SQLite, through the connection's
    execute wrappers and error wrapping as ``cursor.execute`` goes, but without the
    backend's rewrite of ``%s`` into ``?``: a regular expression over the whole statement,
    1.5 ms per 16,384-value statement, 0.07-0.09 s of a 20,000-row first import (measured).
    ``None`` where queries are logged (``DEBUG``, ``CaptureQueriesContext``): the log
    writes a statement by ``%``-formatting it, which needs the ``%s`` form."""
    if connection.queries_logged:
        return None
    raw, run, db = cursor.cursor, sqlite3.Cursor.execute, cursor.db

    def executor(sql: str, params: Any, _many: bool, _context: Any) -> Any:
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            return run(raw, sql, params)

    return lambda sql, params: cursor._execute_with_wrappers(sql, params, False, executor)


def update(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``UPDATE … WHERE id`` for every row: ``fields`` values, then the primary key."""
    table, columns = _names(model, fields)
    sets = ", ".join(f"{c} = %s" for c in columns)
    sql = f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name('id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, batch)


@contextlib.contextmanager
def custom_plans() -> Iterator[None]:
    """Within the block, PostgreSQL plans every statement for its own values
    (``plan_cache_mode = force_custom_plan``, ``SET LOCAL``; put back after): the
    candidate lookups send ``= ANY(%s)`` over chunks of 5,000 values, and a generic plan
    (decision 0044 prepares a statement after 5 runs) is made once per connection and kept
    however the table grows. Made while a first import's identifier table was empty, it
    scanned the table and compared every row with the array element by element, and the
    re-run in the same connection kept it (decision 0078). A custom plan hashes the
    array and is costed on the table's size now; planning a chunk costs under a
    millisecond. Outside a transaction (where ``SET LOCAL`` does nothing) and on SQLite:
    nothing."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('plan_cache_mode'),"
            " set_config('plan_cache_mode', 'force_custom_plan', true)"
        )
        (before, _now) = cursor.fetchone()

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [before])

    try:
        yield
    except Exception:
        # a rollback (to the enclosing savepoint) undoes the SET LOCAL; a caller that goes on
        # in this transaction without one gets its setting back here, unless the error
        # aborted the transaction, which then can only roll back
        with contextlib.suppress(DatabaseError):
            restore()
        raise
    restore()


def in_values(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``column IN (…)`` for thousands of values: on PostgreSQL ``= ANY(%s)`` with one array
    parameter, as psycopg splits a query into its placeholders in Python, and 5,000 ``%s``
    cost more than the indexed lookup (profiled: a fifth of a first import)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def select_in(
    model: type[models.Model],
    select: Sequence[str],
    equal: dict[str, Any],
    field: str,
    values: Sequence[Any],
) -> list[tuple[Any, ...]]:
    """``SELECT select FROM model WHERE equal AND field IN values``: the ORM prepares each
    of thousands of ``IN`` values one by one, which costs more than the indexed lookup."""
    if not values:
        return []
    table, columns = _names(model, select)
    _, where = _names(model, [*equal, field])
    conditions = [f"{c} = %s" for c in where[:-1]]
    condition, params = in_values(where[-1], values)
    conditions.append(condition)
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {' AND '.join(conditions)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*equal.values(), *params])
        return cursor.fetchall()


def values_in(
    queryset: models.QuerySet,
    select: Sequence[str],
    values: Sequence[Any],
    *,
    shared: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """``queryset.filter(id__in=values).values(*select)`` for thousands of ids, with the
    queryset's own scope and locking: its SQL compiled once, the ids added as
    ``in_values`` does, the JSON columns decoded here (the ORM's per-value converters
    cost more than the query at 20,000 rows: profiled). A JSON column named in ``shared``
    is decoded once per distinct text and the rows with that text share the value: the
    caller must only read it (a CI's ``attribute_sources`` is the same text for every CI
    one file created)."""
    if not values:
        return []
    model = queryset.model
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name('id')}"
    condition, params = in_values(column, values)
    # ``extra``: the condition is quoted names and placeholders only, the ids parameters
    query = queryset.extra(where=[condition], params=params).values_list(*select)  # noqa: S610
    sql, all_params = query.query.sql_with_params()
    json_at = [
        i
        for i, name in enumerate(select)
        if isinstance(model._meta.get_field(name), models.JSONField)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        found = cursor.fetchall()
    loads = json.loads
    once = [i for i in json_at if select[i] in shared]
    each = [i for i in json_at if select[i] not in shared]
    decoded: dict[str, Any] = {}
    rows = []
    for stored in found:
        row = list(stored)
        for i in each:
            if row[i].__class__ is str:
                row[i] = loads(row[i])
        for i in once:
            text = row[i]
            if text.__class__ is str:
                value = decoded.get(text)
                if value is None:
                    value = decoded[text] = loads(text)
                row[i] = value
        rows.append(dict(zip(select, row, strict=True)))
    return rows
