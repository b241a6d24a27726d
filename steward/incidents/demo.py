"""Demo history: a few thousand incidents over the last six months, through the bulk import
service (so they are validated like any write and have their SLA clocks)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core import markup
from steward.core.actor import Actor
from steward.core.models import Comment, OutboxMessage, Team, User
from steward.incidents.models import Incident, TeamAssignment
from steward.incidents.selectors import priority_for
from steward.incidents.services.bulk import incidents_import
from steward.sla import services as sla

# (category, subcategory, team, title templates)
KINDS = [
    (
        "network",
        "network-vpn",
        "network",
        ["VPN drops every few minutes", "Cannot connect to VPN", "VPN very slow from home"],
    ),
    (
        "network",
        "network-wi-fi",
        "network",
        ["No Wi-Fi in meeting room {n}", "Wi-Fi keeps disconnecting on floor {n}"],
    ),
    (
        "hardware",
        "hardware-laptop",
        "workplace",
        ["Laptop will not boot", "Laptop battery swollen", "Broken laptop screen"],
    ),
    (
        "hardware",
        "hardware-printer",
        "workplace",
        ["Printer on floor {n} jams", "Cannot print to PRN-{n}"],
    ),
    (
        "software",
        "software-business-application",
        "applications",
        ["ERP invoice run fails", "CRM very slow", "Error 500 in the expenses app"],
    ),
    (
        "access",
        "access-password-reset",
        "service-desk",
        ["Password expired", "Locked out after holiday"],
    ),
    (
        "email",
        "email-delivery",
        "server-storage",
        ["Mails to customers bounce", "Shared mailbox not updating"],
    ),
    (
        "database",
        "database-performance",
        "database",
        ["Reporting database slow at month end", "Deadlocks in the order database"],
    ),
    (
        "security",
        "security-phishing",
        "security",
        ["Suspicious email with invoice attachment", "Clicked a phishing link"],
    ),
]
# category → (business services by name, CI classes) an incident of it may name
CMDB = {
    "network": ([], ["network_device"]),
    "software": (["Online shop", "Customer support portal", "Payroll"], ["application"]),
    "email": (["Email and calendar"], ["application", "server"]),
    "database": (["Data warehouse", "Online shop"], ["database"]),
}
# How long the desk takes, by priority (1 critical to 5 planning), as (shortest, longest):
# to acknowledge (the first response: work started), and from opening to resolution. Each
# longest acknowledgement is shorter than the shortest resolution of its priority.
ACKNOWLEDGE = {
    1: (dt.timedelta(minutes=3), dt.timedelta(minutes=20)),
    2: (dt.timedelta(minutes=10), dt.timedelta(hours=1)),
    3: (dt.timedelta(minutes=30), dt.timedelta(hours=4)),
    4: (dt.timedelta(hours=2), dt.timedelta(hours=16)),
    5: (dt.timedelta(hours=8), dt.timedelta(hours=48)),
}
RESOLVE = {
    1: (dt.timedelta(hours=1), dt.timedelta(hours=8)),
    2: (dt.timedelta(hours=3), dt.timedelta(hours=30)),
    3: (dt.timedelta(hours=8), dt.timedelta(days=4)),
    4: (dt.timedelta(days=1), dt.timedelta(days=8)),
    5: (dt.timedelta(days=3), dt.timedelta(days=20)),
}
REPLIES = [
    "Thanks, we are looking into it.",
    "Could you send a screenshot of the error?",
    "Please restart and tell us if it happens again.",
    "We applied a fix, please check.",
]
NOTES = [
    "Checked the logs: timeouts from the load balancer.",
    "Known issue, see KB article.",
    "Escalated to the vendor.",
    "Reproduced on a test machine.",
]


def load(rng: random.Random, count: int = 3000) -> int:
    """Import ``count`` incidents with realistic spread of age, priority and status."""
    requesters = list(
        User.objects.filter(groups__name="requester").values_list("username", flat=True)
    )
    teams = {t.slug: t for t in Team.objects.prefetch_related("members")}
    if not requesters or not teams:
        return 0
    for slug in ("service-desk", "workplace"):
        if slug in teams:
            TeamAssignment.objects.get_or_create(team=teams[slug], defaults={"mode": "round_robin"})
    now = timezone.now()
    services, cis = _cmdb()
    rows = []
    for _ in range(count):
        category, subcategory, team_slug, titles = rng.choice(KINDS)
        opened = now - dt.timedelta(minutes=rng.randint(10, 180 * 24 * 60))
        age = now - opened
        members = [m.username for m in teams[team_slug].members.all()] if team_slug in teams else []
        row = {
            "title": rng.choice(titles).format(n=rng.randint(1, 9)),
            "description": "Reported by the caller; details in the activity.",
            "caller": rng.choice(requesters),
            "category": category,
            "subcategory": subcategory,
            "impact": rng.choices([1, 2, 3], [1, 3, 6])[0],
            "urgency": rng.choices([1, 2, 3], [1, 4, 5])[0],
            "opened_at": opened,
            "channel": rng.choice(["portal", "email", "phone", "web", "monitoring"]),
            "team": team_slug if team_slug in teams else None,
        }
        row.update(_references(rng, category, services, cis))
        if age > dt.timedelta(days=3) and rng.random() < 0.9:
            priority = priority_for(row["impact"], row["urgency"])
            # the generator's draws as they always were (every later demo reads the same
            # sequence, and the journeys pick its records), each a point of its range
            to_resolve = _within(rng.randint(15, 5 * 24 * 60), 15, 5 * 24 * 60)
            code = rng.choice(["solved", "solved", "workaround", "user_error"])
            to_acknowledge = _within(rng.randint(5, 240), 5, 240)
            row.update(
                status="closed" if age > dt.timedelta(days=10) else "resolved",
                resolution_code=code,
                resolution_notes="Fixed and confirmed with the caller.",
                first_response_at=opened + _span(ACKNOWLEDGE[priority], to_acknowledge),
                resolved_at=min(opened + _span(RESOLVE[priority], to_resolve), now),
                assignee=rng.choice(members or [None]),
            )
            if code == "user_error" and row["channel"] == "phone" and priority >= 3:
                # explained while the caller was on the phone: resolved from new, never
                # acknowledged (the reports count such incidents apart)
                row["first_response_at"] = None
        elif members and rng.random() < 0.6:
            row.update(
                status=rng.choice(["in_progress", "in_progress", "on_hold"]),
                assignee=rng.choice(members),
                first_response_at=opened + dt.timedelta(minutes=rng.randint(5, 120)),
            )
        rows.append(row)
    rows.append(
        {
            "title": "Email outage for all of Northwind",
            "caller": requesters[0],
            "category": "email",
            "impact": 1,
            "urgency": 1,
            "is_major": True,
            "team": "server-storage" if "server-storage" in teams else None,
            "opened_at": now - dt.timedelta(minutes=40),
        }
    )
    made = incidents_import(Actor.system("demo"), rows)
    _comments(rng, made)
    _settle_clocks()
    return len(made)


def _within(draw: int, low: int, high: int) -> float:
    """Where ``draw`` (from ``low`` to ``high``) lies between them, from 0 to 1."""
    return (draw - low) / (high - low)


def _span(bounds: tuple[dt.timedelta, dt.timedelta], point: float) -> dt.timedelta:
    """A duration between ``bounds`` at ``point`` (0 to 1) on a log scale: most are short,
    a few long, as real handling times are (the mean above the median)."""
    shortest, longest = bounds
    return shortest * (longest / shortest) ** point


def _cmdb() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Numbers of the demo estate's business services (by name) and of a few CIs per class."""
    visible = cmdb_selectors.ci_visible(Actor.system("demo")).filter(status="live")
    names = {name for names, _ in CMDB.values() for name in names}
    services = dict(
        visible.filter(ci_class__slug="business_service", name__in=names).values_list(
            "name", "number"
        )
    )
    cis: dict[str, list[str]] = {}
    for slug in {slug for _, slugs in CMDB.values() for slug in slugs}:
        numbers = visible.filter(ci_class__slug=slug).order_by("number")
        cis[slug] = list(numbers.values_list("number", flat=True)[:40])
    return services, cis


