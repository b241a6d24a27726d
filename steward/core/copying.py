"""PostgreSQL's ``COPY ... FROM STDIN`` for the rows ``inserts.insert_many`` writes.

psycopg's ``executemany`` sends one INSERT per row, even pipelined: parsing, binding and a
result per row were most of the database's share of a bulk load (decision 0047). ``COPY``
streams the same values, each turned into text by the same psycopg dumper that
``executemany`` would use for it (``copy.write_row`` picks the dumper by the value's
class, as a parameter is picked), and the server reads that text with the column's own
input function, as it reads a bound parameter's text. tests/core/test_inserts.py holds the
rows of both equal (times with zones and microseconds, JSON, NULLs, booleans, text with
tabs, newlines and backslashes).

Not inside ``pipeline.sent_together()``: psycopg does not run ``COPY`` in pipeline mode,
so ``insert_many`` keeps ``executemany`` there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


def statement(connection: Any, model: type[models.Model], fields: Sequence[models.Field]) -> str:
    """The ``COPY`` of ``fields``' columns of ``model``'s table, in that order; empty where
    the database has no ``COPY`` (SQLite)."""
    if connection.vendor != "postgresql":
        return ""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"


def write(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Stream ``rows`` through ``sql`` on Django's ``cursor``: its errors become Django's and
    the statement is logged where ``executemany``'s is (``connection.queries`` in tests and
    with DEBUG, as "<n> times: COPY ..."), so statement counts see it."""
    connection = cursor.db
    connection.validate_no_broken_transaction()
    debug = getattr(cursor, "debug_sql", None)
    with connection.wrap_database_errors:
        if debug is None:
            _stream(cursor.cursor, sql, rows)
        else:
            with debug(sql, rows, many=True):
                _stream(cursor.cursor, sql, rows)


def _stream(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
