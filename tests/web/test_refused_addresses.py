"""A web list's address with a forged ``?cursor=`` or a ``?limit=`` out of range is a 422
page naming the parameter, never a 500.

The list selectors refuse both with ``ValidationFailed`` (the API answers 422); these pages
let it escape, and a bookmarked link with a stale cursor, or a hand-edited one, was a server
error. ``DomainErrorPageMiddleware`` now answers a GET's refusal with the 422 page."""

from __future__ import annotations

import pytest

from steward.core.actor import Actor
from steward.software import services as software_services

PAGES = [
    "/administration/users/",
    "/teams/",
    "/catalog/",
    "/catalog/requests/",
    "/catalog/tasks/",
    "/changes/delegations/",
    "/changes/templates/",
    "/mailboxes/messages/",
    "/sla/",
    "/sla/calendars/",
    "/assets/disposition/",
    "/software/{product}/",
]
# the pages reading ?limit= (the others set their own page size)
WITH_LIMIT = {
    "/administration/users/",
    "/catalog/requests/",
    "/catalog/tasks/",
    "/mailboxes/messages/",
    "/sla/",
    "/sla/calendars/",
    "/software/{product}/",
}
CASES = [(page, {"cursor": "!!!garbage"}, "cursor") for page in PAGES] + [
    (page, {"limit": "-5"}, "limit") for page in PAGES if page in WITH_LIMIT
]


@pytest.fixture
def product(admin_user):
    return software_services.product_create(Actor(user=admin_user), publisher="Acme", name="Zip")


@pytest.mark.parametrize(
    ("page", "query", "name"), CASES, ids=[f"{page}?{name}" for page, _, name in CASES]
)
def test_a_refused_paging_parameter_is_a_422_page_naming_it(
    admin_client, product, page, query, name
):
    path = page.format(product=product.slug)
    response = admin_client.get(path, query)
    assert response.status_code == 422, (path, response.status_code)
    assert f"<strong>{name}</strong>" in response.content.decode()
    assert response["Content-Security-Policy"]


def test_a_posted_validation_error_escaping_a_view_is_still_a_bug(admin_client, settings):
    """Only a GET's refusal is the address's: a POST's is its form's business (500 if not)."""
    from django.test import RequestFactory

    from steward.core.errors import ValidationFailed
    from steward.web.middleware import DomainErrorPageMiddleware

    request = RequestFactory().post("/anything/")
    middleware = DomainErrorPageMiddleware(lambda r: None)
    assert middleware.process_exception(request, ValidationFailed.one("x", "bad")) is None
