"""Incident numbers from a PostgreSQL sequence (decision 0019): taken in the incident's own
INSERT, so a create waits on no other writer's counter lock and makes one round trip fewer.

The sequence starts after the highest number handed out so far (the counter table's and
any incident's), and the counter's row is removed so that nothing reads a stale value.
Reversed, the counter gets the sequence's last value back. SQLite keeps the counter table.
"""

from django.db import migrations

from steward.core.numbering import SEQUENCED

PREFIX = "INC"
SEQUENCE = SEQUENCED[PREFIX]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint MINVALUE 1")
        cursor.execute(
            "SELECT greatest("
            " (SELECT last FROM core_numbersequence WHERE prefix = %s),"
            " (SELECT max(substr(number, length(%s) + 1)::bigint) FROM incidents_incident"
            "  WHERE number ~ ('^' || %s || '[0-9]+$')))",
            [PREFIX, PREFIX, PREFIX],
        )
        (last,) = cursor.fetchone()
        if last:
            cursor.execute("SELECT setval(%s, %s)", [SEQUENCE, last])
        cursor.execute("DELETE FROM core_numbersequence WHERE prefix = %s", [PREFIX])


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCE}")  # noqa: S608
        (last,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO core_numbersequence (prefix, last) VALUES (%s, %s) "
            "ON CONFLICT (prefix) DO UPDATE SET last = EXCLUDED.last",
            [PREFIX, last],
        )
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0014_search_terms"), ("core", "0009_user_email_lower")]
    operations = [migrations.RunPython(create, drop)]
