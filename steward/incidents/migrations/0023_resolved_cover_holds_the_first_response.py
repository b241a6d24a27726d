# The time-to-acknowledge report (MTTA) reads each resolved incident's first response: the
# covering index the report reads the period from holds it too, so the report stays an
# index-only read (decisions 0103, 0129). Widened, not added, as 0019 did.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0022_top_level_category_names_are_unique'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='incident',
            name='inc_resolved_cover',
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(
                fields=['status', 'resolved_at', 'priority', 'opened_at', 'team', 'first_response_at'],
                name='inc_resolved_cover',
            ),
        ),
    ]
