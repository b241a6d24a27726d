"""Residual (salvage) values against hand-computed schedules; the categories and models API
(PATCH with If-Match); an asset moved over the API by location id or name.

Residual values are a percentage of cost per category and schedule (docs/assets.md).
"""

import datetime as dt
from decimal import Decimal

import pytest

from steward.assets import selectors, services
from steward.assets.models import AssetModel, Category
from steward.assets.selectors.finance import schedule
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry, Location, OutboxMessage

pytestmark = pytest.mark.django_db

D = Decimal


def _years(years):
    return [(y.opening, y.depreciation, y.closing) for y in years]


def test_straight_line_depreciates_cost_less_residual_over_the_life():
    # 1200 cost, 300 residual, 3 years: (1200 - 300) / 3 = 300 a year, ending at 300
    years = schedule(
        D("1200.00"), method="straight_line", life_years=3, rate=D(0), residual=D("300.00")
    )
    assert _years(years) == [
        (D("1200.00"), D("300.00"), D("900.00")),
        (D("900.00"), D("300.00"), D("600.00")),
        (D("600.00"), D("300.00"), D("300.00")),
    ]


def test_straight_line_rounding_leaves_exactly_the_residual():
    # 1000 cost, 200 residual, 3 years: 800 / 3 = 266.67, 266.67, and 266.66 to land on 200
    years = schedule(
        D("1000.00"), method="straight_line", life_years=3, rate=D(0), residual=D("200.00")
    )
    assert [y.depreciation for y in years] == [D("266.67"), D("266.67"), D("266.66")]
    assert years[-1].closing == D("200.00")


def test_declining_balance_stops_at_the_residual_floor():
    # 1000 cost, 40 % a year, 5 years, 200 residual: 400 (600), 240 (360), 144 (216); the
    # fourth year's 86.40 would cross the floor, so it stops at 16.00; the fifth writes nothing
    years = schedule(
        D("1000.00"), method="declining_balance", life_years=5, rate=D(40), residual=D("200.00")
    )
    assert _years(years) == [
        (D("1000.00"), D("400.00"), D("600.00")),
        (D("600.00"), D("240.00"), D("360.00")),
        (D("360.00"), D("144.00"), D("216.00")),
        (D("216.00"), D("16.00"), D("200.00")),
        (D("200.00"), D("0.00"), D("200.00")),
    ]


def test_declining_balance_last_year_writes_down_to_the_residual():
    # 1200, 40 % over 3 years, 120 residual: 480 (720), 288 (432), then 432 - 120 = 312
    years = schedule(
        D("1200.00"), method="declining_balance", life_years=3, rate=D(40), residual=D("120.00")
    )
    assert [y.depreciation for y in years] == [D("480.00"), D("288.00"), D("312.00")]
    assert years[-1].closing == D("120.00")


@pytest.fixture
def residual_laptop(system, catalogue):
    """The laptop category with 25 % book residual (straight-line 3 years) and 10 % tax
    residual (declining balance 40 % over 3 years)."""
    services.category_update(
        system,
        slug="laptop",
        changes={
            "book_life_years": 3,
            "book_residual_percent": "25",
            "tax_residual_percent": "10",
        },
    )
    return Category.objects.get(slug="laptop")


@pytest.mark.parametrize(
    ("on", "book", "tax"),
    [
        (dt.date(2025, 1, 15), "1200.00", "1200.00"),
        # 18 months: book 1200 - 18 x 25 = 750; tax 720 - 288 x 6/12 = 576
        (dt.date(2026, 7, 15), "750.00", "576.00"),
        # 36 months, the end of both lives: the residuals, 300 and 120
        (dt.date(2028, 1, 15), "300.00", "120.00"),
        # long after: still the residuals, never zero
        (dt.date(2035, 6, 1), "300.00", "120.00"),
    ],
)
def test_book_value_at_any_date_honours_the_residual(residual_laptop, make_asset, on, book, tax):
    asset = make_asset()  # 1200.00 bought 15 Jan 2025
    assert selectors.book_value(asset, on) == {"book": D(book), "tax": D(tax)}


