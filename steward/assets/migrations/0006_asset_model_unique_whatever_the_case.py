# Makes and models were unique whatever their case only by a check before the insert: two
# creates at once both passed it. The case-sensitive constraint becomes a case-blind one.

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper


def refuse_duplicates(apps, schema_editor):
    """Say which makes and models repeat (whatever their case) before the constraint
    would fail on them with a bare IntegrityError: an operator merges them, then migrates."""
    AssetModel = apps.get_model("assets", "AssetModel")
    repeated = [
        f"{m} {n}"
        for m, n in AssetModel.objects.annotate(m=Upper("manufacturer"), k=Upper("name"))
        .values("m", "k")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .values_list("m", "k")[:10]
    ]
    if repeated:
        raise RuntimeError(
            f"asset models repeat (whatever their case): {', '.join(repeated)}; "
            "merge them, then run the migration again"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0005_asset_tag_and_serial_unique'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='assetmodel',
            name='asset_model_once',
        ),
        migrations.AddConstraint(
            model_name='assetmodel',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Upper('manufacturer'), django.db.models.functions.text.Upper('name'), name='asset_model_once_upper'),
        ),
    ]
