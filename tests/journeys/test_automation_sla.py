"""The administrator (admin) builds an SLA-breach rule on the Automation page by clicking:
when the resolution clock of a P1 incident is breached, add a work note and mail the team.
The priority and the mail's recipient are picked from the values the form offers, not
typed as codes. A dry run says the SLA trigger runs it; when the SLA sweep records the
breach of a P1 incident's resolution clock, the rule's run log lists the run (decision
0104).

The journeys share one demo database: the rule is deleted after the journey and the one
incident it made (a requester no other journey signs in as) is cancelled, out of every open
queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, no_error_on_page, open_module, shot, sign_in

pytestmark = [pytest.mark.browser]

NAME = "P1 resolution breach: note and mail the team"
TITLE = "Badge readers at the main door reject every card"


def _admin():
    from steward.core.models import User
    from tests.conftest import as_actor

    return as_actor(User.objects.get(username="admin"))


def _quiet_requester():
    """A demo requester no other journey signs in as or reads the list of (the automation
    journey takes the last by name; this one the one before it)."""
    from steward.core.models import User

    return (
        User.objects.filter(groups__name="requester", is_active=True)
        .exclude(username__in=["alice", "ben.garcia", "julia.rossi"])
        .order_by("-username")[1]
    )


@pytest.fixture
def p1_incident(demo_site) -> Iterator[str]:
    """A P1 incident reported by a requester, its number; cancelled after the journey, and
    the journey's rule deleted, however the journey ended."""
    from steward.incidents.services import incident_create, incident_update
    from tests.conftest import as_actor

    made = incident_create(as_actor(_quiet_requester()), title=TITLE, impact=1, urgency=1)
    assert made.priority == 1
    yield made.number

    from steward.automation import services
    from steward.automation.models import Rule

    admin = _admin()
    for pk in Rule.objects.filter(name=NAME).values_list("pk", flat=True):
        services.rule_delete(admin, pk=pk)
    incident_update(
        admin, number=made.number, expected_version=None, changes={"status": "cancelled"}
    )


def _the_sweep_breaches_its_resolution_clock(number: str) -> None:
    """What the SLA sweep does when the clock's due time has passed, for this clock alone
    (a sweep over the whole demo would breach other journeys' clocks)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from steward.incidents.models import Incident
    from steward.sla.models import SlaClock
    from steward.sla.services.events import record_threshold

    incident = Incident.objects.get(number=number)
    with transaction.atomic():
        clock = SlaClock.objects.select_for_update().get(
            object_id=str(incident.pk), kind="resolution"
        )
        due = timezone.now() - dt.timedelta(minutes=1)
        assert record_threshold(clock, "breach", at=due)


def build_sla_rule(page) -> None:
    page.get_by_role("link", name="New rule").click()
    page.wait_for_load_state("load")
    heading(page, "New rule")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Description").fill("A breached P1 needs the whole team's eyes.")
    page.get_by_label("When", exact=True).select_option(label="SLA clock breached")
    page.get_by_label("SLA clock (SLA triggers only)").select_option(label="Resolution")
    page.get_by_label("Condition 1: field").select_option(label="Priority")
    page.get_by_label("Comparison").select_option(label="is")
    page.get_by_label("Action 1", exact=True).select_option(label="Add internal work note")
    page.locator("#action-0-value").fill("Resolution SLA breached: team lead informed.")
    page.get_by_role("button", name="Add an action").click()
    page.wait_for_load_state("load")
    page.get_by_label("Action 2", exact=True).select_option(label="Send mail")
    # the form, redrawn, offers each row the values its field or action takes
    page.get_by_role("button", name="Offer values for the chosen actions").click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Offer values for the chosen fields").click()
    page.wait_for_load_state("load")
    priority = page.locator("#condition-0-value")
    expect(priority).to_have_attribute("list", "values-priority")
    expect(page.locator("#values-priority option[value='1']")).to_have_attribute(
        "label", "1 - Critical"
    )
    mail = page.locator("#action-1-value")
    expect(mail).to_have_attribute("list", "values-notify")
    expect(page.locator("#values-notify option[value='team']")).to_have_count(1)
    expect(page.locator("#action-0-value")).to_have_value(
        "Resolution SLA breached: team lead informed."
    )  # kept while redrawn
    priority.fill("1")
    mail.fill("team")
    shot(page, "administrator", "automation-sla-rule-form")
    page.get_by_role("button", name="Create rule").click()
    page.wait_for_load_state("load")
    heading(page, NAME)
    no_error_on_page(page)


def test_administrator_builds_an_sla_breach_rule_and_sees_it_run(page, p1_incident):
    number = p1_incident
    sign_in(page, "admin")
    open_module(page, "Automation")
    heading(page, "Automation")
    build_sla_rule(page)
    expect(page.locator("dt:text-is('When') + dd")).to_have_text("SLA clock breached: Resolution")
    expect(page.locator("#rule-conditions")).to_contain_text("Priority is 1")
    expect(page.get_by_text("It has not run yet.")).to_be_visible()

    # the dry run: the P1 incident matches, and the sweep's breach is what runs the rule
    page.get_by_label("Incident number").fill(number)
    page.get_by_role("button", name="Dry run").click()
    page.wait_for_load_state("load")
    expect(page.locator("#dry-result")).to_contain_text(f"{number} matches.")
    expect(page.locator("#dry-fires")).to_have_text("It runs when: SLA clock breached")

    # edited: either clock, then the resolution clock again; the values still offered
    page.get_by_role("link", name="Edit").click()
    page.wait_for_load_state("load")
    heading(page, f"Edit {NAME}")
    clock = page.get_by_label("SLA clock (SLA triggers only)")
    expect(clock).to_have_value("resolution")
    clock.select_option(label="Response or resolution")
    page.get_by_role("button", name="Offer values for the chosen fields").click()
    page.wait_for_load_state("load")
    expect(page.locator("#condition-0-value")).to_have_attribute("list", "values-priority")
    page.get_by_role("button", name="Offer values for the chosen actions").click()
    page.wait_for_load_state("load")
    expect(page.locator("#action-1-value")).to_have_value("team")
    page.get_by_label("SLA clock (SLA triggers only)").select_option(label="Resolution")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    heading(page, NAME)
    expect(page.locator("dt:text-is('Version') + dd")).to_have_text("1")  # nothing changed

    # the list shows the trigger with its clock
    page.get_by_role("link", name="← Automation").click()
    page.wait_for_load_state("load")
    row = page.locator("#rule-rows tr").filter(has_text=NAME)
    expect(row).to_contain_text("SLA clock breached: Resolution")

    _the_sweep_breaches_its_resolution_clock(number)

    # the run log lists the run: the clock, the note, the mail
    page.get_by_role("link", name=NAME).click()
    page.wait_for_load_state("load")
    runs = page.locator("#run-rows")
    expect(runs).to_contain_text(number)
    expect(runs).to_contain_text("SLA clock breached (Resolution)")
    expect(runs).to_contain_text("1 note")
    expect(runs).to_contain_text("mail to team")
    shot(page, "administrator", "automation-sla-run")
    runs.get_by_role("link", name=number).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Resolution SLA breached: team lead informed.")).to_be_visible()
    no_error_on_page(page)
