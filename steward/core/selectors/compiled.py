"""Hot reads whose SQL is compiled once per process and thread, then run with new values.

Compiling a queryset (resolving its joins, selected columns and ordering into SQL) costs
Django more than running the statement: two thirds of a GET of one incident went there
(docs/benchmarks.md). ``rows`` builds the ``.values()`` queryset once per *shape* with
placeholder values (``Slot``), keeps its SQL, the positions of the placeholders among the
parameters and the compiler's converters, and later runs that SQL with the real values,
converting each column as ``.values()`` would. The ORM stays the one author of the SQL, so
a read here and the same queryset evaluated normally return equal rows (tests check it).

A shape is the key the caller gives plus the length of every list value (``IN (%s, %s)``
has one parameter per element). Compiled statements are kept per thread: the compiler's
converters belong to that thread's database connection.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

Value = int | str | Sequence[int] | Sequence[str]
_local = threading.local()
_BASE = -(2**52)  # placeholder integers: far below any primary key or counter


class Statement:
    """One compiled ``.values()`` query: its SQL, where each placeholder goes, converters."""

    __slots__ = ("alias", "by_column", "compiler", "converters", "names", "params", "slots", "sql")

    def __init__(self, queryset: QuerySet, placeholders: dict[Any, tuple[str, int | None]]):
        query = queryset.query
        self.alias = queryset.db
        self.compiler = query.get_compiler(using=self.alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        columns = [column for column, _sql, _alias in self.compiler.select]
        if len(columns) != len(self.names):
            raise ValueError("compiled rows need a plain .values() queryset")
        self.converters = _faster(self.compiler.get_converters(columns), self.alias)
        self.by_column = _by_column(self.converters, self.alias)
        self.slots = [
            (i, *placeholders[p]) for i, p in enumerate(self.params) if _is_slot(p, placeholders)
        ]
        missing = {name for name, _ in placeholders.values()} - {s[1] for s in self.slots}
        if missing:  # a value Django rewrote (or never used): the SQL would not take it
            raise ValueError(f"placeholders not found among the parameters: {sorted(missing)}")

    def _params(self, values: dict[str, Value]) -> list:
        params = list(self.params)
        for position, name, index in self.slots:
            value = values[name]
            params[position] = value if index is None else value[index]  # type: ignore[index]
        return params

    def run(self, values: dict[str, Value]) -> list[dict[str, Any]]:
        return self.fetch(self.sql, self._params(values))

    def run_tuples(self, values: dict[str, Value]) -> list[Sequence[Any]]:
        return self.converted(self.sql, self._params(values))

    def converted(self, sql: str, params: list) -> list[Sequence[Any]]:
        """The statement's rows, each value converted as ``.values()`` converts it, as
        sequences in the order of ``names``."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if self.by_column is not None and BY_COLUMN and KEEP_TIMES and found:
            columns = list(zip(*found, strict=True))  # each converted column by one map
            for position, convert in self.by_column:
                columns[position] = map(convert, columns[position])  # type: ignore[call-overload]
            return list(zip(*columns, strict=True))
        if self.converters:
            return list(self.compiler.apply_converters(found, self.converters))
        return found

    def fetch(self, sql: str, params: list) -> list[dict[str, Any]]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.converted(sql, params)]


# SQLite's datetimes made aware, per process and zone, as they are read (decision 0081): a
# queue's first page reads the same ~470 times for each reader, and ``replace`` cost ~1 µs a
# value, a look-up a tenth of it; a zone's are forgotten when it holds ``_AWARE_MAX``.
# False: each value made aware anew (the reference tests compare the rows with)
KEEP_TIMES = True
_AWARE_MAX = 4096


