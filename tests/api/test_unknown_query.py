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


def _names(paths):
    names = {}
    for path, operations in paths.items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            query = {p["name"] for p in params if p.get("in") == "query"}
            names[(path, method.upper())] = (query, set(operation.get("x-query-prefixes", ())))
    return names


def test_the_names_are_the_documents_without_building_it():
    """Read without the document (which the API would then keep for the process, decision
    0045), every operation's names and prefixes are still the document's."""
    from steward.api import query_names
    from steward.api.main import api

    kept = api.__dict__.pop("_documents", None)
    query_names._names_by_operation.cache_clear()
    try:
        known = query_names._names_by_operation()
        assert "_documents" not in api.__dict__
    finally:
        if kept is not None:
            api.__dict__["_documents"] = kept
    read = {key: (set(k.names), set(k.prefixes)) for key, k in known.items()}
    assert read == _names(api.get_openapi_schema()["paths"])
    assert read[("/api/v1/cis", "GET")][1] == {"attr."}
