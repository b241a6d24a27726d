from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "steward.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from steward.core import stamps
        from steward.sla.models import (
            BusinessCalendar,
            CalendarClosure,
            CalendarHoliday,
            SlaPolicy,
            WorkingHours,
        )

        # policies and calendar specs are cached per process (steward/sla/selectors)
        stamps.guard(
            stamps.SLA_CONFIG,
            SlaPolicy,
            BusinessCalendar,
            WorkingHours,
            CalendarClosure,
            CalendarHoliday,
        )
