from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "steward.software"
    label = "software"
    verbose_name = "Software licences"

    def ready(self) -> None:
        from steward.software import selectors, tasks  # noqa: F401 - outbox consumers
        from steward.web import pickers

        def option(product) -> pickers.Suggestion:  # noqa: ANN001 - a Product
            return pickers.Suggestion(product.slug, str(product), product.slug)

        pickers.register(
            "software",
            lambda actor, q: [option(p) for p in selectors.product_suggest(actor, q=q)],
        )
