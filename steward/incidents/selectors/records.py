"""Single incidents: who may see them, one by number, and what the actor may do next."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.selectors.scoping import follow_visible, scope_to_organisations
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.incidents.workflow import INCIDENT_FLOW
from steward.sla import selectors as sla_selectors


def incident_visible(actor: Actor) -> QuerySet[Incident]:
    """Requesters see what they raised or watch; limited agents their organisations; admins all."""
    requester = None
    if actor.user is not None:
        watched = Incident.watchers.through.objects.filter(user_id=actor.user.pk)
        requester = Q(caller_id=actor.user.pk) | Q(pk__in=watched.values("incident_id"))
    return scope_to_organisations(actor, Incident.objects.all(), requester=requester)


def incident_suggest(
    actor: Actor, *, q: str, limit: int = 10, excluding: QuerySet | None = None
) -> list[Incident]:
    """Incidents the actor may see whose number or title contains every word of ``q`` (a
    picker's choices), newest first; ``excluding``: ids of incidents not to offer (those a
    problem already links)."""
    from django.db.models import Q

    qs = incident_visible(actor)
    if excluding is not None:
        qs = qs.exclude(pk__in=excluding)
    for word in q.split()[:4]:
        qs = qs.filter(Q(number__icontains=word) | Q(title__icontains=word))
    return list(qs.only("number", "title", "status").order_by("-id")[:limit])


def _with_relations(qs: QuerySet[Incident], actor: Actor) -> QuerySet[Incident]:
    """What a shown incident needs; a parent or CI the actor may not see reads as None."""
    cis = cmdb_selectors.ci_nameable(actor)
    qs = qs.select_related("caller", "team", "assignee", "category", "subcategory", "organisation")
    return follow_visible(
        actor,
        qs,
        {
            "parent": incident_visible(actor),
            "configuration_item": cis,
            "affected_service": cis.all(),
        },
    )


def attach_sla(actor: Actor, incidents: list[Incident]) -> None:
    """Give each incident its SLA clocks (``sla_clocks``) with a constant number of queries."""
    clocks = sla_selectors.clocks_for_many(actor, incidents)
    for incident in incidents:
        incident.sla_clocks = clocks.get(str(incident.pk), [])


def incident_get(actor: Actor, *, number: str) -> Incident:
    """One visible incident by number, with its SLA clocks; ``NotFound`` for absent and
    invisible alike."""
    incident = _with_relations(incident_visible(actor), actor).filter(number=number).first()
    if incident is None:
        raise NotFound()
    attach_sla(actor, [incident])
    return incident


def incident_ref(actor: Actor, *, number: str) -> Incident:
    """One visible incident by number with its key fields only (what a read of its comments
    or files needs): one indexed statement, no references, no clocks; ``NotFound`` for
    absent and invisible alike."""
    incident = incident_visible(actor).only("id", "number").filter(number=number).first()
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


def incident_recent_for_caller(actor: Actor, *, limit: int = 10) -> list[Incident]:
    """A requester's own latest incidents for their start page."""
    return list(
        incident_visible(actor)
        .filter(caller_id=actor.user.pk)
        .select_related("team")
        .order_by("-opened_at")[:limit]
    )
