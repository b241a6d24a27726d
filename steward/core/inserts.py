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
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.signals import post_init, post_save, pre_init, pre_save
from django.db.models.sql import InsertQuery

from steward.core import batch_rows, copying, pipeline

_local = threading.local()


class Compiled:
    """One compiled single-row INSERT: its SQL and how to build its parameters."""

    __slots__ = (
        "alias",
        "compiler",
        "converters",
        "copy_sql",
        "fields",
        "returning",
        "shape",
        "sql",
        "tail",
    )

    def __init__(
        self,
        model: type[models.Model],
        alias: str,
        computed: Mapping[str, str],
        answer: bool,
        keyed: bool = False,
    ) -> None:
        meta = model._meta
        if pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise ValueError(f"{meta.label} has save signal receivers: use save()")
        if model.save is not models.Model.save:
            raise ValueError(f"{meta.label} has its own save(): use it")
        # ``keyed``: the primary key is written too (taken beforehand with ``reserve_ids``)
        fields = [
            f for f in meta.local_concrete_fields if not f.generated and (keyed or f is not meta.pk)
        ]
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
        self.shape = None  # ``batch_rows.shape``: the many-row form's, made at its first use
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
        # the many-row form (``insert_many``'s shapes: nothing computed, nothing returned)
        plain = not computed and not self.returning
        self.copy_sql = copying.statement(connection, model, self.fields) if plain else ""

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


def compiled_insert(model: type[models.Model], *, using: str, keyed: bool) -> Compiled:
    """The compiled many-row form of ``model``'s INSERT (nothing computed, nothing returned;
    ``keyed``: with the primary key) for this thread: ``insert_many``'s, ``insert_rows``'s."""
    key = (model, using, (), False, keyed)
    cache = getattr(_local, "compiled", None)
    if cache is None:
        cache = _local.compiled = {}
    compiled = cache.get(key)
    if compiled is None:
        compiled = cache[key] = Compiled(model, using, {}, False, keyed)
    return compiled


def insert_many(objs: Sequence[models.Model], *, using: str = "default") -> None:
    """Insert new rows of one model with one ``executemany`` of the compiled single-row
    INSERT (bulk paths), on PostgreSQL one ``COPY`` of the same columns (``copying``;
    ``executemany`` inside ``pipeline.sent_together()``): the columns and values ``insert``
    sends for each. Rows whose primary
    keys are set (from ``reserve_ids``) are written with them, so their children can name
    them without a read; rows without keep ``pk`` ``None``. One statement whatever the
    number of rows (``bulk_create`` on SQLite sends one per 999 values)."""
    if not objs:
        return
    model = type(objs[0])
    keyed = objs[0].pk is not None
    if any(type(o) is not model or (o.pk is not None) is not keyed for o in objs):
        raise ValueError("insert_many writes rows of one model, all with keys or all without")
    compiled = compiled_insert(model, using=using, keyed=keyed)
    send(compiled, batch_rows.rows(compiled, objs), using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def send(compiled: Compiled, params: list[list[Any]], using: str) -> None:
    """One statement for every row's parameters: ``COPY`` where it can, else ``executemany``."""
    with connections[using].cursor() as cursor:
        if compiled.copy_sql and not pipeline.active(using):
            copying.write(cursor, compiled.copy_sql, params)
        else:
            cursor.executemany(compiled.sql, params)


def instance(model: type[models.Model], **values: Any) -> models.Model:
    """``model(**values)`` for the bulk paths' thousands of new rows, without ``__init__``'s
    walk over every field: the fields' fixed defaults are taken once per model (a
    template), callable ones called for the fields ``values`` leave out, ``values`` set as
    ``__init__`` sets them (foreign keys as their descriptors set them). Models with init
    signal receivers or their own ``__init__`` are built by ``__init__`` itself; the two
    equal (tests/core/test_inserts.py)."""
    shape = _shapes.get(model)
    if shape is None:
        shape = _shapes[model] = _shape(model)
    if shape is False:
        return model(**values)
    template, names, made, links = shape
    obj = model.__new__(model)
    obj.__dict__.update(template)
    obj._state = state = ModelState()
    for name, value in values.items():
        link = links.get(name)
        if link is not None and name not in state.fields_cache:
            # what the foreign key's descriptor does for a new row, without a router
            # (``_links``); anything else (another database, a proxy) goes through it
            if value is None:
                obj.__dict__[link[0]] = None
                state.fields_cache[name] = None
                continue
            if value.__class__ is link[2] and value._state.db is not None:
                state.db = state.db or value._state.db
                if state.db == value._state.db:
                    obj.__dict__[link[0]] = getattr(value, link[1])
                    state.fields_cache[name] = value
                    continue
        if name not in names:
            raise TypeError(f"{model.__name__} has no field {name!r}")
        setattr(obj, name, value)
    for name, attname, default in made:
        if name not in values and attname not in values:
            setattr(obj, attname, default())
    return obj


_shapes: dict[type[models.Model], Any] = {}


def _shape(model: type[models.Model]) -> Any:
    meta = model._meta
    fields = meta.concrete_fields
    if (
        model.__init__ is not models.Model.__init__
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or len(fields) != len(meta.fields)
    ):
        return False
    # ``__init__`` leaves generated columns (and columnless fields) unset
    fields = [f for f in fields if not f.generated and f.column is not None]
    made = [(f.name, f.attname, f.get_default) for f in fields if _made(f)]
    template = {f.attname: f.get_default() for f in fields if not _made(f)}
    names = frozenset({f.name for f in fields} | {f.attname for f in fields})
    return template, names, made, _links(model, fields)


def _links(model: type[models.Model], fields: list[models.Field]) -> dict[str, tuple]:
    """Foreign keys ``instance`` may set as their descriptor would: plain many-to-one ones
    to one column, with no database router (the descriptor asks it), by name:
    ``(attname, the target's attname, the target model)``."""
    if settings.DATABASE_ROUTERS:
        return {}
    return {
        f.name: (f.attname, f.target_field.attname, f.remote_field.model._meta.concrete_model)
        for f in fields
        if f.many_to_one
        and type(getattr(model, f.name, None)) is ForwardManyToOneDescriptor
        and len(f.related_fields) == 1
        and f.cache_name == f.name
    }


def _made(field: models.Field) -> bool:
    return field.has_default() and callable(field.default)


def reserve_ids(model: type[models.Model], count: int, *, using: str = "default") -> list[int]:
    """``count`` new primary keys of ``model`` for rows this transaction writes next with
    ``insert_many`` (one statement). PostgreSQL: from the column's sequence. SQLite: after
    the highest key ever given (``AUTOINCREMENT``'s own rule), safe because Steward's
    transactions begin ``IMMEDIATE``: no other writer can take them before the insert.
    Write the rows before reserving again for the same model in the same transaction."""
    if count < 1:
        return []
    connection = connections[using]
    meta = model._meta
    if meta.pk is not meta.auto_field:
        raise ValueError(f"{meta.label}: only models with an automatic primary key")
    table, column = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(n for (n,) in cursor.fetchall())
        if connection.vendor != "sqlite" or not connection.in_atomic_block:
            raise ValueError("reserve_ids needs PostgreSQL or SQLite inside a transaction")
        quoted = connection.ops.quote_name
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"coalesce((SELECT max({quoted(column)}) FROM {quoted(table)}), 0))",
            [table],
        )
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def forget() -> None:
    """Drop this thread's compiled inserts (tests that swap the database connection)."""
    _local.compiled = {}
