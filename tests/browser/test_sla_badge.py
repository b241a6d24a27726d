"""The SLA badge in a real browser: the queue and the record say the time left is business
time and when the target is due, in the date style of every page."""

from __future__ import annotations

import zoneinfo

import pytest
from django.conf import settings
from playwright.sync_api import expect

from steward.core.actor import Actor
from steward.core.selectors.timeline import format_datetime
from steward.incidents.services import incident_create
from steward.sla import services as sla
from steward.sla.models import SlaClock
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def office_hours_policy() -> None:
    """Weekdays 09:00-17:00: a 40-hour resolution target is a week away in calendar time."""
    system = Actor.system("tests")
    sla.calendar_create(
        system,
        name="Office",
        slug="office",
        time_zone="UTC",
        working_hours=[{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)],
    )
    sla.policy_create(
        system,
        name="Office hours",
        slug="office",
        calendar="office",
        precedence=100,
        response_minutes=8 * 60,
        resolution_minutes=40 * 60,
    )


def test_badge_says_business_time_and_the_due_moment(page):
    office_hours_policy()
    factories.agent(username="sam")
    incident = incident_create(as_actor(factories.requester()), title="Badge reader offline")
    due = SlaClock.objects.get(object_id=str(incident.pk), kind="response").due_at
    due_text = format_datetime(due, zoneinfo.ZoneInfo(settings.TIME_ZONE))

    sign_in(page, "sam")
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Incidents").click()
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Unassigned").click()
    row = page.get_by_role("row").filter(has_text="Badge reader offline")
    badge = row.locator(".sla")
    # the most urgent clock (response, 8 business hours) with the moment it falls due
    expect(badge).to_have_text(f"{badge_left(badge)} business time · due {due_text} response")
    expect(badge.locator("time")).to_have_attribute("datetime", due.isoformat())
    assert_accessible(page)

    row.get_by_role("link", name=incident.number).click()
    facts = page.locator("dl.facts")
    expect(facts.locator(".sla").first).to_contain_text(f"business time · due {due_text}")
    expect(facts.locator(".sla").nth(1)).to_contain_text("business time · due")
    assert_accessible(page)


def badge_left(badge) -> str:
    """The time-left part as shown ("7h 59m"): it moves with the clock, so it is read back
    and held to the duration format rather than to a fixed value."""
    text = badge.inner_text().split(" business time")[0]
    assert text.replace("d", "").replace("h", "").replace("m", "").replace(" ", "").isdigit()
    return text
