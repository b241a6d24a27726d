"""An incident's CI and affected service become references to the CMDB (issue 10, item 4):
the text columns are renamed ``*_text`` and the foreign keys added; 0010 maps the text to
CIs, 0011 drops it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cmdb", "0005_ci_class_name_index"),
        ("incidents", "0008_sent_once_moves_to_core"),
    ]

    operations = [
        migrations.RenameField("incident", "configuration_item", "configuration_item_text"),
        migrations.RenameField("incident", "affected_service", "affected_service_text"),
        migrations.AddField(
            model_name="incident",
            name="affected_service",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="incidents_of_service",
                to="cmdb.configurationitem",
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="configuration_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="incidents",
                to="cmdb.configurationitem",
            ),
        ),
    ]
