"""A rule's mail: the outbox event its ``notify`` action emits queues one mail per
recipient (the team's address or its members, the requester, a plain address), once."""

from __future__ import annotations

import pytest

from steward.automation import notifications
from steward.core.models import OutboxMessage, OutgoingMail
from steward.incidents.services import incident_create
from tests.automation.conftest import rule

pytestmark = pytest.mark.django_db


def consumed() -> None:
    for event in OutboxMessage.objects.filter(topic="automation.notify").order_by("id"):
        notifications.on_notify(event)


def test_notify_mails_team_requester_and_an_address(admin_actor, caller, caller_actor, network):
    caller.email = "caller1@example.com"
    caller.save()
    network.email = "network@example.com"
    network.save()
    rule(
        admin_actor,
        actions=[
            {"action": "assign_team", "value": "network"},
            {"action": "notify", "value": "team"},
            {"action": "notify", "value": "requester"},
            {"action": "notify", "value": "NOC@example.com"},
        ],
    )
    incident = incident_create(caller_actor, title="VPN down")
    consumed()
    consumed()  # a second dispatch of the same events queues nothing more
    mails = {m.recipient: m for m in OutgoingMail.objects.filter(kind="automation_notify")}
    assert set(mails) == {"network@example.com", "caller1@example.com", "noc@example.com"}
    mail = mails["noc@example.com"]
    assert mail.subject == f"[{incident.number}] Automation: VPN down"
    assert 'The automation rule "Route VPN" matched' in mail.body
