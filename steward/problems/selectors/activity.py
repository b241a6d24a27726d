"""A problem's activity: its comments, and its history and timeline as the reader may see
them."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.models import AuditEntry, Comment
from steward.core.pagination import Page, paginate
from steward.core.selectors.timeline import EMPTY, TimelineEntry, record_timeline
from steward.incidents import selectors as incident_selectors
from steward.problems.models import Problem


def _comments_qs(actor: Actor, problem: Problem) -> QuerySet[Comment]:
    ct = ContentType.objects.get_for_model(Problem)
    return Comment.objects.filter(content_type=ct, object_id=str(problem.pk)).select_related(
        "author"
    )


def problem_comments(actor: Actor, problem: Problem) -> list[Comment]:
    """The activity of a problem the actor can see, oldest first (bounded)."""
    return list(_comments_qs(actor, problem).order_by("created_at", "id")[:500])


def problem_comment_page(
    actor: Actor, problem: Problem, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of a problem's activity, oldest first."""
    return paginate(
        _comments_qs(actor, problem), order=("created_at", "id"), cursor=cursor, limit=limit
    )


HIDDEN_INCIDENT = "an incident you may not see"


def problem_history(actor: Actor, problem: Problem) -> list[AuditEntry]:
    """The problem's audit history for its page; a link to an incident the actor may not
    see is shown without the incident's number (one query for all of them)."""
    history = core_selectors.record_history(actor, problem)
    numbers = {
        number
        for entry in history
        if isinstance(entry.changes.get("incident"), list)
        for number in entry.changes["incident"]
        if number
    }
    if not numbers:
        return history
    visible = set(
        incident_selectors.incident_visible(actor)
        .filter(number__in=numbers)
        .values_list("number", flat=True)
    )
    for entry in history:
        pair = entry.changes.get("incident")
        if isinstance(pair, list) and any(n and n not in visible for n in pair):
            # a copy for this page only: the stored entry keeps the number
            entry.changes = {
                **entry.changes,
                "incident": [n if not n or n in visible else HIDDEN_INCIDENT for n in pair],
            }
    return history


def problem_timeline(actor: Actor, problem: Problem) -> list[TimelineEntry]:
    """The problem page's activity (the record kit's timeline), newest first; a link to an
    incident the actor may not see reads without the incident's number."""
    timeline = record_timeline(actor, problem, comments=problem_comments(actor, problem))
    numbers = {
        value
        for entry in timeline
        for change in entry.changes
        if change.name == "incident"
        for value in (change.old, change.new)
        if value != EMPTY
    }
    if not numbers:
        return timeline
    visible = set(
        incident_selectors.incident_visible(actor)
        .filter(number__in=numbers)
        .values_list("number", flat=True)
    )

    def shown(value: str) -> str:
        return value if value == EMPTY or value in visible else HIDDEN_INCIDENT

    return [
        replace(
            entry,
            changes=tuple(
                replace(c, old=shown(c.old), new=shown(c.new)) if c.name == "incident" else c
                for c in entry.changes
            ),
        )
        for entry in timeline
    ]
