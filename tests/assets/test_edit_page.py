"""The asset edit page: only what was changed is saved, a stale version keeps the input and
offers a reload, a checked-out asset's location moves by check-out, pickers by name, and a
flat query count; the check-out form picks person and location by name."""

import pytest

from steward.assets import services
from steward.assets.models import Asset
from steward.core.actor import Actor
from steward.core.models import AuditEntry, Location
from tests import factories
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager_user):
    client.force_login(manager_user)
    return client


def _form(asset: Asset, **typed) -> dict:
    """What the page posts: each value with the value it was opened with."""
    opened = {
        "asset_tag": asset.asset_tag,
        "serial_number": asset.serial_number,
        "model": str(asset.model_id),
        "vendor": asset.vendor,
        "purchase_order": asset.purchase_order,
        "purchase_date": asset.purchase_date.isoformat() if asset.purchase_date else "",
        "cost": str(asset.cost),
        "location": str(asset.location_id or ""),
        "notes": asset.notes,
    }
    if asset.holds_data:
        opened["holds_data"] = "on"
    data = {f"initial-{k}": v for k, v in opened.items()}
    data.update(opened)
    data["version"] = str(asset.version)
    data.update(typed)
    return data


def test_the_page_shows_the_asset_with_model_and_location_by_name(signed_in, make_asset):
    where = Location.objects.create(name="Berlin HQ")
    asset = make_asset(location=where.pk)
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert f'href="/assets/{asset.number}/edit/"' in page
    form = signed_in.get(f"/assets/{asset.number}/edit/").content.decode()
    assert 'value="Dell Latitude 7440"' in form  # the model picker reads as a name
    assert 'value="Berlin HQ"' in form
    assert 'role="combobox"' in form


def test_saving_changes_only_what_was_changed_and_redirects(signed_in, make_asset, catalogue):
    asset = make_asset(vendor="Dell")
    where = Location.objects.create(name="Lab")
    r = signed_in.post(
        f"/assets/{asset.number}/edit/",
        _form(
            asset,
            purchase_order="PO-9",
            cost="999.50",
            model=str(catalogue["server"].pk),
            location=str(where.pk),
        ),
    )
    assert r.status_code == 303
    assert r["Location"] == f"/assets/{asset.number}/"
    asset.refresh_from_db()
    assert (asset.purchase_order, str(asset.cost), asset.model_id, asset.location_id) == (
        "PO-9",
        "999.50",
        catalogue["server"].pk,
        where.pk,
    )
    assert asset.version == 2
    entry = AuditEntry.objects.filter(object_id=str(asset.pk), action="update").get()
    assert set(entry.changes) == {"purchase_order", "cost", "model", "location"}, entry.changes


def test_a_stale_version_keeps_the_input_and_offers_a_reload(signed_in, make_asset, system):
    asset = make_asset(vendor="Dell")
    opened = _form(asset, vendor="Lenovo")
    services.asset_update(system, number=asset.number, expected_version=1, changes={"notes": "x"})
    r = signed_in.post(f"/assets/{asset.number}/edit/", opened)
    assert r.status_code == 422
    body = r.content.decode()
    assert "Reload" in body
    assert 'value="Lenovo"' in body
    asset.refresh_from_db()
    assert asset.vendor == "Dell"
    assert asset.notes == "x"


def test_bad_input_lands_on_its_field(signed_in, make_asset):
    one, two = make_asset(), make_asset()
    r = signed_in.post(f"/assets/{two.number}/edit/", _form(two, asset_tag=one.asset_tag))
    assert r.status_code == 422
    assert "another asset has this asset tag" in r.content.decode()
    r = signed_in.post(f"/assets/{two.number}/edit/", _form(two, cost="-1"))
    assert r.status_code == 422
    r = signed_in.post(f"/assets/{two.number}/edit/", _form(two, model="Dell Latitude"))
    assert r.status_code == 422
    assert "the id of a model" in r.content.decode()
    assert Asset.objects.get(pk=two.pk).version == 1


def test_a_checked_out_assets_location_moves_by_check_out(signed_in, make_asset, manager_user):
    asset = make_asset()
    services.asset_check_out(Actor.system("t"), number=asset.number, person=manager_user.username)
    asset.refresh_from_db()
    where = Location.objects.create(name="Elsewhere")
    r = signed_in.post(f"/assets/{asset.number}/edit/", _form(asset, location=str(where.pk)))
    assert r.status_code == 422
    assert "check it out again" in r.content.decode()


def test_others_are_refused(client, make_asset, system):
    asset = make_asset()
    agent = factories.agent(username="plain-agent")
    client.force_login(agent)
    assert client.get(f"/assets/{asset.number}/edit/").status_code == 404
    services.asset_update(
        system, number=asset.number, expected_version=None, changes={"status": "retired"}
    )
    Asset.objects.filter(pk=asset.pk).update(status="disposed")
    viewer = factories.UserFactory(username="root2", is_superuser=True)
    client.force_login(viewer)
    assert client.get(f"/assets/{asset.number}/edit/").status_code == 403


def test_the_edit_page_reads_in_a_fixed_number_of_queries(signed_in, make_asset, manager_user):
    asset = make_asset(location=Location.objects.create(name="Site").pk)
    read = lambda: signed_in.get(f"/assets/{asset.number}/edit/")  # noqa: E731
    queries(read)
    first = queries(read)
    for _ in range(3):  # history does not weigh on the edit page
        services.asset_check_out(Actor.system("t"), number=asset.number, person="am1")
        services.asset_check_in(Actor.system("t"), number=asset.number)
    assert queries(read) == first
    assert first <= 8


def test_check_out_picks_person_and_location_by_name(signed_in, make_asset, manager_user):
    where = Location.objects.create(name="Hamburg office")
    asset = make_asset()
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert "/pick/person/" in page
    assert "/pick/location/" in page
    options = signed_in.get("/pick/location/", {"q": "hamb"}).content.decode()
    assert "Hamburg office" in options
    models = signed_in.get("/pick/asset-model/", {"q": "latitude"}).content.decode()
    assert "Dell Latitude 7440" in models
    r = signed_in.post(
        f"/assets/{asset.number}/check-out/",
        {
            "person": manager_user.username,
            "person_label": str(manager_user),
            "person_shown": str(manager_user),
            "location": str(where.pk),
            "location_label": "Hamburg office",
            "location_shown": "Hamburg office",
        },
    )
    assert r.status_code == 303
    asset.refresh_from_db()
    assert (asset.assignee_id, asset.location_id) == (manager_user.pk, where.pk)


def test_pickers_offer_nothing_to_those_who_may_not_see_assets(client, catalogue):
    Location.objects.create(name="Hamburg office")
    client.force_login(factories.agent(username="plain-agent"))
    assert "Hamburg" not in client.get("/pick/location/", {"q": "hamb"}).content.decode()
    assert "Latitude" not in client.get("/pick/asset-model/", {"q": "lat"}).content.decode()
