from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "steward.cmdb"
    label = "cmdb"
    verbose_name = "CMDB"

    def ready(self) -> None:
        from steward.cmdb import selectors
        from steward.cmdb.models import RelationshipType
        from steward.core import stamps
        from steward.web import pickers

        # the relationship types' directions are cached per process (every change create's
        # impact walks read them; decision 0036)
        stamps.guard(stamps.CMDB_CONFIG, RelationshipType)

        def option(ci) -> pickers.Suggestion:  # noqa: ANN001 - a ConfigurationItem
            return pickers.Suggestion(ci.number, ci.name, f"{ci.number} · {ci.ci_class.name}")

        pickers.register(
            "ci", lambda actor, q: [option(c) for c in selectors.ci_suggest(actor, q=q)]
        )
        pickers.register_family(
            "ci",  # ci-<class slug>: a reference attribute's picker offers that class
            lambda actor, q, ci_class: [
                option(c) for c in selectors.ci_suggest(actor, q=q, ci_class=ci_class)
            ],
        )
        pickers.register(
            "service",
            lambda actor, q: [
                option(c) for c in selectors.ci_suggest(actor, q=q, services_only=True)
            ],
        )
