"""An incident's CI and affected service are CMDB records: named by number, checked to exist,
to be visible to the actor and (the service) to be a business service, on every write path."""

from __future__ import annotations

import pytest

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.incidents.models import Incident
from steward.incidents.services import incident_create, incident_update
from steward.incidents.services.bulk import incidents_import
from steward.sla import services as sla
from tests import factories
from tests.conftest import api_client_for, as_actor

SYSTEM = Actor.system("tests")


@pytest.fixture
def shop(db):
    return ci_create(SYSTEM, name="Web shop", ci_class="business_service")


@pytest.fixture
def server(db):
    return ci_create(
        SYSTEM, name="web-1", ci_class="server", attributes={"fqdn": "web-1.example.com"}
    )


@pytest.fixture
def secret_ci(db):
    """A CI of organisation Y, which an agent limited to organisation X may not see."""
    org_y = factories.OrganisationFactory(name="Org Y", slug="org-y")
    return ci_create(
        SYSTEM,
        name="y-db",
        ci_class="server",
        organisation=org_y.slug,
        attributes={"fqdn": "y-db.example.com"},
    )


@pytest.fixture
def x_agent(db):
    org_x = factories.OrganisationFactory(name="Org X", slug="org-x")
    user = factories.agent(username="x-agent", organisation=org_x)
    user.served_organisations.set([org_x])
    return user


def test_the_api_takes_and_shows_ci_and_service_by_number(agent_api, shop, server):
    created = agent_api.post(
        "/api/v1/incidents",
        {
            "title": "Shop down",
            "configuration_item": server.number.lower(),
            "affected_service": shop.number,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["configuration_item"], body["affected_service"]) == (server.number, shop.number)
    incident = Incident.objects.get(number=body["number"])
    assert (incident.configuration_item, incident.affected_service) == (server, shop)

    cleared = agent_api.patch(
        f"/api/v1/incidents/{body['number']}", {"configuration_item": "", "affected_service": None}
    )
    assert cleared.status_code == 200, cleared.json()
    assert (cleared.json()["configuration_item"], cleared.json()["affected_service"]) == ("", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "configuration_item",
            "CI9999999",
            "No configuration item is named “CI9999999”. Check the name or number.",
        ),
        (
            "affected_service",
            "CI9999999",
            "No service is named “CI9999999”. Check the name or number.",
        ),
        ("affected_service", "server", "is not a business service"),
        (
            "affected_service",
            "Web shop",
            "No service is named “Web shop”. Check the name or number.",
        ),
    ],
    ids=["unknown CI", "unknown service", "service not a service", "service by name"],
)
def test_an_unknown_or_wrong_reference_is_a_422_naming_the_field(
    agent_api, shop, server, field, value, message
):
    value = server.number if value == "server" else value
    response = agent_api.post("/api/v1/incidents", {"title": "x", field: value})

    assert response.status_code == 422
    [error] = response.json()["error"]["fields"][field]
    assert message in error
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["configuration_item", "affected_service"])
def test_a_ci_the_actor_may_not_see_is_refused_as_unknown(x_agent, secret_ci, field):
    with pytest.raises(ValidationFailed) as refused:
        incident_create(as_actor(x_agent), title="x", **{field: secret_ci.number})

    thing = "service" if field == "affected_service" else "configuration item"
    assert refused.value.fields == {
        field: [f"No {thing} is named “{secret_ci.number}”. Check the name or number."]
    }
    response = api_client_for(x_agent).post(
        "/api/v1/incidents", {"title": "x", field: secret_ci.number}
    )
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_updates_check_the_references_too(agent_actor, shop, server):
    incident = incident_create(agent_actor, title="x")
    with pytest.raises(ValidationFailed) as refused:
        incident_update(
            agent_actor,
            number=incident.number,
            expected_version=None,
            changes={"affected_service": server.number},
        )
    assert list(refused.value.fields) == ["affected_service"]

    updated = incident_update(
        agent_actor,
        number=incident.number,
        expected_version=None,
        changes={"affected_service": shop.number, "configuration_item": server.number},
    )
    assert (updated.affected_service, updated.configuration_item) == (shop, server)


def test_the_list_filters_by_ci_and_service_number(agent_api, agent_actor, shop, server):
    on_both = incident_create(
        agent_actor, title="both", configuration_item=server.number, affected_service=shop.number
    )
    on_service = incident_create(agent_actor, title="service", affected_service=shop.number)
    incident_create(agent_actor, title="neither")

    def numbers(query: str) -> list[str]:
        response = agent_api.get(f"/api/v1/incidents?{query}")
        assert response.status_code == 200, response.json()
        return sorted(i["number"] for i in response.json()["items"])

    assert numbers(f"ci={server.number.lower()}") == [on_both.number]
    assert numbers(f"service={shop.number}") == sorted([on_both.number, on_service.number])
    assert numbers("ci=") == numbers("")
    assert numbers("ci=CI9999999") == []


def test_the_bulk_path_resolves_and_refuses_like_a_single_create(admin_actor, shop, server):
    factories.requester(username="req1")
    [made] = incidents_import(
        admin_actor,
        [
            {
                "title": "a",
                "caller": "req1",
                "configuration_item": server.number,
                "affected_service": shop.number.lower(),
            }
        ],
    )
    assert (made.configuration_item, made.affected_service) == (server, shop)

    with pytest.raises(ValidationFailed) as single:
        incident_create(admin_actor, title="b", caller="req1", affected_service=server.number)
    with pytest.raises(ValidationFailed) as bulk:
        incidents_import(
            admin_actor, [{"title": "b", "caller": "req1", "affected_service": server.number}]
        )
    assert bulk.value.fields == {
        "rows[1].affected_service": single.value.fields["affected_service"]
    }


def test_sla_policies_match_a_service_by_its_ci_number(agent_actor, shop, always_on):
    sla.policy_create(
        SYSTEM,
        name="Shop",
        slug="shop",
        calendar="always",
        precedence=10,
        response_minutes=5,
        resolution_minutes=60,
        services=[shop.number],
    )
    on_shop = incident_create(agent_actor, title="shop", affected_service=shop.number)
    elsewhere = incident_create(agent_actor, title="other")

    def policies(incident):
        return {c.policy.slug for c in _clocks(incident)}

    assert policies(on_shop) == {"shop"}
    assert policies(elsewhere) == {"standard"}


def _clocks(incident):
    from django.contrib.contenttypes.models import ContentType

    from steward.sla.models import SlaClock

    return SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(Incident), object_id=str(incident.pk)
    ).select_related("policy")
