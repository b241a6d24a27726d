"""Model objects from rows already read, for reads that list thousands of them.

The ORM's own materialisation (``Model.from_db`` → ``__init__`` per row, per related object)
was most of the time of a month calendar of 5,000 changes and of an impact answer of 5,000
CIs (docs/benchmarks-changes.md, docs/benchmarks-cmdb.md). ``loaded`` makes the object
``from_db`` would make for the same fields: those given are loaded, every other field is
deferred (reading one costs a query, as with ``only``). Models with their own ``__init__``
or ``from_db`` must not be built this way.

``driver_rows`` and ``EpochMicros`` are the other two cheap reads of many rows: the driver's
tuples without Django's converters, and PostgreSQL's datetimes as integers. ``Seconds``
is a moment as seconds on both databases, for durations summed in SQL (the reports).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models.base import ModelState


def loaded(
    model: type[models.Model],
    db: str,
    values: dict[str, Any],
    related: dict[str, models.Model | None] | None = None,
) -> Any:
    """An instance of ``model`` as read from database ``db`` with these field values
    (attribute names: ``team_id``, not ``team``); ``related`` (forward relation name →
    object or None) is cached as ``select_related`` caches it, so reading it costs nothing."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = state = ModelState()
    state.adding, state.db = False, db
    if related is not None:
        state.fields_cache = related  # what ``set_cached_value`` fills, one key per relation
    return obj


def cache_related(obj: models.Model, field: str, related: models.Model | None) -> None:
    """What ``select_related`` does for ``field``: ``obj.<field>`` answers without a query."""
    obj._meta.get_field(field).set_cached_value(obj, related)


def driver_rows(rows: models.QuerySet) -> list[tuple]:
    """The tuples of a ``values_list`` query as the driver returns them, without Django's
    per-value converters (a third of reading 5,000 calendar rows). The caller must do what
    a skipped converter did for its columns: on SQLite, datetimes come back naive (UTC);
    on PostgreSQL they are aware already."""
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class EpochMicros(models.Func):
    """A PostgreSQL ``timestamptz`` as whole microseconds since 1970-01-01 UTC, exact
    (``EXTRACT`` answers ``numeric`` with the microseconds as its fraction): an integer the
    driver reads in C, where psycopg's ``timestamptz`` loader is a Python call per value
    (decisions 0029, 0070). PostgreSQL only; the caller makes the datetime."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = models.BigIntegerField()


class Seconds(models.Func):
    """A moment as seconds on a fixed scale, in plain SQL on both databases (SQLite's
    ``julianday``, PostgreSQL's epoch): the difference of two is a duration in seconds,
    where Django's own subtraction calls a Python function per row on SQLite."""

    output_field = models.FloatField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) * 86400.0)")

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003
        template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
        return self.as_sql(compiler, connection, template=template)
