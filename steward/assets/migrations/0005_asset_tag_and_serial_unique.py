# Asset tags and serial numbers were unique only by a check before the insert: two creates
# at once both passed it. The expression indexes become unique constraints.

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper


def refuse_duplicates(apps, schema_editor):
    """Say which tags or serials repeat (whatever their case) before the constraint would
    fail on them with a bare IntegrityError: an operator renames them, then migrates."""
    Asset = apps.get_model("assets", "Asset")
    for field in ("asset_tag", "serial_number"):
        repeated = list(
            Asset.objects.annotate(key=Upper(field))
            .values("key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("key", flat=True)[:10]
        )
        if repeated:
            raise RuntimeError(
                f"assets share a {field} (whatever its case): {', '.join(repeated)}; "
                "give each its own, then run the migration again"
            )


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0004_residual_versions_loans'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='asset',
            name='ast_tag_upper',
        ),
        migrations.RemoveIndex(
            model_name='asset',
            name='ast_serial_upper',
        ),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('asset_tag'), name='ast_tag_upper_unique'),
        ),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('serial_number'), name='ast_serial_upper_unique'),
        ),
    ]
