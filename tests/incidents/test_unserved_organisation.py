"""An agent limited to organisations makes incidents only of those she serves (or of none).

Every caller she may name is of those, but herself: logging for herself when her own
organisation is not among them made an incident of that organisation, which she could not
read (201, then 404) and whose answer showed another organisation's record. Now a 422 naming
the caller, nothing written, on the API, the web form and the mail-less event path alike."""

import pytest
from django.test import Client

from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Acme's requester ann; limited, an agent of Globex who serves only Acme."""
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    factories.requester(username="ann", organisation=acme)
    limited = factories.agent(username="limited", organisation=globex)
    limited.served_organisations.set([acme])
    return acme, globex, limited


def test_logging_for_herself_in_an_organisation_she_does_not_serve_is_refused(world):
    acme, _, limited = world
    api = api_client_for(limited)
    for body in ({"title": "Mine"}, {"title": "Mine", "caller": "limited"}):
        response = api.post("/api/v1/incidents", body)
        assert response.status_code == 422, response.content
        assert list(response.json()["error"]["fields"]) == ["caller"]
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="incident").exists()
    # for a caller of the organisation she serves, or of none, she logs as before
    made = api.post("/api/v1/incidents", {"title": "Ann's", "caller": "ann"})
    assert made.status_code == 201, made.content
    assert api.get(f"/api/v1/incidents/{made.json()['number']}").status_code == 200
    factories.requester(username="nobody-org", organisation=None)
    assert api.post("/api/v1/incidents", {"title": "IT", "caller": "nobody-org"}).status_code == 201
    assert sorted(Incident.objects.values_list("organisation_id", flat=True), key=str) == sorted(
        [acme.pk, None], key=str
    )


def test_the_web_form_refuses_it_naming_the_caller(world):
    _, _, limited = world
    web = Client()
    web.force_login(limited)
    page = web.post(
        "/incidents/new/", {"title": "Mine", "caller": "limited", "impact": 3, "urgency": 3}
    )
    assert page.status_code == 422
    assert b"you do not serve" in page.content
    assert not Incident.objects.exists()


def test_an_agent_serving_her_own_organisation_an_unlimited_one_and_a_requester_log_as_before(
    world,
):
    acme, globex, limited = world
    limited.served_organisations.set([acme, globex])
    assert (
        incident_create(Actor(user=limited, channel=Channel.API), title="Mine").organisation
        == globex
    )
    free = factories.agent(username="free", organisation=globex)
    assert (
        incident_create(Actor(user=free, channel=Channel.API), title="Hers").organisation == globex
    )
    gus = factories.requester(username="gus", organisation=globex)
    assert incident_create(Actor(user=gus, channel=Channel.WEB), title="His").organisation == globex


def test_the_service_refuses_it_for_every_caller_of_hers(world):
    _, _, limited = world
    with pytest.raises(ValidationFailed) as refused:
        incident_create(Actor(user=limited, channel=Channel.API), title="Mine")
    assert list(refused.value.fields) == ["caller"]


def test_an_event_that_would_open_one_is_refused_and_writes_no_alert(world):
    from steward.events.models import Alert

    _, _, limited = world
    event = {"source": "zbx", "node": "n1", "resource": "cpu", "severity": "critical"}
    response = api_client_for(limited).post("/api/v1/events", {**event, "summary": "hot"})
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["caller"]
    assert (Alert.objects.count(), Incident.objects.count()) == (0, 0)
