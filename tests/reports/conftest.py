"""A small known world for the reports: two teams, their incidents, changes, problems and
requests over four weeks (2026-01-05, a Monday, to 2026-02-01), and the rows that fall
outside it. Each test computes what a figure must be from ``World``'s rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from steward.cmdb import services as cmdb_services
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.incidents.choices import Status
from steward.incidents.models import Category
from tests import factories
from tests.factories import records

START, END = dt.date(2026, 1, 5), dt.date(2026, 2, 1)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def at(day: int, hour: int = 10, month: int = 1) -> dt.datetime:
    """A moment of January 2026 (or ``month``) in the site's time zone."""
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


def in_period(moment: dt.datetime | None) -> bool:
    return moment is not None and START <= timezone.localtime(moment).date() <= END


@dataclass
class World:
    lead: Any
    member: Any
    admin: Any
    outsider: Any
    team_a: Any
    team_b: Any
    incidents: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    requests: list = field(default_factory=list)


# (team, priority, opened (day, hour), resolved (day, hour) or None, category, ci)
INCIDENTS = [
    ("a", 1, (5, 9), (5, 13), "net", "web"),
    ("a", 1, (6, 9), (7, 9), "net", "web"),
    ("a", 1, (7, 9), (7, 10), "net", "db"),
    ("a", 2, (13, 8), (20, 8), "=formula", "web"),
    ("a", 2, (14, 8), None, "net", None),
    ("a", 3, (20, 8), (21, 20), None, "db"),
    ("a", 3, (27, 8), None, "=formula", None),
    ("b", 1, (6, 11), (6, 12), "net", "web"),
    ("b", 4, (15, 11), None, "mail", "db"),
    ("a", 2, (2, 8), (8, 8), "net", "web"),  # opened before the period, resolved in it
    ("a", 2, (30, 8), (3, 8), "net", None),  # resolved after the period (3 February)
]


@pytest.fixture
def world(db) -> World:
    lead = factories.UserFactory(roles=[Role.AGENT, Role.TEAM_LEAD], username="lead")
    member = factories.agent(username="member")
    admin = factories.admin(username="boss")
    outsider = factories.agent(username="outsider")
    team_a = factories.TeamFactory(name="Alpha", slug="alpha", members=[lead, member], lead=lead)
    team_b = factories.TeamFactory(name="Bravo", slug="bravo", members=[outsider])
    teams = {"a": team_a, "b": team_b}
    categories = {
        slug: Category.objects.create(name=slug, slug=f"rep-{slug.strip('=')}")
        for slug in ("net", "=formula", "mail")
    }
    system = Actor.system("tests")
    cis = {
        name: cmdb_services.ci_create(system, name=f"rep-{name}", ci_class="server")
        for name in ("web", "db")
    }
    w = World(lead, member, admin, outsider, team_a, team_b)
    for team, priority, opened, resolved, category, ci in INCIDENTS:
        resolved_at = None
        if resolved:
            resolved_at = at(*resolved, month=2 if resolved[0] < opened[0] else 1)
        w.incidents.append(
            records.incident(
                lead,
                at(*opened),
                team=teams[team],
                priority=priority,
                status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
                resolved_at=resolved_at,
                category=categories.get(category),
                configuration_item=cis.get(ci),
            )
        )
    return w
