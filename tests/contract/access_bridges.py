"""The walkers of the access walk, and the bridges: records each walker may open that point at
B's records, so every free-text field or link that could name one of B's (a change's risk
reasons, its overridden conflicts and CIs in the timeline, an incident's CI and parent, a
problem's linked incident) is on a page the walker reads.

A bridge carries no marker of its own: whatever of B's it shows, it shows by its link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from steward.changes import services as change_services
from steward.changes.models import Change
from steward.core.actor import Actor
from steward.core.models import Organisation, User
from steward.incidents import services as incident_services
from steward.incidents.services import search_index
from steward.problems import services as problem_services
from steward.sla.models import SlaPolicy
from tests import factories
from tests.conftest import as_actor

PLANS = {"implementation_plan": "walk", "backout_plan": "walk", "test_plan": "walk"}


@dataclass(frozen=True)
class Walker:
    """Who walks, and the marked text they may see because it is theirs too (a requester of
    B's organisation reads its name on their own profile)."""

    label: str
    user: User
    may_see: tuple[str, ...] = ()


def walkers(
    a: User, org_a: Organisation, org_b: Organisation, policy: SlaPolicy
) -> dict[str, Walker]:
    """The third actor (an agent limited to A's organisation) and two requesters: one of
    another organisation and one of B's own, who still may see only what they raised (and
    their organisation's name and the SLA policy their own incidents run under)."""
    return {
        "limited agent": Walker("limited agent", a),
        "requester": Walker(
            "requester", factories.requester(username="walker-req", organisation=org_a)
        ),
        "requester of B's organisation": Walker(
            "requester of B's organisation",
            factories.requester(username="walker-req-b", organisation=org_b),
            may_see=(org_b.name, org_b.slug, policy.name, policy.slug),
        ),
    }


def build_bridges(
    system: Actor, *, org_a: Organisation, requester: User, ci: str, incident: str, freeze_at
) -> list[str]:
    """Records of A's organisation, raised by ``requester``, that link B's CI ``ci`` and
    incident ``incident`` and override B's freeze window (which starts at ``freeze_at``).
    Returns their numbers: a list filtered by B's values must not hold any of them."""
    bridge_incident = incident_services.incident_create(
        system,
        title="Walk bridge incident",
        caller=requester.username,
        configuration_item=ci,
        parent=incident,
    )
    search_index.reindex([bridge_incident.pk])
    problem = problem_services.problem_create(
        system, title="Walk bridge problem", organisation=org_a.slug, configuration_item=ci
    )
    problem_services.problem_link_incident(system, number=problem.number, incident=incident)
    start = freeze_at + dt.timedelta(hours=1)
    change = change_services.change_create(
        system,
        title="Walk bridge change",
        requester=requester.username,
        planned_start=start,
        planned_end=start + dt.timedelta(hours=1),
        **PLANS,
    )
    # linked after creation, so the timeline holds an entry that names B's CI and incident
    change_services.change_update(
        system,
        number=change.number,
        expected_version=None,
        changes={"cis": [ci], "incidents": [incident], "problems": []},
    )
    _schedule_over_the_freeze(system, change)
    return [bridge_incident.number, problem.number, change.number]


def bridge_paths(witnesses: list[str]) -> dict[str, str]:
    """Path values that open the bridges (Scene.path_values' keys): the walk reads every
    page and API operation of each bridge too."""
    incident, problem, change = witnesses
    return {
        "incidents/number": incident,
        "incident_number": incident,
        "problems/number": problem,
        "changes/number": change,
    }


def _schedule_over_the_freeze(system: Actor, change: Change) -> None:
    """Through assessment and authorisation, approved, then scheduled with an override: the
    audit entry keeps the conflicts it overrode (B's freeze window on B's CI)."""
    manager = factories.UserFactory(username="walk-cm", roles=["agent", "change_manager"])
    for status in ("assessment", "authorization"):
        change_services.change_update(
            system, number=change.number, expected_version=None, changes={"status": status}
        )
    for approval in Change.objects.get(pk=change.pk).approvals.all():
        change_services.approval_decide(
            as_actor(manager), number=change.number, approval_id=approval.pk, decision="approve"
        )
    change_services.change_update(
        system,
        number=change.number,
        expected_version=None,
        changes={"status": "scheduled", "override_reason": "walk deadline"},
    )
    assert Change.objects.get(pk=change.pk).status == "scheduled"
    assert timezone.now() < Change.objects.get(pk=change.pk).planned_start
