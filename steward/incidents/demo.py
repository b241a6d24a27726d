"""Demo history: a few thousand incidents over the last six months, through the bulk path."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.core import markup
from steward.core.actor import Actor
from steward.core.models import Comment, OutboxMessage, Team, User
from steward.incidents.bulk import incidents_import
from steward.incidents.models import Incident, TeamAssignment

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
        if age > dt.timedelta(days=3) and rng.random() < 0.9:
            resolved = opened + dt.timedelta(minutes=rng.randint(15, 5 * 24 * 60))
            row.update(
                status="closed" if age > dt.timedelta(days=10) else "resolved",
                resolution_code=rng.choice(["solved", "solved", "workaround", "user_error"]),
                resolution_notes="Fixed and confirmed with the caller.",
                first_response_at=opened + dt.timedelta(minutes=rng.randint(5, 240)),
                resolved_at=min(resolved, now),
                assignee=rng.choice(members or [None]),
            )
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
    _clocks(made, since=now - dt.timedelta(days=45))
    return len(made)


def _clocks(incidents: list[Incident], *, since: dt.datetime) -> None:
    """SLA clocks for the recent history, run as if they had ticked live: late ones breach."""
    from steward.incidents.services import _sla_context
    from steward.sla import services as sla

    system = Actor.system("demo")
    for incident in incidents:
        if incident.opened_at < since:
            continue
        sla.clocks_start(system, incident, context=_sla_context(incident), at=incident.opened_at)
        if incident.first_response_at:
            sla.clock_stop(system, incident, kind="response", at=incident.first_response_at)
        if incident.status == "on_hold":
            sla.clocks_pause(system, incident, at=incident.first_response_at or incident.opened_at)
        if incident.resolved_at:
            sla.clock_stop(system, incident, kind="response", at=incident.resolved_at)
            sla.clock_stop(system, incident, kind="resolution", at=incident.resolved_at)
    sla.sla_sweep(system, now=timezone.now(), batch=5000)
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
