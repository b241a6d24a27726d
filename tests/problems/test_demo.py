"""The demo problems: every state, linked incidents, known errors suggested on open ones."""

from __future__ import annotations

import random

from steward.core.actor import Actor
from steward.incidents import demo as incident_demo
from steward.incidents.models import Incident
from steward.problems import demo
from steward.problems.models import Problem
from steward.problems.selectors import known_errors_for_incident
from tests import factories


def test_demo_problems_cover_the_flow_and_match_open_incidents(db):
    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    agent = factories.agent(username="demo-agent")
    factories.TeamFactory(name="Network", slug="network", members=[agent])
    incident_demo.load(random.Random(7), count=150)

    made = demo.load(random.Random(7))

    assert made == len(demo.PROBLEMS) == Problem.objects.count()
    assert set(Problem.objects.values_list("status", flat=True)) == {
        "new",
        "investigating",
        "known_error",
        "resolved",
        "closed",
        "cancelled",
    }
    assert Problem.objects.filter(incidents__isnull=False).distinct().count() >= 10
    open_incidents = Incident.objects.filter(status__in=["new", "assigned", "in_progress"])
    suggested = [i for i in open_incidents[:200] if known_errors_for_incident(Actor.system("t"), i)]
    assert suggested, "no open demo incident gets a known-error suggestion"
    assert demo.load(random.Random(7)) == 0  # loads once
