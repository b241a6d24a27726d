"""Writing a checked plan inside the caller's transaction: CIs inserted and updated with
batched statements, each with its audit row (field-level, as ``audit.record`` writes them),
identifier and source-id rows, and one outbox event per thousand CIs."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.cmdb.imports import sql
from steward.cmdb.imports.candidates import chunks
from steward.cmdb.imports.context import Context
from steward.cmdb.imports.reconcile import Create, Plan, Progress, Update
from steward.cmdb.imports.relations import LinkPlan
from steward.cmdb.models import CIIdentifier, CISourceId, ConfigurationItem, Relationship
from steward.cmdb.services import bulk
from steward.cmdb.services.cis import AUDITED
from steward.core import audit, outbox
from steward.core.choices import AuditAction
from steward.core.models import AuditEntry
from steward.core.numbering import next_numbers

FOREIGN = ("owner_team", "support_team", "organisation", "location")
# what an insert or update writes besides the class: every CI field a row may set
WRITTEN = (
    "name",
    "description",
    "status",
    "environment",
    "criticality",
    *FOREIGN,
    "software_version",
)


def _plain(value: Any) -> Any:
    """A choice's default as its plain value (``Criticality.MEDIUM`` → ``3``): the same
    column value and JSON, but ``_json`` writes a plain ``str`` or ``int`` itself, where
    an enum member went through ``json.dumps``'s Python encoder, twice per created CI
    (decision 0100: a tenth of a first import's CPU)."""
    return value.value if isinstance(value, Enum) else value


DEFAULTS = {n: _plain(ConfigurationItem._meta.get_field(n).get_default()) for n in WRITTEN}


def apply_cis(ctx: Context, plan: Plan, progress: Progress = None) -> None:
    """Create and update the planned CIs; remember new source ids."""
    total = len(plan.creates) + len(plan.updates)
    now = timezone.now()
    _create(ctx, plan.creates, now)
    if progress and total:
        progress(len(plan.creates), total, "writing")
    _update(ctx, plan.updates, now)
    if progress and total:
        progress(total, total, "writing")
    sql.insert(
        CISourceId,
        ("source", "external_id", "ci"),
        (
            (ctx.source.pk, external_id, t.pk if isinstance(t, Create) else t["id"])
            for external_id, t in plan.source_ids
        ),
    )


DEFAULT_VALUES = tuple(DEFAULTS[n] for n in WRITTEN)
WRITTEN_AT = {name: i for i, name in enumerate(WRITTEN)}


def _values(row_fields: dict[str, Any]) -> list[Any]:
    """A create's values of ``WRITTEN`` as the CI row and the audit log store them (foreign
    keys as ids, defaults for fields the row does not give)."""
    values = list(DEFAULT_VALUES)
    for name, value in row_fields.items():
        at = WRITTEN_AT.get(name)
        if at is not None:
            values[at] = value.pk if name in FOREIGN and value is not None else value
    return values


def _create(ctx: Context, creates: list[Create], now: Any) -> None:
    if not creates:
        return
    at = sql.time_value(now)
    source = ctx.source.name
    rows, texts = [], []
    # JSON text, not the backend's adapter: ``COPY`` and SQLite take the text as it is, and
    # each row's attributes are encoded once for the CI and its audit row (``_create_changes``)
    dumps = json.dumps
    owners_of: dict[tuple[str, ...], str] = {}  # rows of one file mostly name the same columns
    for create, number in zip(creates, next_numbers("CI", len(creates)), strict=True):
        row = create.row
        create.number = create.result.number = number
        values = _values(row.fields)
        names = (*row.fields, *row.attributes)
        owners = owners_of.get(names)
        if owners is None:
            owners = owners_of[names] = dumps(dict.fromkeys(names, source))
        attributes = dumps(row.attributes)
        class_id = row.ci_class.id
        rows.append((number, class_id, attributes, owners, *values, 1, at, at))
        snapshot = dict(zip(WRITTEN, values, strict=True))
        snapshot["number"], snapshot["ci_class"] = number, class_id
        texts.append((f"{number} {snapshot['name']}", _create_changes(snapshot, attributes)))
    sql.insert(
        ConfigurationItem,
        (
            "number",
            "ci_class",
            "attributes",
            "attribute_sources",
            *WRITTEN,
            "version",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    ids = _ids_of([c.number for c in creates])
    for create in creates:
        create.pk = ids[create.number]
    families = {cls.id: ctx.family(cls).id for cls in {c.row.ci_class for c in creates}}
    sql.insert(
        CIIdentifier,
        ("family", "key", "value", "ci"),
        [
            (families[c.row.ci_class.id], key, value, c.pk)
            for c in creates
            for key, value in c.row.identifiers.items()
        ],
    )
    entries = [
        (create.pk, text, AuditAction.CREATE, changes)
        for create, (text, changes) in zip(creates, texts, strict=True)
    ]
    _audit(ctx, entries, now)
    outbox.emit_batch("cis.imported", [sql.Ref(ConfigurationItem, c.pk) for c in creates])


def _update(ctx: Context, updates: list[Update], now: Any) -> None:
    if not updates:
        return
    at = sql.time_value(now)
    rows, entries, rekeyed = [], [], []
    as_json = sql.json_adapter()
    for update in updates:
        stored = update.ci
        before = {n: stored[_column(n)] for n in (*WRITTEN, "attributes")}
        after = dict(before)
        for name, value in update.fields.items():
            after[name] = value.pk if name in FOREIGN and value is not None else value
        if update.attributes is not None:
            cls = ctx.tree.by_id[stored["ci_class_id"]]
            if ctx.identifiers(cls, update.attributes) != ctx.identifiers(
                cls, before["attributes"]
            ):
                rekeyed.append((stored["id"], cls, update.attributes))
            after["attributes"] = update.attributes
        owners = (stored["attribute_sources"] or {}) | dict.fromkeys(
            update.claimed, ctx.source.name
        )
        stored["version"] += 1
        rows.append(
            (
                *(after[n] for n in WRITTEN),
                as_json(after["attributes"]),
                as_json(owners),
                stored["version"],
                at,
                stored["id"],
            )
        )
        changes = {n: [before[n], after[n]] for n in before if before[n] != after[n]}
        text = f"{stored['number']} {after['name']}"[:200]
        entries.append((stored["id"], text, AuditAction.UPDATE, changes))
    sql.update(
        ConfigurationItem,
        (*WRITTEN, "attributes", "attribute_sources", "version", "updated_at"),
        rows,
    )
    _rekey(ctx, rekeyed)
    _audit(ctx, entries, now)
    outbox.emit_batch("cis.updated", [sql.Ref(ConfigurationItem, u.ci["id"]) for u in updates])


AFTER_ATTRIBUTES = [n for n in AUDITED if n != "attributes"]
if AUDITED[0] != "attributes":  # pragma: no cover - the splice below relies on the order
    raise ImportError("AUDITED must list attributes first")


_encode_text = json.encoder.encode_basestring_ascii  # what ``json.dumps`` uses for a str
# ``"name": [null, `` for each audited name after ``attributes``, in ``AUDITED``'s order
_HEADS = [f", {_encode_text(n)}: [null, " for n in AFTER_ATTRIBUTES]


def _json(value: Any) -> str:
    """``json.dumps(value)`` (default options): a snapshot's plain values written here, as
    the C encoder writes them; any other type through ``json.dumps`` itself."""
    if value is None:
        return "null"
    kind = value.__class__
    if kind is str:
        return _encode_text(value)
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value)


def _create_changes(snapshot: dict[str, Any], attributes: str) -> str:
    """``json.dumps({n: [None, snapshot[n]] for n in AUDITED})`` of a created CI, as text,
    with the attributes' JSON (already encoded for the CI row) spliced in, not encoded
    again, and the other values written by ``_json``. ``AUDITED`` is sorted, so
    ``attributes`` is its first key."""
    parts = [f'{{"attributes": [null, {attributes}]']
    for head, name in zip(_HEADS, AFTER_ATTRIBUTES, strict=True):
        parts.append(head)
        parts.append(_json(snapshot[name]))
        parts.append("]")
    parts.append("}")
    return "".join(parts)


def _ids_of(numbers: list[str]) -> dict[str, int]:
    """Ids of just-inserted CIs: one range scan of the number index (numbers of one
    allocation are consecutive), or ``IN`` chunks when the width changes within it."""
    if len(numbers[0]) == len(numbers[-1]):
        found = ConfigurationItem.objects.filter(number__gte=numbers[0], number__lte=numbers[-1])
        return dict(found.values_list("number", "id"))
    ids: dict[str, int] = {}
    for part in chunks(numbers):
        ids |= dict(ConfigurationItem.objects.filter(number__in=part).values_list("number", "id"))
    return ids


def _column(name: str) -> str:
    return f"{name}_id" if name in FOREIGN else name


def _rekey(ctx: Context, cis: list[tuple[int, Any, dict[str, Any]]]) -> None:
    """Identifier rows of CIs whose identification values changed, replaced."""
    for part in chunks([pk for pk, _, _ in cis]):
        CIIdentifier.objects.filter(ci_id__in=part).delete()
    sql.insert(
        CIIdentifier,
        ("family", "key", "value", "ci"),
        (
            (ctx.family(cls).id, key, value, pk)
            for pk, cls, attributes in cis
            for key, value in ctx.identifiers(cls, attributes).items()
        ),
    )


def _audit(ctx: Context, entries: list[tuple[int, str, str, dict]], now: Any) -> None:
    """One audit row per CI, in the shape ``audit.record`` writes, inserted together."""
    actor = ctx.actor
    at = sql.time_value(now)
    content_type = ContentType.objects.get_for_model(ConfigurationItem).pk
    user = actor.user.pk if actor.user is not None else None
    dumps = json.dumps  # text on both databases (``COPY`` and SQLite take it as it is)
    sql.insert(
        AuditEntry,
        audit.ROW_COLUMNS,
        [
            (
                at,
                user,
                actor.label,
                actor.channel,
                actor.request_id,
                content_type,
                str(pk),
                text,
                action,
                changes if isinstance(changes, str) else dumps(changes),
            )
            for pk, text, action, changes in entries
        ],
    )


def apply_relationships(ctx: Context, links: LinkPlan) -> list[Relationship]:
    """Create the planned links through the CMDB's bulk path (audit and CI history)."""
    if not links.links:
        return []

    def ci(end: Any) -> ConfigurationItem:
        return end.ci if isinstance(end, Create) else end

    triples = [(ci(link.source), ci(link.target), link.type.slug) for link in links.links]
    made = bulk.relationships_import(ctx.actor, triples)
    for link, relationship in zip(links.links, made, strict=True):
        link.result.message = (
            f"{relationship.source.number} {link.type.slug} {relationship.target.number}"
        )
    outbox.emit_batch("relationships.imported", made)
    return made
