"""The asset list's page as rows (selectors/rows.py: ``.values()``, no model graph) shows
exactly what the model path shows, to the API (``AssetOut``) and to the list page (its
labels), for any asset; the cursor is the same whichever way the page was read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.assets import selectors, services
from steward.assets.schemas import AssetOut
from steward.core.models import Location
from tests import factories

pytestmark = pytest.mark.django_db


def api(value) -> dict:  # noqa: ANN001 - a row or an Asset
    return AssetOut.model_validate(value).model_dump(mode="json")


def page_labels(asset) -> dict:  # noqa: ANN001 - an Asset: what _row.html printed from it
    return {
        "model_label": str(asset.model),
        "status_label": asset.get_status_display(),
        "assignee_name": str(asset.assignee) if asset.assignee_id else None,
        "location_name": asset.location.name if asset.location_id else None,
    }


def same_both_ways(actor, **filters) -> list[dict]:  # noqa: ANN001
    rows = selectors.asset_list(actor, **filters, rows=True)
    models = selectors.asset_list(actor, **filters)
    assert all(isinstance(r, dict) for r in rows.items)
    assert [api(r) for r in rows.items] == [api(m) for m in models.items]
    assert [
        {k: r[k] for k in page_labels(m)} for r, m in zip(rows.items, models.items, strict=True)
    ] == [page_labels(m) for m in models.items]
    assert rows.next == models.next
    return rows.items


@pytest.fixture
def people(db):
    named = factories.UserFactory(username="ann", first_name="Ann", last_name="Lee")
    bare = factories.UserFactory(username="bob", first_name="", last_name="")
    return [named.username, bare.username]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    model=st.sampled_from(["laptop", "server"]),
    dated=st.booleans(),
    day=st.dates(dt.date(2019, 1, 1), dt.date(2026, 2, 28)),
    cost=st.decimals(0, 99999, places=2, allow_nan=False, allow_infinity=False),
    holds_data=st.booleans(),
    who=st.sampled_from([None, 0, 1]),
    placed=st.booleans(),
    roomed=st.booleans(),
    vendor=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]))
    .map(str.strip)
    .map(lambda v: v[:100]),
)
def test_any_asset_reads_the_same_both_ways(
    manager,
    make_asset,
    catalogue,
    people,
    model,
    dated,
    day,
    cost,
    holds_data,
    who,
    placed,
    roomed,
    vendor,
):
    fields = {"cost": Decimal(cost), "holds_data": holds_data, "vendor": vendor}
    fields["purchase_date"] = day if dated else None
    if roomed:
        fields["stock_room"] = catalogue["room"].slug
    asset = make_asset(model, **fields)
    place = Location.objects.get_or_create(name="Rows site")[0] if placed else None
    if who is not None or place is not None:
        services.asset_check_out(
            manager,
            number=asset.number,
            person=people[who] if who is not None else None,
            location=place.pk if place else None,
        )
    rows = same_both_ways(manager, q=asset.number)
    assert [r["number"] for r in rows] == [asset.number]


def test_every_reference_is_named(manager, make_asset, catalogue, people):
    asset = make_asset("server", stock_room=catalogue["room"].slug)
    place = Location.objects.create(name="Rows HQ")
    services.asset_check_out(manager, number=asset.number, person="ann", location=place.pk)
    (row,) = same_both_ways(manager, q=asset.number)
    body = api(row)
    assert body["configuration_item"].startswith("CI")
    assert body["assignee"] == "ann"
    assert row["assignee_name"] == "Ann Lee"
    assert body["location"] == place.pk
    assert row["location_name"] == "Rows HQ"
    assert body["model_name"] == "HPE DL380" == row["model_label"]
    assert row["status_label"] == "Deployed"
    laptop = make_asset("laptop", purchase_date=dt.date(2024, 1, 31))
    (row,) = same_both_ways(manager, q=laptop.number)
    assert api(row)["warranty_end"] == "2027-01-31"  # 36 months from the model


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": ["in_stock"]}, {"status": ["in_stock", "deployed"]}, {"model": "laptop"}],
)
def test_every_page_is_the_same_both_ways(manager, make_asset, catalogue, filters):
    for i in range(6):  # three of each model: two pages of two at least
        make_asset("laptop" if i % 2 else "server")
    if "model" in filters:
        filters = {"model": catalogue[filters["model"]].pk}
    cursor, pages = None, 0
    while True:
        rows = same_both_ways(manager, **filters, cursor=cursor, limit=2)
        cursor = selectors.asset_list(manager, **filters, cursor=cursor, limit=2, rows=True).next
        pages += 1
        assert rows
        if cursor is None:
            break
    assert pages >= 2


def test_nobody_without_the_role_gets_rows(make_asset, agent_actor):
    make_asset()
    assert selectors.asset_list(agent_actor, rows=True).items == []


def test_a_manager_limited_to_organisations_gets_their_rows_only(make_asset, system):
    from steward.core.choices import Role
    from tests.conftest import as_actor

    acme = factories.OrganisationFactory(name="Acme", slug="acme")
    other = factories.OrganisationFactory(name="Other", slug="other")
    mine = make_asset(organisation=acme.slug)
    make_asset(organisation=other.slug)
    ours = make_asset()  # IT's own: no organisation
    user = factories.UserFactory(username="am-acme", roles=[Role.AGENT, Role.ASSET_MANAGER])
    user.served_organisations.add(acme)
    limited = as_actor(user)
    for filters in ({}, {"status": ["in_stock"]}, {"q": mine.number}):
        rows = same_both_ways(limited, **filters)
        expected = {mine.number, ours.number} if "q" not in filters else {mine.number}
        assert {r["number"] for r in rows} == expected
    assert same_both_ways(system, q=mine.number)[0]["organisation.slug"] == "acme"


def test_each_first_page_runs_its_compiled_sql_with_its_own_values(manager, make_asset, catalogue):
    laptops = [make_asset("laptop").number for _ in range(3)]
    servers = [make_asset("server").number for _ in range(2)]
    for _ in range(2):  # the second time from the compiled statements
        by_model = {
            name: [r["number"] for r in same_both_ways(manager, model=catalogue[name].pk)]
            for name in ("laptop", "server")
        }
        assert by_model == {"laptop": laptops, "server": servers}
        assert [r["number"] for r in same_both_ways(manager, q=servers[1].lower())] == [servers[1]]
        tag = selectors.asset_list(manager, q=servers[0]).items[0].asset_tag
        assert [r["number"] for r in same_both_ways(manager, q=tag.lower())] == [servers[0]]
    page = selectors.asset_list(manager, limit=2, rows=True)
    assert [r["number"] for r in page.items] == laptops[:2]
    assert page.next == selectors.asset_list(manager, limit=2).next


def test_my_assets_without_a_user_is_the_model_path_answer(system, make_asset):
    # no user: "me" is nobody, which the model path reads as unassigned (IS NULL, a value
    # compiled SQL cannot take): the rows take the same path
    asset = make_asset()
    assert [r["number"] for r in same_both_ways(system, assignee="me")] == [asset.number]
