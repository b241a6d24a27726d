"""Bad input anywhere in the API: a documented 4xx in the one error shape, nothing written."""

import base64
import json

import pytest

from steward.core.models import AuditEntry, Team

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_oversize_json_body_is_413(admin_api, settings):
    settings.MAX_JSON_BYTES = 2048
    big = json.dumps({"name": "x", "description": "y" * 5000})
    response = admin_api.post("/api/v1/teams", big)
    assert_error(response, 413, "payload_too_large")
    assert not Team.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": 42}, "name"),
        ({"name": "ok", "members": "agent1"}, "members"),
        ({"name": "ok", "lead": ["x"]}, "lead"),
        ({}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
    ],
    ids=["int-for-string", "string-for-list", "list-for-string", "missing", "unknown-field"],
)
def test_wrong_types_are_422_naming_the_field(admin_api, payload, field):
    error = assert_error(admin_api.post("/api/v1/teams", payload), 422, "validation_error")
    assert field in error["fields"]
    assert not Team.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="team").exists()


@pytest.mark.parametrize("body", ["{", "[1,", "null", "\x00\x01", '{"name": "a",}'])
def test_malformed_json_is_400(admin_api, body):
    response = admin_api.post("/api/v1/teams", body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] in ("malformed_json", "validation_error")
    assert not Team.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "a", "name": "b"}', "name"),
        ('{"name": "a", "members": [], "lead": null, "members": ["x"]}', "members"),
    ],
)
def test_a_key_given_twice_in_a_json_body_is_422_naming_it(admin_api, body, field):
    """json.loads kept the last value silently (a team named "b"), as a query parameter given
    twice once was: a proxy or a second parser in front may read the first."""
    error = assert_error(admin_api.post("/api/v1/teams", body), 422, "validation_error")
    assert error["fields"] == {field: ["given twice"]}
    assert not Team.objects.exists()


def test_a_key_given_twice_in_a_nested_object_is_refused_too(admin_api, agent_user):
    response = admin_api.patch(
        "/api/v1/users/agent1", '{"version": 1, "phone": "1", "x": {"a": 1, "a": 2}}'
    )
    assert_error(response, 422, "validation_error")
    assert response.json()["error"]["fields"] == {"a": ["given twice"]}


def test_the_same_key_in_two_objects_is_no_repeat(rf):
    from steward.api.parser import OneValueParser

    body = b'{"a": {"x": 1}, "b": {"x": 2, "y": [{"x": 3}]}}'
    request = rf.post("/api/v1/teams", body, content_type="application/json")
    assert OneValueParser().parse_body(request) == {"a": {"x": 1}, "b": {"x": 2, "y": [{"x": 3}]}}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=abc", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_list_parameters_are_422(admin_api, query, field):
    error = assert_error(admin_api.get(f"/api/v1/teams?{query}"), 422, "validation_error")
    assert field in error["fields"]


@pytest.mark.parametrize(
    ("path", "values"),
    [
        ("/api/v1/audit", "1e400"),  # by id: infinity, which int() refuses (OverflowError)
        ("/api/v1/audit", "-1e400"),
        ("/api/v1/audit", "100000000000000000000000000000"),  # past any database's integer
        ("/api/v1/audit", "[1]"),  # refused before too: kept beside the others
        ("/api/v1/cis", '"\\u0000", 1'),  # by name, then id: NUL, which PostgreSQL refuses
        ("/api/v1/cis", '"\\ud800", 1'),  # a lone surrogate, which no encoder takes
        ("/api/v1/cis", '"a", 1e400'),
        ("/api/v1/alerts", '"2026-12-06T06:00:00+00:00", 1e400'),  # by last seen, then id
    ],
)
def test_a_forged_cursor_is_422_never_a_500(admin_api, path, values):
    """A cursor's values reach the query: each of these was a 500 on SQLite (a list was
    already refused), not the client's 422."""
    cursor = base64.urlsafe_b64encode(f"[{values}]".encode()).decode().rstrip("=")

    error = assert_error(admin_api.get(path, {"cursor": cursor}), 422, "validation_error")

    assert "cursor" in error["fields"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/incidents?breached=true&breached=false", "breached"),
        ("/api/v1/assets/loans?overdue=x&overdue=true", "overdue"),
        ("/api/v1/teams?limit=5&limit=10", "limit"),
    ],
)
def test_a_parameter_taken_once_but_given_twice_is_422_naming_it(admin_api, path, field):
    """Ambiguous: refused, not settled by silently keeping the last value."""
    error = assert_error(admin_api.get(path), 422, "validation_error")
    assert field in error["fields"]


