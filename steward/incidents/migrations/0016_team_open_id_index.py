"""The open incidents of a team in id order: ``(team_id, is_open, id)`` (``inc_team_open_id``).

A filtered common word's walk reads the agent's open team queue whole when it is small
(decision 0031, ``queues._small_set``); on SQLite this narrower index answers that read
(three columns, not the queue index's five). SQLite only: see ``VENDORS`` and
docs/benchmarks-incidents.md (branch search15) for what PostgreSQL's planner did with it.
Raw SQL, not a model index, so that the model's state (and ``makemigrations``) is the same
on both databases.
"""

from django.db import migrations

INDEX = "inc_team_open_id"
VENDORS = ("sqlite",)


def create(apps, schema_editor):
    if schema_editor.connection.vendor not in VENDORS:
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON incidents_incident (team_id, is_open, id)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor not in VENDORS:
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0015_number_sequence")]
    operations = [migrations.RunPython(create, drop)]
