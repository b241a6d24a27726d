# A calendar's public holidays stored as rows (decision 0127): web workers read them as they
# read closures and never import the holidays package. The existing calendars are filled
# here, from last year to five years ahead, as the services and the daily job fill them.

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

YEARS_BEFORE, YEARS_AHEAD = 1, 5  # steward/sla/services/holidays.py


def fill(apps, schema_editor):
    """Every calendar naming a country gets the package's dates for the window. The package
    is imported here, in the migrating process, not in a web worker."""
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    CalendarHoliday = apps.get_model("sla", "CalendarHoliday")
    calendars = list(BusinessCalendar.objects.exclude(holiday_country="").order_by("id"))
    if not calendars:
        return
    import holidays

    year = dt.datetime.now(dt.UTC).year
    first, last = year - YEARS_BEFORE, year + YEARS_AHEAD
    for calendar in calendars:
        country, subdivision = calendar.holiday_country, calendar.holiday_subdivision
        # the names in the country's own language, as the services store them
        language = holidays.country_holidays(country, subdiv=subdivision or None).default_language
        found = holidays.country_holidays(
            country, subdiv=subdivision or None, years=range(first, last + 1), language=language
        )
        CalendarHoliday.objects.bulk_create(
            CalendarHoliday(calendar=calendar, date=day, name=name[:200])
            for day, name in sorted(found.items())
        )
        BusinessCalendar.objects.filter(pk=calendar.pk).update(
            holidays_source=f"{country}/{subdivision}",
            holidays_first=first,
            holidays_last=last,
        )


def empty(apps, schema_editor):
    """Backwards: the rows go (the table and fields are then removed)."""
    apps.get_model("sla", "CalendarHoliday").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0003_clock_outcome'),
    ]

    operations = [
        migrations.AddField(
            model_name='businesscalendar',
            name='holidays_first',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='businesscalendar',
            name='holidays_last',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='businesscalendar',
            name='holidays_source',
            field=models.CharField(blank=True, editable=False, max_length=14),
        ),
        migrations.CreateModel(
            name='CalendarHoliday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('name', models.CharField(max_length=200)),
                ('calendar', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='public_holidays', to='sla.businesscalendar')),
            ],
            options={
                'ordering': ['date'],
                'constraints': [models.UniqueConstraint(fields=('calendar', 'date'), name='sla_holiday_unique_date')],
            },
        ),
        migrations.RunPython(fill, empty),
    ]