class _Aware(dict):
    """A zone's kept aware datetimes by their naive value; as a function (``__getitem__``,
    decision 0088) it converts any value as ``_faster``'s ``aware`` does."""

    def __init__(self, zone: Any, slow: Callable[..., Any], connection: Any) -> None:
        super().__init__()
        self.zone, self.slow, self.connection = zone, slow, connection

    def __missing__(self, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is not dt.datetime:  # not parsed by the driver: Django's own path
            return self.slow(self.connection.ops, value, None, self.connection)
        if value.tzinfo is not None:
            return value
        if len(self) >= _AWARE_MAX:
            self.clear()
        made = self[value] = value.replace(tzinfo=self.zone)
        return made


_aware: dict[Any, _Aware] = {}


class _Booleans(dict):
    """SQLite's boolean converter as a look-up: 0 and 1 (and what equals them) → ``bool``,
    anything else as it is (``convert_booleanfield_value``: ``value in (1, 0)``)."""

    def __missing__(self, value: Any) -> Any:
        return value


_BOOLEANS = _Booleans({0: False, 1: True})
# False: Django's ``apply_converters``, value by value (the reference tests compare with)
BY_COLUMN = True


def _by_column(converters: dict, alias: str) -> list[tuple[int, Callable[[Any], Any]]] | None:
    """``converters`` as one C-level look-up per converted column (decision 0088: a queue
    page's ~1,100 conversions were each a Python call through ``apply_converters``), or None
    when a column has a converter other than SQLite's datetime and boolean ones."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or not settings.USE_TZ or not converters:
        return None
    ops = type(connection.ops)
    plan = []
    for position, (chain, _expression) in sorted(converters.items()):
        if len(chain) != 1:
            return None
        if isinstance(getattr(chain[0], "kept", None), _Aware):
            plan.append((position, chain[0].kept.__getitem__))
        elif _is(chain[0], ops.convert_booleanfield_value):
            plan.append((position, _BOOLEANS.__getitem__))
        else:
            return None
    return plan


def _faster(converters: dict, alias: str) -> dict:
    """``converters`` with SQLite's datetime converter replaced by one that does the same
    in fewer steps: the driver already parsed the value (``detect_types``), so what is left
    is making it aware in the connection's zone; ``settings.USE_TZ`` (a lazy setting read
    per value) and the double awareness check were most of a queue page's 700 conversions."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return converters
    slow = type(connection.ops).convert_datetimefield_value
    zone = connection.timezone
    kept = _aware.get(zone)
    if kept is None:
        kept = _aware[zone] = _Aware(zone, slow, connection)

    def aware(value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if type(value) is not dt.datetime:  # not parsed by the driver: Django's own path
            return slow(connection.ops, value, expression, connection)
        if value.tzinfo is not None:
            return value
        if not KEEP_TIMES:
            return value.replace(tzinfo=zone)
        made = kept.get(value)  # the driver's values: fold 0, so equal means the same time
        if made is None:
            if len(kept) >= _AWARE_MAX:
                kept.clear()
            made = kept[value] = value.replace(tzinfo=zone)
        return made

    aware.kept = kept  # type: ignore[attr-defined] - read by ``_by_column``
    return {
        position: ([aware if _is(c, slow) else c for c in chain], expression)
        for position, (chain, expression) in converters.items()
    }


def _is(converter: Any, function: Any) -> bool:
    return getattr(converter, "__func__", None) is function


def _is_slot(param: Any, placeholders: dict) -> bool:
    try:
        return param in placeholders
    except TypeError:  # an unhashable parameter (a list or JSON value) is never a slot
        return False


def rows(key: Hashable, build: Callable[..., QuerySet], **values: Value) -> list[dict[str, Any]]:
    """The rows of ``build(**values)`` (a ``.values()`` queryset whose *shape* depends only
    on ``key`` and the lengths of list values), compiled once per shape and thread.

    ``values`` are integers, strings, or sequences of them, each used by ``build`` only as a
    lookup's value (``number=number``, ``organisation_id__in=served``)."""
    return _statement(key, build, values).run(values)


def tuples(
    key: Hashable, build: Callable[..., QuerySet], **values: Value
) -> tuple[tuple[str, ...], list[Sequence[Any]]]:
    """``rows`` as sequences (no dict a row), with the names of their columns, in order:
    for a hot read that takes each value by its place (decision 0111)."""
    statement = _statement(key, build, values)
    return tuple(statement.names), statement.run_tuples(values)


def _statement(
    key: Hashable, build: Callable[..., QuerySet], values: dict[str, Value]
) -> Statement:
    """``build``'s statement for ``values``' shape, compiled once per shape and thread."""
    shape = (key, *((n, len(v)) for n, v in sorted(values.items()) if not _scalar(v)))
    cache = getattr(_local, "statements", None)
    if cache is None:
        cache = _local.statements = {}
    statement = cache.get(shape)
    if statement is None:
        placeholders: dict[Any, tuple[str, int | None]] = {}
        fake: dict[str, Value] = {}
        for name, value in sorted(values.items()):
            if _scalar(value):
                fake[name] = _slot(name, value, len(placeholders))
                placeholders[fake[name]] = (name, None)
            else:
                items = []
                for index in range(len(value)):  # type: ignore[arg-type]
                    items.append(_slot(name, value[index], len(placeholders)))  # type: ignore[index]
                    placeholders[items[-1]] = (name, index)
                fake[name] = items
        statement = cache[shape] = Statement(build(**fake), placeholders)
    return statement


def _scalar(value: Value) -> bool:
    return isinstance(value, int | str)


def _slot(name: str, like: int | str, serial: int) -> int | str:
    """A placeholder of the value's type that no real value equals."""
    if isinstance(like, str):
        return f"\x00slot:{serial}:{name}"
    return _BASE - serial


class Within(Statement):
    """A ``.values()`` query whose ``IN`` takes a subquery given at each run: its SQL split
    around a marker compiled where the subquery goes."""

    __slots__ = ("after", "before")

    def __init__(self, queryset: QuerySet, marker: str) -> None:
        super().__init__(queryset, {})
        if self.params or self.sql.count(marker) != 1:
            # the subquery's values are the only parameters: nothing else may need one
            raise ValueError("a subquery's statement takes no other parameters")
        self.before, self.after = self.sql.split(marker)

    def run_within(self, sql: str, params: Sequence) -> list[dict[str, Any]]:
        return self.fetch(f"{self.before}{sql}{self.after}", list(params))


_MARKER = "SELECT NULL /* compiled.within */"


def rows_within(
    key: Hashable, build: Callable[[RawSQL], QuerySet], subquery: tuple[str, Sequence]
) -> list[dict[str, Any]]:
    """The rows of ``build(ids)``, where ``ids`` is ``subquery`` (its SQL, selecting one
    column, and its values) put where ``build`` uses it (``id__in=ids``): one statement for
    what would be two (the subquery's rows, then these by them), compiled once per ``key``
    and thread. ``build``'s SQL takes no other parameter."""
    cache = getattr(_local, "statements", None)
    if cache is None:
        cache = _local.statements = {}
    statement = cache.get(("within", key))
    if statement is None:
        statement = Within(build(RawSQL(_MARKER, ())), _MARKER)  # noqa: S611 - a constant
        cache["within", key] = statement
    return statement.run_within(*subquery)
