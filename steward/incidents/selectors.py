"""Every read of incidents, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import Comment
from steward.core.pagination import Page, paginate
from steward.core.selectors import served_organisation_ids
from steward.incidents import search
from steward.incidents.choices import OPEN_STATES, Status
from steward.incidents.models import Category, Incident, PriorityRule, SavedView
from steward.incidents.workflow import INCIDENT_FLOW

NUMBER = re.compile(r"INC\d{7}")
QUEUES = ("mine", "my_teams", "unassigned", "major", "open", "all")
ORDERS = {
    "priority": ("priority", "opened_at", "id"),
    "-opened_at": ("-opened_at", "-id"),
    "opened_at": ("opened_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


def incident_visible(actor: Actor) -> QuerySet[Incident]:
    """Requesters see what they raised; limited agents their organisations; admins all."""
    qs = Incident.objects.all()
    if actor.is_system or actor.is_admin:
        return qs
    if not actor.is_agent:
        return qs.filter(caller_id=actor.user.pk)
    served = served_organisation_ids(actor)
    if served is None:
        return qs
    return qs.filter(Q(organisation_id__in=served) | Q(organisation__isnull=True))


def _with_relations(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    return qs.select_related(
        "caller", "team", "assignee", "category", "subcategory", "parent", "organisation"
    )


def incident_list(
    actor: Actor,
    *,
    queue: str = "all",
    status: list[str] | None = None,
    team: str = "",
    assignee: str = "",
    priority: list[int] | None = None,
    category: str = "",
    caller: str = "",
    major: bool | None = None,
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    q: str = "",
    order: str = "priority",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible incidents for a queue and filters, by priority then age by default."""
    if queue not in QUEUES:
        raise ValidationFailed.one("queue", f"one of {', '.join(QUEUES)}")
    if order not in ORDERS:
        raise ValidationFailed.one("order", f"one of {', '.join(ORDERS)}")
    bad = [s for s in status or [] if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")
    qs = incident_visible(actor)
    user_id = actor.user.pk if actor.user else None
    if queue == "mine":
        qs = qs.filter(assignee_id=user_id, status__in=OPEN_STATES)
    elif queue == "my_teams":
        qs = qs.filter(team__members=user_id, status__in=OPEN_STATES)
    elif queue == "unassigned":
        qs = qs.filter(assignee__isnull=True, status__in=OPEN_STATES)
    elif queue == "major":
        qs = qs.filter(is_major=True, status__in=OPEN_STATES)
    elif queue == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    if status:
        qs = qs.filter(status__in=status)
    if team:
        qs = qs.filter(team__slug=team)
    if assignee:
        qs = (
            qs.filter(assignee_id=user_id)
            if assignee == "me"
            else qs.filter(assignee__username=assignee)
        )
    if priority:
        qs = qs.filter(priority__in=priority)
    if category:
        qs = qs.filter(Q(category__slug=category) | Q(subcategory__slug=category))
    if caller:
        qs = qs.filter(caller__username=caller)
    if major is not None:
        qs = qs.filter(is_major=major)
    if created_after:
        qs = qs.filter(opened_at__gte=created_after)
    if created_before:
        qs = qs.filter(opened_at__lt=created_before)
    ordering = ORDERS[order]
    if q and NUMBER.fullmatch(q.strip().upper()):
        qs = qs.filter(number=q.strip().upper())
    elif q:
        # ranked full-text search; work notes only count for agents
        qs = search.ranked(qs, q, include_internal=actor.is_agent)
        ordering = ("search_rank", "id")
    return paginate(_with_relations(qs), order=ordering, cursor=cursor, limit=limit)


def incident_get(actor: Actor, *, number: str) -> Incident:
    """One visible incident by number; ``NotFound`` for absent and invisible alike."""
    incident = _with_relations(incident_visible(actor)).filter(number=number).first()
    if incident is None:
        raise NotFound()
    return incident


def incident_for_update(actor: Actor, *, number: str) -> Incident:
    """The incident locked for a write."""
    incident = incident_visible(actor).select_for_update(of=("self",)).filter(number=number).first()
    if incident is None:
        raise NotFound()
    return incident


def incident_allowed_transitions(actor: Actor, incident: Incident) -> list[str]:
    """Next states the UI offers (requesters may only reopen or cancel their own)."""
    allowed = INCIDENT_FLOW.allowed(incident.status)
    if not actor.is_agent:
        allowed = [s for s in allowed if (incident.status, s) in REQUESTER_MOVES]
    return allowed


REQUESTER_MOVES = {(Status.RESOLVED, Status.IN_PROGRESS), (Status.NEW, Status.CANCELLED)}


def incident_comments(actor: Actor, incident: Incident) -> list[Comment]:
    """The activity of an incident the actor can see; requesters never see work notes."""
    ct = ContentType.objects.get_for_model(Incident)
    qs = Comment.objects.filter(content_type=ct, object_id=str(incident.pk)).select_related(
        "author"
    )
    if not actor.is_agent:
        qs = qs.filter(internal=False)
    return list(qs.order_by("created_at", "id")[:500])


def priority_for(impact: int, urgency: int) -> int:
    """The matrix's priority; the ITIL default if the cell was deleted."""
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).first()
    if rule is not None:
        return rule.priority
    return min(5, impact + urgency - 1)


def priority_matrix() -> dict[tuple[int, int], int]:
    return {(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()}


def category_list(*, parent: str | None = None) -> list[Category]:
    qs = Category.objects.filter(is_active=True).select_related("parent")
    if parent is not None:
        qs = qs.filter(parent__slug=parent) if parent else qs.filter(parent__isnull=True)
    return list(qs.order_by("name"))


def saved_views(actor: Actor) -> list[SavedView]:
    """The actor's own saved queue filters."""
    return list(SavedView.objects.filter(user=actor.user).order_by("name"))
