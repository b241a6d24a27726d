from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "steward.changes"
    label = "changes"
    verbose_name = "Changes"

    def ready(self) -> None:
        from steward.changes import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.changes.models import Change
        from steward.core import targets

        targets.register(
            targets.TargetKind(
                "change", Change, "number", selectors.change_visible, page="changes:detail"
            )
        )
