from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "steward.changes"
    label = "changes"
    verbose_name = "Changes"

    def ready(self) -> None:
        from steward.changes import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.changes.models import Change, ChangeSettings, RiskAnswer, RiskQuestion
        from steward.core import stamps, targets

        # what a create's risk reads, cached per process (changes.services.risk.policy)
        stamps.guard(stamps.CHANGE_CONFIG, RiskQuestion, RiskAnswer, ChangeSettings)

        targets.register(
            targets.TargetKind(
                "change", Change, "number", selectors.change_visible, page="changes:detail"
            )
        )
