"""A page of rows rendered as django-ninja renders ``page_of(item)``, without its per-field
Python: the hot lists' answer (decision 0039), and since decision 0081 written directly.

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

``DIRECT`` (decision 0081): the mirror's validation and dump, then the encoder's call back
for each datetime (~400 a page of 50 incidents with their clocks), were most of what was
left: a schema whose fields are all text, integers, booleans, datetimes (or none of those)
and lists of such schemas is written from its rows with each field read by its key and
each datetime formatted as the encoder formats it (``_iso``), nothing validated: the rows'
types are their selectors' (the database's converters), which tests compare with the
mirror's answer (tests/api/test_rows_direct.py). A schema with another type keeps the
mirror.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from steward.api import row_text
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


# rows written directly (``_writer``); False: validated and dumped by the schema's mirror,
# kept as the reference the tests compare with (one incident and its activity over the API,
# decision 0084: handed to ninja's own path instead)
DIRECT = True
_writers: dict[type, Callable[[Any], dict] | None] = {}


# UTC datetimes as written, per process (a queue's first page writes the same ~400 times for
# each reader: an aware ``isoformat`` cost 0.8 µs, a look-up a tenth of it); cleared when full
_written: dict[dt.datetime, str] = {}
_WRITTEN_MAX = 2048


def _iso(value: dt.datetime) -> str:
    """``value`` as ninja's encoder (``DjangoJSONEncoder``) writes a datetime: ISO 8601 in
    milliseconds, ``Z`` for UTC."""
    utc = value.tzinfo is dt.UTC  # only these are kept: an equal time in another zone
    if utc:  # is written with its own offset
        text = _written.get(value)
        if text is not None:
            return text
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    text = text[:-6] + "Z" if text.endswith("+00:00") else text
    if utc:
        if len(_written) >= _WRITTEN_MAX:
            _written.clear()
        _written[value] = text
    return text


def _how(annotation: Any) -> Callable[[Any], Any] | None | bool:
    """How a field of type ``annotation`` is written: ``None`` as it is, a function: through
    it, ``False``: a type the direct writer does not know (the mirror writes the schema)."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        inner = _how(kinds[0]) if len(kinds) == 1 else False
        if inner is None or inner is False:
            return inner
        return lambda value: None if value is None else inner(value)  # type: ignore[operator]
    if annotation in (str, int, bool):
        return None
    if annotation is dt.datetime:
        return _iso
    if origin is list and isinstance(args[0], type) and issubclass(args[0], Schema):
        item = _writer(args[0])
        return False if item is None else lambda values: [item(v) for v in values]
    return False


def _writer(schema: type[Schema]) -> Callable[[Any], dict] | None:
    """A function writing one row (a dict keyed as ``schema`` reads it, or an object with
    those attributes) as the mirror dumps it: field names in the schema's order; ``None``
    when a field's type is not one ``_how`` knows."""
    if schema in _writers:
        return _writers[schema]
    _writers[schema] = None  # while its fields are looked at
    names, keys, defaults, converted = [], [], {}, []
    for name, info in schema.model_fields.items():
        how = _how(info.annotation)
        if how is False:
            return None
        names.append(name)
        keys.append(info.alias or name)
        if not info.is_required():
            defaults[keys[-1]] = info.default_factory or (lambda d=info.default: d)
        if how is not None:
            converted.append((len(names) - 1, how))
    items, attributes = itemgetter(*keys, *keys[:1]), attrgetter(*keys, *keys[:1])  # tuples

    def write(row: Any) -> dict:
        try:
            values = list(items(row) if isinstance(row, dict) else attributes(row))[:-1]
        except (KeyError, AttributeError):  # a field left to its default
            values = [_read(row, key, defaults) for key in keys]
        for index, how in converted:
            values[index] = how(values[index])
        return dict(zip(names, values, strict=True))

    _writers[schema] = write
    return write


def _read(row: Any, key: str, defaults: dict[str, Callable[[], Any]]) -> Any:
    found = row.get(key, _writers) if isinstance(row, dict) else getattr(row, key, _writers)
    if found is _writers:
        if key not in defaults:
            raise ValueError(f"{key} is required")
        return defaults[key]()
    return found


def page_response(
    response: HttpResponse, item: type[Schema], page: Page, *, kept: bool = False
) -> HttpResponse:
    """``response`` (the operation's own, headers kept) holding ``page`` as ninja would
    render ``page_of(item)``: ``{"items": [...], "next": ...}``. ``kept``: the rows come
    from one database connection (each field's values of one type and, for times, one
    zone), so each row's text may be kept by its values (decision 0088)."""
    write = _writer(item) if DIRECT else None
    if write is not None and kept and row_text.TEXT:  # each row's text kept (decision 0088)
        response.content = row_text.page_text(item, write, page.items, page.next)
        return response
    if write is not None:
        items = [write(row) for row in page.items]
        response.content = json.dumps({"items": items, "next": page.next}, cls=NinjaJSONEncoder)
        return response
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
    write = _writer(item) if DIRECT else None
    response.status_code = status
    if write is not None:
        response.content = json.dumps(write(row), cls=NinjaJSONEncoder)
        return response
    if item not in _row_adapters:
        _row_adapters[item] = TypeAdapter(_mirror(item))
    adapter = _row_adapters[item]
    response.content = json.dumps(
        adapter.dump_python(adapter.validate_python(row)), cls=NinjaJSONEncoder
    )
    response.status_code = status
    return response
