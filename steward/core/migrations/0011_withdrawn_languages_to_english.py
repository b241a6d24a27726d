"""Français and Español were offered but never translated; they are withdrawn (docs/decisions/
0026-translations.md). A person who chose one reads English, and their stored choice says so,
so the profile and the API show what the pages do.

Number 0011: 0010 is another branch's; after both are merged this depends on 0010 (or a merge
migration joins them), its operation being independent of that one's.
"""

from django.db import migrations

WITHDRAWN = ("fr", "es")


def to_english(apps, schema_editor):
    User = apps.get_model("core", "User")
    User.objects.filter(language__in=WITHDRAWN).update(language="en")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_seed_session_and_team_stamps")]

    # nothing to undo: which of the two a person had chosen is not kept
    operations = [migrations.RunPython(to_english, migrations.RunPython.noop)]
