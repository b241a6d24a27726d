"""The OpenAPI document declares what the API answers besides success: every operation
lists its 4xx in the one error shape (DESIGN §6), so a client and schemathesis can check
every answer against the document."""

from __future__ import annotations

from typing import Any

from steward.core.pagination import MAX_LIMIT

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "examples": ["validation_error"]},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "field name → what is wrong with it",
                },
            },
            "additionalProperties": True,  # e.g. "allowed" (409), "current" (412)
        }
    },
}

# status → when; every operation may answer any of them
ERRORS: dict[str, str] = {
    "400": "Malformed request: the body is not JSON, or a header is unusable",
    "401": "Missing, invalid, expired or revoked credentials",
    "403": "Not allowed for this user or token (the token's scopes, the user's role)",
    "404": "No such record, or one the caller may not see (the two look alike)",
    "409": "Conflicts with the record's state; `allowed` lists the moves that are possible",
    "412": "The record changed since the version in If-Match; `current` is its version",
    "413": "Request body too large",
    "414": "Request URL too long",
    "422": "Invalid input; `fields` names each field and what is wrong",
    "429": "Too many requests; retry after the Retry-After header",
}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error shape and responses to every operation (declared ones are kept)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = {}
            for status, answer in operation["responses"].items():
                # ninja can list one status both as 200 and "200" (openapi_extra): merge them
                responses[str(status)] = {**responses.get(str(status), {}), **answer}
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": content})
            operation["responses"] = responses
            _bound_page_size(operation)  # before the blank rule, which wraps its range
            _allow_blank_filters(operation)
    return schema


BLANK: dict[str, Any] = {"type": "string", "maxLength": 0}


def _admits_blank(schema: dict[str, Any]) -> bool:
    """Whether ``schema`` already takes the empty string (a plain string, or the blank)."""
    for kind in schema.get("anyOf", [schema]):
        if kind == BLANK or (kind.get("enum") and "" in kind["enum"]):
            return True
        plain = not ({"format", "pattern", "enum", "const", "$ref"} & kind.keys())
        if kind.get("type") == "string" and plain and not kind.get("minLength"):
            return True
    return False


def _allow_blank_filters(operation: dict[str, Any]) -> None:
    """An optional query parameter left blank (``?location=``, as an HTML form sends an
    empty field) is the parameter left out (steward/api/parser.py): the document says the
    blank is allowed, whatever the parameter's type; in a list, as one blank item."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query" or parameter.get("required"):
            continue
        schema = parameter.setdefault("schema", {})
        if schema.get("type") == "array":
            schema = schema.setdefault("items", {})
        if _admits_blank(schema):
            continue
        if "anyOf" not in schema:  # the kinds move into anyOf; title, default stay beside
            kinds = {k: schema.pop(k) for k in list(schema) if k not in ANNOTATIONS}
            schema["anyOf"] = [kinds]
        schema["anyOf"].append(dict(BLANK))


ANNOTATIONS = {"title", "description", "default", "examples", "deprecated"}


def _bound_page_size(operation: dict[str, Any]) -> None:
    """Every list's ``limit`` is checked by the paginator; the document says its range."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("name") == "limit":
            schema = parameter.setdefault("schema", {})
            schema.pop("anyOf", None)  # null is no size: leaving the parameter out is
            schema.update({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT})
