"""Demo rules: two examples an administrator can read, try and edit, written through the
services. New demo incidents about the VPN go to Network; a critical monitoring incident
gets a work note and a mail to its team."""

from __future__ import annotations

from steward.automation import services
from steward.automation.models import Rule
from steward.core.actor import Actor
from steward.core.models import Team

RULES = [
    {
        "name": "VPN trouble goes to Network",
        "description": "Requesters rarely pick a category: the title says it.",
        "conditions": [
            {"field": "title", "operator": "contains", "value": "vpn"},
            {"field": "team", "operator": "is", "value": ""},
        ],
        "actions": [
            {"action": "assign_team", "value": "network"},
            {"action": "add_note", "value": "Routed by automation: the title mentions the VPN."},
        ],
    },
    {
        "name": "Critical monitoring incidents alert their team",
        "conditions": [
            {"field": "channel", "operator": "is", "value": "monitoring"},
            {"field": "priority", "operator": "is", "value": 1},
        ],
        "actions": [
            {"action": "add_note", "value": "Critical alert from monitoring: check the console."},
            {"action": "notify", "value": "team"},
        ],
        "stop_processing": True,
    },
]


def load() -> int:
    """Load once (nothing when rules exist, or without the Network team)."""
    if Rule.objects.exists() or not Team.objects.filter(slug="network").exists():
        return 0
    actor = Actor.system("demo")
    for values in RULES:
        services.rule_create(actor, **values)
    return len(RULES)
