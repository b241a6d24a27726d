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
            search_index,
        )
        from steward.web import pickers

        targets.register(
            targets.TargetKind(
                "incident", Incident, "number", selectors.incident_visible, page="incidents:detail"
            )
        )
        # Related incidents are picked by number or title (a change's, a problem's link).
        pickers.register(
            "incident",
            lambda actor, q: [
                pickers.Suggestion(i.number, f"{i.number} {i.title}", i.get_status_display())
                for i in selectors.incident_suggest(actor, q=q)
            ],
        )
