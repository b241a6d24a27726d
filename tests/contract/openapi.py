"""Reading the OpenAPI document the API publishes at /api/openapi.json."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client

METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return PARAM.findall(self.path)

    @property
    def query_params(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p["in"] == "query"]

    @property
    def required_query_params(self) -> list[str]:
        params = self.spec.get("parameters", [])
        return [p["name"] for p in params if p["in"] == "query" and p.get("required")]


@functools.cache
def _document() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def document() -> dict[str, Any]:
    """The published document (read once: it depends on code only, not on data)."""
    return _document()


def operations() -> list[Operation]:
    return [
        Operation(method, path, spec)
        for path, item in document()["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` into ``components``."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document()["components"]["schemas"][name]
    return schema


def _ok_schema(operation: Operation) -> dict[str, Any] | None:
    content = operation.spec.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else resolve(schema)


def returns_page(operation: Operation) -> bool:
    """Whether the 200 response is a ``{"items", "next"}`` page."""
    schema = _ok_schema(operation)
    return schema is not None and {"items", "next"} <= set(schema.get("properties", {}))


def returns_bare_list(operation: Operation) -> bool:
    """Whether the 200 response is a JSON array (a list that is not a page)."""
    schema = _ok_schema(operation)
    return schema is not None and schema.get("type") == "array"
