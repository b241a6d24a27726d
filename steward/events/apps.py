from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "steward.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from steward.events import selectors, tasks  # noqa: F401
