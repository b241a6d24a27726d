from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "steward.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from steward.core import targets
        from steward.knowledge import notifications, selectors, services  # noqa: F401 - consumers
        from steward.knowledge.models import Article

        targets.register(
            targets.TargetKind(
                "article",
                Article,
                "number",
                selectors.article_editable,
                page="knowledge:detail",
                # readers of a published everyone-article download its files; only agents
                # attach and comment (article_editable)
                readable=selectors.article_visible,
            )
        )
