"""Who reads which figures, over the API and on the page, and the filter's refusals."""

from __future__ import annotations

import pytest

from steward.core.actor import Actor
from tests import factories
from tests.conftest import api_client_for
from tests.factories import records
from tests.reports.conftest import PERIOD, at, in_period

URL = "/api/v1/reports/incident-flow"


def opened(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return sum(r["opened"] for r in response.json()["rows"])


def test_an_agent_reads_their_teams_an_admin_every_team(world):
    total = sum(in_period(i.opened_at) for i in world.incidents)
    of_a = sum(in_period(i.opened_at) for i in world.incidents if i.team_id == world.team_a.pk)
    of_b = total - of_a
    assert 0 < of_b < of_a
    assert opened(api_client_for(world.member).get(URL, PERIOD)) == of_a
    assert opened(api_client_for(world.outsider).get(URL, PERIOD)) == of_b
    assert opened(api_client_for(world.admin, scopes=("read", "admin")).get(URL, PERIOD)) == total
    admin_on_b = api_client_for(world.admin, scopes=("read", "admin")).get(
        URL, {**PERIOD, "team": "bravo"}
    )
    assert opened(admin_on_b) == of_b
    assert admin_on_b.json()["team"] == "bravo"


def test_an_agent_may_not_name_another_team(world):
    for team in ("bravo", "no-such-team"):
        response = api_client_for(world.lead).get(URL, {**PERIOD, "team": team})
        assert response.status_code == 422
        assert "team" in response.content.decode()


def test_an_agent_of_no_team_reads_nothing(world, client):
    loner = factories.agent()
    assert opened(api_client_for(loner).get(URL, PERIOD)) == 0
    sla = api_client_for(loner).get("/api/v1/reports/sla-compliance", PERIOD)
    assert sla.status_code == 200
    assert sla.json()["rows"] == []
    client.force_login(loner)
    assert client.get("/reports/", PERIOD).status_code == 200


def test_an_organisation_limited_agent_reads_only_its_organisations(world):
    org = factories.OrganisationFactory()
    records.incident(world.lead, at(8), team=world.team_a, organisation=org)
    limited = factories.agent()
    world.team_a.members.add(limited)
    other = factories.OrganisationFactory()
    limited.served_organisations.add(other)
    mine = sum(in_period(i.opened_at) for i in world.incidents if i.team_id == world.team_a.pk)
    assert opened(api_client_for(world.lead).get(URL, PERIOD)) == mine + 1
    assert opened(api_client_for(limited).get(URL, PERIOD)) == mine  # not org's incident


@pytest.mark.parametrize("path", ["/reports/", "/reports/backlog/", "/reports/backlog.csv"])
def test_requesters_get_404_on_the_pages(world, client, path):
    client.force_login(factories.requester())
    assert client.get(path).status_code == 404


def test_requesters_get_404_over_the_api(world):
    response = api_client_for(factories.requester()).get(URL)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "start"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_bad_dates_are_422_naming_the_field(world, query, field):
    response = api_client_for(world.lead).get(URL, query)
    assert response.status_code == 422
    body = response.json()
    assert field in str(body), body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "9999-12-30", "end": "9999-12-31"}, "start"),
        ({"end": "0001-01-05"}, "end"),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ({"start": "9999-12-31"}, "start"),
    ],
)
@pytest.mark.parametrize("name", ["incident-flow", "backlog", "changes"])
def test_dates_at_the_calendars_ends_are_422_naming_the_field(world, client, query, field, name):
    """A period whose edges (the midnight after its end, its first Monday) fall off the
    calendar was a 500 (OverflowError); the API, the page and the CSV name the field."""
    response = api_client_for(world.admin, scopes=("read", "admin")).get(
        f"/api/v1/reports/{name}", query
    )
    assert response.status_code == 422, response.content[:200]
    assert field in str(response.json())
    client.force_login(world.admin)
    for path in (f"/reports/{name}/", f"/reports/{name}.csv", "/reports/"):
        page = client.get(path, query)
        assert page.status_code in (200, 422), (path, page.status_code)
        assert "1900-01-01" in page.content.decode(), path


def test_an_unknown_report_is_404(world):
    assert (
        api_client_for(world.admin, scopes=("read", "admin"))
        .get("/api/v1/reports/nothing")
        .status_code
        == 404
    )


def test_the_default_period_is_the_last_twelve_weeks(world):
    from django.utils import timezone

    body = api_client_for(world.admin, scopes=("read", "admin")).get(URL).json()
    today = timezone.localdate()
    assert body["end"] == today.isoformat()
    start = __import__("datetime").date.fromisoformat(body["start"])
    # this week's Monday and the 11 weeks before it (12 weekly rows on any day of the week)
    assert start.weekday() == 0
    assert (today - start).days == 77 + today.weekday()


def test_every_report_is_in_the_openapi(world):
    schema = api_client_for(world.admin, scopes=("read", "admin")).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports/{name}"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"name", "start", "end", "team"} <= names


def test_the_system_reads_everything(world):
    from steward.reports import selectors

    table = selectors.report_get(Actor.system("t"), name="incident-flow", start=None, end=None)
    assert table.period is not None


def test_a_change_manager_naming_a_team_not_theirs_reads_its_changes_on_the_page(world, client):
    """The page answers as the API does, report by report: a change manager reads every
    team's changes (docs/reports.md), so naming a team not theirs shows that team's changes
    report (it was a 422 for the whole page) and leaves out the reports the API refuses."""
    from steward.core.choices import Role

    manager = factories.UserFactory(roles=[Role.AGENT, Role.CHANGE_MANAGER])
    world.team_a.members.add(manager)
    query = {**PERIOD, "team": "bravo"}
    api = api_client_for(manager)
    assert api.get("/api/v1/reports/changes", query).status_code == 200
    assert api.get(URL, query).status_code == 422
    client.force_login(manager)
    page = client.get("/reports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-changes"' in html
    assert 'id="report-incident-flow"' not in html
    assert '<option value="bravo" selected>' in html  # the filter offers it, as chosen
    assert client.get("/reports/changes/", query).status_code == 200
    assert client.get("/reports/incident-flow/", query).status_code == 422
    # a team that is not there, and an agent naming another team, stay refused
    assert client.get("/reports/", {**PERIOD, "team": "no-such-team"}).status_code == 422
    client.force_login(world.lead)
    assert client.get("/reports/", query).status_code == 422
