"""Race-free record numbers (``INC0000001``), one sequence per prefix."""

from __future__ import annotations

from django.db import connection, transaction

from steward.core.models import NumberSequence

WIDTH = 7


def next_number(prefix: str) -> str:
    """Allocate the next number for ``prefix``; call inside the record's transaction.

    A single ``UPDATE … RETURNING`` bumps the counter under the row's lock, so concurrent
    writers queue instead of reading the same value; the number is released only if the
    whole transaction rolls back.
    """
    table = NumberSequence._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE prefix = %s RETURNING last",  # noqa: S608
                       [prefix])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                f"INSERT INTO {table} (prefix, last) VALUES (%s, 0) ON CONFLICT (prefix) DO NOTHING",  # noqa: S608
                [prefix],
            )
            cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE prefix = %s RETURNING last",  # noqa: S608
                           [prefix])
            row = cursor.fetchone()
    return f"{prefix}{row[0]:0{WIDTH}d}"
