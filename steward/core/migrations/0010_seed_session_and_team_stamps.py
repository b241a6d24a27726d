from django.db import migrations


def seed(apps, schema_editor):
    # one row per stamp, so a bump is always an UPDATE (0008_cachestamp)
    stamp = apps.get_model("core", "CacheStamp")
    for name in ("catalog_config", "sessions", "teams"):
        stamp.objects.get_or_create(name=name, defaults={"version": 1})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_user_email_lower"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
