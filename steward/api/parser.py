"""How the API reads a request's query string and its JSON body."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser


class DuplicateKey(ValueError):
    """A JSON object in the body names ``key`` twice (``{"title": "a", "title": "b"}``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return found


class NonFinite(ValueError):
    """A number in the body at ``path`` is NaN or infinite: ``NaN`` and ``Infinity`` are no
    JSON (RFC 8259), and ``1e400`` overflows a float to infinity."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _non_finite_at(value: Any) -> str:
    """The dotted path (``form.0.min``) of the first non-finite float in ``value``."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return path or "body"
        if isinstance(node, dict | list):
            children = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend(
                (f"{path}.{key}" if path else str(key), child)
                for key, child in reversed(list(children))
            )
    return "body"


class OneValueParser(Parser):
    """ninja's parser, except that:

    - a parameter the schema takes once but the query gives several times
      (``?overdue=x&overdue=true``) reaches validation as the list it is, and is refused
      naming the parameter, instead of its last value being taken silently: the request is
      ambiguous, and a client that sent it has a bug worth hearing about;
    - a blank value is the parameter left out (``?location=``, as an HTML form sends an
      empty field): the API reads the web forms' filter schemas, where empty means "any",
      and every list, ``limit`` included, now says the same of it. The OpenAPI document
      declares the blank for each optional query parameter (steward/api/openapi.py); a
      required one left blank is missing, a 422 naming it (docs/api.md, "Lists"). Only
      the query string: a form's blank field is a value its operation reads;
    - a JSON object naming a key twice is refused naming it (``DuplicateKey``, answered
      422 by ``steward.api.errors``), for the same reason: ``json.loads`` kept the last
      value silently, where a proxy or another parser in front may have read the first;
    - a number that is not finite (``NaN``, ``Infinity``, ``1e400``) is refused naming where
      it is (``NonFinite``, answered 422): ``json.loads`` read them as floats that passed
      the type checks and then failed the database's JSON (a 500 on a form definition)."""

    def parse_body(self, request: HttpRequest) -> Any:
        seen: list[str] = []

        def constant(name: str) -> float:
            seen.append(name)
            return float(name)

        def number(text: str) -> float:
            value = float(text)
            if not math.isfinite(value):
                seen.append(text)
            return value

        body = json.loads(
            request.body, object_pairs_hook=_unique, parse_constant=constant, parse_float=number
        )
        if seen:
            raise NonFinite(_non_finite_at(body))
        return body

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        query = data is request.GET  # forms and files (also read here) keep their blanks
        result: dict[str, Any] = {}
        for key in data:
            values = [v for v in data.getlist(key) if not (query and v == "")]
            if values:
                result[key] = values if key in list_fields or len(values) > 1 else values[0]
        return result
