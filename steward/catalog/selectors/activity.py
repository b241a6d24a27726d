"""The activity of requests and tasks: comments (requesters read public replies only) and
the timeline of comments and history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.models import Comment
from steward.core.pagination import Page, paginate
from steward.core.selectors.timeline import TimelineEntry, record_timeline


def _comments_qs(actor: Actor, record: models.Model) -> QuerySet[Comment]:
    ct = ContentType.objects.get_for_model(type(record))
    qs = Comment.objects.filter(content_type=ct, object_id=str(record.pk)).select_related("author")
    return qs if actor.is_agent else qs.filter(internal=False)


def comment_page(
    actor: Actor, record: models.Model, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of a visible request's or task's comments, oldest first."""
    return paginate(
        _comments_qs(actor, record), order=("created_at", "id"), cursor=cursor, limit=limit
    )


def timeline(actor: Actor, record: models.Model) -> list[TimelineEntry]:
    """A visible request's or task's page activity, newest first (history for agents)."""
    comments = list(_comments_qs(actor, record).order_by("created_at", "id")[:500])
    return record_timeline(actor, record, comments=comments)