def test_schedules_side_by_side_hold_the_shorter_at_its_residual(
    system, residual_laptop, make_asset
):
    services.category_update(system, slug="laptop", changes={"book_life_years": 4})
    rows = selectors.depreciation_schedule(make_asset())
    # book: (1200 - 300) / 4 = 225 a year; tax ends after 3 years at 120 and holds there
    assert [(r.year, r.book.closing, r.tax.depreciation, r.tax.closing) for r in rows] == [
        (1, D("975.00"), D("480.00"), D("720.00")),
        (2, D("750.00"), D("288.00"), D("432.00")),
        (3, D("525.00"), D("312.00"), D("120.00")),
        (4, D("300.00"), D("0.00"), D("120.00")),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("book_residual_percent", "-1", "may not be negative"),
        ("tax_residual_percent", "100.01", "residual above the cost"),
        ("book_residual_percent", "ten", "a percentage"),
        ("tax_residual_percent", "12.345", "two decimals"),
        ("book_residual_percent", True, "a percentage"),
    ],
)
def test_bad_residuals_are_refused_naming_the_field(system, catalogue, field, value, message):
    with pytest.raises(ValidationFailed) as refused:
        services.category_update(system, slug="laptop", changes={field: value})
    assert list(refused.value.fields) == [field]
    assert message in refused.value.fields[field][0]
    with pytest.raises(ValidationFailed) as refused:
        services.category_create(system, name="Phones", **{field: value})
    assert list(refused.value.fields) == [field]
    assert not Category.objects.filter(name="Phones").exists()


# --- the API ----------------------------------------------------------------------------


