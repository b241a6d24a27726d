from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "steward.assets"
    label = "assets"
    verbose_name = "Assets"

    def ready(self) -> None:
        from steward.assets import notifications, selectors  # noqa: F401 - outbox consumers
        from steward.assets.models import Asset
        from steward.core import targets

        targets.register(
            targets.TargetKind(
                "asset", Asset, "number", selectors.asset_visible, page="assets:detail"
            )
        )
