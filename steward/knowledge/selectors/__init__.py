"""Knowledge reads; every one takes the acting user and scopes by it."""

from steward.knowledge.selectors.feedback import (
    JOURNEY_WINDOW,
    article_report_prefill,
    article_stats,
    deflection_totals,
    deflections,
    my_vote,
)
from steward.knowledge.selectors.permissions import (
    ArticleCapabilities,
    article_allowed_transitions,
    article_capabilities,
)
from steward.knowledge.selectors.records import (
    article_best,
    article_editable,
    article_for_update,
    article_get,
    article_list,
    article_results,
    article_suggest,
    article_version_get,
    article_versions,
    article_visible,
)

__all__ = [
    "JOURNEY_WINDOW",
    "ArticleCapabilities",
    "article_allowed_transitions",
    "article_best",
    "article_results",
    "article_capabilities",
    "article_editable",
    "article_for_update",
    "article_get",
    "article_list",
    "article_report_prefill",
    "article_stats",
    "article_suggest",
    "article_version_get",
    "article_versions",
    "article_visible",
    "deflection_totals",
    "deflections",
    "my_vote",
]
