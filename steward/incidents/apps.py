from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "steward.incidents"
    label = "incidents"

    def ready(self) -> None:
        from steward.core import targets
        from steward.incidents import (  # noqa: F401 - registers outbox consumers
            escalations,
            notifications,
            search,
            selectors,
        )
        from steward.incidents.models import Incident

        targets.register(
            targets.TargetKind("incident", Incident, "number", selectors.incident_visible)
        )
