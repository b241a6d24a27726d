"""An asset manager limited to organisations files assets (and CIs) only at sites of those
organisations or shared ones (no organisation), and is offered no other.

Locations carry an organisation, and the people's forms offered only those of the
organisations the reader may see (``core.selectors.location_choices``); the assets' and the
CMDB's forms, pickers, writes and imports took every location, so a limited asset manager
read the names of another customer's sites in the location filter and picker, and could file
assets at them (by id or by name). Now another organisation's site is as absent: a 422
naming ``location``."""

import pytest
from django.test import Client

from steward.assets.models import Asset
from steward.core.choices import Role
from steward.core.models import Location
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(db):
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    return {
        "ours": Location.objects.create(name="Acme Hamburg", organisation=acme),
        "theirs": Location.objects.create(name="Globex Hamburg Vault", organisation=globex),
        "shared": Location.objects.create(name="Hamburg Depot"),
        "acme": acme,
    }


@pytest.fixture
def limited(sites):
    user = factories.UserFactory(username="am-acme", roles=[Role.AGENT, Role.ASSET_MANAGER])
    user.served_organisations.set([sites["acme"]])
    return user


def test_the_picker_and_the_list_offer_no_other_organisations_site(limited, sites):
    web = Client()
    web.force_login(limited)
    offered = web.get("/pick/location/", {"q": "hamb"}).content.decode()
    assert "Acme Hamburg" in offered
    assert "Hamburg Depot" in offered
    assert "Globex" not in offered
    listing = web.get("/assets/").content.decode()
    assert "Acme Hamburg" in listing
    assert "Globex" not in listing


def test_an_asset_is_not_filed_at_another_organisations_site(limited, sites, catalogue):
    api = api_client_for(limited)
    base = {"asset_tag": "T-1", "serial_number": "S-1", "model": catalogue["laptop"].pk}
    theirs = sites["theirs"]
    for value in (theirs.pk, str(theirs.pk), theirs.name, theirs.name.upper()):
        response = api.post("/api/v1/assets", {**base, "status": "in_stock", "location": value})
        assert response.status_code == 422, response.content
        assert list(response.json()["error"]["fields"]) == ["location"]
    assert not Asset.objects.exists()
    made = api.post("/api/v1/assets", {**base, "status": "in_stock", "location": "Hamburg Depot"})
    assert made.status_code == 201, made.content
    url = f"/api/v1/assets/{made.json()['number']}"
    moved = api.patch(url, {"location": theirs.pk})
    assert (moved.status_code, list(moved.json()["error"]["fields"])) == (422, ["location"])
    out = api.post(f"{url}/check-out", {"location": theirs.pk})
    assert (out.status_code, list(out.json()["error"]["fields"])) == (422, ["location"])
    assert Asset.objects.get().location == sites["shared"]
    assert api.patch(url, {"location": sites["ours"].pk}).status_code == 200


def test_a_ci_is_not_placed_at_another_organisations_site(limited, sites):
    api = api_client_for(limited)
    body = {"name": "web-01", "ci_class": "server", "location": "Globex Hamburg Vault"}
    response = api.post("/api/v1/cis", body)
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["location"]
    made = api.post("/api/v1/cis", {**body, "location": "Acme Hamburg"})
    assert made.status_code == 201, made.content


def test_a_count_at_another_organisations_site_is_as_absent(limited, sites, system):
    """Counts were read and closed by id whatever their site: a limited asset manager read
    the name of another customer's site on its page, and closed its count."""
    from steward.assets import services
    from steward.assets.models import StockCount

    theirs = services.stock_count_start(system, location=sites["theirs"].pk)
    ours = services.stock_count_start(system, location=sites["ours"].pk)
    web = Client()
    web.force_login(limited)
    page = web.get(f"/assets/counts/{theirs.pk}/")
    assert page.status_code == 404
    assert "Globex" not in page.content.decode()
    assert web.post(f"/assets/counts/{theirs.pk}/scan/", {"tag": "T-1"}).status_code == 404
    assert web.post(f"/assets/counts/{theirs.pk}/close/").status_code == 404
    assert StockCount.objects.get(pk=theirs.pk).closed_at is None
    assert web.get(f"/assets/counts/{ours.pk}/").status_code == 200
    assert web.post(f"/assets/counts/{ours.pk}/close/").status_code == 303
    assert StockCount.objects.get(pk=ours.pk).closed_at is not None


def test_a_contract_names_and_keeps_only_the_assets_one_may_see(limited, sites, system, make_asset):
    """A contract covering two customers' assets listed every asset number to a limited
    manager (and counted them), and their list, sent back, dropped the others' unseen."""
    import datetime as dt

    from django.utils import timezone

    from steward.assets import services
    from steward.assets.models import Contract

    theirs = make_asset(organisation=sites["theirs"].organisation.slug)
    ours = make_asset(organisation=sites["acme"].slug)
    contract = services.contract_create(
        system,
        title="Support",
        vendor="Dell",
        kind="support",
        start_date="2025-01-01",
        end_date=timezone.localdate() + dt.timedelta(days=30),
        assets=[theirs.number, ours.number],
    )
    api = api_client_for(limited)
    shown = api.get(f"/api/v1/contracts/{contract.number}").json()
    assert shown["assets"] == [ours.number]
    page = Client()
    page.force_login(limited)
    html = page.get("/assets/contracts/").content.decode()
    assert f"<td>{contract.number}</td>" in html
    assert "<td>1</td><td>—</td>" in html  # covered: ours only
    response = api.patch(
        f"/api/v1/contracts/{contract.number}",
        {"assets": [ours.number], "version": shown["version"], "title": "Support 2"},
    )
    assert response.status_code == 200, response.content
    covered = Contract.objects.get(pk=contract.pk).assets.values_list("number", flat=True)
    assert sorted(covered) == sorted([theirs.number, ours.number])
