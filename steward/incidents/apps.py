from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "steward.incidents"
    label = "incidents"

    def ready(self) -> None:
        from steward.core import stamps, targets
        from steward.incidents import (  # noqa: F401 - registers outbox consumers
            notifications,
            selectors,
        )
        from steward.incidents.models import Category, Incident, PriorityRule
        from steward.incidents.services import (  # noqa: F401 - registers outbox consumers
            escalations,
            search_index,
        )

        stamps.guard(stamps.INCIDENT_CONFIG, PriorityRule, Category)
        targets.register(
            targets.TargetKind(
                "incident", Incident, "number", selectors.incident_visible, page="incidents:detail"
            )
        )
