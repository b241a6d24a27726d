"""The change lists' filters (``steward/changes/filters.py``), one schema read by the API and
by the web pages: an empty value means "any", an unknown value is a 422 naming the field in
the API and a message beside the field on the page, and the page works from its default
state."""

from __future__ import annotations

import re

import pytest

from steward.changes.filters import ChangeFilters, ChangeQueueFilters
from steward.core.filters import parse_query
from tests.changes.conftest import HIGH

pytestmark = pytest.mark.django_db

# what the list's form sends from its default state: every filter at "Any …", no search
DEFAULT_FORM = {"queue": "mine", "q": "", "status": "", "type": "", "risk": "", "team": ""}
EMPTY_API = {
    "status": "",
    "type": "",
    "risk": "",
    "team": "",
    "ci": "",
    "requester": "",
    "planned_after": "",
    "planned_before": "",
    "q": "",
    "cursor": "",
    "limit": "",
}


@pytest.fixture
def two(new_change):
    return new_change(title="Risky one", risk_answers=HIGH), new_change(title="Harmless one")


def _numbers(response) -> list[str]:
    return [item["number"] for item in response.json()["items"]]


# --- the schema ---------------------------------------------------------------------------


def test_empty_values_are_any():
    filters = ChangeFilters(**EMPTY_API)

    assert filters.status == filters.type == filters.risk == []
    assert filters.planned_after is None
    assert filters.limit is None
    assert filters.cursor is None


@pytest.mark.parametrize("field", ["status", "type", "risk"])
def test_an_unknown_choice_is_refused_naming_the_field(rf, field):
    _, refused = parse_query(ChangeQueueFilters, rf.get("/", {field: ["", "nope"]}).GET)

    assert refused == {field: ["unknown value 'nope'"]}


def test_the_page_reads_lists_and_single_values_from_the_query(rf):
    query = rf.get("/", {"status": ["draft", "assessment"], "team": " ops ", "queue": ""}).GET

    filters, refused = parse_query(ChangeQueueFilters, query)

    assert refused == {}
    assert (filters.status, filters.team, filters.queue) == (["draft", "assessment"], "ops", "")


# --- the API ------------------------------------------------------------------------------


def test_the_api_treats_empty_values_as_any(agent_api, two):
    everything = agent_api.get("/api/v1/changes")
    emptied = agent_api.get("/api/v1/changes", EMPTY_API)

    assert emptied.status_code == 200, emptied.content
    assert _numbers(emptied) == _numbers(everything) == [two[1].number, two[0].number]


@pytest.mark.parametrize(
    ("field", "value"), [("status", "nope"), ("type", "weird"), ("risk", "huge")]
)
def test_the_api_names_the_field_of_an_unknown_value(agent_api, field, value):
    answer = agent_api.get("/api/v1/changes", {field: value})

    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {field: [f"unknown value {value!r}"]}


def test_the_other_change_lists_treat_empty_values_as_any(admin_api):
    assert admin_api.get("/api/v1/freeze-windows", {"active_at": "", "q": ""}).status_code == 200
    assert admin_api.get("/api/v1/change-templates", {"is_active": ""}).status_code == 200


# --- the page -----------------------------------------------------------------------------


def test_the_page_works_from_its_default_state(web, two):
    page = web.get("/changes/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Risky one" in text
    assert "Harmless one" in text
    assert 'role="alert"' not in text
    assert "aria-invalid" not in text
    for name in ("status", "type", "risk"):  # every filter starts at "Any …"
        select = re.search(rf'<select name="{name}".*?</select>', text, re.S).group(0)
        assert not re.search(r'value="[^"]+" selected', select)


def test_the_default_form_submitted_with_htmx_returns_the_same_rows(web, two):
    rows = web.get("/changes/", DEFAULT_FORM | {"partial": "1"}, HTTP_HX_REQUEST="true")

    assert rows.status_code == 200
    assert b"<html" not in rows.content
    assert b'<tbody id="rows">' in rows.content
    assert b"Risky one" in rows.content
    assert b"Harmless one" in rows.content


def test_typing_a_search_from_the_default_state_narrows_the_rows(web, two):
    rows = web.get(
        "/changes/", DEFAULT_FORM | {"q": "risky", "partial": "1"}, HTTP_HX_REQUEST="true"
    )

    assert rows.status_code == 200
    assert b"Risky one" in rows.content
    assert b"Harmless one" not in rows.content


def test_the_page_and_the_api_select_the_same_changes(web, agent_api, two):
    page = web.get("/changes/", {"queue": "all", "risk": "high"}).content.decode()
    api = _numbers(agent_api.get("/api/v1/changes", {"risk": "high"}))

    assert api == [two[0].number]
    assert two[0].number in page
    assert two[1].number not in page


def test_an_unknown_value_is_named_beside_its_field_not_in_the_table(web, two):
    page = web.get("/changes/", {"queue": "all", "status": "bogus"})

    assert page.status_code == 422
    text = page.content.decode()
    bar = re.search(r'<div class="filter invalid">(.*?)</div>', text, re.S).group(1)
    assert 'name="status"' in bar
    assert re.search(r'class="error" role="alert">Status: unknown value &#x27;bogus&#x27;<', bar)
    rows = text[text.index('<tbody id="rows">') :]
    assert "correct the filter marked above" in rows
    assert "Risky one" not in rows
    assert "unknown value" not in rows


def test_an_unknown_value_with_htmx_redraws_the_filters_not_a_page_in_the_table(web, two):
    page = web.get(
        "/changes/", DEFAULT_FORM | {"type": "weird", "partial": "1"}, HTTP_HX_REQUEST="true"
    )

    assert page.status_code == 422  # htmx swaps it: the bar and the rows, in #listing
    assert b"<html" not in page.content
    assert page.content.decode().lstrip().startswith('<form class="filters"')
    assert b'role="alert">Type: unknown value' in page.content
    assert b"correct the filter marked above" in page.content


def test_a_refused_filter_the_form_does_not_show_is_named_above_it(web):
    page = web.get("/changes/", {"planned_after": "yesterday"})

    assert page.status_code == 422
    assert re.search(r'class="error" role="alert">planned_after: ', page.content.decode())


def test_the_freeze_page_reads_the_api_schema(cm_user, client):
    client.force_login(cm_user)

    assert client.get("/changes/freezes/", {"q": "", "cursor": "", "ci": ""}).status_code == 200
    refused = client.get("/changes/freezes/", {"active_at": "soon"})
    assert refused.status_code == 422
    assert b"active_at: " in refused.content
