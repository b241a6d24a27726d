"""Found in review: a CI's timeline hides links to CIs the reader may not see (as its live
relationships and its "as of" view do); far-off ``as_of`` values are a 422, not a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from steward.cmdb import history
from steward.cmdb.services import ci_create, relationship_create
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories
from tests.conftest import as_actor

SYSTEM = Actor.system("tests")


@pytest.fixture
def shared_and_secret(db):
    """A CI of no organisation related to (and then unrelated from) a CI of "secret"."""
    secret = factories.OrganisationFactory(slug="secret")
    shared = ci_create(SYSTEM, ci_class="server", name="shared-host")
    hidden = ci_create(SYSTEM, ci_class="application", name="hidden-app", organisation="secret")
    relationship_create(SYSTEM, source=hidden.number, target=shared.number, type="runs_on")
    limited = factories.UserFactory(roles=[Role.AGENT])
    limited.served_organisations.set([factories.OrganisationFactory()])
    assert secret.pk
    return shared, hidden, limited


def test_the_timeline_leaves_out_links_to_invisible_cis(shared_and_secret):
    shared, hidden, limited = shared_and_secret

    seen = history.ci_timeline(as_actor(limited), shared)
    everything = history.ci_timeline(SYSTEM, shared)

    assert [c.kind for c in everything].count("related") == 1
    assert "related" not in [c.kind for c in seen]
    assert [c.kind for c in seen] == ["created"]


def test_the_ci_page_never_names_an_invisible_related_ci(shared_and_secret):
    shared, hidden, limited = shared_and_secret
    client = Client()
    client.force_login(limited)

    page = client.get(f"/cmdb/cis/{shared.number}/")

    assert page.status_code == 200
    assert hidden.number not in page.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_a_far_as_of_is_422_naming_it(admin_api, shared_and_secret, value):
    shared, _hidden, _limited = shared_and_secret
    for path in (f"/api/v1/cis/{shared.number}", f"/api/v1/cis/{shared.number}/relationships"):
        answer = admin_api.get(path, {"as_of": value})
        assert answer.status_code == 422, answer.content
        assert "as_of" in answer.json()["error"]["fields"]


def test_a_near_as_of_still_works(admin_api, shared_and_secret):
    shared, _hidden, _limited = shared_and_secret
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).isoformat()
    answer = admin_api.get(f"/api/v1/cis/{shared.number}", {"as_of": later})
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == shared.number
