"""The catalogue's search filters as one types (htmx: the bar and the items alone, the
address pushed) and, without JavaScript, as an ordinary GET form with its Show button."""

from __future__ import annotations

from django.test import Client

from tests.web.html import elements

HX = {"HTTP_HX_REQUEST": "true"}


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(html: bytes) -> list[str]:
    return sorted(
        e.text.strip() for e in elements(html, "a") if "/catalog/items/" in e.attrs.get("href", "")
    )


def test_the_search_asks_as_one_types_like_the_other_filter_bars(make_item, requester):
    make_item(slug="laptop", name="New laptop")
    page = web(requester.user).get("/catalog/").content
    [form] = [f for f in elements(page, "form") if f.attrs.get("role") == "search"]
    assert form.attrs["hx-get"] == form.attrs["action"] == "/catalog/"
    assert form.attrs["hx-target"] == "#catalogue"
    assert form.attrs["hx-sync"] == "this:replace"  # a newer question replaces the older
    assert form.attrs["hx-push-url"] == "true"  # reload and back keep the search
    assert "input from:find input[type=search] delay:300ms" in form.attrs["hx-trigger"]
    assert form.attrs["hx-vals"] == '{"partial": "1"}'
    # the button is for a browser without JavaScript only
    assert b'<noscript><button type="submit">Show</button></noscript>' in page


def test_typing_gets_the_bar_and_the_matching_items_alone_and_no_script_the_page(
    make_item, requester
):
    make_item(slug="laptop", name="New laptop")
    make_item(slug="monitor", name="Monitor")
    client = web(requester.user)
    answer = client.get("/catalog/", {"q": "laptop", "partial": "1"}, **HX)
    assert answer.status_code == 200
    fragment = answer.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith("<form")
    assert 'value="laptop"' in fragment  # the bar comes back with what was typed
    assert names(answer.content) == ["New laptop"]
    # without JavaScript (no htmx header): the whole page, even with the marker in a copied
    # address
    for query in ({"q": "monitor"}, {"q": "monitor", "partial": "1"}):
        page = client.get("/catalog/", query)
        assert page.status_code == 200
        assert b"<html" in page.content
        assert names(page.content) == ["Monitor"]
