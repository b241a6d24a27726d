"""Receive into stock asks for the stock room: on the page (the one chosen when ordered,
preselected) and over the API (``status`` with ``stock_room``); an unknown room, or a room
sent with a move elsewhere, is refused naming ``stock_room``."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.assets import services
from steward.assets.models import Asset
from steward.core.models import AuditEntry
from tests.web.html import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_room(system):
    return services.stock_room_create(system, name="Branch stock room")


def test_the_page_asks_which_room_and_receives_into_it(
    manager_user, make_asset, catalogue, second_room
):
    asset = make_asset(status="on_order", stock_room=catalogue["room"].slug)
    web = Client()
    web.force_login(manager_user)
    page = web.get(f"/assets/{asset.number}/").content.decode()
    assert len(elements(page, "select", name="stock_room")) == 1  # asked beside Receive
    chosen = [o.attrs["value"] for o in elements(page, "option") if "selected" in o.attrs]
    assert chosen == [catalogue["room"].slug]  # the order's room, preselected

    moved = web.post(
        f"/assets/{asset.number}/move/",
        {"version": asset.version, "status": "in_stock", "stock_room": second_room.slug},
    )
    assert moved.status_code in (302, 303), moved.content[:2000]
    asset.refresh_from_db()
    assert (asset.status, asset.stock_room) == ("in_stock", second_room)
    entry = AuditEntry.objects.filter(object_id=str(asset.pk)).order_by("-pk").first()
    assert entry.changes["stock_room"] == [catalogue["room"].pk, second_room.pk]

    refused = web.post(
        f"/assets/{make_asset(status='on_order').number}/move/",
        {"status": "in_stock", "stock_room": "nowhere"},
    )
    assert refused.status_code == 422
    assert "Into stock room" in refused.content.decode()


def test_the_api_receives_into_a_named_room(manager_api, make_asset, second_room):
    number = make_asset(status="on_order").number
    url = f"/api/v1/assets/{number}"
    unknown = manager_api.patch(url, {"status": "in_stock", "stock_room": "nowhere"})
    assert unknown.status_code == 422
    assert list(unknown.json()["error"]["fields"]) == ["stock_room"]
    done = manager_api.patch(url, {"status": "in_stock", "stock_room": second_room.slug})
    assert done.status_code == 200, done.content
    assert Asset.objects.get(number=number).stock_room == second_room


def test_a_room_with_a_move_elsewhere_is_refused(manager_api, make_asset, second_room):
    number = make_asset().number  # in stock
    response = manager_api.patch(
        f"/api/v1/assets/{number}", {"status": "in_repair", "stock_room": second_room.slug}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["stock_room"]
    assert Asset.objects.get(number=number).status == "in_stock"


def test_a_deployed_asset_is_put_in_no_room(manager_api, manager_user, make_asset, second_room):
    """A deployed asset leaves its room when checked out; a PATCH naming a room alone (or
    beside "deployed") put it back in one while it stayed with its person. Refused naming
    ``stock_room``; an asset in stock still changes room without a move."""
    number = make_asset().number
    out = manager_api.post(f"/api/v1/assets/{number}/check-out", {"person": manager_user.username})
    assert out.status_code == 201, out.content
    for body in (
        {"stock_room": second_room.slug},
        {"status": "deployed", "stock_room": second_room.slug},
    ):
        response = manager_api.patch(f"/api/v1/assets/{number}", body)
        assert response.status_code == 422, response.content
        assert list(response.json()["error"]["fields"]) == ["stock_room"]
    asset = Asset.objects.get(number=number)
    assert (asset.status, asset.stock_room) == ("deployed", None)
    assert manager_api.patch(f"/api/v1/assets/{number}", {"stock_room": None}).status_code == 200

    in_stock = make_asset().number
    moved = manager_api.patch(f"/api/v1/assets/{in_stock}", {"stock_room": second_room.slug})
    assert moved.status_code == 200, moved.content
    assert Asset.objects.get(number=in_stock).stock_room == second_room
