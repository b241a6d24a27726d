"""A change never names, to an agent limited to another organisation, the CIs and changes of
an organisation they do not serve: not in its risk reasons (API, page, ``?q=`` and ``?ci=``
lists), not in the page's history, not in its conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.changes import services
from steward.core.actor import Actor
from tests import factories
from tests.changes.conftest import PLANS, ci, scheduled, window
from tests.conftest import api_client_for

SYSTEM = Actor.system("tests")


@pytest.fixture
def secret(db, admin_actor, cm):
    """A critical CI of "secret", a scheduled change of "secret" on it, and a change of no
    organisation on the same CI scheduled over it with an override; an agent limited to
    another organisation."""
    org = factories.OrganisationFactory(slug="secret")
    host = ci("server", name="nw-secret", organisation="secret", criticality=3)
    open_host = ci("server", name="open-host")
    start, end = window()
    theirs = services.change_create(
        admin_actor,
        title="Hush rewiring",
        requester=factories.requester(organisation=org).username,
        cis=[host.number],
        planned_start=start,
        planned_end=end,
        **PLANS,
    )
    scheduled(admin_actor, cm, theirs)
    ours = services.change_create(
        admin_actor,
        title="Shared patch",
        requester=factories.requester(username="asker").username,
        cis=[open_host.number],
        planned_start=start + dt.timedelta(minutes=30),
        planned_end=end,
        **PLANS,
    )
    services.change_update(
        admin_actor,
        number=ours.number,
        expected_version=None,
        changes={"cis": [host.number, open_host.number]},
    )
    scheduled(admin_actor, cm, ours, override_reason="vendor deadline")
    limited = factories.agent(username="limited")
    limited.served_organisations.set([factories.OrganisationFactory()])
    assert ours.organisation is None
    assert theirs.organisation == org
    return {
        "ours": ours,
        "names": [host.number, host.name, theirs.number, theirs.title],
        "host": host,
        "limited": limited,
    }


def _names_none(text: str, names: list[str]) -> None:
    for name in names:
        assert name not in text, name


def test_risk_reasons_count_a_hidden_ci_without_naming_it(secret, admin_actor):
    ours, host = secret["ours"], secret["host"]
    admin = api_client_for(admin_actor.user).get(f"/api/v1/changes/{ours.number}").json()
    assert f"{host.number} {host.name} is medium" in " ".join(admin["risk_reasons"])
    api = api_client_for(secret["limited"])
    one = api.get(f"/api/v1/changes/{ours.number}").json()
    assert any(r.endswith(": a CI you cannot see is medium") for r in one["risk_reasons"])
    risk = api.get(f"/api/v1/changes/{ours.number}/risk").json()
    listed = api.get("/api/v1/changes", {"q": "Shared"}).json()["items"]
    for reasons in (one["risk_reasons"], risk["reasons"], *(c["risk_reasons"] for c in listed)):
        _names_none(" ".join(reasons), secret["names"])


def test_a_hidden_ci_selects_nothing_in_the_lists(secret, client):
    api = api_client_for(secret["limited"])
    host = secret["host"].number
    assert api.get("/api/v1/changes", {"ci": host}).json()["items"] == []
    client.force_login(secret["limited"])
    page = client.get("/changes/", {"queue": "all", "ci": host}).content.decode()
    assert secret["ours"].number not in page
    calendar = client.get("/changes/calendar/", {"view": "list", "ci": host}).content.decode()
    assert secret["ours"].number not in calendar


def test_the_change_page_names_nothing_of_the_other_organisation(secret, client):
    client.force_login(secret["limited"])
    page = client.get(f"/changes/{secret['ours'].number}/").content.decode()
    assert "Affected CIs: CI" in page
    assert "a CI you cannot see" in page
    assert "a change you cannot see, on the same CI" in page
    _names_none(page, secret["names"])
    conflicts = client.get(f"/changes/{secret['ours'].number}/conflicts/").content.decode()
    _names_none(conflicts, secret["names"])
