from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "steward.incidents"
    label = "incidents"

    def ready(self) -> None:
        from huey.contrib.djhuey import HUEY

        from steward.core import stamps, targets
        from steward.incidents import (  # noqa: F401 - registers outbox consumers
            notifications,
            selectors,
        )
        from steward.incidents.models import Category, Incident, PriorityRule, SavedView
        from steward.incidents.services import (  # noqa: F401 - registers outbox consumers
            escalations,
            search_merge,
        )
        from steward.web import pickers

        # the search index's merges are the worker's on SQLite (decision 0106)
        HUEY.on_startup("search-merger")(search_merge.start)
        HUEY.on_shutdown("search-merger")(search_merge.stop)
        stamps.guard(stamps.INCIDENT_CONFIG, PriorityRule, Category)
        stamps.guard(stamps.SAVED_VIEWS, SavedView)
        targets.register(
            targets.TargetKind(
                "incident",
                Incident,
                "number",
                selectors.incident_visible,
                page="incidents:detail",
                way_back=way_back,
            )
        )
        # Related incidents are picked by number or title (a change's, a problem's link).
        pickers.register(
            "incident",
            lambda actor, q: [
                pickers.Suggestion(i.number, f"{i.number} {i.title}", i.get_status_display())
                for i in selectors.incident_suggest(actor, q=q)
            ],
        )
        pickers.register(
            "category",
            lambda actor, q: [
                pickers.Suggestion(c.slug, category_label(c), c.slug)
                for c in selectors.category_suggest(q=q)
            ],
        )


def way_back(actor, text: str) -> str:  # noqa: ANN001 - an Actor
    """The incident page's ``?back=…`` for a ``back`` parameter (the queue it was opened
    from), rebuilt as the page reads it (``back_query``); imported when first asked, so
    starting the app loads no views."""
    from steward.incidents.views.queue import back_query, back_suffix

    return back_suffix(back_query(actor, text))


def category_label(category) -> str:  # noqa: ANN001 - a Category
    """A subcategory reads with its category: "Hardware › Laptop"."""
    if category.parent_id is None:
        return category.name
    return f"{category.parent.name} › {category.name}"
