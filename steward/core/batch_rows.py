"""The parameters of many rows for one compiled insert (``inserts.insert_many``,
``tuple_inserts.insert_rows``), built a row at a time instead of a value at a time.

``plan_of`` says per column how to read a value off a row and prepare it; calling its two
functions for every value of every row was the largest Python item of a bulk load (430,000
calls for 5,000 incidents, docs/benchmarks-incidents.md). ``shape_of`` works out once per
compiled insert which columns need which care: a row's values are read with one
``attrgetter`` call, a value whose class is already its database form (``_AS_IS``: ``str``
for text, ``int`` for keys, ``None``) is left as it is without a call, and only the rest
goes through the plan's ``prep``, so what is sent is what the plan sends
(tests/core/test_inserts.py).

``auto_now``/``auto_now_add`` times: one ``timezone.now()`` per batch, set on every row
as ``DateTimeField.pre_save`` sets it (the rows of one statement share their creation
time, decision 0047), instead of a call per row and field.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

# value classes whose database form is the value itself, by the field's internal type: for
# these Django's ``get_db_prep_save`` returns what it is given (str for text, int for
# integers and keys to integer keys, bool for booleans, None for every one of them)
_AS_IS = {
    "CharField": str,
    "TextField": str,
    "SlugField": str,
    "IntegerField": int,
    "SmallIntegerField": int,
    "BigIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "AutoField": int,
    "BigAutoField": int,
    "BooleanField": bool,
}


def _aware_form(connection: Any, field: models.Field) -> Any:
    """For a plain ``DateTimeField``: what its ``get_db_prep_save`` makes of an aware
    datetime, without the per-value calls (``adapt_datetimefield_value``: PostgreSQL takes
    the value itself, SQLite the text of its wall time in the connection's zone); None
    where Django's own prep must run."""
    if (
        field.get_internal_type() != "DateTimeField"
        or type(field).get_db_prep_save is not models.DateTimeField.get_db_prep_save
        or type(field).get_db_prep_value is not models.DateTimeField.get_db_prep_value
        or type(field).get_prep_value is not models.DateTimeField.get_prep_value
        or not settings.USE_TZ
    ):
        return None
    if connection.vendor == "postgresql":
        return lambda value: value
    if connection.vendor == "sqlite":
        zone = connection.timezone
        return lambda value: str(value.astimezone(zone).replace(tzinfo=None))
    return None


class JsonText(str):
    """A JSON document already written as ``json.dumps`` writes it (``audit``'s create
    changes, decision 0080): a plain ``JSONField`` column takes it as its text (SQLite) or
    as ``Jsonb`` of that text (PostgreSQL), as its own prep would give it for the value."""

    __slots__ = ()


def _same(text: str) -> str:
    return text


def _json_form(connection: Any, field: models.Field) -> Any:
    """For a plain ``JSONField``: a ``JsonText``'s database form; None for other fields."""
    if (
        not isinstance(field, models.JSONField)
        or type(field).get_db_prep_save is not models.JSONField.get_db_prep_save
        or type(field).get_db_prep_value is not models.JSONField.get_db_prep_value
        or type(field).get_prep_value is not models.JSONField.get_prep_value
    ):
        return None
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return lambda value: Jsonb(str(value), dumps=_same)
    if connection.vendor == "sqlite":
        return str
    return None


def plan_of(compiled: Any) -> list[tuple[Any, Any]]:
    """Per column: how to read the value off a row and how to prepare it. The same calls
    ``inserts.Compiled.params`` makes, except that a value already in its database form
    (``_AS_IS``) is passed on without Django's per-field prep: that prep was most of a bulk
    insert's time (docs/benchmarks-incidents.md, decision 0032)."""
    compiler, plan = compiled.compiler, []
    for field in compiled.fields:
        target = field.target_field if field.is_relation else field
        kind = _AS_IS.get(target.get_internal_type())
        if type(field).pre_save is models.Field.pre_save:
            get = operator.attrgetter(field.attname)
        else:  # auto_now and auto_now_add fill the value here

            def get(obj: models.Model, field: models.Field = field) -> Any:
                return field.pre_save(obj, True)

        aware = _aware_form(compiler.connection, target)
        written = _json_form(compiler.connection, target)

        def prep(
            value: Any,
            field: models.Field = field,
            kind: type | None = kind,
            aware: Any = aware,
            written: Any = written,
        ) -> Any:
            if value.__class__ is kind or (value is None and kind is not None):
                return value
            if value.__class__ is JsonText:
                if written is None:
                    raise ValueError(f"{field.name}: JSON text for a column not plain JSON")
                return written(value)
            if aware is not None:
                if value is None:
                    return None
                if value.__class__ is dt.datetime and value.utcoffset() is not None:
                    return aware(value)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"{field.name}: an expression needs its own shape")
            return compiler.prepare_value(field, value)

        prep.aware = aware  # ``prepare`` sends UTC times without the call
        plan.append((get, prep))
    return plan


