"""Statements sent to PostgreSQL together: a write's rows that need no answer in one round trip.

Inside ``sent_together()`` (on PostgreSQL, in a transaction) the connection is in psycopg's
pipeline mode: a statement is sent without waiting for its result, and the client waits
only when something reads an answer (a ``RETURNING`` value, a ``SELECT``'s rows) or when the
block ends. A create's index row, audit entry and outbox row (which nobody reads back) then
travel with the block's end in one round trip instead of three, and the transaction's
``BEGIN`` travels with its first statement (decision 0019).

Nothing changes for the code inside: services call ``audit.record`` and ``outbox.emit`` as
everywhere; those ask for no generated id while ``active()`` (``core.inserts``). A failing
statement fails the block when it ends (or at the next read), as a Django
``DatabaseError``, and the transaction around it rolls back. On SQLite, or outside a
transaction, the block changes nothing: every statement there is in process.

**Only inserts and reads inside.** A pipelined statement's row count is not known until its
answer arrives: Django's ``save()`` of an existing row, ``QuerySet.update()`` and
``delete()`` read it at once and would take an update for a miss. Run those before the
block (``incident_create`` moves its assignment rule first).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

_local = threading.local()


def active(using: str = "default") -> bool:
    """Whether statements on ``using`` are being sent without waiting for their answers."""
    return getattr(_local, "aliases", {}).get(using, 0) > 0


@contextmanager
def sent_together(using: str = "default") -> Iterator[None]:
    """Send the block's statements without waiting for the answers nobody reads; must be
    entered inside the transaction (``transaction.atomic()``), so that leaving it does not
    commit: its end waits for every answer, then the transaction commits as usual."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    aliases = getattr(_local, "aliases", None)
    if aliases is None:
        aliases = _local.aliases = {}
    # an error sent back at the block's end (or at a read) is a psycopg error: make it
    # Django's, as an error of the statement itself would be
    with connection.wrap_database_errors, connection.connection.pipeline():
        aliases[using] = aliases.get(using, 0) + 1
        try:
            yield
        finally:
            aliases[using] -= 1
