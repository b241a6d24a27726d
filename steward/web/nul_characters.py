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

A JSON body's lone surrogate (``"\\ud800"`` with no partner: JSON may write one, UTF-8 cannot
hold one) is refused the same way, naming its field: no database driver can send it, so a
field that reached a query unchecked was a ``UnicodeEncodeError``, a 500 (a problem's
title, an event's key). Query strings and forms cannot carry one (Django decodes them
with replacement characters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from steward.api.middleware import error_body
from steward.core.filters import NUL_MESSAGE
from steward.web.middleware import is_api, not_found_page, refused_page

NUL = "\x00"
JSON_NUL = b"\\u0000"  # how JSON writes one (a raw NUL byte is not JSON: ninja's 400)
SURROGATE = re.compile("[\ud800-\udfff]")  # left after json.loads joined the valid pairs
JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # how JSON writes one, paired or not
SURROGATE_MESSAGE = "may not contain a lone surrogate (text that is not valid Unicode)"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _in_pairs(data: Any) -> set[str]:
    """The names in a QueryDict whose name or any value holds a NUL."""
    return {
        name
        for name, values in data.lists()
        if NUL in name or any(isinstance(v, str) and NUL in v for v in values)
    }


def _in_json(value: Any, bad: Callable[[str], bool]) -> Iterator[str]:
    """The dotted path of every string (key or value) in ``value`` that is ``bad``. A loop,
    not a recursion: a body may nest as deep as ``json.loads`` reaches, and a walk one
    frame per level deeper than that was a ``RecursionError``, a 500."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if bad(item):
                yield path or "body"
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{path}.{key}" if path else str(key)
                if bad(str(key)):
                    yield name
                else:
                    stack.append((inner, name))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}" if path else str(i)) for i, inner in enumerate(item))


def _has_nul(text: str) -> bool:
    return NUL in text


def _has_surrogate(text: str) -> bool:
    return SURROGATE.search(text) is not None


def _read_as_json(request: HttpRequest) -> bool:
    """Whether the body is read as JSON: sent as JSON, or any body of the API's but a
    multipart upload (ninja parses an operation's body as JSON whatever its content type, so
    ``text/plain`` or a form's type with a JSON body reached the services unchecked)."""
    if request.content_type == "application/json":
        return True
    return is_api(request) and request.content_type != "multipart/form-data"


def _in_body(request: HttpRequest) -> dict[str, str]:
    """Each refused field of the body, with why."""
    if _read_as_json(request):
        body = request.body
        if not body:
            return {}
        if json.detect_encoding(body) in ("utf-8", "utf-8-sig"):
            nul, surrogate = JSON_NUL in body, JSON_SURROGATE.search(body) is not None
            if not (nul or surrogate):  # the common case: no parse
                return {}
        else:
            # UTF-16 or UTF-32, which json.loads reads too: the escapes are not these bytes
            nul = surrogate = True
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            # not JSON, or nested deeper than the parser goes: the API's own 400 says so
            return {}
        found: dict[str, str] = {}
        if surrogate:
            found.update(dict.fromkeys(_in_json(value, _has_surrogate), SURROGATE_MESSAGE))
        if nul:
            found.update(dict.fromkeys(_in_json(value, _has_nul), NUL_MESSAGE))
        return found
    if request.content_type in FORMS and request.method == "POST" and not is_api(request):
        # a web form (Django's CSRF check reads it next anyway); the API's multipart
        # uploads read their own parts, and their size limit answers before any read
        return dict.fromkeys(_in_pairs(request.POST), NUL_MESSAGE)
    return {}


class NulCharacterMiddleware:
    """404 for a path holding a NUL; 422 naming each parameter or field holding one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            if is_api(request):
                return JsonResponse(error_body("not_found", "Not found."), status=404)
            return not_found_page(request)
        refused = dict.fromkeys(_in_pairs(request.GET), NUL_MESSAGE)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            refused |= _in_body(request)
        if not refused:
            return self.get_response(request)
        fields = {
            SURROGATE.sub("\ufffd", name.replace(NUL, "\ufffd")): [refused[name]]
            for name in sorted(refused)
        }
        if is_api(request):
            message = f"Invalid value for: {', '.join(fields)}."
            return JsonResponse(error_body("validation_error", message, fields), status=422)
        return refused_page(request, fields)
