"""A page of rows rendered as django-ninja renders ``page_of(item)``, without its per-field
Python: the hot lists' answer (decision 0039).

Ninja validates a response through its ``Schema``'s wrap validator, which puts every object
behind a ``DjangoGetter`` and reads each field through Python (``__getattr__``, a resolver
lookup, ``_convert_result``): for a page of 50 incidents of 30 fields with their clocks that
was a third of the API queue's request in process (docs/benchmarks-incidents.md, branch
search15). A row that a selector built as a dict keyed as the schema reads it (and clocks as
attribute objects) needs none of that: here the same fields, types and aliases are
validated by a plain pydantic model (``_mirror``: built from the schema's own fields, so
they cannot drift), dumped as ninja dumps (``model_dump()``, field names) and encoded with
ninja's encoder. Tests hold the bytes equal to ninja's answer
(tests/incidents/test_queue_api_rows.py). Only for rows: models, and schemas with resolvers
that read anything but a same-named key, keep ninja's path.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from steward.core.pagination import Page

_mirrors: dict[type, type[BaseModel]] = {}
_adapters: dict[type, TypeAdapter] = {}  # a page's
_row_adapters: dict[type, TypeAdapter] = {}  # one row's


def _annotation(annotation: Any) -> Any:
    """``annotation`` with every ninja ``Schema`` in it replaced by its mirror."""
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return _mirror(annotation)
    args = typing.get_args(annotation)
    if not args:
        return annotation
    inner = tuple(_annotation(a) for a in args)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[inner]  # noqa: UP007 - built from a tuple
    return origin[inner if len(inner) > 1 else inner[0]]


def _mirror(schema: type[Schema]) -> type[BaseModel]:
    """A plain pydantic model with ``schema``'s fields (types, aliases, defaults)."""
    if schema not in _mirrors:
        fields = {}
        for name, info in schema.model_fields.items():
            default = info.default_factory or info.default
            keyword = "default_factory" if info.default_factory else "default"
            fields[name] = (
                _annotation(info.annotation),
                Field(alias=info.alias, **{keyword: default}),
            )
        _mirrors[schema] = create_model(
            f"{schema.__name__}Row",
            __config__=ConfigDict(from_attributes=True),
            **fields,
        )
    return _mirrors[schema]


def page_response(response: HttpResponse, item: type[Schema], page: Page) -> HttpResponse:
    """``response`` (the operation's own, headers kept) holding ``page`` as ninja would
    render ``page_of(item)``: ``{"items": [...], "next": ...}``."""
    if item not in _adapters:
        _adapters[item] = TypeAdapter(list[_mirror(item)])
    adapter = _adapters[item]
    items = adapter.dump_python(adapter.validate_python(page.items))
    response.content = json.dumps({"items": items, "next": page.next}, cls=NinjaJSONEncoder)
    return response


def row_response(
    response: HttpResponse, item: type[Schema], row: Any, *, status: int
) -> HttpResponse:
    """``response`` holding one ``row`` as ninja would render it as ``item`` with ``status``
    (a create's answer, built from what its service returned: decision 0065)."""
    if item not in _row_adapters:
        _row_adapters[item] = TypeAdapter(_mirror(item))
    adapter = _row_adapters[item]
    response.content = json.dumps(
        adapter.dump_python(adapter.validate_python(row)), cls=NinjaJSONEncoder
    )
    response.status_code = status
    return response
