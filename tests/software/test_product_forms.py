"""Product and installation forms on the web: create and edit a product (only the changed
fields sent, a stale version keeps the input and offers a reload, rules one a line), enter
an installation with product, device and user picked by name; fixed query counts; refused
to those who may not manage software."""

import pytest

from steward.software import services
from steward.software.models import Installation, Product
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.query_counts import grows, queries
from tests.software.conftest import SYSTEM, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager.user)
    return client


def _opened(product: Product, **typed) -> dict:
    values = {
        "publisher": product.publisher,
        "name": product.name,
        "version_family": product.version_family,
        "description": product.description,
        "match_rules": "\n".join(product.match_rules),
    }
    data = {f"initial-{k}": v for k, v in values.items()} | values
    return data | {"version": str(product.version)} | typed


def test_a_product_is_created_with_its_rules(signed_in):
    r = signed_in.post(
        "/software/products/new/",
        {
            "publisher": "Adobe",
            "name": "Photoshop",
            "version_family": "2025",
            "match_rules": "photoshop*\n\nadobe photoshop 2025\n",
        },
    )
    assert r.status_code == 303
    product = Product.objects.get(name="Photoshop")
    assert r["Location"] == f"/software/{product.slug}/"
    assert product.match_rules == ["photoshop*", "adobe photoshop 2025"]
    r = signed_in.post(
        "/software/products/new/",
        {"publisher": "Adobe", "name": "Photoshop", "version_family": "2025"},
    )
    assert r.status_code == 422
    assert "already has a product" in r.content.decode()
    r = signed_in.post(
        "/software/products/new/", {"publisher": "X", "name": "Y", "match_rules": "bad$rule"}
    )
    assert r.status_code == 422
    assert "rule 1" in r.content.decode()


def test_an_edit_sends_only_what_changed_and_a_stale_one_offers_a_reload(signed_in):
    product = make_product(description="old")
    page = signed_in.get(f"/software/{product.slug}/").content.decode()
    assert f'href="/software/{product.slug}/edit/"' in page
    opened = _opened(product, name="Tool renamed")
    services.product_update(
        SYSTEM, slug=product.slug, expected_version=1, changes={"description": "theirs"}
    )
    r = signed_in.post(f"/software/{product.slug}/edit/", opened)
    assert r.status_code == 422
    assert "Reload" in r.content.decode()
    product.refresh_from_db()
    r = signed_in.post(f"/software/{product.slug}/edit/", _opened(product, name="Tool renamed"))
    assert r.status_code == 303
    product.refresh_from_db()
    assert (product.name, product.description, product.version) == ("Tool renamed", "theirs", 3)


def test_an_installation_is_entered_by_name(signed_in, manager):
    product = make_product(name="Visio")
    host = make_ci("server", name="ws-visio-01")
    person = factories.agent(username="vera")
    page = signed_in.get(f"/software/installations/new/?product={product.slug}").content.decode()
    assert 'value="Acme Visio"' in page  # the product picker reads as its name
    r = signed_in.post(
        "/software/installations/new/",
        {"product": product.slug, "device": host.number, "user": "vera", "cores": "4"},
    )
    assert r.status_code == 303
    assert r["Location"] == f"/software/{product.slug}/"
    installation = Installation.objects.get(product=product)
    assert (installation.device_id, installation.user_id, installation.cores) == (
        host.pk,
        person.pk,
        4,
    )
    r = signed_in.post(
        "/software/installations/new/", {"product": product.slug, "device": host.number}
    )
    assert r.status_code == 422
    assert "already installed" in r.content.decode()
    r = signed_in.post("/software/installations/new/", {"product": product.slug, "device": ""})
    assert r.status_code == 422


def test_the_forms_read_in_a_fixed_number_of_queries(signed_in):
    product = make_product()
    few, more = grows(make_product, lambda: signed_in.get(f"/software/{product.slug}/edit/"))
    assert few == more
    few, more = grows(make_product, lambda: signed_in.get("/software/products/new/"))
    assert few == more
    assert queries(lambda: signed_in.get(f"/software/installations/new/?product={product.slug}"))


def test_others_are_refused(client, agent, requester):
    product = make_product()
    client.force_login(agent.user)
    assert client.get("/software/products/new/").status_code == 403
    assert client.get(f"/software/{product.slug}/edit/").status_code == 403
    client.force_login(requester.user)
    assert client.get("/software/installations/new/").status_code == 404
    assert (
        client.post("/software/products/new/", {"publisher": "a", "name": "b"}).status_code == 404
    )
    assert not Product.objects.filter(name="b").exists()
