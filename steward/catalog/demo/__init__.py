"""Demo catalogue: a few services (linked to the CMDB's business service CIs where the CMDB
demo made them), about twenty items with realistic forms, approvals and tasks, and a few
requests in various states. Every requester's manager is the demo team lead (``lead``)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from steward.catalog.demo.items import ITEMS
from steward.catalog.models import CatalogItem, Request, Task
from steward.catalog.services import (
    approval_decide,
    item_create,
    request_order,
    service_create,
    task_complete,
)
from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.services import user_update
from steward.sla import selectors as sla_selectors
from steward.sla import services as sla_services

# (name, kind, team, CMDB business service CI to link, or "")
SERVICES = [
    ("Workplace", "business", "workplace", ""),
    ("Email and calendar", "business", "server-storage", "Email and calendar"),
    ("Remote access", "technical", "network", ""),
    ("Business applications", "business", "applications", "Online shop"),
    ("Identity and access", "technical", "security", ""),
]


REQUEST_POLICY = "service-requests"


def _request_policy(system: Actor) -> str | None:
    """The demo's SLA for service requests, on the demo's office calendar (when the SLA
    demo made it): one business day to pick a request up, five to fulfil it, not counted
    while the request waits for its approvers."""
    if not sla_selectors.calendar_visible(system).filter(slug="berlin-office").exists():
        return None
    if not sla_selectors.policy_visible(system).filter(slug=REQUEST_POLICY).exists():
        sla_services.policy_create(
            system,
            name="Service requests",
            slug=REQUEST_POLICY,
            calendar="berlin-office",
            response_minutes=9 * 60,
            resolution_minutes=5 * 9 * 60,
            pause_awaiting_approval=True,
            precedence=1000,  # tried after the incident policies; requests name it
            # incidents match policies on their conditions: no category has this name,
            # so the policy serves the catalogue only
            categories=["service-requests-only"],
        )
    return REQUEST_POLICY


def _services(system: Actor, teams: set[str]) -> dict[str, str]:
    owner = "lead"
    policy = _request_policy(system)
    made = {}
    for name, kind, team, ci_name in SERVICES:
        ci = cmdb_selectors.ci_visible(system).filter(name=ci_name).first() if ci_name else None
        service = service_create(
            system,
            name=name,
            kind=kind,
            stage="live",
            owner=owner,
            support_team=team if team in teams else None,
            configuration_item=ci.number if ci else None,
            sla_policy=policy,
            description=f"{name}: run by the {team.replace('-', ' ')} team.",
        )
        made[name] = service.slug
    return made


def _managers(system: Actor) -> None:
    """Every requester reports to the demo team lead."""
    for person in core_selectors.user_list(system, role="requester", limit=500).items:
        if person.username != "lead" and person.manager_id is None:
            user_update(
                system, username=person.username, expected_version=None, changes={"manager": "lead"}
            )


def _requests(rng: random.Random) -> int:
    """A few requests from demo requesters: waiting, approved and done, rejected."""
    people = [
        u
        for u in core_selectors.user_list(Actor.system("demo"), role="requester", limit=12).items
        if u.manager_id
    ]
    if not people:
        return 0
    lead = core_selectors.user_get(Actor.system("demo"), username="lead")
    made = 0
    plan = [
        ("new-laptop", {"model": 'Standard 14"', "keyboard": "UK"}, "wait"),
        ("vpn-access", {"device": "Company laptop", "justification": "Travel"}, "wait"),
        (
            "new-laptop",
            {"model": 'Performance 16"', "keyboard": "US", "reason": "Video editing"},
            "approve",
        ),
        (
            "mobile-phone",
            {"model": "Android", "number": "No", "justification": "On call"},
            "reject",
        ),
        ("monitor", {"count": 1, "size": '27"'}, "done"),
        ("headset", {"kind": "Wireless"}, "open"),
    ]
    for slug, answers, fate in plan:
        person = rng.choice(people)
        try:
            request = request_order(Actor(user=person), item=slug, answers=answers)
        except DomainError:
            continue
        made += 1
        if fate in ("approve", "reject"):
            vote = request.approvals.get(approver=lead)
            approval_decide(
                Actor(user=lead),
                number=request.number,
                approval_id=vote.pk,
                decision="approved" if fate == "approve" else "rejected",
                comment="OK" if fate == "approve" else "Not in this budget year",
            )
        if fate == "done":
            for task in request.tasks.order_by("position"):
                task_complete(Actor.system("demo"), number=task.number, notes="Delivered.")
    return made + _fulfilled(people)


# Requests fulfilled in the last weeks: (item, answers, ordered days ago, hours to fulfil).
# The requests report read one, completed the second it was ordered (0.0 hours).
FULFILLED = [
    ("docking-station", {"desk": "B2.14"}, 38, 26),
    ("printer-access", {"printer": "PRN-3 on floor 3"}, 26, 3),
    ("mailbox-size-increase", {"size": 50}, 17, 7),
    ("headset", {"kind": "Wired"}, 11, 50),
    ("monitor", {"count": 2, "size": '24"'}, 6, 74),
]


def _fulfilled(people: list) -> int:
    """Order and fulfil ``FULFILLED`` through the services, then date them back (as the
    problems' and changes' demos do): ordered then, completed after their hours. The
    requesters in turn, not drawn: the generator's sequence stays the later demos'."""
    made = 0
    for n, (slug, answers, days, hours) in enumerate(FULFILLED):
        try:
            request = request_order(Actor(user=people[n % len(people)]), item=slug, answers=answers)
        except DomainError:
            continue
        for task in request.tasks.order_by("position"):
            task_complete(Actor.system("demo"), number=task.number, notes="Done.")
        ordered = timezone.now() - dt.timedelta(days=days)
        done = ordered + dt.timedelta(hours=hours)
        Request.objects.filter(pk=request.pk).update(created_at=ordered, closed_at=done)
        Task.objects.filter(request=request).update(created_at=ordered, closed_at=done)
        made += 1
    return made


def load(rng: random.Random) -> int:
    """Make the demo catalogue once (nothing when items exist); returns how many records."""
    if CatalogItem.objects.exists():
        return 0
    system = Actor.system("demo")
    teams = set(core_selectors.team_visible(system).values_list("slug", flat=True))
    services = _services(system, teams)
    for name, category, service, description, form, stages, mode, tasks in ITEMS:
        if any(s.get("team") not in teams for s in stages if s["approvers"] == "team"):
            stages = [s for s in stages if s["approvers"] != "team"]
        item_create(
            system,
            name=name,
            category=category,
            service=services.get(service),
            description=description,
            form=form,
            approval_stages=stages,
            task_mode=mode,
            task_templates=[{"title": t, "team": team} for t, team in tasks if team in teams],
            audience="roles" if category == "Network" else "everyone",
            audience_roles=["agent"] if category == "Network" else [],
        )
    _managers(system)
    return len(SERVICES) + len(ITEMS) + _requests(rng)
