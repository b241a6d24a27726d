"""Reads for the home page: a team lead's view of their teams (open incidents per assignee,
breached and at-risk SLA counts) and a requester's open incidents. A fixed number of queries
whatever the number of teams, people or incidents."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.models import Team
from steward.incidents.models import Incident
from steward.incidents.selectors.queues import BREACHING_SOON_MINUTES, _sla_filter
from steward.incidents.selectors.records import incident_visible


@dataclass
class Assignee:
    username: str  # "" for the unassigned
    name: str
    open: int


@dataclass
class TeamWorkload:
    team: Team
    open: int = 0
    unassigned: int = 0
    breached: int = 0
    at_risk: int = 0
    assignees: list[Assignee] = field(default_factory=list)


def led_teams(actor: Actor, *, limit: int = 20) -> list[Team]:
    """For the team-lead role: the active teams they lead or are in (none for other roles,
    so the home page of everyone else costs no query here)."""
    user = actor.user
    if user is None or not user.has_role(Role.TEAM_LEAD):
        return []
    which = Q(lead=user) | Q(members=user)
    return list(Team.objects.filter(which, is_active=True).distinct().order_by("name")[:limit])


def team_workload(actor: Actor, teams: list[Team]) -> list[TeamWorkload]:
    """The open incidents the actor may see of each team, per assignee (most loaded first),
    and how many are breached or due within ``BREACHING_SOON_MINUTES``. Four queries."""
    if not teams:
        return []
    rows = {t.pk: TeamWorkload(team=t) for t in teams}
    open_qs = incident_visible(actor).filter(is_open=1, team_id__in=list(rows))
    per_assignee = (
        open_qs.values(
            "team_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(n=Count("id"))
        .order_by("team_id", "-n", "assignee__username")
    )
    for r in per_assignee:
        row = rows[r["team_id"]]
        row.open += r["n"]
        username = r["assignee__username"] or ""
        if not username:
            row.unassigned = r["n"]
            continue
        name = f"{r['assignee__first_name']} {r['assignee__last_name']}".strip() or username
        row.assignees.append(Assignee(username=username, name=name, open=r["n"]))
    late = _sla_filter(open_qs, breached=True, breaching_within=None)
    for r in late.values("team_id").annotate(n=Count("id", distinct=True)).order_by():
        rows[r["team_id"]].breached = r["n"]
    soon = _sla_filter(open_qs, breached=None, breaching_within=BREACHING_SOON_MINUTES)
    for r in soon.values("team_id").annotate(n=Count("id", distinct=True)).order_by():
        rows[r["team_id"]].at_risk = r["n"]
    return list(rows.values())


def incident_open_for_caller(actor: Actor, *, limit: int = 10) -> list[Incident]:
    """The requester's own open incidents, newest first (one query)."""
    if actor.user is None:
        return []
    return list(
        incident_visible(actor)
        .filter(caller_id=actor.user.pk, is_open=1)
        .select_related("team")
        .order_by("-opened_at", "-id")[:limit]
    )
