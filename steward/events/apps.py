from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "steward.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from steward.core import stamps
        from steward.events import selectors, tasks  # noqa: F401
        from steward.events.models import MaintenanceWindow

        # the windows not over yet are kept per process (selectors/windows.py)
        stamps.guard(
            stamps.EVENT_WINDOWS,
            MaintenanceWindow,
            m2m=(MaintenanceWindow.configuration_items.through,),
        )
