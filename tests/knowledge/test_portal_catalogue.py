"""The help centre with the catalogue: one search finds articles and things to order, the
home lists the requester's open requests, and ordering ends a self-help journey as raised."""

from __future__ import annotations

import pytest

from steward.catalog import services as catalog_services
from steward.core import outbox
from steward.core.actor import Actor
from steward.knowledge.models import Journey
from tests import factories

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def laptop():
    team = factories.TeamFactory(name="Workplace", slug="workplace")
    service = catalog_services.service_create(SYSTEM, name="End-user devices", stage="live")
    return catalog_services.item_create(
        SYSTEM,
        name="New laptop",
        description="A standard laptop for a new or returning colleague.",
        service=service.slug,
        form=[{"key": "reason", "label": "Reason", "type": "text", "required": True}],
        approval_stages=[],
        task_templates=[{"title": "Prepare the laptop", "team": team.slug}],
    )


def test_one_search_finds_articles_and_catalogue_items(make_article, requester_web, laptop):
    make_article("Laptop will not charge", "Try another socket.", state="published")
    page = requester_web.get("/help/", {"q": "laptop"}).content.decode()
    assert "Laptop will not charge" in page
    assert f"/catalog/items/{laptop.slug}/" in page
    assert "Nothing in the catalogue matches" not in page
    other = requester_web.get("/help/", {"q": "printer"}).content.decode()
    assert f"/catalog/items/{laptop.slug}/" not in other
    assert "Nothing in the catalogue matches" in other


def test_home_lists_my_open_requests_only(requester_web, requester_user, laptop):
    mine = catalog_services.request_order(
        Actor(user=requester_user), item=laptop.slug, answers={"reason": "mine"}
    )
    someone = factories.UserFactory()
    theirs = catalog_services.request_order(
        Actor(user=someone), item=laptop.slug, answers={"reason": "theirs"}
    )
    page = requester_web.get("/help/").content.decode()
    assert mine.number in page
    assert theirs.number not in page


def test_ordering_in_the_window_ends_the_journey_as_raised(requester_web, requester_user, laptop):
    requester_web.get("/help/", {"q": "laptop"})
    request = catalog_services.request_order(
        Actor(user=requester_user), item=laptop.slug, answers={"reason": "new starter"}
    )
    outbox.dispatch_pending()
    assert Journey.objects.get().raised == request.number
