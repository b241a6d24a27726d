"""A person's ``language`` is empty until they choose one: their pages follow the browser's
Accept-Language, their mail the site's LANGUAGE_CODE (docs/decisions/0116).

Until now every person was stored with "en", the field's default, and the profile showed
English preselected, so a stored "en" does not say that anyone chose English. The one sign
of a choice is the audit: a profile or administrator edit that changed ``language`` (audit
rows keep only the fields that changed). A person still at "en" with no such row never
changed it, and is set to empty; one whose "en" was audited as a change keeps it.
"""

from django.db import migrations, models


def never_chosen_to_empty(apps, schema_editor):
    User = apps.get_model("core", "User")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type = ContentType.objects.filter(app_label="core", model="user").first()
    chosen: set[int] = set()
    if user_type is not None:
        changed = AuditEntry.objects.filter(
            content_type=user_type, action="update", changes__has_key="language"
        ).values_list("object_id", flat=True)
        chosen = {int(pk) for pk in changed.iterator() if str(pk).isdigit()}
    User.objects.filter(language="en").exclude(pk__in=chosen).update(language="")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0012_user_sso_identity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="language",
            field=models.CharField(blank=True, default="", max_length=10),
        ),
        # nothing to undo: an empty language reads as the site's "en" for mail, and the
        # pages of a person with "en" would stop following the browser again
        migrations.RunPython(never_chosen_to_empty, migrations.RunPython.noop),
    ]
