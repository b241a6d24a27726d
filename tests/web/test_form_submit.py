"""``steward.web.forms.submit``: one way to save a form, for full pages and htmx partials."""

from __future__ import annotations

import pytest

from tests.web.conftest import signed_in
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}


@pytest.fixture
def client(probe, agent_user):
    return signed_in(agent_user)


def alerts(html: bytes) -> list[str]:
    return [text_of(e) for e in elements(html) if e.attrs.get("role") == "alert"]


def field_errors(html: bytes, name: str) -> list[str]:
    """The errors shown inside the field wrapper of input ``name``."""
    wrappers = [
        e
        for e in elements(html, "div")
        if "field" in e.attrs.get("class", "").split()
        and any(i.attrs.get("name") == name for i in elements(html, "input") if e in i.ancestors)
    ]
    [wrapper] = wrappers
    errors = elements(html, "span", **{"class": "error"})
    return [text_of(s) for s in errors if wrapper in s.ancestors]


def test_success_redirects_with_see_other_so_a_reload_never_posts_again(client, probe):
    response = client.post("/probe/save/", {"name": "printer"})

    assert response.status_code == 303
    assert response["Location"] == "/probe/things/printer/"
    assert probe.SAVED == [{"version": None, "name": "printer", "team": ""}]


def test_htmx_fragment_success_sends_the_browser_to_the_next_page(client):
    response = client.post("/probe/save/", {"name": "printer"}, headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/probe/things/printer/"


def test_boosted_form_success_is_an_ordinary_see_other(client):
    response = client.post("/probe/save/", {"name": "printer"}, headers=BOOSTED)
    assert response.status_code == 303


def test_success_may_answer_itself(client):
    response = client.post("/probe/save/?success=response", {"name": "printer"})
    assert (response.status_code, response.content) == (201, b"saved printer")


def test_invalid_input_never_reaches_the_service(client, probe):
    response = client.post("/probe/save/", {"name": "x" * 21})

    assert response.status_code == 422
    assert field_errors(response.content, "name") == [
        "Ensure this value has at most 20 characters (it has 21)."
    ]
    assert probe.SAVED == []


def test_service_error_on_a_field_is_shown_beside_that_field(client):
    response = client.post("/probe/save/", {"name": "taken"})

    assert response.status_code == 422
    assert b"<html" in response.content  # the whole page again
    assert field_errors(response.content, "name") == ["already taken"]
    assert alerts(response.content) == []
    [name] = elements(response.content, "input", name="name")
    assert name.attrs["value"] == "taken"  # what was typed is kept


def test_service_field_names_are_mapped_to_the_forms(client):
    response = client.post("/probe/save/", {"name": "bad-team", "team": "nope"})
    assert field_errors(response.content, "team") == ["no such team"]


def test_service_error_naming_no_field_of_the_form_is_shown_on_top(client):
    response = client.post("/probe/save/", {"name": "vague"})

    assert response.status_code == 422
    assert alerts(response.content) == ["The colour is wrong."]


def test_a_refusal_is_shown_on_the_form_and_keeps_the_input(client):
    response = client.post("/probe/save/", {"name": "forbidden"})

    assert response.status_code == 422
    assert alerts(response.content) == ["Only leads may do this."]


def test_a_conflict_is_shown_on_the_form(client):
    response = client.post("/probe/save/", {"name": "conflict"})
    assert (response.status_code, alerts(response.content)) == (422, ["It is closed."])


def test_stale_version_says_so_and_offers_a_reload(client):
    response = client.post("/probe/save/", {"name": "stale", "version": "6"})

    assert response.status_code == 422
    [alert] = alerts(response.content)
    assert "changed since you opened it" in alert
    [reload] = [a for a in elements(response.content, "a") if text_of(a) == "Reload"]
    assert reload.attrs["href"] == "/probe/save/"


def test_the_record_gone_is_the_404_page_not_a_form_error(client):
    response = client.post("/probe/save/", {"name": "gone"})

    assert response.status_code == 404
    assert b"There is nothing here" in response.content


def test_htmx_failure_returns_only_the_forms_partial_with_422(client):
    response = client.post("/probe/save/", {"name": "taken"}, headers=HTMX)

    assert response.status_code == 422  # web/base.html lets htmx swap 422
    assert b"<html" not in response.content
    assert elements(response.content, "section", id="panel")
    assert field_errors(response.content, "name") == ["already taken"]


def test_boosted_failure_returns_the_whole_page(client):
    response = client.post("/probe/save/", {"name": "taken"}, headers=BOOSTED)
    assert response.status_code == 422
    assert b"<html" in response.content
