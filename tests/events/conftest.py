"""Events fixtures: the monitoring agent who sends events over the API, and events."""

from __future__ import annotations

from typing import Any

import pytest

from steward.core.actor import Actor
from steward.core.choices import Channel, Scope
from steward.events import services
from tests import factories


@pytest.fixture
def monitor(db) -> Actor:
    """An agent's writing API token, as a monitoring server holds it."""
    return Actor(
        user=factories.agent(username="nagios-bot"),
        channel=Channel.API,
        scopes=frozenset({Scope.READ, Scope.WRITE}),
    )


def event(**overrides: Any) -> dict[str, Any]:
    return {
        "source": "nagios",
        "node": "web01.example.com",
        "resource": "disk /var",
        "severity": "warning",
        "summary": "DISK WARNING - 12% free",
        **overrides,
    }


def send(actor: Actor, **overrides: Any) -> services.Ingested:
    return services.event_ingest(actor, **event(**overrides))
