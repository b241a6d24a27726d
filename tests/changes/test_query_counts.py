"""Query counts of the change lists that the contract registry does not cover: freeze
windows and standard-change templates. The number of queries must not grow with the rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.changes import services as change_services
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from tests import factories
from tests.query_counts import counter, grows

SYSTEM = Actor.system("tests")


def test_freeze_window_list(admin_api):
    nxt = counter()
    start = timezone.now() + dt.timedelta(days=10)
    team = factories.TeamFactory()

    def add():
        i = nxt()
        ci = ci_create(SYSTEM, ci_class="business_service", name=f"svc-{i}", owner_team=team.slug)
        change_services.freeze_create(
            SYSTEM,
            name=f"Freeze {i}",
            starts_at=start,
            ends_at=start + dt.timedelta(days=1),
            ci=ci.number,
        )

    few, many = grows(add, lambda: admin_api.get("/api/v1/freeze-windows", {"limit": 50}))
    assert few == many


def test_change_template_list(admin_api):
    nxt = counter()

    def add():
        change_services.template_create(SYSTEM, name=f"Template {nxt()}")

    few, many = grows(add, lambda: admin_api.get("/api/v1/change-templates", {"limit": 50}))
    assert few == many
