from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "steward.catalog"
    label = "catalog"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from steward.catalog import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.catalog.models import CatalogItem, Request, Service, Task
        from steward.core import stamps, targets

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
