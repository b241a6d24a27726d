"""Race-free record numbers (``INC0000001``), one sequence per prefix.

Two kinds of sequence (decision 0019):

- the counter table (``NumberSequence``), every prefix on SQLite and every prefix but
  ``SEQUENCED`` on PostgreSQL: gap-free, a number is given back when its transaction rolls
  back, and writers of one prefix queue on its row's lock until they commit;
- a PostgreSQL sequence for the prefixes in ``SEQUENCED`` (incidents, the most frequent
  create): unique and increasing in the order they are taken, never waiting on another
  writer, and taken in the record's own ``INSERT`` (``number_sql``), one round trip fewer;
  a number taken by a transaction that rolls back is not reused (a gap).
"""

from __future__ import annotations

from django.db import connection, transaction

from steward.core.models import NumberSequence

WIDTH = 7
_TABLE = NumberSequence._meta.db_table
# the table name is ours, never user input
_BUMP = f"UPDATE {_TABLE} SET last = last + %s WHERE prefix = %s RETURNING last"  # noqa: S608
_SEED = f"INSERT INTO {_TABLE} (prefix, last) VALUES (%s, 0) ON CONFLICT (prefix) DO NOTHING"  # noqa: S608
# prefix: its PostgreSQL sequence, created by a migration of the app the prefix numbers
# (incidents 0015), which also takes the counter table's row over
SEQUENCED = {"INC": "incidents_number"}


def sequence_of(prefix: str) -> str | None:
    """The PostgreSQL sequence numbering ``prefix`` on this database, if any."""
    return SEQUENCED.get(prefix) if connection.vendor == "postgresql" else None


def number_sql(prefix: str) -> str | None:
    """SQL that takes the next number of ``prefix`` inside a statement (``INC0000042``; no
    digit dropped past ``WIDTH`` digits), or ``None`` where the prefix has no sequence."""
    sequence = sequence_of(prefix)
    if sequence is None:
        return None
    # the prefix and the sequence are SEQUENCED's own, never user input
    return (
        f"(SELECT '{prefix}' || lpad(n::text, greatest({WIDTH}, length(n::text)), '0') "  # noqa: S608
        f"FROM nextval('{sequence}') AS n)"
    )


def next_number(prefix: str) -> str:
    """Allocate the next number for ``prefix``; call inside the record's transaction.

    From the counter table, a single ``UPDATE … RETURNING`` bumps the counter under the
    row's lock, so concurrent writers queue instead of reading the same value; the number
    is released only if the whole transaction rolls back. From a sequence: ``nextval``.
    """
    return next_numbers(prefix, 1)[0]


def next_numbers(prefix: str, count: int) -> list[str]:
    """Allocate ``count`` numbers in one statement (bulk imports): consecutive from the
    counter table; from a sequence, increasing (another writer's may fall between them)."""
    if count < 1:
        return []
    sequence = sequence_of(prefix)
    if sequence is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
            taken = sorted(n for (n,) in cursor.fetchall())
        return [f"{prefix}{n:0{WIDTH}d}" for n in taken]
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
