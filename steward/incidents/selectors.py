"""Every read of incidents, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import Comment, Team, User
from steward.core.pagination import Page, paginate, paginate_ranked
from steward.core.selectors import served_organisation_ids
from steward.incidents import search
from steward.incidents.choices import Status
from steward.incidents.models import Category, Incident, PriorityRule, SavedView
from steward.incidents.workflow import INCIDENT_FLOW
from steward.sla import selectors as sla_selectors
from steward.sla.choices import ClockState
from steward.sla.models import SlaClock

NUMBER = re.compile(r"INC\d{7}")
QUEUES = ("mine", "my_teams", "unassigned", "breaching", "major", "open", "all")
BREACHING_SOON_MINUTES = 60
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
    breached: bool | None = None,
    breaching_within: int | None = None,
    order: str = "priority",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible incidents for a queue and filters, by priority then age by default."""
    if queue not in QUEUES:
        raise ValidationFailed.one("queue", f"one of {', '.join(QUEUES)}")
    if order not in ORDERS:
        raise ValidationFailed.one("order", f"one of {', '.join(ORDERS)}")
    if any(not 1 <= p <= 5 for p in priority or []):
        raise ValidationFailed.one("priority", "between 1 (critical) and 5 (planning)")
    bad = [s for s in status or [] if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")
    qs = incident_visible(actor)
    user_id = actor.user.pk if actor.user else None
    if queue == "mine":
        qs = qs.filter(assignee_id=user_id, is_open=1)
    elif queue == "my_teams":
        # team ids first: a join through the membership table defeats the queue index
        team_ids = list(
            Team.members.through.objects.filter(user_id=user_id).values_list("team_id", flat=True)
        )
        qs = qs.filter(team_id__in=team_ids, is_open=1)
    elif queue == "unassigned":
        qs = qs.filter(assignee__isnull=True, is_open=1)
    elif queue == "breaching":
        qs = qs.filter(is_open=1)
        breaching_within = breaching_within or BREACHING_SOON_MINUTES
    elif queue == "major":
        qs = qs.filter(is_major=True, is_open=1)
    elif queue == "open":
        qs = qs.filter(is_open=1)
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
        if breached is not None or breaching_within is not None:
            qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
        return _search_page(actor, qs, q, cursor=cursor, limit=limit)
    if breached is not None or breaching_within is not None:
        qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
    page = paginate(_with_relations(qs), order=ordering, cursor=cursor, limit=limit)
    attach_sla(actor, page.items)
    return page


def _search_page(
    actor: Actor, qs: QuerySet[Incident], q: str, *, cursor: str | None, limit: int | None
) -> Page:
    """Ranked full-text hits narrowed to ``qs`` (visibility and filters), best first; work
    notes only count for agents. Three bounded queries whatever the table size."""
    hits = search.best_matches(q, include_internal=actor.is_agent)
    rank = {incident_id: r for r, incident_id in hits}
    allowed = set(qs.filter(id__in=list(rank)).values_list("id", flat=True))
    keys = [(r, i) for r, i in hits if i in allowed]
    page_keys, nxt = paginate_ranked(keys, cursor=cursor, limit=limit)
    rows = {
        i.id: i for i in _with_relations(Incident.objects.filter(id__in=[i for _, i in page_keys]))
    }
    items = [rows[i] for _, i in page_keys if i in rows]
    for item in items:
        item.search_rank = rank[item.id]
    attach_sla(actor, items)
    return Page(items=items, next=nxt)


def _sla_filter(
    qs: QuerySet[Incident], *, breached: bool | None, breaching_within: int | None
) -> QuerySet[Incident]:
    """Incidents with a breached clock, or a running one due within N minutes."""
    now = timezone.now()
    clocks = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(Incident),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    if breached is not None:
        late = clocks.filter(Q(breached=True) | Q(state=ClockState.RUNNING, due_at__lt=now))
        qs = qs.filter(Exists(late)) if breached else qs.exclude(Exists(late))
    if breaching_within is not None:
        if not 0 < breaching_within <= 60 * 24 * 30:
            raise ValidationFailed.one("breaching_within", "minutes, between 1 and 43200")
        soon = clocks.filter(
            state=ClockState.RUNNING,
            breached=False,
            due_at__gte=now,
            due_at__lt=now + dt.timedelta(minutes=breaching_within),
        )
        qs = qs.filter(Exists(soon))
    return qs


def attach_sla(actor: Actor, incidents: list[Incident]) -> None:
    """Give each incident its SLA clocks (``sla_clocks``) with a constant number of queries."""
    clocks = sla_selectors.clocks_for_many(actor, incidents)
    for incident in incidents:
        incident.sla_clocks = clocks.get(str(incident.pk), [])


def incident_get(actor: Actor, *, number: str) -> Incident:
    """One visible incident by number, with its SLA clocks; ``NotFound`` for absent and
    invisible alike."""
    incident = _with_relations(incident_visible(actor)).filter(number=number).first()
    if incident is None:
        raise NotFound()
    attach_sla(actor, [incident])
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


def incident_overview(actor: Actor) -> dict[str, int]:
    """Counts for the agent's overview: one aggregate query plus one for breaching clocks."""
    from django.db.models import Count

    user_id = actor.user.pk if actor.user else None
    open_qs = incident_visible(actor).filter(is_open=1)
    counts = open_qs.aggregate(
        mine=Count("id", filter=Q(assignee_id=user_id)),
        my_teams=Count("id", filter=Q(team__members=user_id), distinct=True),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        major=Count("id", filter=Q(is_major=True)),
        open=Count("id", distinct=True),
    )
    counts["breaching"] = _sla_filter(
        open_qs, breached=None, breaching_within=BREACHING_SOON_MINUTES
    ).count()
    counts["breached"] = _sla_filter(open_qs, breached=True, breaching_within=None).count()
    return counts


def incident_recent_for_caller(actor: Actor, *, limit: int = 10) -> list[Incident]:
    """A requester's own latest incidents for their start page."""
    return list(
        incident_visible(actor)
        .filter(caller_id=actor.user.pk)
        .select_related("team")
        .order_by("-opened_at")[:limit]
    )


REFERENCE_FIELDS = {
    "team": (Team, "name"),
    "assignee": (User, "username"),
    "caller": (User, "username"),
    "category": (Category, "name"),
    "subcategory": (Category, "name"),
    "parent": (Incident, "number"),
}


def reference_labels(history: list) -> dict:
    """Names for the ids audit entries store, one query per referenced table."""
    wanted: dict[str, set] = {}
    for entry in history:
        for field, change in entry.changes.items():
            if field in REFERENCE_FIELDS:
                wanted.setdefault(field, set()).update(v for v in change if v)
    labels: dict[str, dict] = {}
    for field, ids in wanted.items():
        model, attr = REFERENCE_FIELDS[field]
        labels[field] = dict(model.objects.filter(pk__in=ids).values_list("pk", attr))
    return labels
