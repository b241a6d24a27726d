"""Query counts of the SLA lists: they must not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.sla import services
from tests import factories
from tests.query_counts import counter, grows
from tests.sla.conftest import office_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_calendar_list_page(admin_web, admin_actor):
    nxt = counter()

    def add():
        services.calendar_create(
            admin_actor,
            name=f"Calendar {nxt()}",
            time_zone="Europe/Berlin",
            working_hours=office_hours(),
            closures=[{"date": "2026-12-24", "name": "Christmas Eve"}],
        )

    few, many = grows(add, lambda: admin_web.get("/sla/calendars/"))
    assert few == many
    assert many <= 10


@pytest.mark.parametrize("limited", [False, True])
def test_policy_list_page(admin_web, admin_actor, calendar, limited):
    nxt = counter()
    web = admin_web
    if limited:  # an agent serving one organisation: the visibility rule reads more
        organisation = factories.OrganisationFactory()
        agent = factories.agent()
        agent.served_organisations.add(organisation)
        web = Client()
        web.force_login(agent)

    def add():
        services.policy_create(
            admin_actor,
            name=f"Policy {nxt()}",
            calendar=calendar.slug,
            response_minutes=60,
            resolution_minutes=480,
            priorities=[2],
        )

    few, many = grows(add, lambda: web.get("/sla/"))
    assert few == many
    assert many <= 12