def test_a_list_parameter_still_takes_every_value(admin_api):
    assert admin_api.get("/api/v1/incidents?status=new&status=assigned").status_code == 200


@pytest.mark.parametrize("actor_api", ["admin_api", "requester_api"])
def test_an_asset_list_limit_out_of_range_is_422_for_everyone(request, actor_api):
    """Also for an actor who may read no asset (the rows path answered them first)."""
    error = assert_error(
        request.getfixturevalue(actor_api).get("/api/v1/assets?limit=501"), 422, "validation_error"
    )
    assert "limit" in error["fields"]


def test_bad_if_match_is_422(admin_api):
    admin_api.post("/api/v1/teams", {"name": "Network"})
    response = admin_api.patch(
        "/api/v1/teams/network", {"description": "x"}, headers={"If-Match": "yesterday"}
    )
    assert "If-Match" in assert_error(response, 422, "validation_error")["fields"]


def test_unknown_api_route_is_404_in_the_error_shape(admin_api):
    assert_error(admin_api.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405_in_the_error_shape(admin_api):
    assert_error(admin_api.delete("/api/v1/users"), 405, "method_not_allowed")


def test_no_credentials_is_401(anon_api):
    error = assert_error(anon_api.get("/api/v1/teams"), 401, "not_authenticated")
    assert error["message"]


def test_requests_never_500_on_unicode_and_huge_numbers(admin_api):
    response = admin_api.post("/api/v1/teams", {"name": "Réseau 🌐", "members": []})
    assert response.status_code == 201
    response = admin_api.delete("/api/v1/tokens/99999999999999999999999")
    assert_error(response, 404, "not_found")


def test_an_over_long_url_is_414_in_the_error_shape(admin_api, settings):
    response = admin_api.get("/api/v1/teams", {"q": "x" * settings.MAX_URL_BYTES})
    assert "url" in assert_error(response, 414, "uri_too_long")["fields"]


def test_the_openapi_document_declares_the_error_responses(admin_api):
    document = admin_api.get("/api/openapi.json").json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["properties"]["error"]["required"]) == {"code", "message", "fields"}
    operations = [
        (path, method, spec)
        for path, item in document["paths"].items()
        for method, spec in item.items()
    ]
    assert len(operations) > 50
    for path, method, spec in operations:
        statuses = set(spec["responses"])
        assert {"400", "401", "403", "404", "409", "412", "413", "414", "422"} <= statuses, (
            method,
            path,
        )
        ref = spec["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        assert ref in ("#/components/schemas/Error", "#/components/schemas/ErrorOut"), ref
        assert all(isinstance(s, str) for s in spec["responses"]), (method, path)


@pytest.mark.parametrize(
    ("schema", "field", "nullable"),
    [
        ("UserPatchIn", "phone", False),
        ("UserPatchIn", "email_notifications", False),
        ("UserPatchIn", "roles", False),
        ("TeamPatchIn", "is_active", False),
        ("TemplatePatchIn", "is_active", False),
        ("FreezePatchIn", "is_active", False),
        ("TeamPatchIn", "lead", True),
        ("UserPatchIn", "organisation", True),
    ],
)
def test_the_document_says_which_fields_take_null(admin_api, schema, field, nullable):
    document = admin_api.get("/api/openapi.json").json()
    spec = document["components"]["schemas"][schema]["properties"][field]
    takes_null = any(s.get("type") == "null" for s in spec.get("anyOf", []))
    assert takes_null is nullable, spec


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": NaN}', "name"),
        ('{"name": "a", "members": [1, Infinity]}', "members.1"),
        ('{"name": "a", "x": {"y": -Infinity}}', "x.y"),
        ('{"name": "a", "x": [{"y": 1e400}]}', "x.0.y"),
        ("NaN", "body"),
    ],
    ids=["NaN", "Infinity-in-a-list", "minus-Infinity-nested", "overflow", "bare"],
)
def test_a_number_that_is_not_finite_is_422_naming_where(admin_api, body, field):
    """json.loads read NaN, Infinity and 1e400 as floats: no JSON (RFC 8259), they passed
    an Any-typed setting and failed the database's JSON check (a 500)."""
    error = assert_error(admin_api.post("/api/v1/teams", body), 422, "validation_error")
    assert list(error["fields"]) == [field]
    assert not Team.objects.exists()
