"""Demo alerts: a handful of monitoring events on demo servers, sent as an agent's API
token would send them, so the console has live, acknowledged and cleared alerts and the
critical one has opened its incident."""

from __future__ import annotations

import random

from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.models import User
from steward.events import services
from steward.events.models import Alert

# (source, resource, severity, summary, repeats, then: "" | "ack" | "clear")
EVENTS = [
    ("nagios", "disk /var", "critical", "DISK CRITICAL - free space: /var 2% left", 3, ""),
    ("nagios", "load", "warning", "LOAD WARNING - load average 9.12, 8.40, 7.95", 5, "ack"),
    ("prometheus", "HighMemoryUsage", "major", "memory above 92% for 10 minutes", 2, "ack"),
    ("zabbix", "ping", "minor", "ICMP packet loss 18%", 4, ""),
    ("nagios", "http", "critical", "HTTP CRITICAL - connection refused on port 443", 1, "clear"),
    ("prometheus", "CertificateExpiry", "info", "TLS certificate expires in 21 days", 1, ""),
]


def load(rng: random.Random) -> int:
    """Load once (nothing when alerts exist); returns how many alerts were made."""
    if Alert.objects.exists():
        return 0
    agent = User.objects.filter(is_active=True, groups__name="agent").order_by("id").first()
    if agent is None:
        return 0
    actor = Actor(user=agent, channel=Channel.API)
    nodes = list(
        ConfigurationItem.objects.filter(ci_class__slug="server")
        .order_by("id")
        .values_list("name", flat=True)[:6]
    ) or ["web01.example.com"]
    made = 0
    for i, (source, resource, severity, summary, repeats, then) in enumerate(EVENTS):
        event = {
            "source": source,
            "node": nodes[i % len(nodes)],
            "resource": resource,
            "severity": severity,
            "summary": summary,
            "details": {"demo": True, "attempt": rng.randint(1, 3)},
        }
        done = None
        for _ in range(repeats):
            done = services.event_ingest(actor, **event)
        made += 1
        if then == "ack":
            services.alert_acknowledge(actor, pk=done.alert.pk)
        elif then == "clear":
            services.event_ingest(actor, **{**event, "severity": "clear", "summary": "OK"})
    return made
