"""An agent on an incident sees the matching known error's workaround and links it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from steward.core.actor import Actor
from steward.incidents.services import incident_create
from steward.problems.models import ProblemIncident
from steward.problems.services import problem_create, problem_update
from tests import factories
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_sees_the_known_error_on_an_incident_and_links_it(page):
    factories.agent(username="sam")
    system = Actor.system("tests")
    caller = factories.requester(username="carol")
    problem = problem_create(system, title="VPN tunnel drops when idle", category="network")
    for status, extra in (
        ("investigating", {}),
        ("known_error", {"workaround": "Disable idle sleep in the VPN client."}),
    ):
        problem_update(
            system,
            number=problem.number,
            expected_version=None,
            changes={"status": status, **extra},
        )
    incident = incident_create(
        system, title="VPN keeps disconnecting", caller=caller.username, category="network"
    )

    sign_in(page, "sam", path=f"/incidents/{incident.number}/")

    panel = page.get_by_role("region", name="Problems and known errors")
    suggestion = panel.locator("li.suggestion").filter(has_text=problem.number)
    expect(suggestion).to_contain_text("Disable idle sleep in the VPN client.")
    suggestion.get_by_role("button", name="Link to this problem").click()

    expect(panel.locator("li.suggestion .linked")).to_have_text("Linked")
    expect(panel).to_contain_text(f"Linked to: {problem.number}")
    assert ProblemIncident.objects.filter(problem=problem, incident=incident).exists()


def test_agent_publishes_a_known_error_from_the_problem_page(page):
    factories.agent(username="sam")
    problem = problem_create(Actor.system("tests"), title="Printer spooler crashes")

    sign_in(page, "sam", path=f"/problems/{problem.number}/")
    page.get_by_role("button", name="Start investigation").click()
    expect(page.locator(".toolbar .status")).to_have_text("Investigating")

    page.get_by_role("button", name="Publish known error").click()  # no workaround yet
    expect(page.get_by_role("alert").or_(page.locator(".error")).first).to_contain_text("required")
    page.get_by_label("Workaround").fill("Restart the spooler service.")
    page.get_by_role("button", name="Publish known error").click()

    expect(page.locator(".toolbar .status")).to_have_text("Known error")
    problem.refresh_from_db()
    assert (problem.status, problem.workaround) == ("known_error", "Restart the spooler service.")