def test_category_patch_with_if_match(manager_api, catalogue):
    r = manager_api.get("/api/v1/assets/categories/laptop")
    assert r.status_code == 200
    assert r["ETag"] == '"1"'
    assert r.json()["book_residual_percent"] == "0.00"
    r = manager_api.patch(
        "/api/v1/assets/categories/laptop",
        {"book_residual_percent": "12.5"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.content
    assert (r.json()["book_residual_percent"], r.json()["version"]) == ("12.50", 2)
    assert r["ETag"] == '"2"'
    entry = AuditEntry.objects.filter(
        object_id=str(Category.objects.get(slug="laptop").pk), action="update"
    ).get()
    assert entry.changes["book_residual_percent"] == ["0.00", "12.50"]
    assert OutboxMessage.objects.filter(topic="asset_category.updated").count() == 1

    stale = manager_api.patch(
        "/api/v1/assets/categories/laptop",
        {"tax_residual_percent": "5"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert Category.objects.get(slug="laptop").tax_residual_percent == D(0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"book_residual_percent": "-5"}, "book_residual_percent"),
        ({"tax_residual_percent": "150"}, "tax_residual_percent"),
        ({"book_method": "sum_of_digits"}, "book_method"),
        ({"tax_life_years": 0}, "tax_life_years"),
        ({"name": None}, "name"),
        ({"slug": "other"}, "slug"),
    ],
)
def test_category_patch_bad_input_is_422_naming_the_field(manager_api, catalogue, body, field):
    r = manager_api.patch("/api/v1/assets/categories/laptop", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["error"]["fields"]
    assert Category.objects.get(slug="laptop").version == 1


def test_category_create_and_list(manager_api, catalogue):
    r = manager_api.post(
        "/api/v1/assets/categories",
        {"name": "Monitor", "book_life_years": 5, "book_residual_percent": "10"},
    )
    assert r.status_code == 201, r.content
    assert (r.json()["slug"], r.json()["book_residual_percent"]) == ("monitor", "10.00")
    r = manager_api.post("/api/v1/assets/categories", {"name": "Dock", "tax_residual_percent": -1})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["tax_residual_percent"]
    slugs = [c["slug"] for c in manager_api.get("/api/v1/assets/categories").json()["items"]]
    assert slugs == ["laptop", "server", "monitor"]


def test_model_patch_with_if_match(manager_api, catalogue):
    model = catalogue["laptop"]
    url = f"/api/v1/assets/models/{model.pk}"
    assert manager_api.get(url)["ETag"] == '"1"'
    r = manager_api.patch(url, {"warranty_months": 48}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.content
    assert (r.json()["warranty_months"], r.json()["version"]) == (48, 2)
    assert manager_api.patch(url, {"name": "X"}, headers={"If-Match": '"1"'}).status_code == 412
    r = manager_api.patch(url, {"category": "no-such"})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["category"]
    r = manager_api.patch(url, {"warranty_months": 500})
    assert r.status_code == 422
    assert "warranty_months" in r.json()["error"]["fields"]
    r = manager_api.patch(url, {"name": "DL380", "manufacturer": "HPE"})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["name"]
    assert AssetModel.objects.get(pk=model.pk).name == "Latitude 7440"
    assert manager_api.get("/api/v1/assets/models/999999").status_code == 404


def test_catalogue_api_is_invisible_to_plain_agents(catalogue):
    from tests import factories
    from tests.conftest import api_client_for

    agent = api_client_for(factories.agent(username="plain"))
    assert agent.get("/api/v1/assets/categories/laptop").status_code == 404
    assert agent.get("/api/v1/assets/categories").json()["items"] == []
    r = agent.patch("/api/v1/assets/categories/laptop", {"book_residual_percent": "5"})
    assert r.status_code == 404
    r = agent.patch(f"/api/v1/assets/models/{catalogue['laptop'].pk}", {"warranty_months": 1})
    assert r.status_code == 404


def test_an_asset_moves_by_location_name_or_id_over_the_api(manager_api, make_asset):
    berlin = Location.objects.create(name="Berlin office")
    hamburg = Location.objects.create(name="Hamburg office")
    asset = make_asset()
    url = f"/api/v1/assets/{asset.number}"
    r = manager_api.patch(url, {"location": "berlin OFFICE"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.content
    assert (r.json()["location"], r.json()["version"]) == (berlin.pk, 2)
    r = manager_api.patch(url, {"location": hamburg.pk})
    assert r.json()["location"] == hamburg.pk
    r = manager_api.patch(url, {"location": str(berlin.pk)})
    assert r.json()["location"] == berlin.pk
    entries = AuditEntry.objects.filter(object_id=str(asset.pk), action="update").order_by("id")
    assert [e.changes["location"] for e in entries] == [
        [None, berlin.pk],
        [berlin.pk, hamburg.pk],
        [hamburg.pk, berlin.pk],
    ]
    r = manager_api.patch(url, {"location": "Atlantis"})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["location"]
    r = manager_api.patch(url, {"location": None})
    assert r.json()["location"] is None


def test_a_checked_out_asset_is_not_moved_by_patch(system, manager_api, make_asset):
    from tests import factories

    berlin = Location.objects.create(name="Berlin office")
    asset = make_asset()
    services.asset_check_out(system, number=asset.number, person=factories.agent().username)
    r = manager_api.patch(f"/api/v1/assets/{asset.number}", {"location": berlin.name})
    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["location"]


# --- the pages --------------------------------------------------------------------------


def test_the_pages_show_the_residual(client, manager_user, residual_laptop, make_asset):
    client.force_login(manager_user)
    asset = make_asset(purchase_date=dt.date(2020, 1, 1))  # long past both lives
    page = client.get(f"/assets/{asset.number}/").content.decode()
    assert "residual 25.00 % of cost" in page
    assert "<dt>Book value today</dt><dd>300.00</dd>" in page
    assert "<dt>Tax value today</dt><dd>120.00</dd>" in page
    listing = client.get("/assets/categories/").content.decode()
    assert "Straight-line, 3 years, residual 25.00 %" in listing
    edit = client.get("/assets/categories/laptop/edit/").content.decode()
    # the preview for 1,000.00: book ends at 250.00, tax at 100.00
    row = "<td>3</td><td>250.00</td><td>250.00</td><td>260.00</td><td>100.00</td>"
    assert row in edit
    model = client.get(f"/assets/models/{asset.model_id}/edit/").content.decode()
    assert row in model  # a model's page shows its category's schedules


def test_a_stale_category_form_offers_a_reload_and_keeps_the_category(
    client, manager_user, system, catalogue
):
    client.force_login(manager_user)
    laptop = Category.objects.get(slug="laptop")
    fields = {
        "name": laptop.name,
        "ci_class": laptop.ci_class,
        "book_method": laptop.book_method,
        "book_life_years": str(laptop.book_life_years),
        "book_rate": str(laptop.book_rate),
        "book_residual_percent": "0.00",
        "tax_method": laptop.tax_method,
        "tax_life_years": str(laptop.tax_life_years),
        "tax_rate": str(laptop.tax_rate),
        "tax_residual_percent": "0.00",
    }
    opened = {f"initial-{k}": v for k, v in fields.items()} | fields | {"version": "1"}
    services.category_update(system, slug="laptop", changes={"book_life_years": 6})
    r = client.post("/assets/categories/laptop/edit/", opened | {"book_residual_percent": "20"})
    assert r.status_code == 422
    assert "This record changed since you opened it" in r.content.decode()
    laptop.refresh_from_db()
    assert (laptop.book_residual_percent, laptop.version) == (D(0), 2)
    opened["version"] = "2"
    r = client.post("/assets/categories/laptop/edit/", opened | {"book_residual_percent": "20"})
    assert r.status_code == 303
    laptop.refresh_from_db()
    assert (laptop.book_residual_percent, laptop.book_life_years) == (D("20.00"), 6)
