"""A NUL character is refused at the door, naming the field that holds it.

A NUL names nothing Steward stores: PostgreSQL's text and jsonb cannot hold one (the
forms' and schemas' text fields refuse it), so a value holding one that reaches a query
is a ``DataError``, a 500, on PostgreSQL alone (SQLite answers). Filters (``?team=``,
``?assignee=``…), pickers, path values and request bodies (an incident's description, a
team's members, a change's CIs…) each reached one. Refused here for every route at once:

- a path holding one is the 404 any unknown address is;
- a query parameter, a JSON body's field (at any depth, named by its path, ``cis.0``) or a
  web form's posted field is a 422 naming it: the API's error shape under /api/, elsewhere the
  page naming it (no person types a NUL into a browser's form; a script or fuzzer does).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from steward.api.middleware import error_body
from steward.core.filters import NUL_MESSAGE
from steward.web.middleware import is_api, not_found_page, refused_page

NUL = "\x00"
JSON_NUL = b"\\u0000"  # how JSON writes one (a raw NUL byte is not JSON: ninja's 400)
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _in_pairs(data: Any) -> set[str]:
    """The names in a QueryDict whose name or any value holds a NUL."""
    return {
        name
        for name, values in data.lists()
        if NUL in name or any(isinstance(v, str) and NUL in v for v in values)
    }


def _in_json(value: Any) -> Iterator[str]:
    """The dotted path of every string (key or value) in ``value`` holding a NUL. A loop,
    not a recursion: a body may nest as deep as ``json.loads`` reaches, and a walk one
    frame per level deeper than that was a ``RecursionError``, a 500."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                yield path or "body"
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{path}.{key}" if path else str(key)
                if NUL in str(key):
                    yield name
                else:
                    stack.append((inner, name))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}" if path else str(i)) for i, inner in enumerate(item))


def _in_body(request: HttpRequest) -> set[str]:
    if request.content_type == "application/json":
        if JSON_NUL not in request.body:  # the common case: no parse
            return set()
        try:
            return set(_in_json(json.loads(request.body)))
        except (ValueError, RecursionError):
            # not JSON, or nested deeper than the parser goes: the API's own 400 says so
            return set()
    if request.content_type in FORMS and request.method == "POST" and not is_api(request):
        # a web form (Django's CSRF check reads it next anyway); the API's multipart
        # uploads read their own parts, and their size limit answers before any read
        return _in_pairs(request.POST)
    return set()


class NulCharacterMiddleware:
    """404 for a path holding a NUL; 422 naming each parameter or field holding one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            if is_api(request):
                return JsonResponse(error_body("not_found", "Not found."), status=404)
            return not_found_page(request)
        refused = _in_pairs(request.GET)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            refused |= _in_body(request)
        if not refused:
            return self.get_response(request)
        fields = {name.replace(NUL, "\ufffd"): [NUL_MESSAGE] for name in sorted(refused)}
        if is_api(request):
            message = f"Invalid value for: {', '.join(fields)}."
            return JsonResponse(error_body("validation_error", message, fields), status=422)
        return refused_page(request, fields)
