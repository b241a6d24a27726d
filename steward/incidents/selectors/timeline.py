"""An incident's activity: comments (work notes for agents only) and, for the page, the
record timeline of the record kit (comments and history as a person reads them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet, Subquery
from django.db.models.functions import Cast

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Comment
from steward.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, cursor_after_key, paginate
from steward.core.selectors import compiled, shells
from steward.core.selectors.scoping import sees_everything
from steward.core.selectors.shells import Shape
from steward.core.selectors.timeline import TimelineEntry, record_timeline
from steward.incidents.models import Incident
from steward.incidents.selectors.records import incident_ref

# what ``CommentOut`` reads, as ``.values()`` names it
_COMMENT_COLUMNS = ("id", "author__username", "body", "body_html", "internal", "channel")


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


# the page's comments with what the timeline reads of their authors (``User.__str__``)
_COMMENT = Shape(Comment, {"author": ("username", "first_name", "last_name")})


def _page_comments(*, agent: bool) -> Callable[..., QuerySet]:
    def build(ct: int, object_id: str) -> QuerySet:
        qs = Comment.objects.filter(content_type_id=ct, object_id=object_id)
        qs = qs if agent else qs.filter(internal=False)  # as ``_comments_qs``
        return _COMMENT.values(qs.order_by("created_at", "id"))[:500]

    return build


def incident_timeline(actor: Actor, incident: Incident) -> list[TimelineEntry]:
    """The incident page's activity, newest first: the comments the actor may see (those
    of ``incident_comments``, read from SQL compiled once per process) and, for agents, the
    history with names, labels and dates in the reader's zone."""
    if not shells.BUILT:  # the model path (``shells.BUILT``)
        return record_timeline(actor, incident, comments=incident_comments(actor, incident))
    comments = _COMMENT.built(
        compiled.rows(
            ("incidents.page_comments", actor.is_agent),
            _page_comments(agent=actor.is_agent),
            ct=ContentType.objects.get_for_model(Incident).pk,
            object_id=str(incident.pk),
        )
    )
    return record_timeline(actor, incident, comments=comments)


def incident_activity_page(
    actor: Actor, *, number: str, cursor: str | None = None, limit: int | None = None
) -> Page:
    """``GET /incidents/{number}/comments``: the incident by number (``NotFound`` for absent
    and invisible alike) and a page of its activity. An actor who sees every incident gets
    the first page as rows keyed as ``CommentOut`` reads them, from SQL compiled once per
    process (``core.selectors.compiled``): compiling the two querysets was most of the
    request (docs/benchmarks-incidents.md, branch search15); one statement reads the page by
    the incident's number, a second only when it is empty (decision 0084). Later pages, and
    actors who see only part, take the model path; both give equal pages
    (tests/incidents/test_activity.py).
    """
    size = DEFAULT_LIMIT if limit is None else limit
    if cursor or not sees_everything(actor) or not 1 <= size <= MAX_LIMIT:
        return incident_comment_page(
            actor, incident_ref(actor, number=number), cursor=cursor, limit=limit
        )
    # the comments of the incident found by its number in one statement (decision 0084);
    # none: an incident without comments, or no incident (then a 404)
    rows = compiled.rows(
        ("incidents.activity", actor.is_agent, size),
        _activity(agent=actor.is_agent, size=size),
        ct=ContentType.objects.get_for_model(Incident).pk,
        number=number,
    )
    if not rows and not compiled.rows("incidents.ref", _ref, number=number):
        raise NotFound()
    page = [_comment(row) for row in rows[:size]]
    last = rows[size - 1] if len(rows) > size else None
    nxt = cursor_after_key((last["created_at"].isoformat(), last["id"])) if last else None
    return Page(items=page, next=nxt)


def _ref(number: str) -> QuerySet:
    return Incident.objects.filter(number=number).values("id")[:1]


def _activity(*, agent: bool, size: int) -> Callable[..., QuerySet]:
    """The first page's statement for agents or not and a page of ``size`` (its shape): the
    incident's key (``object_id``, text) read by its number in a subquery."""

    def build(ct: int, number: str) -> QuerySet:
        key = Incident.objects.filter(number=number).values(
            key=Cast("id", output_field=CharField())
        )[:1]
        qs = Comment.objects.filter(content_type_id=ct, object_id=Subquery(key))
        qs = qs if agent else qs.filter(internal=False)  # as ``_comments_qs``
        return qs.order_by("created_at", "id").values(*_COMMENT_COLUMNS, "created_at")[: size + 1]

    return build


def _comment(row: dict[str, Any]) -> dict[str, Any]:
    shown = {name: row[name] for name in _COMMENT_COLUMNS if name != "author__username"}
    shown["author.username"] = row["author__username"]
    shown["created_at"] = row["created_at"]
    return shown
