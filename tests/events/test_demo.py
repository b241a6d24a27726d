"""The demo alerts: live, acknowledged and cleared ones, the critical one with its incident."""

from __future__ import annotations

import random

from steward.events import demo
from steward.events.models import Alert
from tests import factories
from tests.cmdb.conftest import make_ci


def test_demo_has_every_state_and_one_incident_per_serious_live_alert(db):
    factories.agent(username="demo-agent")
    for n in range(6):
        make_ci("server", name=f"demo-host-{n}")

    made = demo.load(random.Random(7))

    assert made == Alert.objects.count() == 6
    assert set(Alert.objects.values_list("state", flat=True)) == {"open", "acknowledged", "closed"}
    assert Alert.objects.filter(configuration_item=None).count() == 0
    with_incident = Alert.objects.exclude(incident=None)
    assert sorted(with_incident.values_list("severity", flat=True)) == [
        "critical",
        "critical",
        "major",
    ]
    assert demo.load(random.Random(7)) == 0  # loads once
