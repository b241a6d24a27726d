"""The document's query parameters say what the lists accept: a page size between 1 and
the maximum, a blank date or yes/no filter (no filter), and no number for a date."""

import pytest

from steward.api.main import api
from steward.core.pagination import MAX_LIMIT

pytestmark = pytest.mark.django_db


def _list_parameters():
    for path, item in api.get_openapi_schema()["paths"].items():
        if "{" not in path and "get" in item:
            for parameter in item["get"].get("parameters", []):
                yield path, parameter


def test_every_blank_filter_the_document_allows_is_accepted(admin_api):
    blank = [
        (path, p["name"])
        for path, p in _list_parameters()
        if {"type": "string", "maxLength": 0} in p["schema"].get("anyOf", [])
    ]
    assert ("/api/v1/users", "is_active") in blank
    assert ("/api/v1/incidents", "created_before") in blank
    refused = [
        (path, name, response.status_code)
        for path, name in blank
        if (response := admin_api.get(f"{path}?{name}=")).status_code != 200
    ]
    assert refused == []


def test_the_page_size_range_is_in_the_document_and_enforced(admin_api):
    limits = [(path, p["schema"]) for path, p in _list_parameters() if p["name"] == "limit"]
    assert len(limits) > 10
    # the range is the number's; the other kind is the blank (tests/api/test_blank_query.py)
    numbers = [k for _, s in limits for k in s["anyOf"] if k.get("type") == "integer"]
    assert len(numbers) == len(limits)
    assert all(k["minimum"] == 1 and k["maximum"] == MAX_LIMIT for k in numbers)
    assert admin_api.get(f"/api/v1/users?limit={MAX_LIMIT + 1}").status_code == 422
    assert admin_api.get("/api/v1/users?limit=0").status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/freeze-windows?active_at=0.5",
        "/api/v1/changes?planned_after=1700000000",
        "/api/v1/incidents?created_before=1e9",
    ],
)
def test_a_number_is_no_date(admin_api, query):
    response = admin_api.get(query)
    assert response.status_code == 422, response.content
    name = query.split("?")[1].split("=")[0]
    assert list(response.json()["error"]["fields"]) == [name]


def test_an_iso_date_still_filters(admin_api):
    assert admin_api.get("/api/v1/incidents?created_before=2026-05-01T09:00:00Z").status_code == 200
