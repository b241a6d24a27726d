"""How the API reads a request's query string."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser


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
      the query string: a form's blank field is a value its operation reads."""

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
