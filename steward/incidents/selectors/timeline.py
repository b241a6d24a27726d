"""An incident's activity: comments (work notes for agents only) and, for the page, the
record timeline of the record kit (comments and history as a person reads them)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.models import Comment
from steward.core.pagination import Page, paginate
from steward.core.selectors.timeline import TimelineEntry, record_timeline
from steward.incidents.models import Incident


def _comments_qs(actor: Actor, incident: Incident) -> QuerySet[Comment]:
    ct = ContentType.objects.get_for_model(Incident)
    qs = Comment.objects.filter(content_type=ct, object_id=str(incident.pk)).select_related(
        "author"
    )
    return qs if actor.is_agent else qs.filter(internal=False)


def incident_comments(actor: Actor, incident: Incident) -> list[Comment]:
    """The activity of an incident the actor can see; requesters never see work notes."""
    return list(_comments_qs(actor, incident).order_by("created_at", "id")[:500])


def incident_comment_page(
    actor: Actor, incident: Incident, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of an incident's activity, oldest first (work notes for agents only)."""
    return paginate(
        _comments_qs(actor, incident), order=("created_at", "id"), cursor=cursor, limit=limit
    )


def incident_timeline(actor: Actor, incident: Incident) -> list[TimelineEntry]:
    """The incident page's activity, newest first: the comments the actor may see and, for
    agents, the history with names, labels and dates in the reader's zone."""
    return record_timeline(actor, incident, comments=incident_comments(actor, incident))
