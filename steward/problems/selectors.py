"""Every read of problems and known errors, scoped to what the actor may see.

Problems are IT's internal records: requesters see none; an agent limited to some
organisations sees theirs and those of no organisation; admins and the system see all.
"""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import Comment, Team, User
from steward.core.pagination import Page, paginate
from steward.core.selectors import served_organisation_ids
from steward.incidents import selectors as incident_selectors
from steward.problems.choices import OPEN_STATES, Status
from steward.problems.models import Problem, ProblemIncident
from steward.problems.workflow import PROBLEM_FLOW

NUMBER = re.compile(r"PRB\d{7}")
QUEUES = ("open", "mine", "my_teams", "known_errors", "all")
ORDER = ("priority", "created_at", "id")
MAX_SUGGESTIONS = 5


def problem_visible(actor: Actor) -> QuerySet[Problem]:
    """Agents see problems of the organisations they serve (and of none); requesters none."""
    qs = Problem.objects.all()
    if actor.is_system or actor.is_admin:
        return qs
    if not actor.is_agent:
        return qs.none()
    served = served_organisation_ids(actor)
    if served is None:
        return qs
    return qs.filter(Q(organisation_id__in=served) | Q(organisation__isnull=True))


def _with_relations(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    return qs.select_related(
        "organisation", "category", "affected_service", "configuration_item", "team", "assignee"
    )


def problem_list(
    actor: Actor,
    *,
    queue: str = "all",
    status: list[str] | None = None,
    team: str = "",
    assignee: str = "",
    priority: list[int] | None = None,
    ci: str = "",
    service: str = "",
    known_error: bool | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible problems for a queue and filters, by priority then age."""
    if queue not in QUEUES:
        raise ValidationFailed.one("queue", f"one of {', '.join(QUEUES)}")
    if any(not 1 <= p <= 5 for p in priority or []):
        raise ValidationFailed.one("priority", "between 1 (critical) and 5 (planning)")
    bad = [s for s in status or [] if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")
    qs = problem_visible(actor)
    user_id = actor.user.pk if actor.user else None
    if queue == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    elif queue == "mine":
        qs = qs.filter(assignee_id=user_id, status__in=OPEN_STATES)
    elif queue == "my_teams":
        # team ids first: a join through the membership table defeats the queue index
        team_ids = list(
            Team.members.through.objects.filter(user_id=user_id).values_list("team_id", flat=True)
        )
        qs = qs.filter(team_id__in=team_ids, status__in=OPEN_STATES)
    elif queue == "known_errors":
        qs = qs.filter(status=Status.KNOWN_ERROR)
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
    if ci:
        qs = qs.filter(configuration_item__number=ci.strip().upper())
    if service:
        qs = qs.filter(affected_service__number=service.strip().upper())
    if known_error is not None:
        qs = (
            qs.filter(status=Status.KNOWN_ERROR)
            if known_error
            else qs.exclude(status=Status.KNOWN_ERROR)
        )
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(title__icontains=q)
    return paginate(_with_relations(qs), order=ORDER, cursor=cursor, limit=limit)


def problem_get(actor: Actor, *, number: str) -> Problem:
    """One visible problem by number; ``NotFound`` for absent and invisible alike."""
    problem = _with_relations(problem_visible(actor)).filter(number=number).first()
    if problem is None:
        raise NotFound()
    return problem


def problem_for_update(actor: Actor, *, number: str) -> Problem:
    """The problem locked for a write."""
    problem = problem_visible(actor).select_for_update(of=("self",)).filter(number=number).first()
    if problem is None:
        raise NotFound()
    return problem


def problem_allowed_transitions(actor: Actor, problem: Problem) -> list[str]:
    """Next states the UI offers: agents work problems, nobody else."""
    return PROBLEM_FLOW.allowed(problem.status) if actor.is_agent else []


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


def known_errors_for_incident(actor: Actor, incident) -> list[Problem]:  # noqa: ANN001
    """Published known errors the actor may see that match the incident by CI, service or
    category, best first; each says whether it is already linked (``is_linked``).

    One query: the status index narrows to known errors, the CI/service/category indexes
    behind it serve the three matches; requesters get none (``problem_visible``)."""
    match = Q()
    if incident.configuration_item:
        match |= Q(configuration_item__number=incident.configuration_item.strip().upper())
    if incident.affected_service:
        name = incident.affected_service.strip()
        match |= Q(affected_service__number=name.upper()) | Q(affected_service__name=name)
    categories = [c for c in (incident.category_id, incident.subcategory_id) if c]
    if categories:
        match |= Q(category_id__in=categories)
    if not match:
        return []
    linked = ProblemIncident.objects.filter(problem=OuterRef("pk"), incident_id=incident.pk)
    qs = (
        _with_relations(problem_visible(actor))
        .filter(match, status=Status.KNOWN_ERROR)
        .annotate(is_linked=Exists(linked))
        .order_by("priority", "-known_error_at", "-id")
    )
    found = list(qs[:MAX_SUGGESTIONS])
    ci = (incident.configuration_item or "").strip().upper()
    service = (incident.affected_service or "").strip()
    for problem in found:
        problem.match_reasons = [
            reason
            for reason, hit in (
                ("CI", problem.configuration_item and problem.configuration_item.number == ci),
                (
                    "service",
                    problem.affected_service
                    and service
                    and service in (problem.affected_service.number, problem.affected_service.name),
                ),
                ("category", problem.category_id in categories),
            )
            if hit
        ]
    return found


def problems_of_incident(actor: Actor, incident) -> list[Problem]:  # noqa: ANN001
    """The visible problems an incident is linked to (bounded)."""
    qs = problem_visible(actor).filter(links__incident_id=incident.pk)
    return list(qs.order_by("-created_at", "-id")[:50])


REFERENCE_FIELDS = {
    "team": (Team, "name"),
    "assignee": (User, "username"),
    "category": ("incidents.Category", "name"),
    "affected_service": ("cmdb.ConfigurationItem", "name"),
    "configuration_item": ("cmdb.ConfigurationItem", "name"),
}


def reference_labels(history: list) -> dict:
    """Names for the ids audit entries store, one query per referenced table."""
    from django.apps import apps

    wanted: dict[str, set] = {}
    for entry in history:
        for field, change in entry.changes.items():
            if field in REFERENCE_FIELDS and isinstance(change, list):
                wanted.setdefault(field, set()).update(v for v in change if v)
    labels: dict[str, dict] = {}
    for field, ids in wanted.items():
        model, attr = REFERENCE_FIELDS[field]
        if isinstance(model, str):
            model = apps.get_model(model)
        labels[field] = dict(model.objects.filter(pk__in=ids).values_list("pk", attr))
    return labels
