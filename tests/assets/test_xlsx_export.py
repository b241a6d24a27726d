"""The XLSX export: the list's rows with its filters, opened with openpyxl; a cell starting
with = + - @ is text with the same leading apostrophe as the CSV's, never a formula; cost
and purchase date typed; a flat number of queries; refused filters before any file."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.query_counts import grows, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager_user):
    client.force_login(manager_user)
    return client


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="assets.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[c.value for c in row] for row in book["Assets"].iter_rows()]


def test_the_workbook_opens_and_neutralises_formula_cells(signed_in, make_asset):
    for i, start in enumerate(("=", "+", "-", "@")):
        make_asset(vendor=f"{start}HYPERLINK(1)", purchase_order=f"PO{i}", cost="10.50")
    rows = _sheet(signed_in.get("/assets/export.xlsx"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["number", "asset_tag", "serial_number"]
    vendors = sorted(row[header.index("vendor")] for row in body)
    assert vendors == sorted(f"'{s}HYPERLINK(1)" for s in ("=", "+", "-", "@"))
    book = load_workbook(
        io.BytesIO(b"".join(signed_in.get("/assets/export.xlsx").streaming_content))
    )
    types = {c.data_type for row in book["Assets"].iter_rows(min_row=2) for c in row}
    assert "f" not in types  # no cell is a formula
    first = body[0]
    assert first[header.index("cost")] == pytest.approx(10.5)
    assert first[header.index("purchase_date")] == dt.datetime(2025, 1, 15)


def test_the_workbook_keeps_the_lists_filters(signed_in, make_asset):
    make_asset(status="on_order", asset_tag="ORDERED-1")
    make_asset(asset_tag="STOCK-1")
    rows = _sheet(signed_in.get("/assets/export.xlsx", {"status": "on_order"}))
    assert [row[1] for row in rows[1:]] == ["ORDERED-1"]
    refused = signed_in.get("/assets/export.xlsx", {"model": "x"})
    assert refused.status_code == 422
    assert b"model" in refused.content


def test_control_characters_are_dropped_not_a_500(signed_in, make_asset):
    from steward.assets.models import Asset

    asset = make_asset()
    Asset.objects.filter(pk=asset.pk).update(vendor="Ven\x01dor")  # as legacy data may hold
    rows = _sheet(signed_in.get("/assets/export.xlsx"))
    assert rows[1][rows[0].index("vendor")] == "Vendor"


def test_the_export_reads_in_a_flat_number_of_queries(signed_in, make_asset):
    few, more = grows(make_asset, lambda: signed_in.get("/assets/export.xlsx"))
    assert few == more


def test_large_exports_page_through_the_list(signed_in, make_asset, monkeypatch):
    from steward.assets.selectors import export

    monkeypatch.setattr(export, "PAGE", 2)
    for _ in range(5):
        make_asset()
    read = lambda: signed_in.get("/assets/export.xlsx")  # noqa: E731
    assert len(_sheet(read())) == 6
    assert queries(read) >= 3  # three pages of two


def test_others_get_nothing(client, make_asset):
    make_asset()
    client.force_login(factories.agent(username="plain"))
    assert client.get("/assets/export.xlsx").status_code == 404


def test_money_is_exact(signed_in, make_asset):
    make_asset(cost="1234.56")
    book = load_workbook(
        io.BytesIO(b"".join(signed_in.get("/assets/export.xlsx").streaming_content))
    )
    header = [c.value for c in next(book["Assets"].iter_rows(max_row=1))]
    cell = next(book["Assets"].iter_rows(min_row=2))[header.index("cost")]
    assert Decimal(str(cell.value)) == Decimal("1234.56")