def _references(
    rng: random.Random, category: str, services: dict[str, str], cis: dict[str, list[str]]
) -> dict[str, str]:
    """Most incidents of a category the CMDB covers name a CI, many also the service."""
    names, slugs = CMDB.get(category, ([], []))
    row = {}
    known = [services[n] for n in names if n in services]
    if known and rng.random() < 0.7:
        row["affected_service"] = rng.choice(known)
    candidates = [number for slug in slugs for number in cis.get(slug, [])]
    if candidates and rng.random() < 0.8:
        row["configuration_item"] = rng.choice(candidates)
    return row


def _settle_clocks() -> None:
    """The import started every incident's clocks as of its history; one sweep marks the
    late ones breached, as if they had ticked live."""
    sla.sla_sweep(Actor.system("demo"), now=timezone.now(), batch=5000)
    # history is not news: nobody gets mail about demo breaches from months ago
    OutboxMessage.objects.filter(topic__startswith="sla.", dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )


def _comments(rng: random.Random, incidents: list[Incident]) -> None:
    ct = ContentType.objects.get_for_model(Incident)
    agents = list(User.objects.filter(groups__name="agent"))
    comments = []
    for incident in incidents:
        for _ in range(rng.randint(0, 3)):
            internal = rng.random() < 0.4
            body = rng.choice(NOTES if internal else REPLIES)
            comments.append(
                Comment(
                    content_type=ct,
                    object_id=str(incident.pk),
                    author=rng.choice(agents),
                    body=body,
                    body_html=markup.render(body),
                    internal=internal,
                    channel="web",
                )
            )
    Comment.objects.bulk_create(comments, batch_size=2000)
