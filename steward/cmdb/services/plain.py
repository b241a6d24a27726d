"""Plain rows for the CMDB's bulk path: one statement per table whatever the batch's size,
values already in the driver's form (decision 0048).

``insert`` is ``COPY`` on PostgreSQL (``core.copying``, as ``core.inserts.insert_many``
writes it: logged where statements are, errors turned into Django's) and one
``executemany`` on SQLite. The import's own writer (``imports/sql.py``) does the same but
splits SQLite batches at 5,000 rows; this one does not, so a bulk call's statement count
does not grow with its size. Table and column names come from the models, never from
input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from steward.core import copying, pipeline
from steward.core.actor import Actor
from steward.core.audit import ROW_COLUMNS
from steward.core.models import AuditEntry


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write every row (values in ``fields`` order, each already what the driver takes)."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    with connection.cursor() as cursor:
        copy_sql = copying.statement(connection, model, columns)
        if copy_sql and not pipeline.active(connection.alias):
            copying.write(cursor, copy_sql, rows)  # type: ignore[arg-type] - read once, in order
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in columns)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, rows)


def time_value(value: Any) -> Any:
    """An aware datetime as the backend's own prep sends it (text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def audit(
    actor: Actor,
    model: type[models.Model],
    now: Any,
    entries: Iterable[tuple[Any, str, str, dict[str, Any]]],
) -> None:
    """One audit row per ``(pk, text, action, changes)`` on rows of ``model``, in the shape
    ``audit._entry`` gives ``insert_many`` (``str(pk)``, the text cut at 200 characters,
    changes as JSON text), all at ``now``, in one statement."""
    at = time_value(now)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    user = actor.user.pk if actor.user is not None else None
    head = (at, user, actor.label, actor.channel, actor.request_id, content_type)
    dumps = json.dumps
    insert(
        AuditEntry,
        ROW_COLUMNS,
        (
            (*head, str(pk), text[:200], action, dumps(changes))
            for pk, text, action, changes in entries
        ),
    )
