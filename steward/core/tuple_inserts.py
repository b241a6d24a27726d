"""``inserts.insert_many`` for rows given as tuples of values instead of model instances.

The bulk paths built a model instance per audit entry, outbox event and SLA clock only for
``insert_many`` to read its attributes back as parameters: building them was the largest
Python item of an import after the rules themselves (decision 0052). ``insert_rows`` sends
the same statement (the compiled single-row INSERT, ``COPY`` on PostgreSQL) with the same
parameters: each value goes through the same plan (``batch_rows.prepare`` with the
compiled insert's ``batch_rows.shape_of``, as ``insert_many``'s), the columns left out
take their field's fixed default once per batch, ``auto_now``/``auto_now_add`` times one
"now" per batch (as ``insert_many``). A column whose default is made by a call
or whose field has its own ``pre_save`` must be given (a per-row value is not guessed).
tests/core/test_tuple_inserts.py holds the rows of both paths equal.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from steward.core import batch_rows, inserts

_NOW = object()
_shapes: dict[tuple[Any, tuple[str, ...]], tuple[Any, list, Any, bool]] = {}


def _shape(compiled: inserts.Compiled, columns: tuple[str, ...]) -> tuple:
    fields = compiled.fields
    base = batch_rows.shape_of(compiled)
    names = {f.attname for f in fields}
    if set(columns) - names or len(set(columns)) != len(columns):
        raise ValueError(f"unknown or repeated columns {sorted(set(columns) - names)}")
    given = {name: k for k, name in enumerate(columns)}
    auto = {index for index, _ in base.auto}
    other = {index for index, _ in base.other}
    picks, extras = [], []
    for index, field in enumerate(fields):
        if index in auto:
            if field.attname in given:
                raise ValueError(f"{field.attname} is set by the batch (auto_now)")
            value = _NOW
        elif field.attname in given:
            picks.append(given[field.attname])
            continue
        elif index in other or (field.has_default() and callable(field.default)):
            raise ValueError(f"give {field.attname}: its value is made per row")
        else:
            value = field.get_default()
        picks.append(len(columns) + len(extras))
        extras.append(value)
    getter = operator.itemgetter(*picks)
    return getter, extras, base, len(picks) == 1


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    using: str = "default",
) -> None:
    """Insert ``rows`` (tuples of values in the order of ``columns``, fields' attnames) of
    ``model`` in one statement, as ``insert_many`` inserts instances with those values.
    With the primary key among the columns (from ``reserve_ids``) the rows keep those keys."""
    if not rows:
        return
    columns = tuple(columns)
    compiled = inserts.compiled_insert(model, using=using, keyed=model._meta.pk.attname in columns)
    shape = _shapes.get((compiled, columns))
    if shape is None:
        shape = _shapes[(compiled, columns)] = _shape(compiled, columns)
    getter, extras, base, single = shape
    width = len(columns)
    if set(map(len, rows)) != {width}:  # one pass at C speed: every row, not the first only
        k = next(k for k, row in enumerate(rows) if len(row) != width)
        raise ValueError(f"row {k}: {len(rows[k])} values for {width} columns")
    now = timezone.now()
    tail = tuple(now if value is _NOW else value for value in extras)
    if single:
        params = [[getter(row + tail)] for row in rows]
    else:
        params = [list(getter(row + tail)) for row in rows]
    batch_rows.prepare(params, base)
    inserts.send(compiled, params, using)
