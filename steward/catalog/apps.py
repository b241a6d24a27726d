from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "steward.catalog"
    label = "catalog"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from steward.catalog import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.catalog.models import CatalogItem, Request, Service, Task
        from steward.core import stamps, targets
        from steward.web import pickers

        # what ordering caches per process (selectors.item_for_order)
        stamps.guard(
            stamps.CATALOG_CONFIG,
            CatalogItem,
            Service,
            m2m=(CatalogItem.audience_organisations.through,),
        )

        targets.register(
            targets.TargetKind(
                "request",
                Request,
                "number",
                selectors.request_visible,
                public_replies_to=lambda actor, obj: True,
                page="catalog:detail",
            )
        )
        targets.register(
            targets.TargetKind(
                "task", Task, "number", selectors.task_visible, page="catalog:task_detail"
            )
        )

        # a form's person question: the people the one ordering may name
        pickers.register(
            "orderable-person",
            lambda actor, q: [
                pickers.Suggestion(
                    u.username, u.get_full_name() or u.username, pickers.person_detail(u)
                )
                for u in selectors.person_answer_suggest(actor, q=q)
            ],
        )
