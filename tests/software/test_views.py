"""The software pages: who sees them, what they show, the licence form, the CSV export."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.choices import Role
from steward.software.models import Licence
from tests import factories
from tests.query_counts import grows, queries
from tests.software.conftest import TODAY, install, make_licence, make_product
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_web():
    return client_for(factories.UserFactory(roles=[Role.AGENT, Role.ASSET_MANAGER]))


def test_requesters_get_404_and_no_menu_entry():
    client = client_for(factories.requester())
    assert client.get("/software/").status_code == 404
    assert client.get("/software/compliance/").status_code == 404
    assert b'href="/software/"' not in client.get("/").content


def test_agents_read_but_get_no_licence_buttons():
    product = make_product()
    client = client_for(factories.agent())
    page = client.get(f"/software/{product.slug}/")
    assert page.status_code == 200
    assert b"Add licence" not in page.content
    assert client.get("/software/licences/new/").status_code == 403


def test_report_lists_the_short_product_first(manager_web):
    fine, short = make_product(name="Aaa fine"), make_product(name="Zzz short")
    make_licence(fine, quantity=3)
    install(short)
    html = manager_web.get("/software/compliance/").content.decode()
    assert html.index("Zzz short") < html.index("Aaa fine")
    assert "1 product out of compliance" in html


def test_report_words_a_site_licence_once(manager_web):
    """The entitled column read "Unlimited site / unlimited" (walk29): "Unlimited" before a
    metric whose name says it already. A site licence reads as its metric alone."""
    product = make_product(name="Zip tool")
    make_licence(product, metric="site", quantity=0)
    install(product)
    html = manager_web.get("/software/compliance/").content.decode()
    assert "Site / unlimited" in [text_of(td) for td in elements(html, "td")]
    assert "Unlimited site" not in html


def test_licence_form_creates_and_shows_field_errors(manager_web):
    product = make_product()
    bad = manager_web.post(
        "/software/licences/new/",
        {
            "product": product.slug,
            "metric": "device",
            "term": "perpetual",
            "quantity": 2,
            "cost": "0",
            "start_date": "2026-06-01",
            "end_date": "2026-01-01",
        },
    )
    assert bad.status_code == 422
    assert b"must be on or after the start date" in bad.content
    good = manager_web.post(
        "/software/licences/new/",
        {
            "product": product.slug,
            "metric": "device",
            "term": "perpetual",
            "quantity": 2,
            "cost": "10.50",
            "start_date": "2026-06-01",
        },
    )
    assert good.status_code == 303
    licence = Licence.objects.get()
    assert (licence.quantity, str(licence.cost)) == (2, "10.50")
    edited = manager_web.post(
        f"/software/licences/{licence.number}/edit/",
        {
            "version": licence.version,
            "product": product.slug,
            "metric": "device",
            "term": "perpetual",
            "quantity": 5,
            "cost": "10.50",
            "start_date": "2026-06-01",
        },
    )
    assert edited.status_code == 303
    licence.refresh_from_db()
    assert licence.quantity == 5


def test_export_neutralises_formula_cells(manager_web):
    make_product(publisher="=HYPERLINK(1)", name="+evil", version_family="@x")
    body = manager_web.get("/software/compliance.csv").content.decode()
    assert "'=HYPERLINK(1)" in body
    assert "'+evil" in body
    assert "'@x" in body


def test_pages_do_not_grow_with_rows(manager_web):
    product = make_product()
    make_licence(product, start_date=TODAY, quantity=1)
    few, more = grows(lambda: install(make_product()), lambda: manager_web.get("/software/"))
    assert more == few
    few, more = grows(
        lambda: install(product, cores=1), lambda: manager_web.get(f"/software/{product.slug}/")
    )
    assert more == few
    assert queries(lambda: manager_web.get(f"/software/{product.slug}/")) <= 14
