from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "steward.automation"
    label = "automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        from steward.automation import notifications  # noqa: F401 - the notify consumer
        from steward.automation.models import Rule
        from steward.automation.services import engine
        from steward.core import hooks, stamps

        # every process runs the rules saved by any of them from its next request
        stamps.guard(stamps.AUTOMATION, Rule)
        # the incident services call these after their writes, in their transaction
        hooks.register(hooks.INCIDENT_CREATED, engine.on_created)
        hooks.register(hooks.INCIDENT_UPDATED, engine.on_updated)
        # the SLA sweep calls this when it records a clock's warning or breach (0104)
        hooks.register(hooks.SLA_THRESHOLD, engine.on_sla_threshold)
