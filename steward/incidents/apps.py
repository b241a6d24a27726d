from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "steward.incidents"
    label = "incidents"

    def ready(self) -> None:
        from steward.core import targets
        from steward.incidents import (  # noqa: F401 - registers outbox consumers
            notifications,
            selectors,
        )
        from steward.incidents.models import Incident
        from steward.incidents.services import (  # noqa: F401 - registers outbox consumers
            escalations,
        )

        targets.register(
            targets.TargetKind(
                "incident", Incident, "number", selectors.incident_visible, page="incidents:detail"
            )
        )
