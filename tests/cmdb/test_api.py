"""The CMDB API beyond the generic contract: attribute filters, impact, classes, bad input."""

from __future__ import annotations

import pytest

from steward.cmdb.models import ConfigurationItem, Relationship
from tests import factories
from tests.cmdb.conftest import make_ci, relate
from tests.conftest import api_client_for
from tests.contract.shape import assert_error


@pytest.fixture
def manager_api(db):
    user = factories.UserFactory(roles=["agent", "asset_manager"])
    return api_client_for(user)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_attribute_filters_are_typed_by_the_class(agent_api):
    linux = make_ci("server", attributes={"os": "linux", "cpu_count": 8})
    make_ci("server", attributes={"os": "windows", "cpu_count": 8})
    vm = make_ci("virtual_machine", attributes={"os": "linux", "cpu_count": 2})

    assert numbers(agent_api.get("/api/v1/cis", {"class": "server", "attr.os": "linux"})) == [
        linux.number,
        vm.number,
    ]
    assert numbers(
        agent_api.get("/api/v1/cis", {"class": "server", "attr.cpu_count": "8", "attr.os": "linux"})
    ) == [linux.number]
    assert numbers(agent_api.get("/api/v1/cis", {"class": "virtual_machine"})) == [vm.number]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"class": "server", "attr.colour": "red"}, "attr.colour"),
        ({"class": "server", "attr.cpu_count": "many"}, "attr.cpu_count"),
        ({"class": "server", "attr.os": "beos"}, "attr.os"),
        ({"attr.Bad-Name": "x"}, "attr.Bad-Name"),
        ({"class": "toaster"}, "class"),
        ({"status": "broken"}, "status"),
    ],
)
def test_bad_list_filters_are_422_naming_the_parameter(agent_api, query, field):
    assert_error(agent_api.get("/api/v1/cis", query), 422, "validation_error", field=field)


def test_create_with_a_bad_attribute_is_422_and_writes_nothing(manager_api):
    response = manager_api.post(
        "/api/v1/cis",
        {"name": "x", "ci_class": "server", "attributes": {"cpu_count": "eight", "colour": "red"}},
    )

    error = assert_error(response, 422, "validation_error", field="attributes.cpu_count")
    assert "attributes.colour" in error["fields"]
    assert not ConfigurationItem.objects.exists()


def test_an_asset_manager_creates_and_patches_through_the_api(manager_api):
    created = manager_api.post(
        "/api/v1/cis",
        {"name": "db01", "ci_class": "database", "attributes": {"engine": "postgresql"}},
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]

    patched = manager_api.patch(
        f"/api/v1/cis/{number}",
        {"attributes": {"port": 5432}},
        headers={"If-Match": created["ETag"]},
    )

    assert patched.status_code == 200, patched.content
    assert patched.json()["attributes"] == {"engine": "postgresql", "port": 5432}
    assert patched["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("case", "field"),
    [("self", "target"), ("missing", "source"), ("duplicate", "target")],
)
def test_bad_relationships_are_422_naming_the_field(manager_api, case, field):
    app, srv = make_ci("application"), make_ci("server")
    relate(app, srv, "runs_on")
    body = {
        "self": {"source": app.number, "target": app.number, "type": "runs_on"},
        "missing": {"source": "CI9999999", "target": srv.number, "type": "runs_on"},
        "duplicate": {"source": app.number, "target": srv.number, "type": "runs_on"},
    }[case]

    response = manager_api.post("/api/v1/relationships", body)

    assert_error(response, 422, "validation_error", field=field)
    assert Relationship.objects.count() == 1


def test_impact_endpoint_lists_depth_path_and_business_services(agent_api):
    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app")
    srv = make_ci("server", name="srv")
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    response = agent_api.get(f"/api/v1/cis/{srv.number}/impact", {"direction": "up", "depth": 3})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ci"] == srv.number
    assert [(i["number"], i["depth"], i["path"], i["via"]) for i in body["items"]] == [
        (app.number, 1, [app.number], "runs_on"),
        (shop.number, 2, [app.number, shop.number], "depends_on"),
    ]
    assert [s["number"] for s in body["business_services"]] == [shop.number]
    down = agent_api.get(f"/api/v1/cis/{shop.number}/impact", {"direction": "down"})
    assert [i["number"] for i in down.json()["items"]] == [app.number, srv.number]


