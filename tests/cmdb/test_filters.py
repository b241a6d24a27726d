"""One filter schema per CMDB list, read the same way by the API and the CI list page: an
empty value means "any"; an unknown value is a 422 naming the field in the API and a message
beside the field on the page, whose table still lists what the form shows."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from steward.cmdb.filters import CIFilters, CIMatch, parse
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.contract.shape import assert_error

EMPTY = {"q": "", "class": "", "status": "", "environment": "", "owner_team": ""}


@pytest.fixture
def browser(db) -> Client:
    client = Client()
    client.force_login(factories.agent())
    return client


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


# --- the schema ----------------------------------------------------------------------------


def test_empty_values_mean_any():
    filters, errors = parse(CIFilters, EMPTY)

    assert errors == {}
    assert {k: v for k, v in filters.dict().items() if v} == {}


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "broken"}, "status"), ({"environment": "moon"}, "environment")],
    ids=["status", "environment"],
)
def test_an_unknown_value_is_named_and_the_rest_kept(query, field):
    filters, errors = parse(CIFilters, {"q": " alpha ", "class": "server", **query})

    assert list(errors) == [field]
    assert errors[field].startswith("one of ")  # as a person reads it, no "Value error"
    assert filters.q == "alpha"
    assert filters.ci_class == "server"
    assert getattr(filters, field) == ""  # refused: reads as "any"


def test_the_export_reads_the_list_filters_without_paging():
    assert set(CIMatch.model_fields) < set(CIFilters.model_fields)
    assert {"cursor", "limit"} == set(CIFilters.model_fields) - set(CIMatch.model_fields)


# --- the API -------------------------------------------------------------------------------


def test_the_api_reads_empty_filters_as_any(agent_api):
    live = make_ci(status="live")
    planned = make_ci(status="planned", environment="test")

    assert sorted(numbers(agent_api.get("/api/v1/cis", EMPTY))) == sorted(
        [live.number, planned.number]
    )
    assert numbers(agent_api.get("/api/v1/cis", {**EMPTY, "status": "planned"})) == [planned.number]


@pytest.mark.parametrize("field", ["status", "environment"])
def test_the_api_refuses_an_unknown_value_naming_the_field(agent_api, field):
    response = agent_api.get("/api/v1/cis", {field: "nonsense"})

    error = assert_error(response, 422, "validation_error", field=field)
    assert error["fields"][field][0].startswith("one of ")


def test_the_api_export_refuses_an_unknown_value_naming_the_field(agent_api):
    response = agent_api.get("/api/v1/cis/export.csv", {"environment": "moon"})

    assert_error(response, 422, "validation_error", field="environment")


# --- the page ------------------------------------------------------------------------------


def beside(content: str, field: str) -> str:
    """The message shown beside ``field``'s control in the filter bar ('' when none)."""
    match = re.search(
        rf'<div class="filter invalid">\s*<label class="sr-only" for="id_{field}">.*?'
        r'<span class="error" role="alert">(?P<message>[^<]*)</span>',
        content,
        re.S,
    )
    return match["message"] if match else ""


def test_the_page_default_state_lists_every_ci_with_no_message(browser):
    ci = make_ci(name="default-srv")

    page = browser.get("/cmdb/")

    content = page.content.decode()
    assert page.status_code == 200
    assert ci.number in content
    assert '<form class="filters"' in content  # the shared filter bar
    assert "filter invalid" not in content
    assert 'role="alert"' not in content


def test_the_page_submitted_from_its_default_state_filters(browser):
    """The form sends every field, the empty ones too: that is "any", never an error."""
    live = make_ci(name="live-srv", status="live")
    retired = make_ci(name="old-srv", status="retired")

    page = browser.get("/cmdb/", {**EMPTY, "status": "retired"})

    assert page.status_code == 200
    assert retired.number in page.content.decode()
    assert live.number not in page.content.decode()
    assert 'role="alert"' not in page.content.decode()


def test_a_search_from_the_default_state_finds_by_name_or_number(browser):
    alpha, beta = make_ci(name="alpha-srv"), make_ci(name="beta-db")

    by_name = browser.get("/cmdb/", {**EMPTY, "q": "alpha"}).content.decode()
    by_number = browser.get("/cmdb/", {**EMPTY, "q": beta.number.lower()}).content.decode()

    assert alpha.number in by_name
    assert beta.number not in by_name
    assert beta.number in by_number
    assert alpha.number not in by_number
    assert 'value="alpha"' in by_name  # the bar shows what was searched


def test_an_unknown_value_is_a_message_beside_its_field_and_the_table_stays(browser):
    ci = make_ci(name="still-listed")

    page = browser.get("/cmdb/", {"status": "broken"})

    content = page.content.decode()
    assert page.status_code == 200
    assert beside(content, "status").startswith("Status: one of planned, live")
    assert ci.number in content  # the refused filter reads as "any", as the form shows it
    assert "No configuration items match" not in content


def test_an_unknown_class_is_a_message_beside_the_class_field(browser):
    ci = make_ci()

    page = browser.get("/cmdb/", {"class": "toaster"})

    content = page.content.decode()
    assert page.status_code == 200
    assert beside(content, "class") == "Class: no CI class &#x27;toaster&#x27;"
    assert ci.number in content


