"""Database triggers that make the audit log append-only (used by migration 0002)."""

SQLITE_UPDATE = """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
    BEFORE UPDATE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
SQLITE_DELETE = """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete
    BEFORE DELETE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()""",
]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, POSTGRES)
    else:
        create_sqlite(connection)


def drop(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, ["DROP TRIGGER core_auditentry_append_only ON core_auditentry",
                          "DROP FUNCTION core_auditentry_append_only()"])
    else:
        _run(connection, ["DROP TRIGGER IF EXISTS core_auditentry_no_update"])
        drop_sqlite_delete(connection)


def create_sqlite(connection) -> None:
    _run(connection, [SQLITE_UPDATE, SQLITE_DELETE])


def drop_sqlite_delete(connection) -> None:
    """Only for the test suite's flush between transactional tests."""
    _run(connection, ["DROP TRIGGER IF EXISTS core_auditentry_no_delete"])