def test_the_impact_answer_is_exactly_what_its_published_schema_gives(agent_api, agent_actor):
    # the endpoint builds its JSON directly for speed; the OpenAPI schema must still hold
    from steward.cmdb import selectors
    from steward.cmdb.schemas import ImpactOut

    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app", criticality=1)
    srv = make_ci("server", name="srv", status="maintenance")
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    body = agent_api.get(f"/api/v1/cis/{srv.number}/impact", {"depth": 4}).json()

    from steward.cmdb.choices import IMPACT_PAGE

    impact = selectors.impact(
        agent_actor, number=srv.number, direction="up", depth=4, limit=IMPACT_PAGE
    )
    assert body["limit"] == IMPACT_PAGE == 100  # the endpoint's default page
    assert body == ImpactOut.model_validate(impact).model_dump(mode="json")
    assert body["items"]
    assert body["business_services"]


@pytest.mark.parametrize("query", [{"depth": 11}, {"depth": 0}, {"direction": "left"}])
def test_impact_with_bad_parameters_is_422(agent_api, query):
    ci = make_ci()

    response = agent_api.get(f"/api/v1/cis/{ci.number}/impact", query)

    assert_error(response, 422, "validation_error", field=next(iter(query)))


def test_impact_of_an_invisible_ci_is_404_like_an_absent_one(db):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    user = factories.agent(organisation=home)
    user.served_organisations.set([home])
    client = api_client_for(user)
    hidden = make_ci(organisation=other.slug)

    invisible = client.get(f"/api/v1/cis/{hidden.number}/impact")
    absent = client.get("/api/v1/cis/CI9999999/impact")

    assert_error(invisible, 404, "not_found")
    assert invisible.content == absent.content


def test_classes_show_the_effective_schema(agent_api, requester_api):
    response = agent_api.get("/api/v1/ci-classes/virtual_machine")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["parent"] == "server"
    assert {"fqdn", "vm_uuid"} <= {a["name"] for a in body["effective_attributes"]}
    assert {a["name"] for a in body["attributes"]} == {"vm_uuid", "hypervisor", "host"}
    assert body["effective_keys"] == ["vm_uuid", "fqdn"]
    assert body["identification_keys"] == ["vm_uuid", "fqdn"]
    listed = agent_api.get("/api/v1/ci-classes", {"limit": 500}).json()["items"]
    assert "business_service" in {c["slug"] for c in listed}
    assert requester_api.get("/api/v1/ci-classes").json() == {"items": [], "next": None}
    assert_error(requester_api.get("/api/v1/ci-classes/server"), 404, "not_found")


def test_the_relationships_of_a_ci_are_read_by_its_id_not_by_joined_numbers(agent_api):
    """``?ci=`` lists the CI's relationships both ways, through the indexed id columns: a
    filter on the ends' numbers through joins (``source.number = … OR target.number = …``)
    could use no index, and read every relationship, newest first, until a page matched
    (all 20 million of them for a CI with a few)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    app, server, other = make_ci("application"), make_ci("server"), make_ci("server")
    outgoing, incoming = relate(app, server, "runs_on"), relate(other, app)
    relate(other, server)

    with CaptureQueriesContext(connection) as queries:
        response = agent_api.get("/api/v1/relationships", {"ci": app.number})

    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["items"]] == [incoming.id, outgoing.id]
    page = [q["sql"] for q in queries if 'FROM "cmdb_relationship"' in q["sql"]]
    assert page, queries.captured_queries
    where = page[-1].split(" WHERE ", 1)[1]
    assert '"number"' not in where, where
    assert agent_api.get("/api/v1/relationships", {"ci": "CI9999999"}).json()["items"] == []
