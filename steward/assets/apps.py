from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "steward.assets"
    label = "assets"
    verbose_name = "Assets"
    # ``steward import assets FILE`` (the import command lives with the CMDB's)
    import_kinds = {"assets": "steward.assets.management.importer"}

    def ready(self) -> None:
        from steward.assets import notifications, selectors, services  # noqa: F401 - consumers
        from steward.assets.models import Asset
        from steward.catalog.services.fulfilment import register_action
        from steward.core import targets
        from steward.web import pickers

        targets.register(
            targets.TargetKind(
                "asset", Asset, "number", selectors.asset_visible, page="assets:detail"
            )
        )
        # requestable assets: a catalogue task naming this action hands one out
        register_action(
            services.requests.ACTION, "Hand out an asset", services.asset_request_fulfil
        )
        # the asset forms choose a model and a location by typing part of its name
        pickers.register(
            "asset-model",
            lambda actor, q: [
                pickers.Suggestion(str(m.pk), str(m), m.category.name)
                for m in selectors.model_suggest(actor, q=q)
            ],
        )
        pickers.register(
            "location",
            lambda actor, q: [
                pickers.Suggestion(str(loc.pk), loc.name)
                for loc in selectors.location_suggest(actor, q=q)
            ],
        )
