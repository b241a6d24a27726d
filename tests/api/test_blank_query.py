"""A blank query parameter is the parameter left out (docs/api.md, "Lists"): the API reads
the web forms' filter schemas, where an empty field means "any", and the OpenAPI document
declares the blank for every optional query parameter, so schemathesis and a client read
the same rule the server follows (steward/api/parser.py, steward/api/openapi.py)."""

from __future__ import annotations

import pytest

from steward.api.main import api
from tests.contract.shape import assert_error

jsonschema_rs = pytest.importorskip("jsonschema_rs")  # schemathesis's, a dev dependency

pytestmark = pytest.mark.django_db


def _query_parameters(*, lists_only: bool):
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            if lists_only and ("{" in path or method != "get"):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    yield method, path, parameter


def _takes(document: dict, schema: dict, value) -> bool:
    """Whether ``value`` fits ``schema``, its references read from ``document``."""
    root = {**schema, "components": document["components"]}
    return jsonschema_rs.validator_for(root).is_valid(value)


def test_every_optional_query_parameter_admits_the_blank_in_the_document():
    document = api.get_openapi_schema()
    refused = []
    for method, path, parameter in _query_parameters(lists_only=False):
        schema = parameter["schema"]
        # ?status= is a list of one blank item
        value = [""] if schema.get("type") == "array" else ""
        if not _takes(document, schema, value):
            refused.append((method, path, parameter["name"]))
    assert refused == []
    names = {(path, p["name"]) for _, path, p in _query_parameters(lists_only=True)}
    # the two the fuzzing found, and a page size (a list of its own before the blank rule)
    assert {("/api/v1/assets", "location"), ("/api/v1/users", "limit")} <= names


def test_the_ranges_stay_beside_the_blank():
    document = api.get_openapi_schema()
    parameters = {
        (path, p["name"]): p["schema"] for _, path, p in _query_parameters(lists_only=True)
    }
    limit, location = parameters["/api/v1/users", "limit"], parameters["/api/v1/assets", "location"]
    assert not _takes(document, limit, 0)
    assert not _takes(document, limit, 501)
    assert _takes(document, limit, 500)
    assert _takes(document, limit, "")
    assert not _takes(document, limit, "10")  # a number, in the document's terms, not text
    assert _takes(document, location, 7)
    assert not _takes(document, location, "x")


@pytest.fixture
def some_records(admin_api):
    """Rows in the lists whose blank filters could change them: an asset at a location and
    one at none, two incidents; the seeded categories and CI classes are there already."""
    from steward.assets import services as assets
    from steward.core.actor import Actor
    from steward.core.models import Location

    system = Actor.system("tests")
    category = assets.category_create(system, name="Laptop")
    model = assets.model_create(
        system, manufacturer="Dell", name="Latitude", category=category.slug
    )
    office = Location.objects.create(name="Head office")
    for i, location in enumerate((None, office.pk)):
        values = {"asset_tag": f"T{i}", "serial_number": f"S{i}", "status": "in_stock"}
        assets.asset_create(system, model=model.pk, location=location, **values)
    for title in ("Printer on fire", "VPN drops"):
        assert admin_api.post("/api/v1/incidents", {"title": title}).status_code == 201


def _answer(client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    if response.streaming:  # the CSV exports
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, response.content


def test_a_blank_filter_lists_what_leaving_it_out_lists(admin_api, some_records):
    differ = []
    for _, path, parameter in _query_parameters(lists_only=True):
        name = parameter["name"]
        bare, blank = _answer(admin_api, path), _answer(admin_api, f"{path}?{name}=")
        if blank != bare:
            differ.append((path, name, bare[0], blank[0]))
    assert differ == []


def test_a_required_parameter_left_blank_is_missing_and_named(admin_api):
    response = admin_api.post("/api/v1/cis/import?source=", {"cis": [], "relationships": []})
    assert_error(response, 422, "validation_error", field="source")


def test_a_repeated_parameter_is_still_refused_when_both_are_filled(admin_api):
    response = admin_api.get("/api/v1/assets?location=1&location=2")
    assert_error(response, 422, "validation_error", field="location")
    assert admin_api.get("/api/v1/assets?location=&location=2").status_code == 200


def test_a_category_parent_is_a_slug(admin_api):
    """schemathesis's object for ``parent`` reaches the server as its Python text
    (``[['null']]``): the document now says a slug, and such text is refused naming it."""
    refused = admin_api.get("/api/v1/incident-categories", {"parent": "[['null']]"})
    assert_error(refused, 422, "validation_error", field="parent")
    network = admin_api.get("/api/v1/incident-categories", {"parent": "network"})
    assert network.status_code == 200
    assert network.json()
    assert {c["parent"] for c in network.json()} == {"network"}
    every = admin_api.get("/api/v1/incident-categories", {"parent": ""}).json()
    assert every == admin_api.get("/api/v1/incident-categories").json()
    assert {c["parent"] for c in every} > {None}  # top level and subcategories alike
