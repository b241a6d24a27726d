# Rule names were unique whatever their case only by a check before the insert: two creates
# at once both passed it ("Triage" and "TRIAGE", or a 500 for the same name). The database
# now holds the rule the check states.

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper


def refuse_duplicates(apps, schema_editor):
    """Say which rule names repeat (whatever their case) before the constraint would fail
    on them with a bare IntegrityError: an administrator renames them, then migrates."""
    Rule = apps.get_model("automation", "Rule")
    repeated = list(
        Rule.objects.annotate(key=Upper("name"))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("key", flat=True)[:10]
    )
    if repeated:
        raise RuntimeError(
            f"automation rules share a name (whatever its case): {', '.join(repeated)}; "
            "rename them, then run the migration again"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('automation', '0002_sla_triggers'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='rule',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('name'), name='automation_rule_name_upper_unique'),
        ),
    ]
