from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "steward.problems"
    label = "problems"
    verbose_name = "Problems"

    def ready(self) -> None:
        from steward.core import targets
        from steward.problems import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.problems.models import Problem

        targets.register(
            targets.TargetKind(
                "problem", Problem, "number", selectors.problem_visible, page="problems:detail"
            )
        )
