"""Changes in a real browser: an agent searches and filters the list from its default state;
a CAB member completes the quorum from the agenda, the change manager schedules the change,
and the calendar shows it scheduled."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from steward.changes import services
from steward.changes.choices import ApprovalState, Status
from steward.changes.models import Change
from steward.core.choices import Role
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.changes.conftest import HIGH, PLANS, ci, window
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page) -> None:  # noqa: ANN001
    """Wait until htmx has settled the last swap of the list (the new filter bar listens only
    from then on, as a person's next click a moment later finds it)."""
    expect(page.locator("#listing.htmx-settling, #listing.htmx-swapping")).to_have_count(0)


def test_an_agent_searches_and_filters_the_change_list_from_its_default_state(page):
    agent = factories.agent(username="raj")
    risky = services.change_create(
        as_actor(agent), title="Replace the core switch", risk_answers=HIGH, **PLANS
    )
    services.change_create(as_actor(agent), title="Rotate the proxy logs", **PLANS)
    services.change_create(as_actor(agent), title="Replace a fan", **PLANS)

    sign_in(page, "raj", path="/changes/")
    rows = page.locator("#rows")
    expect(rows).to_contain_text("Rotate the proxy logs")  # the default state lists them
    assert_accessible(page)
    page.get_by_label("Search").fill("replace")
    expect(rows).not_to_contain_text("Rotate the proxy logs")
    expect(rows).to_contain_text("Replace a fan")
    settled(page)
    page.get_by_label("Risk").select_option(label="High")
    expect(rows).not_to_contain_text("Replace a fan")
    expect(rows).to_contain_text(risky.number)
    settled(page)
    page.get_by_label("Risk").select_option(label="Any risk")  # back to "any": an empty value
    expect(rows).to_contain_text("Replace a fan")
    expect(page.locator(".error")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=replace"))


def test_a_refused_filter_in_a_typed_address_stands_beside_its_field_until_changed(page):
    agent = factories.agent(username="raj")
    services.change_create(as_actor(agent), title="Rotate the proxy logs", **PLANS)

    sign_in(page, "raj", path="/changes/?queue=all&risk=bogus")
    bar = page.locator("form.filters")
    expect(bar.locator(".filter.invalid")).to_contain_text("Risk: unknown value")
    expect(page.locator("#rows")).to_contain_text("correct the filter marked above")
    page.get_by_label("Risk").select_option(label="Any risk")
    expect(page.locator("#rows")).to_contain_text("Rotate the proxy logs")
    expect(page.locator(".error")).to_have_count(0)


def test_cab_member_completes_the_quorum_and_the_scheduled_change_is_on_the_calendar(page):
    agent = factories.agent(username="raj")
    factories.UserFactory(username="meg", roles=[Role.CHANGE_MANAGER, Role.AGENT])
    first, second = factories.agent(username="cab-ann"), factories.agent(username="cab-bo")
    factories.TeamFactory(name="CAB", slug="cab", members=[first, second], lead=first)
    server = ci("server", name="db-srv-1")
    start, end = window(days=2)
    change = services.change_create(
        as_actor(agent),
        title="Upgrade the database server",
        cis=[server.number],
        risk_answers=HIGH,
        planned_start=start,
        planned_end=end,
        **PLANS,
    )
    for status in (Status.ASSESSMENT, Status.AUTHORIZATION):
        services.change_update(
            as_actor(agent), number=change.number, expected_version=None, changes={"status": status}
        )
    approval = Change.objects.get(pk=change.pk).approvals.get()  # the CAB's, quorum 2
    services.approval_decide(
        as_actor(first), number=change.number, approval_id=approval.pk, decision="approve"
    )

    sign_in(page, "cab-bo", path="/changes/agenda/")
    row = page.get_by_role("region", name=re.compile(change.number))
    expect(row).to_contain_text("Upgrade the database server")
    assert_accessible(page)
    row.get_by_role("textbox").fill("Backout plan is sound.")
    row.get_by_role("button", name="Approve").click()
    expect(row.get_by_role("status")).to_contain_text("Authorised")
    expect(row).to_contain_text("Backout plan is sound.")
    assert Change.objects.get(pk=change.pk).approval_state == ApprovalState.APPROVED

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "meg", path=f"/changes/{change.number}/")
    work = page.locator("#work")
    expect(page.locator("#change-status")).to_be_visible()
    assert_accessible(page)
    work.get_by_text("Schedule", exact=True).first.click()  # opens the move's fields
    work.get_by_role("button", name="Schedule").click()
    expect(page.locator("#change-status")).to_have_text("Scheduled")

    day = timezone.localtime(start).date().isoformat()
    page.goto(f"/changes/calendar/?date={day}")
    entry = page.locator(f'td[data-date="{day}"] a.cal-change').filter(has_text=change.number)
    expect(entry).to_have_attribute("data-status", "scheduled")
    expect(entry).to_contain_text("Scheduled")
    assert_accessible(page)
    assert Change.objects.get(pk=change.pk).status == Status.SCHEDULED
