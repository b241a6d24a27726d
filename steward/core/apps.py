from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "steward.core"
    label = "core"
    verbose_name = "Steward core"

    def ready(self) -> None:
        from steward.core import selectors, targets, task_results
        from steward.core.models import Team, User

        targets.register(targets.TargetKind("user", User, "username", selectors.user_visible))
        targets.register(targets.TargetKind("team", Team, "slug", selectors.team_visible))
        task_results.register()
