"""The search index's merges leave the writes (decision 0106): on SQLite, FTS5's
``automerge`` 0, ``crisismerge`` and ``usermerge`` set; the worker merges in paced steps.
Nothing on PostgreSQL."""

from django.db import migrations


def configure(apps, schema_editor):
    from steward.incidents.services import search_merge

    search_merge.configure(schema_editor.connection)


def restore(apps, schema_editor):
    from steward.incidents.services import search_merge

    search_merge.configure(schema_editor.connection, search_merge.DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0020_external_reference_per_organisation")]
    operations = [migrations.RunPython(configure, restore)]
