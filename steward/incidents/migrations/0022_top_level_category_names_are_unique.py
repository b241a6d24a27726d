# Top-level category names were unique only by a check before the write: the (parent, name)
# constraint holds no top-level name (NULL parents never equal each other), so two renames
# at once both passed the check. A partial constraint holds them, case-sensitive as the check.

from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    """Say which top-level names repeat before the constraint would fail on them with a bare
    IntegrityError: an operator renames or merges them, then migrates."""
    Category = apps.get_model("incidents", "Category")
    repeated = list(
        Category.objects.filter(parent=None)
        .values("name")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .order_by("name")
        .values_list("name", flat=True)[:10]
    )
    if repeated:
        raise RuntimeError(
            f"top-level incident categories repeat: {', '.join(map(repr, repeated))}; "
            "rename or merge them, then run the migration again"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0013_user_language_follows_the_browser'),
        ('incidents', '0021_search_merges_in_the_worker'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.UniqueConstraint(condition=models.Q(('parent', None)), fields=('name',), name='category_unique_top_name'),
        ),
    ]
