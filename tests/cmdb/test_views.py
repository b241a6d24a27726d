"""CMDB pages: list with filters, CI page with impact panel, service map as inline SVG."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.cmdb.conftest import make_ci, relate


@pytest.fixture
def browser(db) -> Client:
    client = Client()
    client.force_login(factories.agent())
    return client


def test_the_list_filters_by_class_and_search(browser):
    make_ci("server", name="alpha-srv")
    make_ci("database", name="alpha-db")

    page = browser.get("/cmdb/", {"class": "database", "q": "alpha"})

    assert page.status_code == 200
    assert b"alpha-db" in page.content
    assert b"alpha-srv" not in page.content


def test_the_list_page_query_count_does_not_grow_with_rows(browser):
    for _ in range(3):
        make_ci("server", owner_team=factories.TeamFactory().slug)
    browser.get("/cmdb/")  # warm: the first read fills the per-process session and user caches
    with CaptureQueriesContext(connection) as few:
        browser.get("/cmdb/")
    for _ in range(20):
        make_ci("server", owner_team=factories.TeamFactory().slug)
    with CaptureQueriesContext(connection) as many:
        browser.get("/cmdb/")

    assert len(few) == len(many)


def test_the_ci_page_shows_attributes_relationships_and_impact(browser):
    shop = make_ci("business_service", name="Web shop")
    srv = make_ci("server", name="srv01", attributes={"os": "linux", "fqdn": "srv01.example"})
    relate(shop, srv, "depends_on")

    page = browser.get(f"/cmdb/cis/{srv.number}/")
    impact = browser.get(f"/cmdb/cis/{srv.number}/impact/", {"direction": "up"})

    assert page.status_code == 200
    assert b"srv01.example" in page.content
    assert f"/cmdb/cis/{shop.number}/".encode() in page.content
    assert impact.status_code == 200
    assert b"Web shop" in impact.content
    assert b"Business services affected: <strong>1</strong>" in impact.content


def test_the_service_map_draws_nodes_linking_to_ci_pages(browser):
    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app", status="maintenance")
    srv = make_ci("server", name="srv01")
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    page = browser.get(f"/cmdb/cis/{app.number}/map/")

    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content
    for ci in (shop, app, srv):
        assert f'href="/cmdb/cis/{ci.number}/"' in content
    assert content.count("<polyline") == 2  # one route per relationship
    assert ">runs on</text>" in content  # the relationship type's name, not its slug
    assert ">Application</text>" in content  # the class's name
    assert "runs_on" not in content
    assert "business_service" not in content
    assert "#b45309" in content  # maintenance colour
    assert "<script" not in content.split("<svg")[1].split("</svg>")[0]


def test_requesters_see_no_cis(db):
    ci = make_ci(name="secret-srv")
    client = Client()
    client.force_login(factories.requester())

    assert client.get("/cmdb/").status_code == 404  # the agent workspace, as for problems
    assert client.get("/cmdb/ci-classes/").status_code == 404
    assert client.get(f"/cmdb/cis/{ci.number}/").status_code == 404
    assert client.get(f"/cmdb/cis/{ci.number}/map/").status_code == 404
    assert client.get(f"/cmdb/cis/{ci.number}/impact/").status_code == 404


def test_an_agent_of_another_organisation_gets_404(db):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    user = factories.agent(organisation=home)
    user.served_organisations.set([home])
    client = Client()
    client.force_login(user)
    ci = make_ci(name="their-srv", organisation=other.slug)

    assert client.get(f"/cmdb/cis/{ci.number}/").status_code == 404
    assert client.get(f"/cmdb/cis/{ci.number}/map/").status_code == 404
    assert b"their-srv" not in client.get("/cmdb/").content
