"""Writing the audit log: called by services inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import operator
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from steward.core import inserts, pipeline
from steward.core.actor import Actor
from steward.core.batch_rows import JsonText
from steward.core.choices import AuditAction
from steward.core.models import AuditEntry
from steward.core.tuple_inserts import insert_rows

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


def record_created_snapshots(actor: Actor, objs: list[models.Model], fields: Iterable[str]) -> None:
    """``record_created_many(actor, objs, lambda o: snapshot(o, fields))`` in one pass: each
    row's values read at once and made JSON-safe as ``snapshot`` makes them, straight into
    the entry's changes (the snapshot dict and its copy were a tenth of an import's audit,
    decision 0052)."""
    if not objs:
        return
    model, fields = type(objs[0]), tuple(fields)
    read = operator.attrgetter(*(_attrs.get((model, n)) or _attr(model, n) for n in fields))
    one = len(fields) == 1  # ``attrgetter`` of one name answers the value, not a tuple
    rows = []
    for obj in objs:
        values = (read(obj),) if one else read(obj)
        changes = {
            name: [None, value if value.__class__ in _AS_IS else _plain(value)]
            for name, value in zip(fields, values, strict=True)
        }
        rows.append((obj, changes))
    record_many(actor, rows, action=AuditAction.CREATE)


# False: ``record_created_texts`` is ``record_created_snapshots`` (a dict per entry, dumped
# by the column's prep, as before decision 0080); tests compare the rows the two write
TEXTS = True


def record_created_texts(actor: Actor, objs: list[models.Model], fields: Iterable[str]) -> None:
    """``record_created_snapshots`` with each entry's changes written as JSON text at once
    (``batch_rows.JsonText``: the text ``json.dumps`` gives for the changes dict, decision
    0080), not a dict per row dumped by the column's prep."""
    if not TEXTS:
        record_created_snapshots(actor, objs, fields)
        return
    if not objs:
        return
    model, fields = type(objs[0]), tuple(fields)
    read = operator.attrgetter(*(_attrs.get((model, n)) or _attr(model, n) for n in fields))
    one = len(fields) == 1  # ``attrgetter`` of one name answers the value, not a tuple
    template = "{" + ", ".join(f"{json.dumps(n)}: [null, %s]" for n in fields) + "}"
    if "%" in template.replace("%s", ""):  # a field name with "%": no template
        template = ""
    rows = []
    for obj in objs:
        values = (read(obj),) if one else read(obj)
        if template:
            text = template % tuple(map(_json, values))
        else:
            text = json.dumps({n: [None, _plain(v)] for n, v in zip(fields, values, strict=True)})
        rows.append((obj, JsonText(text)))
    record_many(actor, rows, action=AuditAction.CREATE)


_ascii = json.encoder.encode_basestring_ascii  # ``json.dumps``' own, the C one


def _json(value: Any) -> str:
    """``json.dumps(value)`` of a snapshot's value as ``snapshot`` makes it JSON-safe: plain
    strings, ints, None and booleans written here, anything else through ``json.dumps``."""
    kind = value.__class__
    if kind is str:
        return _ascii(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is dt.datetime:  # ``isoformat`` writes only ASCII digits, "-", ":", "T", ".", "+"
        return f'"{value.isoformat()}"'
    return json.dumps(_plain(value))


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
    ct = ContentType.objects.get_for_model(rows[0][0], for_concrete_model=True).pk
    # the values ``_entry`` gives each entry, as a row (no instance to build and read back)
    user = actor.user.pk if actor.user is not None else None
    who = (user, actor.label, actor.channel, actor.request_id, ct)
    insert_rows(
        AuditEntry,
        _ROW,
        [(*who, str(obj.pk), str(obj)[:200], action, changes) for obj, changes in rows],
    )


# ``record_many``'s columns, in the order of its rows' values
_ROW = (
    "actor_id",
    "actor_label",
    "channel",
    "request_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "changes",
)


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
