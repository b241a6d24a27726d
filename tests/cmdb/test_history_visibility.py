"""A CI's history shown to a reader who may not see every CI it was linked to: the timeline
and the CI page leave out links to invisible CIs, as its live relationships and its "as of"
view do."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.cmdb.selectors import history
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
