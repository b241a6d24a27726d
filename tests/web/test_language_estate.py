"""The estate reads German too (docs/decisions/0026-translations.md): the CMDB (CIs, a CI,
its edit form, relationships, the service map, the import), the asset pages, software
(products, licences, compliance) and the knowledge base's agent pages (an article's list,
edit form, review and statistics) carry no English word for a German asset manager."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from steward.assets import services as assets
from steward.cmdb.services import ci_create, relationship_create
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.knowledge.services import article_create, article_update
from steward.software import services as software
from tests import factories
from tests.conftest import as_actor
from tests.web.english_scan import ProseWords
from tests.web.test_language_agents import AGENT

# The estate's vocabulary, on top of the chrome's and the agents': words German text never
# contains. (Words German shares, such as "Asset", "Software", "Server", "Import", "Export",
# "Version", "Installation", "Name", are not listed.)
ESTATE_WORDS = """class classes relationship relationships environment criticality
    serial warranty purchase purchased cost vendor contract contracts loan loans stock
    disposal disposition certificate location model models manufacturer product products
    publisher licence licences device devices seats shortfall surplus compliance compliant
    quantity expiry term perpetual subscription article articles draft published retired
    audience everyone agents versions reviewed depends runs hosted connects part map labels
    count counts print add remove create created update updated unchanged rows row column
    columns preview attributes history services related source target type"""
ESTATE = AGENT | frozenset(ESTATE_WORDS.split())


def estate_english_words(html: bytes) -> list[str]:
    reader = ProseWords()
    reader.feed(html.decode())
    return sorted({w for w in reader.words if w.lower() in ESTATE})


@pytest.fixture
def german_asset_manager(db):
    user = factories.UserFactory(
        username="anke", first_name="Anke", roles=[Role.AGENT, Role.ASSET_MANAGER]
    )
    user.language = "de"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def estate_pages(german_asset_manager):
    """Every estate page an asset manager or agent works on, with a record of each kind."""
    system = Actor.system("tests")
    me = as_actor(german_asset_manager)
    host = ci_create(system, ci_class="server", name="srv-druck-01")
    service = ci_create(system, ci_class="business_service", name="Drucken")
    relationship_create(system, source=service.number, target=host.number, type="depends_on")
    laptop = assets.category_create(system, name="Notebook")
    model = assets.model_create(system, manufacturer="Dell", name="Latitude", category=laptop.slug)
    assets.stock_room_create(system, name="Lager")
    asset = assets.asset_create(
        system,
        asset_tag="INV-1",
        serial_number="SN-1",
        model=model.pk,
        status="in_stock",
        cost="1200.00",
        purchase_date=dt.date(2025, 1, 15),
    )
    product = software.product_create(system, publisher="Acme", name="Zeichner")
    licence = software.licence_create(
        system, product=product.slug, start_date=dt.date(2026, 1, 1), quantity=1
    )
    software.installation_create(system, product=product.slug, device=host.number)
    article = article_create(me, title="Drucker neu starten", body="Aus und wieder an.")
    review = article_create(me, title="VPN einrichten", body="Client öffnen.")
    article_update(me, number=review.number, expected_version=None, changes={"status": "review"})
    return [
        "/cmdb/",
        "/cmdb/cis/new/",
        f"/cmdb/cis/{host.number}/",
        f"/cmdb/cis/{service.number}/",
        f"/cmdb/cis/{host.number}/edit/",
        f"/cmdb/cis/{service.number}/map/",
        f"/cmdb/cis/{service.number}/impact/",
        "/cmdb/import/",
        "/assets/",
        "/assets/new/",
        f"/assets/{asset.number}/",
        f"/assets/{asset.number}/edit/",
        "/assets/stock/",
        "/assets/contracts/",
        "/assets/loans/",
        "/assets/disposition/",
        "/assets/labels/",
        "/assets/import/",
        "/assets/categories/",
        "/assets/models/",
        "/assets/counts/new/",
        "/software/",
        "/software/compliance/",
        "/software/products/new/",
        f"/software/{product.slug}/",
        f"/software/{product.slug}/edit/",
        "/software/licences/new/",
        f"/software/licences/{licence.number}/edit/",
        "/software/installations/new/",
        "/knowledge/",
        "/knowledge/new/",
        f"/knowledge/{article.number}/",
        f"/knowledge/{article.number}/edit/",
        f"/knowledge/{review.number}/",
        "/knowledge/stats/",
    ]


def test_the_estate_pages_read_german(german_asset_manager, estate_pages):
    client = Client()
    client.force_login(german_asset_manager)
    left_over = {}
    for url in estate_pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Language"] == "de", url
        if words := estate_english_words(answer.content):
            left_over[url] = words
    assert not left_over, f"English on German pages: {left_over}"


def test_the_estate_words_catch_an_english_estate_page(german_asset_manager, estate_pages):
    german_asset_manager.language = "en"
    german_asset_manager.save(update_fields=["language"])
    client = Client()
    client.force_login(german_asset_manager)
    english = set(estate_english_words(client.get(estate_pages[2]).content))
    assert {"Class", "Relationships"} <= english
