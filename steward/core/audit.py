"""Writing the audit log: called by services inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from steward.core import inserts, pipeline
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.models import AuditEntry

REDACTED = "[redacted]"
# an audit row's columns in the order batched raw inserts write them (the imports)
ROW_COLUMNS = (
    "at",
    "actor",
    "actor_label",
    "channel",
    "request_id",
    "content_type",
    "object_id",
    "object_repr",
    "action",
    "changes",
)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value (foreign keys as their ids)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    return value


# classes ``_plain`` returns as they are: skipping its checks for them matters to bulk
# paths (an imported incident's snapshot is 25 values)
_AS_IS = frozenset({str, int, bool, type(None)})
_attrs: dict[tuple[type, str], str] = {}


def _attr(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    attr = field.attname if isinstance(field, models.ForeignKey) else name
    _attrs[(model, name)] = attr
    return attr


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of ``fields`` (``attname`` for foreign keys, so no extra query)."""
    result, model = {}, type(obj)
    for name in fields:
        value = getattr(obj, _attrs.get((model, name)) or _attr(model, name))
        result[name] = value if value.__class__ in _AS_IS else _plain(value)
    return result


def record(
    actor: Actor,
    obj: models.Model,
    *,
    action: str = AuditAction.UPDATE,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    secret_fields: Iterable[str] = (),
) -> AuditEntry | None:
    """Write one entry with the fields that changed; nothing when an update changed nothing."""
    before, after = before or {}, after or {}
    secret = set(secret_fields)
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if action == AuditAction.UPDATE and old == new:
            continue
        changes[name] = [REDACTED, REDACTED] if name in secret else [old, new]
    if action == AuditAction.UPDATE and not changes:
        return None
    entry = _entry(actor, obj, action, changes)
    # sent with the write's other rows when they go together: nobody reads the entry's id
    # (it stays None then)
    inserts.insert(entry, answer=not pipeline.active())
    return entry


def record_created_many(
    actor: Actor, objs: list[models.Model], changes: Callable[[models.Model], dict[str, Any]]
) -> None:
    """Bulk paths: one ``create`` entry per new row (``changes`` gives its field values),
    inserted together in the caller's transaction."""
    record_many(
        actor,
        [(obj, {name: [None, value] for name, value in changes(obj).items()}) for obj in objs],
        action=AuditAction.CREATE,
    )


def record_many(
    actor: Actor,
    rows: list[tuple[models.Model, dict[str, list[Any]]]],
    *,
    action: str = AuditAction.UPDATE,
) -> None:
    """Bulk paths: one entry per ``(row, {field: [old, new]})``, all of one model, inserted
    together (one statement) in the caller's transaction."""
    if not rows:
        return
    ct = ContentType.objects.get_for_model(rows[0][0], for_concrete_model=True)
    inserts.insert_many([_entry(actor, obj, action, changes, ct) for obj, changes in rows])


def record_rows(rows: list[tuple[Actor, models.Model, str, dict[str, Any]]]) -> None:
    """Bulk paths whose rows have different actors or models (a mail poll's chunk: replies
    by their senders, messages by the mailbox): one entry per ``(actor, row, action, after)``,
    as ``record(actor, row, action=action, after=after)`` writes it, inserted together."""
    if not rows:
        return
    inserts.insert_many(
        [
            _entry(actor, obj, action, {name: [None, after[name]] for name in sorted(after)})
            for actor, obj, action, after in rows
        ]
    )


def _entry(
    actor: Actor,
    obj: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    content_type: ContentType | None = None,
) -> AuditEntry:
    """The unsaved entry every writer above inserts: who, through what, on which row."""
    return inserts.instance(
        AuditEntry,
        actor=actor.user,
        actor_label=actor.label,
        channel=actor.channel,
        request_id=actor.request_id,
        content_type=content_type
        or ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=changes,
    )
