"""Pickers by name: the suggestion view offers at most ten matches of what was typed, only
among what the actor may see, and the widget sends the picked key."""

from __future__ import annotations

import re

import pytest

from steward.cmdb.models import CIClass
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.incidents.forms import UpdateForm
from tests import factories
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-key="([^"]*)"', response.content.decode())


@pytest.fixture
def orgs():
    return factories.OrganisationFactory(slug="acme"), factories.OrganisationFactory(slug="globex")


@pytest.fixture
def limited(orgs):
    agent = factories.agent(username="limited", first_name="Lim", last_name="Ited")
    agent.served_organisations.set([orgs[0]])
    return agent


def test_agent_suggestions_match_names_and_leave_out_other_organisations(orgs, limited):
    acme, globex = orgs
    factories.agent(username="civanova", first_name="Chloe", last_name="Ivanova", organisation=acme)
    factories.agent(username="cglobex", first_name="Chloe", last_name="Globex", organisation=globex)
    factories.requester(username="creq", first_name="Chloe", last_name="Caller", organisation=acme)

    client = signed_in(limited)

    assert keys(client.get("/pick/agent/", {"q": "chlo"})) == ["civanova"]  # no requester
    assert keys(client.get("/pick/person/", {"q": "chlo"})) == ["creq", "civanova"]
    assert keys(signed_in(factories.admin()).get("/pick/agent/", {"q": "chloe"})) == [
        "cglobex",
        "civanova",
    ]


def test_team_suggestions_are_scoped_and_limited_to_ten(orgs, limited):
    acme, globex = orgs
    for n in range(12):
        factories.TeamFactory(name=f"Ops {n:02}", slug=f"ops-{n:02}", organisation=acme)
    factories.TeamFactory(name="Ops Globex", slug="ops-globex", organisation=globex)

    suggested = keys(signed_in(limited).get("/pick/team/", {"q": "ops"}))

    assert suggested == [f"ops-{n:02}" for n in range(10)]
    assert "ops-globex" not in keys(signed_in(limited).get("/pick/team/", {"q": "globex"}))


def test_ci_and_service_suggestions_are_scoped(orgs, limited):
    acme, globex = orgs
    system = Actor.system("tests")
    server = CIClass.objects.get(slug="server")
    service = CIClass.objects.get(slug="business_service")
    mine = ci_create(system, ci_class=server.slug, name="Mail server", organisation="acme")
    ci_create(system, ci_class=server.slug, name="Mail relay", organisation="globex")
    mail = ci_create(system, ci_class=service.slug, name="Mail", organisation="acme")
    client = signed_in(limited)

    assert keys(client.get("/pick/ci/", {"q": "mail"})) == [mail.number, mine.number]
    assert keys(client.get("/pick/service/", {"q": "mail"})) == [mail.number]
    # a reference attribute's picker (the CI form) offers its class alone
    assert keys(client.get("/pick/ci-server/", {"q": "mail"})) == [mine.number]
    assert client.get("/pick/nothing-server/", {"q": "mail"}).status_code == 404


def test_requester_gets_no_agents_teams_or_cis(orgs):
    requester = factories.requester(organisation=orgs[0])
    factories.agent(first_name="Chloe", organisation=orgs[0])
    factories.TeamFactory(name="Ops")
    client = signed_in(requester)
    assert keys(client.get("/pick/agent/", {"q": "chloe"})) == []
    assert keys(client.get("/pick/ci/", {"q": "a"})) == []


def test_htmx_sends_the_box_value_and_options_are_keyboard_targets(limited):
    factories.TeamFactory(name="Network", slug="network")
    response = signed_in(limited).get("/pick/team/", {"team_label": "netw", "for": "id_team"})
    assert re.findall(r'<li role="option" id="([^"]+)"', response.content.decode()) == [
        "id_team-option-1"
    ]


def test_unknown_kind_is_404(limited):
    assert signed_in(limited).get("/pick/rocket/", {"q": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("data", "sent"),
    [
        ({"team": "network", "team_label": "Network", "team_shown": "Network"}, "network"),
        ({"team": "", "team_label": "network", "team_shown": "Desk"}, "network"),
        # no script: the box was edited but the hidden key is the old one; what was typed wins
        ({"team": "desk", "team_label": "network", "team_shown": "Desk"}, "network"),
        ({"team": "network", "team_label": "", "team_shown": "Network"}, ""),
        ({"team": "network"}, "network"),  # a client sending the key alone
    ],
    ids=["picked", "typed", "edited-without-script", "cleared", "key-only"],
)
def test_widget_sends_the_picked_key(data, sent):
    form = UpdateForm({"version": 1, **data})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["team"] == sent


def test_two_people_of_one_name_are_told_apart_in_the_list_and_once_picked(limited):
    for username in ("aberg", "aberg2"):
        factories.agent(
            username=username,
            first_name="Anna",
            last_name="Berg",
            email=f"{username}@example.com",
        )
    factories.agent(username="bkarl", first_name="Bea", last_name="Karl", email="")

    page = signed_in(limited).get("/pick/person/", {"q": "anna"}).content.decode()
    single = signed_in(limited).get("/pick/person/", {"q": "bea"}).content.decode()

    shown = re.findall(r'data-label="([^"]*)">Anna Berg <small>([^<]*)</small>', page)
    assert shown == [
        ("Anna Berg (aberg · aberg@example.com)", "aberg · aberg@example.com"),
        ("Anna Berg (aberg2 · aberg2@example.com)", "aberg2 · aberg2@example.com"),
    ]
    assert 'data-label="Bea Karl">Bea Karl <small>bkarl</small>' in single
