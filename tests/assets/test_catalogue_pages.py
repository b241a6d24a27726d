"""Category and model pages: lists in a fixed number of queries, new and edit through the
services (only what was changed is sent), bad input on its field, a model's warranty term
inherited by its assets, and the pages refused to those who may not write."""

import datetime as dt
from decimal import Decimal

import pytest

from steward.assets import selectors, services
from steward.assets.models import AssetModel, Category
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry
from tests import factories
from tests.query_counts import grows

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager_user):
    client.force_login(manager_user)
    return client


def _opened(values: dict, **typed) -> dict:
    data = {f"initial-{k}": v for k, v in values.items()}
    return data | values | typed


def _category_values(c: Category) -> dict:
    return {
        "name": c.name,
        "ci_class": c.ci_class,
        "book_method": c.book_method,
        "book_life_years": str(c.book_life_years),
        "book_rate": str(c.book_rate),
        "tax_method": c.tax_method,
        "tax_life_years": str(c.tax_life_years),
        "tax_rate": str(c.tax_rate),
        "book_residual_percent": str(c.book_residual_percent),
        "tax_residual_percent": str(c.tax_residual_percent),
    }


def test_a_category_is_created_and_its_schedule_edited(signed_in, make_asset, manager):
    r = signed_in.post(
        "/assets/categories/new/",
        {
            "name": "Tablet",
            "ci_class": "",
            "book_method": "declining_balance",
            "book_life_years": "3",
            "book_rate": "50",
            "tax_method": "straight_line",
            "tax_life_years": "3",
            "tax_rate": "0",
            "book_residual_percent": "0",
            "tax_residual_percent": "0",
        },
    )
    assert r.status_code == 303
    tablet = Category.objects.get(slug="tablet")
    assert (tablet.book_method, tablet.book_rate) == ("declining_balance", Decimal("50.00"))
    page = signed_in.get("/assets/categories/").content.decode()
    assert "Declining balance, 3 years, 50.00 %" in page

    r = signed_in.post(
        "/assets/categories/tablet/edit/",
        _opened(_category_values(tablet), book_life_years="5", name="Tablets"),
    )
    assert r.status_code == 303
    tablet.refresh_from_db()
    assert (tablet.name, tablet.book_life_years, tablet.slug) == ("Tablets", 5, "tablet")
    entry = AuditEntry.objects.filter(object_id=str(tablet.pk), action="update").get()
    assert set(entry.changes) == {"name", "book_life_years"}


def test_a_categorys_cmdb_class_is_chosen_by_name_and_an_unknown_one_refused(
    signed_in, catalogue, system
):
    """A class name typed where the slug was expected ("Server") used to be saved, and every
    deploy of the category's assets then failed on ``ci_class``; so did a class whose CIs
    need an attribute (a network device's type). Now a list of the classes a deploy can
    create, shown by name, and the service refuses any other."""
    page = signed_in.get("/assets/categories/laptop/edit/").content.decode()
    assert '<option value="virtual_machine">Virtual machine</option>' in page
    values = _category_values(Category.objects.get(slug="laptop"))
    r = signed_in.post("/assets/categories/laptop/edit/", _opened(values, ci_class="Server"))
    assert r.status_code == 422
    with pytest.raises(ValidationFailed) as refused:
        services.category_create(system, name="Tablet", ci_class="Tablet computer")
    assert list(refused.value.fields) == ["ci_class"]
    assert "“Tablet computer” is not a CMDB class" in refused.value.fields["ci_class"][0]
    # a class whose CIs need an attribute a deploy does not know (its device type)
    assert "network_device" not in page
    with pytest.raises(ValidationFailed):
        services.category_create(system, name="Switch", ci_class="network_device")
    r = signed_in.post("/assets/categories/laptop/edit/", _opened(values, ci_class="server"))
    assert r.status_code == 303
    assert Category.objects.get(slug="laptop").ci_class == "server"
    listed = signed_in.get("/assets/categories/").content.decode()
    assert "<td>Server</td>" in listed


def test_category_bad_input_lands_on_its_field(signed_in, catalogue):
    laptop = Category.objects.get(slug="laptop")
    values = _category_values(laptop)
    r = signed_in.post("/assets/categories/laptop/edit/", _opened(values, book_life_years="0"))
    assert r.status_code == 422
    r = signed_in.post("/assets/categories/laptop/edit/", _opened(values, name="Server"))
    assert r.status_code == 422
    assert "a category of this name exists" in r.content.decode()
    r = signed_in.post("/assets/categories/laptop/edit/", _opened(values, ci_class="a\u0000b"))
    assert r.status_code == 422
    laptop.refresh_from_db()
    assert (laptop.name, laptop.book_life_years) == ("Laptop", 4)


def test_a_models_warranty_term_is_inherited_by_its_assets(
    signed_in, make_asset, catalogue, manager
):
    asset = make_asset(purchase_date=dt.date(2025, 1, 15))
    model = catalogue["laptop"]
    values = {
        "manufacturer": model.manufacturer,
        "name": model.name,
        "category": "laptop",
        "warranty_months": "36",
    }
    r = signed_in.post(f"/assets/models/{model.pk}/edit/", _opened(values, warranty_months="48"))
    assert r.status_code == 303
    asset = selectors.asset_get(manager, number=asset.number)
    assert asset.warranty_end == dt.date(2029, 1, 15)
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert '<dt>Warranty until</dt><dd><time datetime="2029-01-15">15 Jan 2029</time></dd>' in page


def test_a_model_is_created_and_a_duplicate_refused(signed_in, catalogue):
    new = {"manufacturer": "Apple", "name": "MacBook Air", "category": "laptop"}
    r = signed_in.post("/assets/models/new/", new | {"warranty_months": "12"})
    assert r.status_code == 303
    assert AssetModel.objects.filter(name="MacBook Air", warranty_months=12).exists()
    r = signed_in.post("/assets/models/new/", new | {"warranty_months": "12"})
    assert r.status_code == 422
    assert "already has a model" in r.content.decode()
    r = signed_in.post("/assets/models/new/", new | {"name": "Pro", "category": "nope"})
    assert r.status_code == 422
    server = catalogue["server"]
    values = {"manufacturer": "HPE", "name": "DL380", "category": "server", "warranty_months": "0"}
    r = signed_in.post(
        f"/assets/models/{server.pk}/edit/",
        _opened(values, manufacturer="Apple", name="MacBook Air"),
    )
    assert r.status_code == 422
    assert AssetModel.objects.get(pk=server.pk).manufacturer == "HPE"


def test_lists_read_in_a_fixed_number_of_queries(signed_in, system, make_asset):
    from steward.assets import services

    n = iter(range(1000))

    def add():
        i = next(n)
        category = services.category_create(system, name=f"Kind {i}")
        model = services.model_create(
            system, manufacturer="Maker", name=f"M{i}", category=category.slug
        )
        make_asset(model="laptop")
        return model

    few, more = grows(add, lambda: signed_in.get("/assets/categories/"))
    assert few == more
    few, more = grows(add, lambda: signed_in.get("/assets/models/"))
    assert few == more
    few, more = grows(add, lambda: signed_in.get("/assets/models/new/"))
    assert few == more


def test_pages_are_refused_to_others(client, catalogue):
    laptop = catalogue["laptop"]
    client.force_login(factories.agent(username="plain"))
    for path in ("/assets/categories/", "/assets/models/", f"/assets/models/{laptop.pk}/edit/"):
        assert client.get(path).status_code == 404, path
    assert client.post("/assets/categories/new/", {"name": "X"}).status_code == 404
    assert not Category.objects.filter(name="X").exists()