class Shape:
    """What ``rows`` and ``prepare`` need per compiled insert, worked out once (``shape_of``)."""

    __slots__ = ("always", "auto", "getter", "other", "text", "texts", "times", "typed", "width")

    def __init__(
        self,
        fields: Sequence[models.Field],
        plan: Sequence[tuple[Any, Any]],
        connection: Any = None,
    ) -> None:
        self.width = len(fields)
        self.getter = operator.attrgetter(*(f.attname for f in fields))
        # ``(index, attname)`` of the times ``DateTimeField.pre_save`` fills with "now"
        self.auto: list[tuple[int, str]] = []
        # ``(index, get)`` of columns whose own ``pre_save`` must run per row
        self.other: list[tuple[int, Any]] = []
        # ``(index, class, prep)``: prep unless the value is of that class or None
        self.typed: list[tuple[int, type, Any]] = []
        # ``(index, prep)``: prep every value (times, JSON, ...)
        self.always: list[tuple[int, Any]] = []
        # ``(index, prep)`` of plain times: a UTC one is sent as ``prep``'s aware form
        # would send it, without the call (``prepare``); the rest through ``prep``
        self.times: list[tuple[int, Any]] = []
        # ``(index, prep)`` of plain text columns: prep unless the value is a ``str`` (of
        # any class: a choices member is sent as it is, as the prep sends it) or None
        self.texts: list[tuple[int, Any]] = []
        vendor = connection.vendor if connection is not None else ""
        utc = vendor == "postgresql" or (vendor == "sqlite" and connection.timezone is dt.UTC)
        self.text = vendor == "sqlite"  # SQLite: the wall time's text; PostgreSQL: itself
        for index, (field, (get, prep)) in enumerate(zip(fields, plan, strict=True)):
            own = type(field).pre_save
            if own is models.DateTimeField.pre_save and (field.auto_now or field.auto_now_add):
                self.auto.append((index, field.attname))
            elif own is not models.Field.pre_save and own is not models.DateTimeField.pre_save:
                # (a time without ``auto_now``: its ``pre_save`` reads the attribute)
                self.other.append((index, get))
            target = field.target_field if field.is_relation else field
            kind = _AS_IS.get(target.get_internal_type())
            if kind is None and utc and getattr(prep, "aware", None) is not None:
                self.times.append((index, prep))
            elif kind is None:
                self.always.append((index, prep))
            elif kind is str and _plain_text(target):
                self.texts.append((index, prep))
            else:
                self.typed.append((index, kind, prep))


def _plain_text(field: models.Field) -> bool:
    """A text field whose prep gives any ``str`` back as it is (a choices member too:
    ``CharField.to_python``), so ``prepare`` may skip the call for every ``str``."""
    kind = type(field)
    return (
        kind.to_python in (models.CharField.to_python, models.TextField.to_python)
        and kind.get_prep_value
        in (models.CharField.get_prep_value, models.TextField.get_prep_value)
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and kind.get_db_prep_save is models.Field.get_db_prep_save
    )


def shape_of(compiled: Any) -> Shape:
    """``compiled``'s (an ``inserts.Compiled`` many-row form) ``Shape``, made at its first use."""
    made = compiled.shape
    if made is None:
        connection = compiled.compiler.connection
        made = compiled.shape = Shape(compiled.fields, plan_of(compiled), connection)
    return made


def rows(compiled: Any, objs: Sequence[models.Model]) -> list[list[Any]]:
    """Every row's parameters for ``compiled``'s SQL: the values its ``plan`` would give."""
    shape = shape_of(compiled)
    getter, auto, other = shape.getter, shape.auto, shape.other
    now = timezone.now() if auto else None
    single = shape.width == 1  # ``attrgetter`` of one name answers the value, not a tuple
    result = []
    for obj in objs:
        if auto:
            values = obj.__dict__  # a time field has no data descriptor: as ``setattr``
            for _, attname in auto:
                values[attname] = now
        row = [getter(obj)] if single else list(getter(obj))
        for index, get in other:
            row[index] = get(obj)
        result.append(row)
    prepare(result, shape)
    return result


def prepare(rows: list[list[Any]], shape: Shape) -> None:
    """Turn the Python values of ``rows`` into their database form in place: ``texts``
    unless a ``str``; ``typed`` columns unless the value is already of its class (or
    None); ``times`` unless None or UTC (whose form needs no call); ``always`` ones every
    value (also ``tuple_inserts``)."""
    typed, times, always, text = shape.typed, shape.times, shape.always, shape.text
    texts = shape.texts
    last_time = last_text = None  # the last UTC time's text (SQLite): one object, one call
    for row in rows:
        for index, prep in texts:
            value = row[index]
            if value is not None and not isinstance(value, str):
                row[index] = prep(value)
        for index, kind, prep in typed:
            value = row[index]
            if value.__class__ is not kind and value is not None:
                row[index] = prep(value)
        for index, prep in times:
            value = row[index]
            if value.__class__ is _DATETIME and value.tzinfo is _UTC:
                if text:  # ``str`` of the naive UTC time: the ISO text less its "+00:00"
                    if value is last_time:  # the batch's "now", a start shared by clocks
                        row[index] = last_text
                    else:
                        row[index] = last_text = value.isoformat(" ")[:-6]
                        last_time = value
            elif value is not None:
                row[index] = prep(value)
        for index, prep in always:
            row[index] = prep(row[index])


_DATETIME, _UTC = dt.datetime, dt.UTC
