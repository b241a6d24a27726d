"""Reads of problem records, scoped to what the actor may see.

Problems are IT's internal records: requesters see none; an agent limited to some
organisations sees theirs and those of no organisation; admins and the system see all.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors.queues import filter_work, my_team_ids
from steward.core.selectors.scoping import follow_visible, scope_to_organisations
from steward.problems.choices import OPEN_STATES, Queue, Status
from steward.problems.models import Problem
from steward.problems.workflow import PROBLEM_FLOW

NUMBER = re.compile(r"PRB\d{7}")
ORDER = ("priority", "created_at", "id")


def problem_visible(actor: Actor) -> QuerySet[Problem]:
    """Agents see problems of the organisations they serve (and of none); requesters none."""
    return scope_to_organisations(actor, Problem.objects.all())


def with_relations(qs: QuerySet[Problem], actor: Actor) -> QuerySet[Problem]:
    """What every shown problem needs besides its own row; a CI or service the actor may
    not see reads as None."""
    cis = cmdb_selectors.ci_nameable(actor)
    qs = qs.select_related("organisation", "category", "team", "assignee")
    return follow_visible(actor, qs, {"affected_service": cis, "configuration_item": cis.all()})


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
    if queue not in Queue.values:
        raise ValidationFailed.one("queue", f"one of {', '.join(Queue.values)}")
    if any(not 1 <= p <= 5 for p in priority or []):
        raise ValidationFailed.one("priority", "between 1 (critical) and 5 (planning)")
    bad = [s for s in status or [] if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")
    qs = problem_visible(actor)
    if queue == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    elif queue == "mine":
        qs = filter_work(actor, qs, assignee="me").filter(status__in=OPEN_STATES)
    elif queue == "my_teams":
        qs = qs.filter(team_id__in=my_team_ids(actor), status__in=OPEN_STATES)
    elif queue == "known_errors":
        qs = qs.filter(status=Status.KNOWN_ERROR)
    qs = filter_work(actor, qs, status=status, team=team, assignee=assignee, priority=priority)
    # a CI the actor may not see selects nothing: otherwise the filter would tell which
    # visible records link it (docs/security.md)
    if ci:
        qs = qs.filter(configuration_item__in=_visible_ci(actor, ci))
    if service:
        qs = qs.filter(affected_service__in=_visible_ci(actor, service))
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
    return paginate(with_relations(qs, actor), order=ORDER, cursor=cursor, limit=limit)


def problem_get(actor: Actor, *, number: str) -> Problem:
    """One visible problem by number; ``NotFound`` for absent and invisible alike."""
    problem = with_relations(problem_visible(actor), actor).filter(number=number).first()
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


def _visible_ci(actor: Actor, number: str) -> QuerySet:
    """The CI numbered ``number`` if the actor may see it (a subquery)."""
    return cmdb_selectors.ci_nameable(actor).filter(number=number.strip().upper()).values("id")
