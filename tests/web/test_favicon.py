"""The icon: every page links it, and ``/favicon.ico`` (which browsers and tools ask for
without reading the page) answers with it instead of the 404 it was on every page."""

from __future__ import annotations

import pytest

from tests.web.html import elements

pytestmark = pytest.mark.django_db


def test_every_page_links_the_icon_and_favicon_ico_leads_to_it(client):
    [icon] = [
        e for e in elements(client.get("/login/").content, "link") if e.attrs["rel"] == "icon"
    ]
    assert icon.attrs["type"] == "image/svg+xml"
    assert icon.attrs["href"].endswith(".svg")

    asked = client.get("/favicon.ico")  # signed out: the sign-in page asks for it too

    assert asked.status_code == 301
    assert asked["Location"] == icon.attrs["href"]
    assert client.post("/favicon.ico").status_code == 405
