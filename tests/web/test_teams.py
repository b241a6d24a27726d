"""Team pages: scoped like the API (invisible is 404), members changed through htmx partials."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.choices import Channel
from steward.core.models import AuditEntry, Team, User
from tests import factories
from tests.web.conftest import signed_in, without_csrf
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def audit_for(obj) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def team_names(html: bytes) -> set[str]:
    return {
        text_of(a)
        for a in elements(html, "a")
        if a.attrs.get("href", "").startswith("/teams/") and a.inside("tbody")
    }


@pytest.fixture
def orgs():
    return factories.OrganisationFactory(slug="acme"), factories.OrganisationFactory(slug="globex")


@pytest.fixture
def teams(orgs):
    acme, globex = orgs
    return {
        "it": factories.TeamFactory(name="Service Desk", slug="service-desk"),
        "acme": factories.TeamFactory(name="Acme Field", slug="acme-field", organisation=acme),
        "globex": factories.TeamFactory(name="Globex Ops", slug="globex-ops", organisation=globex),
    }


@pytest.fixture
def acme_agent(orgs):
    agent = factories.agent(username="acme-agent")
    agent.served_organisations.set([orgs[0]])
    return agent


def test_agent_sees_every_team(agent_client, teams):
    response = agent_client.get("/teams/")
    assert response.status_code == 200
    assert team_names(response.content) == {"Service Desk", "Acme Field", "Globex Ops"}


def test_requester_sees_no_teams(requester_client, teams):
    response = requester_client.get("/teams/")

    assert response.status_code == 200
    assert team_names(response.content) == set()
    assert b"No teams." in response.content
    assert requester_client.get("/teams/service-desk/").status_code == 404


def test_limited_agent_lists_only_teams_of_organisations_served(acme_agent, teams):
    response = signed_in(acme_agent).get("/teams/")
    assert team_names(response.content) == {"Service Desk", "Acme Field"}


@pytest.mark.parametrize(("slug", "status"), [("service-desk", 200), ("acme-field", 200),
                                              ("globex-ops", 404)])  # fmt: skip
def test_limited_agent_opens_only_teams_of_organisations_served(acme_agent, teams, slug, status):
    assert signed_in(acme_agent).get(f"/teams/{slug}/").status_code == status


def test_invisible_team_looks_like_an_absent_one(acme_agent, teams):
    client = signed_in(acme_agent)
    invisible = client.get("/teams/globex-ops/")
    absent = client.get("/teams/no-such-team/")
    assert invisible.status_code == absent.status_code == 404
    assert without_csrf(invisible.content) == without_csrf(absent.content)


def test_limited_agent_cannot_change_members_of_an_invisible_team(acme_agent, teams):
    response = signed_in(acme_agent).post(
        "/teams/globex-ops/members/add/", {"username": "acme-agent"}, headers=HTMX
    )
    assert response.status_code == 404
    assert not teams["globex"].members.exists()


def test_team_filter_returns_only_the_rows(agent_client, teams):
    response = agent_client.get("/teams/", {"q": "acme"}, headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"<tbody" not in response.content
    assert team_names(b"<table><tbody>" + response.content + b"</tbody></table>") == {"Acme Field"}


def test_team_filter_state_survives_a_reload_and_history(agent_client, teams):
    page = agent_client.get("/teams/", {"q": "acme"})
    [search] = elements(page.content, "input", type="search")
    assert search.attrs["value"] == "acme"
    assert search.attrs["hx-push-url"] == "true"
    assert team_names(page.content) == {"Acme Field"}

    restore = agent_client.get(
        "/teams/", {"q": "acme"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in restore.content
    assert "HX-Request" in restore["Vary"]


def test_admin_creates_a_team_through_the_service(admin_client, admin_user):
    factories.agent(username="ada")

    response = admin_client.post(
        "/teams/new/", {"name": "Network", "description": "LAN and WAN", "lead": "ada"}
    )

    assert response.status_code == 303  # see other: a reload never re-POSTs
    assert response.url == "/teams/network/"
    team = Team.objects.get(slug="network")
    assert team.lead.username == "ada"
    [entry] = audit_for(team)
    assert (entry.action, entry.channel, entry.actor_id) == ("create", Channel.WEB, admin_user.pk)


def test_team_create_shows_service_errors_on_the_field(admin_client, teams):
    response = admin_client.post("/teams/new/", {"name": "Service Desk"})

    assert response.status_code == 422
    assert b"a team with this name already exists" in response.content
    assert Team.objects.filter(name="Service Desk").count() == 1


def test_agent_sees_no_create_form_and_cannot_post_one(agent_client):
    assert b"Create team" not in agent_client.get("/teams/").content

    response = agent_client.post("/teams/new/", {"name": "Shadow IT"})

    assert response.status_code == 422
    assert b"Only administrators may create teams." in response.content
    assert not Team.objects.filter(name="Shadow IT").exists()


def test_htmx_member_add_returns_the_partial_and_audits(admin_client, admin_user, teams):
    factories.agent(username="ada", first_name="Ada", last_name="Lovelace")
    team = teams["it"]

    response = admin_client.post(
        "/teams/service-desk/members/add/", {"username": "ada"}, headers=HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "<body" not in body
    [section] = elements(body, "section", id="members")
    assert "Ada Lovelace" in text_of(section)
    assert list(team.members.values_list("username", flat=True)) == ["ada"]
    [entry] = audit_for(team)
    assert entry.channel == Channel.WEB
    assert entry.actor_id == admin_user.pk
    assert entry.changes == {"members": [[], ["ada"]]}


def test_htmx_member_remove_returns_the_partial_and_audits(admin_client, teams):
    ada = factories.agent(username="ada")
    teams["it"].members.add(ada)

    response = admin_client.post(
        "/teams/service-desk/members/remove/", {"username": "ada"}, headers=HTMX
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"No members." in response.content
    assert not teams["it"].members.exists()
    assert audit_for(teams["it"])[-1].changes == {"members": [["ada"], []]}


@pytest.mark.parametrize(
    ("username", "message"),
    [("nobody", "no user 'nobody'"), ("req1", "'req1' is not an agent")],
    ids=["unknown", "requester"],
)
def test_member_add_errors_come_back_in_the_partial(
    admin_client, teams, requester_user, username, message
):
    response = admin_client.post(
        "/teams/service-desk/members/add/", {"username": username}, headers=HTMX
    )

    assert response.status_code == 422
    assert b"<html" not in response.content
    [alert] = [e for e in elements(response.content) if e.attrs.get("role") == "alert"]
    assert message in text_of(alert)
    assert not teams["it"].members.exists()
    assert not audit_for(teams["it"])


def test_agent_who_is_not_the_lead_cannot_change_members(agent_client, agent_user, teams):
    response = agent_client.post(
        "/teams/service-desk/members/add/", {"username": agent_user.username}, headers=HTMX
    )

    assert response.status_code == 422
    assert b"Only administrators and the team lead may change members." in response.content
    assert not teams["it"].members.exists()
    assert not audit_for(teams["it"])


def test_team_lead_manages_members_but_sees_no_history(agent_user, teams):
    team = teams["it"]
    team.lead = agent_user
    team.save()
    factories.agent(username="ada")
    client = signed_in(agent_user)

    page = client.get("/teams/service-desk/")
    assert elements(page.content, "form", **{"hx-post": "/teams/service-desk/members/add/"})
    assert b"History" not in page.content
    response = client.post("/teams/service-desk/members/add/", {"username": "ada"}, headers=HTMX)
    assert response.status_code == 200
    assert list(team.members.values_list("username", flat=True)) == ["ada"]


def test_plain_agent_sees_members_without_controls(agent_client, teams):
    teams["it"].members.add(factories.agent(username="ada"))
    page = agent_client.get("/teams/service-desk/")
    assert b"ada" in page.content
    assert not elements(page.content, "form", **{"hx-post": "/teams/service-desk/members/add/"})


def test_admin_sees_the_team_history(admin_client, teams):
    admin_client.post("/teams/service-desk/members/add/", {"username": "root"}, headers=HTMX)
    page = admin_client.get("/teams/service-desk/")
    [history] = [s for s in elements(page.content, "section") if "History" in s.text]
    root = User.objects.get(username="root")
    # in words, as the incident timeline: the field's label and the person's name (the
    # defect: raw field names and stored values), the date in the house style
    assert f"Members: — → {root}" in text_of(history)
    assert str(root) != "root"
    assert "(Web)" in text_of(history)  # the channel in words, not its code "web"
    assert not re.search(r"\d{4}-\d\d-\d\d", text_of(history))


@pytest.mark.parametrize("path", ["/teams/", "/"], ids=["team-list", "overview"])
def test_team_pages_do_not_query_per_team(admin_client, admin_user, path):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(path).status_code == 200
        return len(queries)

    team = factories.TeamFactory(members=[admin_user])
    count_queries()  # warm the per-process caches (content types): only teams may differ
    one = count_queries()
    for _ in range(5):
        factories.TeamFactory(members=[admin_user, factories.agent()], lead=admin_user)
    team.members.add(factories.agent())
    count_queries()  # the new people and teams moved the auth and teams stamps: warm again

    assert count_queries() == one


def test_member_add_without_htmx_goes_back_to_the_team_page(admin_client, teams):
    factories.agent(username="ada")

    response = admin_client.post("/teams/service-desk/members/add/", {"username": "ada"})

    assert response.status_code == 303
    assert response["Location"] == "/teams/service-desk/"
    assert list(teams["it"].members.values_list("username", flat=True)) == ["ada"]


def test_member_add_error_without_htmx_shows_the_whole_team_page(admin_client, teams):
    response = admin_client.post("/teams/service-desk/members/add/", {"username": "nobody"})

    assert response.status_code == 422
    assert b"<html" in response.content
    [alert] = [e for e in elements(response.content) if e.attrs.get("role") == "alert"]
    assert "no user 'nobody'" in text_of(alert)
