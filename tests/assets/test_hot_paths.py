"""The asset list and detail: statements per request (the same on SQLite and PostgreSQL),
the list not growing with the rows nor with their configuration items, and a tag or serial
found whatever its case (through the UPPER() indexes)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.assets import selectors, services

pytestmark = pytest.mark.django_db

# the cache stamps (the session, its user, their roles and served organisations come from
# the per-process caches under them: steward/core/sessions.py, warm after the first read);
# the page of assets with their references in one query; the filter form's models and
# locations
LIST_PAGE = 4
LIST_API = 2  # the cache stamps, the page (token, user and roles are cached)
# the stamps as above; the asset with its references, its check-outs, its timeline
# (the audit entries, then the CI its deploy entry names), its model's warranty, the
# contracts (cost shares, then those shown) and the check-in form's stock rooms (the
# check-out form picks its location by name: no list of locations is read)
DETAIL_PAGE = 9
DETAIL_API = 3  # the stamps, the asset with its references, its check-outs


def statements(call) -> int:
    call()  # the first request fills the caches
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def deployed_server(manager, make_asset):
    asset = make_asset("server")
    services.asset_check_out(manager, number=asset.number, person=manager.user.username)
    return selectors.asset_get(manager, number=asset.number)


def test_list_statements_whatever_the_rows_and_their_cis(
    manager, manager_user, manager_api, make_asset
):
    web = Client()
    web.force_login(manager_user)
    make_asset()
    assert statements(lambda: web.get("/assets/")) == LIST_PAGE
    assert statements(lambda: manager_api.get("/api/v1/assets")) == LIST_API
    for _ in range(3):
        make_asset()
        assert deployed_server(manager, make_asset).configuration_item is not None
    assert statements(lambda: web.get("/assets/")) == LIST_PAGE
    assert statements(lambda: manager_api.get("/api/v1/assets")) == LIST_API
    rows = manager_api.get("/api/v1/assets").json()["items"]
    assert len([r for r in rows if r["configuration_item"]]) == 3


def test_detail_statements(manager, manager_user, manager_api, make_asset):
    asset = deployed_server(manager, make_asset)
    web = Client()
    web.force_login(manager_user)
    assert statements(lambda: web.get(f"/assets/{asset.number}/")) == DETAIL_PAGE
    api = statements(lambda: manager_api.get(f"/api/v1/assets/{asset.number}"))
    assert api == DETAIL_API
    body = manager_api.get(f"/api/v1/assets/{asset.number}").json()
    assert body["configuration_item"] == asset.configuration_item.number


def test_tags_and_serials_are_found_and_unique_whatever_the_case(manager, make_asset):
    asset = make_asset(asset_tag="Tag-Mixed-1", serial_number="Ser-Mixed-1")
    assert [a.number for a in selectors.asset_list(manager, q="tag-MIXED-1").items] == [
        asset.number
    ]
    assert [a.number for a in selectors.asset_list(manager, q="SER-mixed-1").items] == [
        asset.number
    ]
    assert selectors.asset_by_tag(manager, tag=" TAG-MIXED-1 ").number == asset.number
    assert selectors.asset_list(manager, q="Tag-Mixed").items == []  # equality, not a prefix
    from steward.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        make_asset(asset_tag="TAG-mixed-1")
    assert "asset_tag" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        make_asset(serial_number="ser-MIXED-1")
    assert "serial_number" in refused.value.fields
