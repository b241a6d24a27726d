"""The flush between transactional tests on PostgreSQL: rows deleted, tables not truncated.

Every test that commits (``transactional_db``, ``live_server``, ``django_db(transaction=True)``:
about 170 in the suite) ends with Django's ``flush``, which on PostgreSQL is one
``TRUNCATE`` of every table (over a hundred). A ``TRUNCATE`` gives each table, its indexes
and its TOAST table new files: measured here at 0.3 s a flush on a quiet server and 5 s on
one busy with other writers, the tables all but empty, against 0.02 to 0.03 s to delete
their rows (decision 0068). SQLite's flush is a ``DELETE`` per table already.

``sql_flush`` below gives the same end state (every table Django knows emptied, sequences
left where they were, as ``TRUNCATE`` without ``RESTART IDENTITY`` leaves them) as one
``DO`` block run inside the flush's own transaction: ``session_replication_role = replica``
for that transaction only, so neither the foreign keys' checks nor the audit log's
append-only trigger fire (``TRUNCATE`` fires neither: foreign keys are checked only as
declared, the audit trigger is a row trigger), then ``DELETE FROM`` each table; a flush that
resets sequences (``RESTART IDENTITY``: the journeys' start and end) then restarts the
sequences the tables' columns own, as ``RESTART IDENTITY`` does. Setting that role needs a
superuser (CI's and the helpers' ``postgres``); for any other role the block runs Django's
own ``TRUNCATE`` instead.
"""

from __future__ import annotations

_original = None


def _literal(table: str) -> str:
    return "'" + table.replace("'", "''") + "'"


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # noqa: ANN001
    truncate = _original(
        self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )
    if not tables or allow_cascade:
        # CASCADE empties tables outside the list that point at it (a flush of some apps
        # only, ``available_apps``): deleting the listed rows alone would leave those
        return truncate
    names = ", ".join(_literal(table) for table in tables)
    fallback = truncate[0].replace("'", "''")
    return [
        f"""DO $steward_flush$
DECLARE name text; owned regclass;
BEGIN
  IF current_setting('is_superuser') <> 'on' THEN
    EXECUTE '{fallback}';
    RETURN;
  END IF;
  PERFORM set_config('session_replication_role', 'replica', true);
  FOREACH name IN ARRAY ARRAY[{names}]::text[] LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  PERFORM set_config('session_replication_role', 'origin', true);
  IF {"true" if reset_sequences else "false"} THEN
    -- what RESTART IDENTITY restarts: the sequences owned by the tables' columns
    FOR owned IN
      SELECT sequence.oid::regclass FROM pg_class sequence
      JOIN pg_depend link ON link.objid = sequence.oid AND link.deptype IN ('a', 'i')
        AND link.classid = 'pg_class'::regclass AND link.refclassid = 'pg_class'::regclass
      JOIN pg_class owner ON owner.oid = link.refobjid
      WHERE sequence.relkind = 'S' AND owner.relnamespace = current_schema()::regnamespace
        AND owner.relname = ANY(ARRAY[{names}]::text[])
    LOOP
      EXECUTE format('ALTER SEQUENCE %s RESTART', owned);
    END LOOP;
  END IF;
END
$steward_flush$;"""
    ]


def install() -> None:
    """Put ``sql_flush`` in place of PostgreSQL's for this test process."""
    global _original
    from django.db.backends.postgresql.operations import DatabaseOperations

    if _original is None:
        _original = DatabaseOperations.sql_flush
        DatabaseOperations.sql_flush = sql_flush
