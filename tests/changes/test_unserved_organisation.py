"""An agent limited to organisations raises changes only of those she serves (or of none):
raising one for herself, of her own organisation she does not serve, made a change she could
not read (201, then 404). Now a 422 naming the requester, nothing written."""

import pytest

from steward.changes.models import Change
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    factories.requester(username="ann", organisation=acme)
    limited = factories.agent(username="limited", organisation=globex)
    limited.served_organisations.set([acme])
    return acme, globex, limited


def test_a_change_raised_for_herself_in_an_organisation_she_does_not_serve_is_refused(world):
    acme, _, limited = world
    api = api_client_for(limited)
    for body in ({"title": "Mine"}, {"title": "Mine", "requester": "limited"}):
        response = api.post("/api/v1/changes", body)
        assert response.status_code == 422, response.content
        assert list(response.json()["error"]["fields"]) == ["requester"]
    assert not Change.objects.exists()
    made = api.post("/api/v1/changes", {"title": "Ann's", "requester": "ann"})
    assert made.status_code == 201, made.content
    assert api.get(f"/api/v1/changes/{made.json()['number']}").status_code == 200
    assert list(Change.objects.values_list("organisation_id", flat=True)) == [acme.pk]
