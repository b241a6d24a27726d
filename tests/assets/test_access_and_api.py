"""Who sees assets (asset managers and administrators; everyone else 404), and the API
conventions: numbers, ETag/If-Match, 409 with allowed states, keyset lists, errors."""

import pytest

from steward.assets import services
from steward.core.actor import Actor
from tests.conftest import api_client_for
from tests.query_counts import grows

pytestmark = pytest.mark.django_db


def test_requesters_and_plain_agents_see_nothing(
    make_asset, agent_api, requester_api, client, agent_user
):
    asset = make_asset()
    for api in (agent_api, requester_api):
        assert api.get(f"/api/v1/assets/{asset.number}").status_code == 404
        assert api.get("/api/v1/assets").json()["items"] == []
        assert api.get("/api/v1/contracts").json()["items"] == []
        r = api.patch(f"/api/v1/assets/{asset.number}", {"status": "deployed"})
        assert r.status_code == 404
    client.force_login(agent_user)
    assert client.get("/assets/").status_code == 404
    assert client.get(f"/assets/{asset.number}/").status_code == 404
    assert client.get("/assets/disposition/").status_code == 404


def test_the_navigation_shows_assets_only_to_managers(client, agent_user, manager_user):
    client.force_login(agent_user)
    assert 'href="/assets/"' not in client.get("/").content.decode()
    client.force_login(manager_user)
    assert 'href="/assets/"' in client.get("/").content.decode()


def test_a_read_only_token_cannot_write(manager_user, make_asset):
    api = api_client_for(manager_user, scopes=("read",))
    asset = make_asset()
    assert api.get(f"/api/v1/assets/{asset.number}").status_code == 200
    assert api.patch(f"/api/v1/assets/{asset.number}", {"vendor": "X"}).status_code == 403


def test_create_get_patch_with_versions(manager_api, catalogue):
    r = manager_api.post(
        "/api/v1/assets",
        {
            "asset_tag": "LAP-1",
            "serial_number": "S1",
            "model": catalogue["laptop"].pk,
            "cost": "10.50",
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r["ETag"] == '"1"'
    r = manager_api.patch(
        f"/api/v1/assets/{number}", {"vendor": "CDW"}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200
    assert r.json()["version"] == 2
    r = manager_api.patch(
        f"/api/v1/assets/{number}", {"vendor": "SHI"}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 412
    r = manager_api.patch(f"/api/v1/assets/{number}", {"status": "deployed"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "illegal_transition"
    assert r.json()["error"]["allowed"] == ["in_stock"]


def test_deploying_through_the_api_asks_for_a_person_or_a_location(manager_api, make_asset):
    number = make_asset().number
    r = manager_api.patch(f"/api/v1/assets/{number}", {"status": "deployed"})
    assert r.status_code == 422, r.content
    assert list(r.json()["error"]["fields"]) == ["person"]
    assert manager_api.get(f"/api/v1/assets/{number}").json()["status"] == "in_stock"
    r = manager_api.post(f"/api/v1/assets/{number}/check-out", {"person": "am1"})
    assert r.status_code == 201, r.content
    body = manager_api.get(f"/api/v1/assets/{number}").json()
    assert (body["status"], body["assignee"]) == ("deployed", "am1")


def test_duplicates_and_negative_cost_are_422_naming_the_field(manager_api, make_asset, catalogue):
    first = make_asset()
    base = {"asset_tag": "N-1", "serial_number": "N-1", "model": catalogue["laptop"].pk}
    r = manager_api.post("/api/v1/assets", {**base, "asset_tag": first.asset_tag})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["asset_tag"]
    r = manager_api.post("/api/v1/assets", {**base, "cost": "-5"})
    assert r.status_code == 422
    assert "cost" in str(r.json()["error"]["fields"])


def test_disposal_without_a_certificate_is_refused_then_done(manager_api, make_asset):
    asset = make_asset(holds_data=True)
    url = f"/api/v1/assets/{asset.number}"
    assert manager_api.patch(url, {"status": "retired"}).status_code == 200
    r = manager_api.patch(url, {"status": "disposed"})
    assert r.status_code == 422
    assert "disposition" in r.json()["error"]["message"]
    r = manager_api.patch(
        f"{url}/disposition",
        {
            "method": "destruction",
            "sanitisation": "destroy",
            "vendor": "Shred AG",
            "certificate_number": "C-77",
            "certificate_date": "2026-01-02",
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["missing"] == []
    assert (
        manager_api.post(
            f"{url}/disposition/custody", {"handed_from": "IT", "handed_to": "Courier"}
        ).status_code
        == 201
    )
    assert manager_api.patch(url, {"status": "disposed"}).json()["status"] == "disposed"


def test_lists_are_keyset_pages_with_filters(manager_api, make_asset):
    for _ in range(3):
        make_asset()
    make_asset(status="on_order")
    page = manager_api.get("/api/v1/assets", {"limit": 2, "status": "in_stock"}).json()
    assert len(page["items"]) == 2
    rest = manager_api.get(
        "/api/v1/assets", {"limit": 2, "status": "in_stock", "cursor": page["next"]}
    ).json()
    assert len(rest["items"]) == 1
    assert rest["next"] is None
    assert manager_api.get("/api/v1/assets", {"status": "lost"}).status_code == 422


def test_financials_contracts_and_stock(manager_api, make_asset, catalogue):
    asset = make_asset()
    r = manager_api.get(f"/api/v1/assets/{asset.number}/financials", {"on": "2026-07-15"})
    assert r.json()["value"] == {"on": "2026-07-15", "book": "750.00", "tax": "576.00"}
    r = manager_api.post(
        "/api/v1/contracts",
        {
            "title": "Care",
            "vendor": "Dell",
            "kind": "warranty",
            "start_date": "2026-01-01",
            "end_date": "2025-01-01",
        },
    )
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["end_date"]
    r = manager_api.post(
        "/api/v1/contracts",
        {
            "title": "Care",
            "vendor": "Dell",
            "kind": "warranty",
            "start_date": "2026-01-01",
            "end_date": "2027-01-01",
            "assets": [asset.number],
        },
    )
    assert r.status_code == 201
    assert r.json()["assets"] == [asset.number]
    make_asset(stock_room="main-stock-room")
    services.stock_level_set(
        Actor.system("t"),
        stock_room="main-stock-room",
        model=catalogue["laptop"].pk,
        reorder_level=2,
    )
    assert manager_api.get("/api/v1/assets/stock").json() == [
        {
            "stock_room": "main-stock-room",
            "model": catalogue["laptop"].pk,
            "in_stock": 1,
            "reorder_level": 2,
            "below": True,
        }
    ]


def test_the_list_api_query_count_does_not_grow(manager_api, make_asset):
    few, more = grows(make_asset, lambda: manager_api.get("/api/v1/assets"))
    assert few == more


def test_an_asset_is_created_in_a_stock_room_at_a_location_by_name(manager_api, catalogue):
    from steward.core.models import Location

    place = Location.objects.create(name="Leeds depot")
    base = {"model": catalogue["laptop"].pk, "status": "in_stock"}
    r = manager_api.post(
        "/api/v1/assets",
        {
            **base,
            "asset_tag": "A-9",
            "serial_number": "S-9",
            "stock_room": "main-stock-room",
            "location": "Leeds depot",
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["stock_room"], r.json()["location"]) == ("main-stock-room", place.pk)
    r = manager_api.post(
        "/api/v1/assets",
        {**base, "asset_tag": "A-10", "serial_number": "S-10", "location": "Nowhere"},
    )
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["location"]
