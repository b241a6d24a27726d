"""A page's rows written as JSON text, each row's text kept per process (decision 0088).

Decision 0081's writer made a dict of each row (its datetimes formatted) and gave the page
to ``json.dumps``: for the API queue's first page, 50 incidents and their 100 clocks, that
was a third of the request's Python, and every reader of the queue paid it again for the
same rows. Here a row's text is looked up by its values: the fields that are not nested
lists, read in one call (``itemgetter`` / ``attrgetter``), are the key; what they write is
kept, with holes where each nested list (an incident's clocks) goes, and the lists are
written by their own items' kept texts. A clock's values include its elapsed business
seconds, so a running clock is written anew once a second and looked up between.

The text equals ``json.dumps`` of what ``rows._writer`` makes of the row (tests:
tests/incidents/test_queue_api_text.py): on a miss each value is written by that writer and
``json.dumps`` itself. Equal values are written alike only because each field's values come
from one column of one connection: one type (a boolean column gives ``bool``, never ``1``,
which equals ``True``) and, for times, one zone (12:00 UTC equals 14:00 in Berlin, written
otherwise). So only the pages whose callers say so (``page_response(..., kept=True)``: the
incident list and an incident's activity) are kept. A row whose values are not hashable,
or that leaves a field to its default, is written by the dict writer, not kept.

Bounded: at most ``KEPT_MAX`` texts a schema, each at most ``TEXT_MAX`` characters (a long
description is written every time); a schema's are all forgotten when it is full.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from operator import attrgetter, itemgetter
from typing import Any

from ninja import Schema
from ninja.responses import NinjaJSONEncoder

# False: the page given to ``json.dumps`` as dicts (decision 0081), the reference
TEXT = True
KEPT_MAX = 512
TEXT_MAX = 2048

_texts: dict[type, Callable[[Any], str] | None] = {}
_kept: dict[type, dict[tuple, tuple[str, ...]]] = {}
_FALLBACK = (KeyError, AttributeError, TypeError, IndexError)


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=NinjaJSONEncoder)


def _nested_item(annotation: Any) -> type[Schema] | None:
    """The item schema of a ``list[Schema]`` field, else None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list and args and isinstance(args[0], type):
        return args[0] if issubclass(args[0], Schema) else None
    return None


def _getter(keys: list[str]) -> tuple[Callable[[Any], tuple], Callable[[Any], tuple]]:
    """Two functions reading ``keys`` of a dict / an object as one tuple (even for one key:
    the first key read twice, the extra value cut off by the caller)."""
    return itemgetter(*keys, keys[0]), attrgetter(*keys, keys[0])


def text_writer(schema: type[Schema], write: Callable[[Any], dict]) -> Callable[[Any], str]:
    """A function writing one row as ``json.dumps(write(row))`` writes it, ``write`` being
    ``rows._writer(schema)`` (which knows every field's type)."""
    found = _texts.get(schema)
    if found is not None:
        return found
    names, scalar_keys, nested = [], [], []
    for name, info in schema.model_fields.items():
        names.append(name)
        item = _nested_item(info.annotation)
        key = info.alias or name
        if item is None:
            scalar_keys.append(key)
            continue
        from steward.api.rows import _writer  # the item's dict writer (known: write exists)

        item_write = _writer(item)
        if item_write is None:  # pragma: no cover - ``write`` would not exist
            raise ValueError(f"{item.__name__} has no writer")
        nested.append((name, key, text_writer(item, item_write)))
    nested_names = {name for name, _, _ in nested}
    kept = _kept.setdefault(schema, {})
    size = len(scalar_keys)
    by_item, by_attribute = _getter(scalar_keys) if scalar_keys else (None, None)
    nested_items = [(itemgetter(key), attrgetter(key), item) for _, key, item in nested]

    def parts_of(row: Any) -> tuple[str, ...]:
        """The row's text around its nested lists, from the dict writer's values."""
        written = write(row)
        parts, current = [], "{"
        for place, name in enumerate(names):
            current += (", " if place else "") + _dumps(name) + ": "
            if name in nested_names:
                parts.append(current)
                current = ""
            else:
                current += _dumps(written[name])
        parts.append(current + "}")
        return tuple(parts)

    def text(row: Any) -> str:
        is_dict = isinstance(row, dict)
        try:
            if by_item is None:
                key: tuple = ()
            else:
                key = (by_item if is_dict else by_attribute)(row)[:size]
            parts = kept.get(key)
            if parts is None:
                parts = parts_of(row)
                if sum(map(len, parts)) <= TEXT_MAX:
                    if len(kept) >= KEPT_MAX:
                        kept.clear()
                    kept[key] = parts
            if not nested_items:
                return parts[0]
            written = [parts[0]]
            for (items, attributes, item_text), after in zip(nested_items, parts[1:], strict=True):
                values = (items if is_dict else attributes)(row)
                written.append("[" + ", ".join([item_text(v) for v in values]) + "]")
                written.append(after)
            return "".join(written)
        except _FALLBACK:  # a field left to its default, or a value that cannot be a key
            return _dumps(write(row))

    _texts[schema] = text
    return text


def page_text(schema: type[Schema], write: Callable[[Any], dict], items: list, nxt: Any) -> str:
    """``{"items": [...], "next": ...}`` as ``json.dumps`` writes it."""
    text = text_writer(schema, write)
    written = ", ".join([text(row) for row in items])
    return '{"items": [' + written + '], "next": ' + _dumps(nxt) + "}"