def test_a_bad_attribute_filter_is_named_above_the_table(browser):
    linux = make_ci("server", attributes={"os": "linux"})
    windows = make_ci("server", attributes={"os": "windows"})

    page = browser.get("/cmdb/", {"class": "server", "attr.os": "beos", "attr.Bad": "x"})

    content = page.content.decode()
    assert page.status_code == 200
    assert '<div class="error" role="alert" id="other-errors">attr.Bad: ' in content
    assert linux.number in content
    assert windows.number in content


def test_the_htmx_answer_swaps_the_bar_with_its_messages_and_the_rows(browser):
    ci = make_ci(environment="staging")

    page = browser.get(
        "/cmdb/", {**EMPTY, "environment": "moon", "partial": "1"}, headers={"HX-Request": "true"}
    )

    content = page.content.decode()
    assert page.status_code == 200  # htmx swaps it; an error status would leave the old rows
    assert "<html" not in content  # only the bar and the table
    assert ci.number in content
    assert beside(content, "environment").startswith("Environment: one of ")
    assert beside(content, "status") == ""  # a fixed field's message is gone
    assert 'id="id_q"' in content  # the search keeps its id: htmx keeps the focus in it


def test_the_page_export_refuses_an_unknown_value_naming_it(browser):
    response = browser.get("/cmdb/export.csv", {"status": "broken"})

    assert response.status_code == 422
    assert response.content.decode().startswith("status: one of ")


@pytest.mark.parametrize(
    ("raw", "shown"), [("", 2), ("abc", 2), ("0", 1), ("9", 3)], ids=["empty", "text", "0", "9"]
)
def test_the_service_map_depth_falls_back_or_is_brought_within_bounds(browser, raw, shown):
    ci = make_ci()

    page = browser.get(f"/cmdb/cis/{ci.number}/map/", {"depth": raw})

    assert page.status_code == 200
    assert f'href="?depth={shown}" aria-current="page"' in page.content.decode()


def test_the_impact_panel_reads_a_depth_that_is_no_number_as_the_default(browser):
    ci = make_ci()

    assert browser.get(f"/cmdb/cis/{ci.number}/impact/", {"depth": "abc"}).status_code == 200
    assert browser.get(f"/cmdb/cis/{ci.number}/impact/", {"depth": "11"}).status_code == 422
    assert browser.get(f"/cmdb/cis/{ci.number}/impact/", {"direction": "left"}).status_code == 422


def test_the_list_pages_on_keeping_every_filter(browser):
    first_two = [make_ci(name=f"page-{i}").number for i in range(2)]
    last = make_ci(name="page-2").number
    other = make_ci(name="other").number

    first = browser.get("/cmdb/", {"q": "page-", "limit": "2"}).content.decode()
    found = re.search(r'<a class="button" rel="next" href="\?([^"]+)"', first)
    assert found, "a next-page link"
    query = html.unescape(found[1])
    second = browser.get(f"/cmdb/?{query}").content.decode()

    assert [n in first for n in (*first_two, last)] == [True, True, False]
    assert ("q=page-" in query, "cursor=" in query) == (True, True)
    assert [n in second for n in (*first_two, last, other)] == [False, False, True, False]
    assert "First page" in second


@pytest.mark.parametrize(
    ("query", "field"),
    [({"cursor": "garbage"}, "cursor"), ({"limit": "0"}, "limit"), ({"limit": "abc"}, "limit")],
    ids=["cursor", "limit-0", "limit-text"],
)
def test_a_bad_paging_value_in_a_link_is_named_and_the_first_page_listed(browser, query, field):
    ci = make_ci(name="first-page")

    page = browser.get("/cmdb/", query)

    content = page.content.decode()
    assert page.status_code == 200
    assert f'<div class="error" role="alert" id="other-errors">{field}: ' in content
    assert ci.number in content


# --- an attribute's name is a key, never a lookup --------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["os__regex", "os__iregex", "os__contains", "os__gt", "os__startswith"],
)
def test_an_attribute_filter_name_is_one_key_not_a_django_lookup(agent_api, browser, name):
    """``attr.os__regex=(`` was read as ``attributes__os__regex``: a regular expression run
    on every CI (a bad one a 500, a slow one a request's CPU), and ``__contains``, ``__gt``
    matched by part or by order. A name is one key compared for equality, on the API, its
    export and the page alike: no CI has the key ``os__regex``, so nothing matches."""
    linux = make_ci("server", attributes={"os": "linux"})
    query = {f"attr.{name}": "("}
    query_part = {f"attr.{name}": "lin"}

    assert numbers(agent_api.get("/api/v1/cis", query)) == []
    assert numbers(agent_api.get("/api/v1/cis", query_part)) == []
    exported = agent_api.get("/api/v1/cis/export.csv", query)
    assert exported.status_code == 200
    assert linux.number not in b"".join(exported.streaming_content).decode()
    page = browser.get("/cmdb/", query_part)
    assert page.status_code == 200
    assert linux.number not in page.content.decode()
    assert numbers(agent_api.get("/api/v1/cis", {"attr.os": "linux"})) == [linux.number]
