from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "steward.problems"
    label = "problems"
    verbose_name = "Problems"

    def ready(self) -> None:
        from steward.core import targets
        from steward.problems import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.problems.models import Problem
        from steward.web import pickers

        targets.register(
            targets.TargetKind(
                "problem", Problem, "number", selectors.problem_visible, page="problems:detail"
            )
        )
        # the problem page's incident picker (``linkable-<problem number>``) leaves out the
        # incidents already linked to that problem
        pickers.register_family(
            "linkable",
            lambda actor, q, number: [
                pickers.Suggestion(i.number, f"{i.number} {i.title}", i.get_status_display())
                for i in selectors.incidents_to_link(actor, number, q=q)
            ],
        )
