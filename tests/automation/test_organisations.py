"""Rules across organisations: an agent limited to some organisations sees no rule whose
values name another organisation's team, CI, organisation or user; absent and invisible
look the same (404), over the API and on the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.automation.models import Rule
from tests import factories
from tests.automation.conftest import rule
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/automation/rules"


@pytest.fixture
def scene(admin_actor):
    from steward.core.services import team_create

    org_a, org_b = (
        factories.OrganisationFactory(slug="org-a"),
        factories.OrganisationFactory(slug="org-b"),
    )
    limited = factories.agent(username="limited", organisation=org_a)
    limited.served_organisations.set([org_a])
    b_agent = factories.agent(username="bagent", organisation=org_b)
    team_create(admin_actor, name="B ops", slug="b-ops", organisation="org-b")
    team_create(admin_actor, name="Everyone", slug="everyone")
    ci_b = make_ci(name="b-db", organisation="org-b")
    named = {
        "team": rule(
            admin_actor, name="B team", actions=[{"action": "assign_team", "value": "b-ops"}]
        ),
        "ci": rule(
            admin_actor,
            name="B ci",
            conditions=[{"field": "configuration_item", "value": ci_b.number}],
            actions=[{"action": "set_priority", "value": 1}],
        ),
        "org": rule(
            admin_actor,
            name="B org",
            conditions=[{"field": "organisation", "value": "org-b"}],
            actions=[{"action": "set_priority", "value": 2}],
        ),
        "user": rule(
            admin_actor,
            name="B user",
            actions=[{"action": "add_watcher", "value": b_agent.username}],
        ),
    }
    mine = rule(
        admin_actor,
        name="For everyone",
        conditions=[{"field": "organisation", "value": "org-a"}],
        actions=[{"action": "assign_team", "value": "everyone"}],
    )
    return limited, named, mine, ci_b


def test_a_limited_agent_lists_no_rule_naming_another_organisations_rows(scene):
    limited, named, mine, ci_b = scene
    api = api_client_for(limited)
    listed = api.get(URL)
    assert listed.status_code == 200
    assert [r["name"] for r in listed.json()] == [mine.name]
    assert ci_b.number.encode() not in listed.content
    assert b"org-b" not in listed.content
    for hidden in named.values():
        for path in (f"{URL}/{hidden.pk}", f"{URL}/{hidden.pk}/runs"):
            assert api.get(path).status_code == 404, path
        dry = api.post(f"{URL}/{hidden.pk}/dry-run", {"incident": "INC-0000001"})
        assert dry.status_code == 404
    absent = api.get(f"{URL}/{max(r.pk for r in Rule.objects.all()) + 1}")
    assert absent.status_code == 404
    assert absent.json() == api.get(f"{URL}/{named['ci'].pk}").json()


def test_on_the_pages_too(scene):
    limited, named, mine, ci_b = scene
    client = Client()
    client.force_login(limited)
    page = client.get("/automation/")
    assert page.status_code == 200
    assert mine.name.encode() in page.content
    assert ci_b.number.encode() not in page.content
    for hidden in named.values():
        assert hidden.name.encode() not in page.content
        assert client.get(f"/automation/{hidden.pk}/").status_code == 404


def test_unlimited_agents_and_admins_see_every_rule(scene, admin_api, agent_api):
    assert len(agent_api.get(URL).json()) == 5
    assert len(admin_api.get(URL).json()) == 5
