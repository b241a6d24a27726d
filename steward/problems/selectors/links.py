"""Reads across a problem's links: the incidents of a problem, the problems of an incident,
the known errors that match an incident, and the changes raised for a problem."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from steward.changes import selectors as change_selectors
from steward.core.actor import Actor
from steward.core.pagination import Page, paginate
from steward.incidents import selectors as incident_selectors
from steward.problems.choices import Status
from steward.problems.models import Problem, ProblemIncident
from steward.problems.selectors.records import problem_visible, with_relations

MAX_SUGGESTIONS = 5


def _linked_incidents(actor: Actor, problem: Problem):  # noqa: ANN202 - QuerySet[Incident]
    """Incidents linked to the problem that the actor may see (incidents' own scoping)."""
    return incident_selectors.incident_visible(actor).filter(problem_links__problem=problem)


def problem_incident_page(
    actor: Actor, problem: Problem, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of the visible incidents linked to a problem, newest first."""
    qs = _linked_incidents(actor, problem).select_related("caller", "team", "assignee")
    return paginate(qs, order=("-opened_at", "-id"), cursor=cursor, limit=limit)


def problem_incidents(actor: Actor, problem: Problem, *, limit: int = 200) -> list:
    """The visible linked incidents for the record page (bounded)."""
    qs = _linked_incidents(actor, problem).select_related("caller", "team", "assignee")
    return list(qs.order_by("-opened_at", "-id")[:limit])


def incidents_to_link(actor: Actor, number: str, *, q: str, limit: int = 10) -> list:
    """The problem page's incident picker: incidents the actor may see matching ``q``, less
    those already linked to the problem ``number`` (nothing when the actor may not see it)."""
    problem = problem_visible(actor).filter(number=str(number).upper()).only("pk").first()
    if problem is None:
        return []
    linked = ProblemIncident.objects.filter(problem=problem).values("incident_id")
    return incident_selectors.incident_suggest(actor, q=q, limit=limit, excluding=linked)


def problem_changes(actor: Actor, problem: Problem, *, limit: int = 100) -> list:
    """The changes raised for a problem that the actor may see (the changes app's own
    scoping), by number; a change the actor may not see is left out, number and title."""
    qs = change_selectors.change_visible(actor).filter(problems=problem)
    return list(qs.only("number", "title", "status").order_by("number")[:limit])


def known_errors_for_incident(actor: Actor, incident) -> list[Problem]:  # noqa: ANN001
    """Published known errors the actor may see that match the incident by CI, service or
    category, best first; each says whether it is already linked (``is_linked``).

    One query: the status index narrows to known errors, the CI/service/category indexes
    behind it serve the three matches; requesters get none (``problem_visible``)."""
    match = Q()
    if incident.configuration_item_id:
        match |= Q(configuration_item_id=incident.configuration_item_id)
    if incident.affected_service_id:
        match |= Q(affected_service_id=incident.affected_service_id)
    categories = [c for c in (incident.category_id, incident.subcategory_id) if c]
    if categories:
        match |= Q(category_id__in=categories)
    if not match:
        return []
    linked = ProblemIncident.objects.filter(problem=OuterRef("pk"), incident_id=incident.pk)
    qs = (
        with_relations(problem_visible(actor), actor)
        .filter(match, status=Status.KNOWN_ERROR)
        .annotate(is_linked=Exists(linked))
        .order_by("priority", "-known_error_at", "-id")
    )
    found = list(qs[:MAX_SUGGESTIONS])
    ci, service = incident.configuration_item_id, incident.affected_service_id
    for problem in found:
        problem.match_reasons = [
            reason
            for reason, hit in (
                (gettext("CI"), ci is not None and problem.configuration_item_id == ci),
                (
                    gettext("service"),
                    service is not None and problem.affected_service_id == service,
                ),
                (gettext("category"), problem.category_id in categories),
            )
            if hit
        ]
    return found


def problems_of_incident(actor: Actor, incident) -> list[Problem]:  # noqa: ANN001
    """The visible problems an incident is linked to (bounded)."""
    qs = problem_visible(actor).filter(links__incident_id=incident.pk)
    return list(qs.order_by("-created_at", "-id")[:50])
