"""Hot inserts whose SQL is compiled once per process, thread and shape, then run with new values.

``insert(obj)`` writes a new row as ``obj.save()`` would: the same columns, the values each
field prepares for the database (``pre_save`` for ``auto_now_add``, ``get_db_prep_save``),
Django's insert compiler as the one author of the SQL. What it does not redo per row is
building that SQL (Django's ``SQLInsertCompiler.as_sql``: the largest CPU item left in a
create, docs/benchmarks.md), and it can leave out what nobody reads:

- ``answer=False``: no ``RETURNING`` of the new id (the row's ``pk`` stays ``None``), so
  inside ``pipeline.sent_together()`` the statement is sent without a wait;
- ``computed={"number": sql}``: a column the database computes in the statement itself
  (the incident number from a sequence), returned with the id and set on ``obj``.

Only models with no ``save()`` of their own and no ``pre_save``/``post_save`` receiver are
inserted here (checked when a shape is compiled): skipping ``save()`` must not skip a
behaviour. The SQL and the values
equal what ``save()`` sends (tests/core/test_inserts.py).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

_local = threading.local()


class Compiled:
    """One compiled single-row INSERT: its SQL and how to build its parameters."""

    __slots__ = ("alias", "compiler", "converters", "fields", "returning", "sql", "tail")

    def __init__(
        self, model: type[models.Model], alias: str, computed: Mapping[str, str], answer: bool
    ) -> None:
        meta = model._meta
        if pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise ValueError(f"{meta.label} has save signal receivers: use save()")
        if model.save is not models.Model.save:
            raise ValueError(f"{meta.label} has its own save(): use it")
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
        if meta.pk is not meta.auto_field:
            raise ValueError(f"{meta.label}: only models with an automatic primary key")
        unknown = set(computed) - {f.name for f in fields}
        if unknown:
            raise ValueError(f"{meta.label} has no columns {sorted(unknown)}")
        if any(getattr(f, "get_placeholder", None) for f in fields):
            raise ValueError(f"{meta.label}: a field with its own placeholder SQL")
        template = model()
        for name in computed:  # SQL written by Steward's code (numbering), never input
            sql = RawSQL(computed[name], ())  # noqa: S611
            setattr(template, meta.get_field(name).attname, sql)
        query = InsertQuery(model)
        query.insert_values(fields, [template])
        self.alias = alias
        self.compiler = query.get_compiler(using=alias)
        connection = self.compiler.connection
        self.returning = [meta.pk, *(meta.get_field(n) for n in computed)] if answer else []
        if self.returning and not connection.features.can_return_columns_from_insert:
            raise ValueError(f"{connection.vendor} cannot return columns from an insert")
        self.compiler.returning_fields = self.returning or None
        ((self.sql, params),) = self.compiler.as_sql()
        self.fields = [f for f in fields if f.name not in computed]
        self.tail = list(self.compiler.returning_params)
        if len(params) != len(self.fields) + len(self.tail):
            raise ValueError(f"{meta.label}: parameters do not match the compiled SQL")
        table = meta.db_table
        self.converters = self.compiler.get_converters([f.get_col(table) for f in self.returning])

    def params(self, obj: models.Model) -> list[Any]:
        compiler = self.compiler
        values = []
        for field in self.fields:
            value = compiler.pre_save_val(field, obj)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"{field.name}: an expression needs its own shape (computed=)")
            values.append(compiler.prepare_value(field, value))
        return values + self.tail

    def run(self, obj: models.Model) -> None:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(obj))
            if not self.returning:
                row = None
            else:
                row = connection.ops.fetch_returned_insert_columns(cursor, self.tail)
        if row is not None:
            if self.converters:
                (row,) = self.compiler.apply_converters([row], self.converters)
            for field, value in zip(self.returning, row, strict=True):
                setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = self.alias


def insert(
    obj: models.Model,
    *,
    computed: Mapping[str, str] | None = None,
    answer: bool = True,
    using: str = "default",
) -> None:
    """Insert the new ``obj`` as ``obj.save()`` would, with SQL compiled once per shape (its
    model, ``computed``'s columns and SQL, ``answer``) and thread. ``answer=False``: the new
    id is not read back (``obj.pk`` stays ``None``). ``computed``: columns given as SQL the
    database evaluates in the statement, read back onto ``obj`` with the id."""
    if obj.pk is not None:
        raise ValueError("insert() writes new rows: this one has a primary key")
    computed = computed or {}
    key = (type(obj), using, tuple(sorted(computed.items())), answer)
    cache = getattr(_local, "compiled", None)
    if cache is None:
        cache = _local.compiled = {}
    compiled = cache.get(key)
    if compiled is None:
        compiled = cache[key] = Compiled(type(obj), using, computed, answer)
    compiled.run(obj)


def forget() -> None:
    """Drop this thread's compiled inserts (tests that swap the database connection)."""
    _local.compiled = {}
