"""A query parameter the operation does not take is refused naming it, as an unknown body
field is; the names come from the OpenAPI document, so the two cannot disagree."""

from __future__ import annotations

from steward.api.query_names import known_query_names
from tests import factories
from tests.conftest import api_client_for
from tests.contract.shape import assert_error


def test_a_misspelt_filter_is_refused_naming_it(db):
    api = api_client_for(factories.admin())
    response = api.get("/api/v1/incidents", {"stauts": "new", "zz": "1"})
    error = assert_error(response, 422, "validation_error", field="stauts")
    assert error["fields"] == {"stauts": ["unknown parameter"], "zz": ["unknown parameter"]}


def test_an_operation_without_query_parameters_refuses_one_too(db):
    api = api_client_for(factories.admin())
    assert api.get("/api/v1/incident-categories", {"parent": ""}).status_code == 200
    response = api.get("/api/v1/incident-categories", {"": "", "other": "x"})
    assert_error(response, 422, "validation_error", field="other")


def test_known_parameters_still_filter(db):
    api = api_client_for(factories.admin())
    assert api.get("/api/v1/incidents", {"status": "new", "limit": "5"}).status_code == 200


def test_the_ci_list_takes_open_attribute_names(db):
    api = api_client_for(factories.admin())
    assert api.get("/api/v1/cis", {"attr.os": "linux"}).status_code == 200
    assert api.get("/api/v1/cis/export.csv", {"attr.os": "linux"}).status_code == 200
    refused = api.get("/api/v1/cis", {"attrs.os": "linux"})
    assert_error(refused, 422, "validation_error", field="attrs.os")


def test_names_come_from_the_document():
    assert {"status", "q", "limit", "cursor"} <= known_query_names("api/v1/incidents", "GET").names
    assert known_query_names("api/v1/incidents/<number>", "GET").names == frozenset()
    assert known_query_names("api/docs", "GET") is None  # not an operation: let through
