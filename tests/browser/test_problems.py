"""An agent on an incident sees the matching known error's workaround and links it."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import expect

from steward.core.actor import Actor
from steward.incidents.services import incident_create
from steward.problems.models import ProblemIncident
from steward.problems.services import problem_create, problem_update
from tests import factories
from tests.browser.accessibility import assert_accessible
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
    assert_accessible(page)
    suggestion.get_by_role("button", name="Link to this problem").click()

    expect(panel.locator("li.suggestion .linked")).to_have_text("Linked")
    expect(panel).to_contain_text(f"Linked to: {problem.number}")
    assert ProblemIncident.objects.filter(problem=problem, incident=incident).exists()


def test_agent_publishes_a_known_error_from_the_problem_page(page):
    factories.agent(username="sam")
    problem = problem_create(Actor.system("tests"), title="Printer spooler crashes")

    sign_in(page, "sam", path=f"/problems/{problem.number}/")
    assert_accessible(page)
    page.get_by_role("button", name="Start investigation").click()
    expect(page.locator(".toolbar .status")).to_have_text("Investigating")

    page.get_by_role("button", name="Publish known error").click()  # no workaround yet
    expect(page.get_by_role("alert").or_(page.locator(".error")).first).to_contain_text("required")
    assert_accessible(page)  # the refused move, its message beside the field
    page.get_by_label("Workaround").fill("Restart the spooler service.")
    page.get_by_role("button", name="Publish known error").click()

    expect(page.locator(".toolbar .status")).to_have_text("Known error")
    problem.refresh_from_db()
    assert (problem.status, problem.workaround) == ("known_error", "Restart the spooler service.")


def test_agent_searches_and_filters_the_problem_list_from_its_default_state(page):
    factories.agent(username="sam")
    system = Actor.system("tests")
    printer = problem_create(system, title="Printer spooler crashes", impact=1, urgency=1)
    mail = problem_create(system, title="Mail queue stalls")
    problem_update(
        system, number=mail.number, expected_version=None, changes={"status": "investigating"}
    )

    sign_in(page, "sam", path="/")
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Problems").click()
    page.wait_for_url(re.compile(r"/problems/$"))  # waits for "load": act as a person would
    rows = page.locator("#rows")
    expect(rows).to_contain_text(printer.number)
    expect(rows).to_contain_text(mail.number)
    assert_accessible(page)

    page.get_by_label("Search").fill("spooler")
    expect(rows).not_to_contain_text(mail.number)
    expect(rows).to_contain_text(printer.number)

    page.get_by_label("Search").fill("")
    expect(rows).to_contain_text(mail.number)
    page.get_by_label("Status").select_option(label="Investigating")
    expect(rows).not_to_contain_text(printer.number)
    expect(rows).to_contain_text(mail.number)

    page.get_by_label("Status").select_option(label="Any status")
    page.get_by_label("Priority").select_option(label="P1")
    expect(rows).not_to_contain_text(mail.number)
    expect(rows).to_contain_text(printer.number)
    expect(page.locator(".error:not(.sr-only)")).to_have_count(0)


def test_an_unknown_filter_in_the_address_shows_beside_the_field_and_clears(page):
    factories.agent(username="sam")
    problem = problem_create(Actor.system("tests"), title="Printer spooler crashes")

    sign_in(page, "sam", path="/problems/?status=nope")

    beside_status = page.locator(".filter.invalid .error")
    expect(beside_status).to_have_text("Status: unknown value 'nope'")
    expect(page.locator("#rows")).to_contain_text("change the filter marked above")
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="New")
    expect(page.locator("#rows")).to_contain_text(problem.number)
    expect(beside_status).to_have_count(0)


def test_a_later_filter_choice_wins_over_a_slow_earlier_one(page):
    """The filter bar swaps itself with the rows: a slow answer to an earlier choice must not
    land after, and undo, the choice the person made next."""
    factories.agent(username="sam")
    system = Actor.system("tests")
    printer = problem_create(system, title="Printer spooler crashes", impact=1, urgency=1)
    mail = problem_create(system, title="Mail queue stalls")
    sign_in(page, "sam", path="/problems/")
    rows = page.locator("#rows")
    expect(rows).to_contain_text(mail.number)

    held = []  # the first choice's request, answered only after the second choice's

    def hold_first_status_answer(route):
        if not held and "status=investigating" in route.request.url:
            held.append(route)  # answered late, below
            return
        route.continue_()

    page.route(re.compile(r"/problems/\?.*partial=1"), hold_first_status_answer)
    page.get_by_label("Status").select_option(label="Investigating")
    for _ in range(250):  # the first choice's request must be in flight before the second
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the first choice's request was not seen"
    page.get_by_label("Status").select_option(label="New")
    expect(rows).to_contain_text(printer.number)
    # the slow answer to the first choice arrives now; it may have been aborted by the newer
    # choice, and then there is nothing to send
    with contextlib.suppress(Exception):
        held[0].continue_()
    page.wait_for_timeout(1000)
    expect(page.get_by_label("Status")).to_have_value("new")
    expect(rows).to_contain_text(printer.number)
    expect(rows).to_contain_text(mail.number)
