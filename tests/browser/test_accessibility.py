"""Every main page, for each role, has no critical or serious axe-core violation (WCAG 2.x A
and AA): the navigation, lists, records, forms and the calendar as the person first sees them."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from steward.changes import services as changes
from steward.changes.choices import RiskLevel
from steward.changes.choices import Status as ChangeStatus
from steward.changes.models import Change
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.models import Team
from steward.incidents.choices import Status as IncidentStatus
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from steward.problems.choices import Status as ProblemStatus
from steward.problems.models import Problem
from steward.problems.services import problem_create
from tests import factories
from tests.browser.accessibility import describe, violations
from tests.browser.test_shell import sign_in
from tests.changes.conftest import HIGH, PLANS
from tests.cmdb.conftest import make_ci, relate
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records() -> dict[str, str]:
    """One of each record the pages show, and the people and team around them; the lists
    carry every priority, status and risk, so each badge's colours are checked."""
    system = Actor.system("tests")
    factories.requester(username="carol")
    agent = factories.agent(username="sam")
    factories.admin(username="root")
    factories.UserFactory(username="meg", roles=[Role.CHANGE_MANAGER, Role.AGENT])
    Team.objects.create(name="Network", slug="network").members.add(agent)
    incident = incident_create(
        system, title="VPN drops every hour", caller="carol", team="network", impact=1, urgency=1
    )
    # P1 to P5, then one in each status (set directly: only their badges matter here)
    levels = [(1, 2), (2, 2), (2, 3), (3, 3), (3, 3), (3, 3), (3, 3), (3, 3)]
    statuses = [s for s in IncidentStatus.values if s != "new"]
    for (impact, urgency), status in zip(levels, ["new", *statuses], strict=False):
        other = incident_create(
            system,
            title=f"Printer {status}",
            caller="carol",
            team="network",
            impact=impact,
            urgency=urgency,
        )
        Incident.objects.filter(pk=other.pk).update(status=status)
    problem = problem_create(system, title="VPN tunnel drops when idle", impact=2, urgency=2)
    for status in ProblemStatus.values:
        other = problem_create(system, title=f"Mail {status}")
        Problem.objects.filter(pk=other.pk).update(status=status)
    shop = make_ci("business_service", name="Web shop")
    server = make_ci("server", name="srv01")
    relate(shop, server, "runs_on")
    for status in ("planned", "retired"):
        make_ci("server", name=f"srv-{status}", status=status)
    change = changes.change_create(
        as_actor(agent), title="Replace the core switch", risk_answers=HIGH, **PLANS
    )
    for status, risk in zip(ChangeStatus.values, RiskLevel.values * 3, strict=False):
        other = changes.change_create(as_actor(agent), title=f"Rotate logs {status}", **PLANS)
        Change.objects.filter(pk=other.pk).update(status=status, risk_level=risk)
    return {
        "incident": incident.number,
        "problem": problem.number,
        "change": change.number,
        "service": shop.number,
        "ci": server.number,
    }


AGENT_PAGES = [
    "/",
    "/incidents/",
    "/incidents/?queue=all",
    "/incidents/{incident}/",
    "/incidents/new/",
    "/problems/",
    "/problems/{problem}/",
    "/problems/new/",
    "/changes/",
    "/changes/{change}/",
    "/changes/new/",
    "/changes/calendar/?date={today}",
    "/changes/agenda/",
    "/cmdb/",
    "/cmdb/cis/{ci}/",
    "/cmdb/cis/{service}/map/",
    "/sla/",
    "/teams/",
    "/teams/network/",
    "/profile/",
]
PAGES = {
    "requester": [
        "/",
        "/incidents/",
        "/incidents/{incident}/",
        "/incidents/new/",
        "/profile/",
        "/help/",
        "/help/?q=printer",
        "/help/?q=printer&more=1",
        "/help/mine/",
        "/catalog/",
    ],
    "agent": AGENT_PAGES,
    "admin": [
        *AGENT_PAGES,
        "/sla/policies/new/",
        "/sla/calendars/",
        "/sla/calendars/new/",
        "/cmdb/cis/new/",
        "/cmdb/ci-classes/",
        "/cmdb/ci-classes/new/",  # a table of unlabelled inputs until walk24b
        "/changes/freezes/",
    ],
}
USERS = {"requester": "carol", "agent": "sam", "admin": "root"}


def test_the_sign_in_page_is_accessible(page):
    page.goto("/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert not (found := violations(page)), describe(found)


@pytest.mark.parametrize("role", list(PAGES))
def test_every_main_page_is_accessible_for_each_role(page, role):
    numbers = _records() | {"today": timezone.localdate().isoformat()}
    sign_in(page, USERS[role])
    failures = []
    for template in PAGES[role]:
        path = template.format(**numbers)
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, (path, response.status)
        page.wait_for_load_state("networkidle")  # htmx panels loaded after the page
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if found := violations(page):
            failures.append(f"== {path}\n{describe(found)}")
    assert not failures, "axe-core, critical or serious:\n" + "\n".join(failures)


@pytest.mark.parametrize(("path", "status"), [("/sla/policies/new/", 403), ("/nowhere/", 404)])
def test_the_error_pages_are_accessible(page, path, status):
    factories.agent(username="sam")  # an agent may read the SLA pages, not add a policy
    sign_in(page, "sam")

    response = page.goto(path)

    assert response is not None
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not (found := violations(page)), describe(found)
