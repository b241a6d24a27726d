"""How the API reads a request's query string."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser


class OneValueParser(Parser):
    """ninja's parser, except that a parameter the schema takes once but the query gives
    several times (``?overdue=x&overdue=true``) reaches validation as the list it is, and is
    refused naming the parameter, instead of its last value being taken silently: the
    request is ambiguous, and a client that sent it has a bug worth hearing about."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in data:
            values = data.getlist(key)
            result[key] = values if key in list_fields or len(values) > 1 else values[0]
        return result
