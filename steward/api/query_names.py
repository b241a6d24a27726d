"""Unknown query parameters are an error, as unknown body fields are (docs/api.md).

``?stauts=open`` silently ignored lists every record: a script acting on that list acts on
the wrong records. The names each operation takes are read as the OpenAPI document (what
a client is told) lists them, once per process, without building the rest of the document;
an operation the document does not describe (the document itself, its page) is let through.
An operation whose parameters have open names (the CI list's ``attr.<name>``) lists their
prefixes as ``x-query-prefixes``."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from steward.api.middleware import error_body

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
PREFIXES = "x-query-prefixes"
_READING = threading.Lock()


class Known:
    """The query names one operation takes: exact names and open-ended prefixes."""

    def __init__(self, names: frozenset[str], prefixes: tuple[str, ...]) -> None:
        self.names, self.prefixes = names, prefixes

    def __contains__(self, name: object) -> bool:
        return name in self.names or (isinstance(name, str) and name.startswith(self.prefixes))


def _parameters_only() -> type:
    from ninja.openapi.schema import OpenAPISchema

    class ParametersOnly(OpenAPISchema):
        """ninja's document with each operation's parameters alone: the same names as the
        full document's (same code), without its responses, bodies and components, which
        ``StewardAPI`` would then keep for the process (~7 MB in every web worker after its
        first API request with a query; decision 0045)."""

        def operation_details(self, operation: Any) -> dict[str, Any]:
            details = {"parameters": self.operation_parameters(operation)}
            if operation.openapi_extra:
                self.deep_dict_update(details, operation.openapi_extra)
            return details

        def get_components(self) -> dict[str, Any]:
            return {}

    return ParametersOnly


@cache
def _names_by_operation() -> dict[tuple[str, str], Known]:
    from steward.api.main import api

    names = {}
    document = _parameters_only()(api, api.get_root_path({}))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            query = frozenset(p["name"] for p in params if p.get("in") == "query")
            prefixes = tuple(operation.get(PREFIXES, ()))
            names[(path, method.upper())] = Known(query, prefixes)
    return names


def known_query_names(route: str, method: str) -> Known | None:
    """The query parameters the operation at Django ``route`` takes (None: not described)."""
    path = "/" + _CONVERTER.sub(r"{\1}", route)
    with _READING:  # the threads of a fresh worker wait for one read instead of each reading
        names = _names_by_operation()
    return names.get((path, method))


class UnknownQueryParameterMiddleware:
    """422 naming each query parameter the operation does not take, under /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.GET or not request.path.startswith("/api/"):
            return None
        match = request.resolver_match
        known = known_query_names(match.route, request.method or "") if match else None
        if known is None:
            return None
        unknown = sorted(name for name in request.GET if name not in known)
        if not unknown:
            return None
        return JsonResponse(
            error_body(
                "validation_error",
                "Unknown query parameter: " + ", ".join(f'"{n}"' for n in unknown) + ".",
                {name: ["unknown parameter"] for name in unknown},
            ),
            status=422,
        )
