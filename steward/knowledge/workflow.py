"""The article lifecycle as data: services enforce it, the pages draw their buttons from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from steward.core.workflow import Transition, Workflow
from steward.knowledge.choices import Status

_S = Status


def _has_text(article: Any, data: Mapping[str, Any]) -> str | None:
    """Nothing empty reaches readers: a published article has a title and a body."""
    body = data.get("body", article.body)
    return None if (body or "").strip() else "an article needs a body before it is published"


ARTICLE_FLOW = Workflow(
    states=tuple(Status.values),
    transitions=[
        Transition(_S.DRAFT, _S.REVIEW, label=_("Send for review")),
        Transition(_S.DRAFT, _S.PUBLISHED, guard=_has_text, label=_("Publish")),
        Transition(_S.REVIEW, _S.PUBLISHED, guard=_has_text, label=_("Publish")),
        Transition(_S.REVIEW, _S.DRAFT, label=_("Back to draft")),
        Transition(_S.PUBLISHED, _S.REVIEW, label=_("Send for review")),
        Transition(_S.PUBLISHED, _S.RETIRED, label=_("Retire")),
        Transition(_S.RETIRED, _S.DRAFT, label=_("Revive as draft")),
    ],
)
