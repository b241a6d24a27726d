"""Race-free record numbers (``INC0000001``), one sequence per prefix."""

from __future__ import annotations

from django.db import connection, transaction

from steward.core.models import NumberSequence

WIDTH = 7
_TABLE = NumberSequence._meta.db_table
# the table name is ours, never user input
_BUMP = f"UPDATE {_TABLE} SET last = last + %s WHERE prefix = %s RETURNING last"  # noqa: S608
_SEED = f"INSERT INTO {_TABLE} (prefix, last) VALUES (%s, 0) ON CONFLICT (prefix) DO NOTHING"  # noqa: S608


def next_number(prefix: str) -> str:
    """Allocate the next number for ``prefix``; call inside the record's transaction.

    A single ``UPDATE … RETURNING`` bumps the counter under the row's lock, so concurrent
    writers queue instead of reading the same value; the number is released only if the
    whole transaction rolls back.
    """
    return next_numbers(prefix, 1)[0]


def next_numbers(prefix: str, count: int) -> list[str]:
    """Allocate ``count`` consecutive numbers in one statement (bulk imports)."""
    if count < 1:
        return []
    # no savepoint inside the record's transaction: a failure here fails the record anyway,
    # and on PostgreSQL a savepoint and its release are two more round trips per create
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_BUMP, [count, prefix])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(_SEED, [prefix])
            cursor.execute(_BUMP, [count, prefix])
            row = cursor.fetchone()
    last = row[0]
    return [f"{prefix}{n:0{WIDTH}d}" for n in range(last - count + 1, last + 1)]
