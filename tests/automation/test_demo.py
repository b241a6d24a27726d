"""The demo rules: two, written through the services, loaded once."""

from __future__ import annotations

import pytest

from steward.automation import demo
from steward.automation.models import Rule
from steward.core.services import team_create

pytestmark = pytest.mark.django_db


def test_demo_loads_two_rules_once(admin_actor):
    assert demo.load() == 0  # no Network team: nothing to route to
    team_create(admin_actor, name="Network", slug="network")
    assert demo.load() == 2
    assert Rule.objects.count() == 2
    assert demo.load() == 0
