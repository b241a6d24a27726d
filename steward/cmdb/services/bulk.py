"""The bulk path for demo data and imports: every row validated against its class's schema
with preloaded lookups, all or nothing, numbers and keys allocated in one statement each,
then the CIs (or relationships), identifier rows, audit rows and one outbox event per
thousand CIs written with one plain statement per table (decision 0048)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from steward.cmdb import selectors
from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.cmdb.models import (
    CI_FIELDS,
    CIIdentifier,
    ConfigurationItem,
    Relationship,
    RelationshipType,
)
from steward.cmdb.selectors.history import LINK
from steward.cmdb.services import identity, plain
from steward.cmdb.services.cis import require_write
from steward.cmdb.services.validation import Checker, checker, validate
from steward.core import inserts, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.models import Organisation, Team
from steward.core.numbering import next_numbers
from steward.core.services.common import unknown_ref_message

MAX_ROWS = 50_000
# the choices as tuples, read once: ``Choices.values`` builds its list on every read, and
# membership in a tuple compares as in that list (a bad value may be unhashable)
STATUSES, ENVIRONMENTS = tuple(CIStatus.values), tuple(Environment.values)
CRITICALITIES = tuple(Criticality.values)
# a checked row's foreign keys (objects); its other values are set on the CI as they are
_CI_RELATED = ("ci_class", "owner_team", "support_team", "organisation")
# what a relationship's create entry records, in the order the single create writes it
_LINK_AUDITED = ("source", "target", "type")
# every column of a CI row, in the order ``_write_cis`` builds its tuples: the people's
# fields (``CI_FIELDS``) between the keys, class and attributes and the bookkeeping
CI_COLUMNS = (
    "id",
    "number",
    "name",
    "description",
    "ci_class",
    "attributes",
    *(f for f in CI_FIELDS if f not in ("name", "description")),
    "attribute_sources",
    "version",
    "created_at",
    "updated_at",
)


@transaction.atomic
def cis_import(actor: Actor, rows: Iterable[Mapping[str, Any]]) -> list[ConfigurationItem]:
    """Create many CIs; references in attributes may only name existing CIs."""
    require_write(actor)
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.one(
            "rows", _("at most %(max_rows)s rows per batch") % {"max_rows": MAX_ROWS}
        )
    tree = selectors.class_tree()
    teams = {t.slug: t for t in Team.objects.all()}
    orgs = {o.slug: o for o in Organisation.objects.all()}
    built, errors = [], {}
    checkers: dict[int, Checker] = {}
    for index, row in enumerate(rows, start=1):
        row_errors: dict[str, list[str]] = {}
        cls = tree.by_slug.get(row.get("ci_class", ""))
        if cls is None:
            row_errors["ci_class"] = [
                _("no CI class %(value)s") % {"value": repr(row.get("ci_class"))}
            ]
            attrs = {}
        else:
            given = row.get("attributes") or {}
            if isinstance(given, Mapping):
                # ``validate`` compiled once per class (the same clean values and errors)
                check = checkers.get(cls.id)
                if check is None:
                    check = checkers[cls.id] = checker(tree.schema(cls))
                attrs, attr_errors = check(given)
            else:  # the one error ``validate`` gives a value that is not an object
                attrs, attr_errors = validate(tree.schema(cls), given)
            row_errors |= attr_errors
        values = {
            "name": str(row.get("name") or "").strip()[:200],
            "ci_class": cls,
            "attributes": attrs,
            "description": str(row.get("description") or ""),
            "status": row.get("status") or CIStatus.LIVE,
            "environment": row.get("environment") or Environment.PRODUCTION,
            "criticality": row.get("criticality") or Criticality.MEDIUM,
            "software_version": str(row.get("software_version") or "")[:100],
        }
        if not values["name"]:
            row_errors["name"] = [_("required")]
        if values["status"] not in STATUSES:
            row_errors["status"] = [_("unknown status")]
        if values["environment"] not in ENVIRONMENTS:
            row_errors["environment"] = [_("unknown environment")]
        if values["criticality"] not in CRITICALITIES:
            row_errors["criticality"] = [_("1 to 4")]
        for name, table in (("owner_team", teams), ("support_team", teams), ("organisation", orgs)):
            key = row.get(name)
            values[name] = table.get(key) if key else None
            if key and values[name] is None:
                row_errors[name] = [unknown_ref_message(name.replace("_", " "), key)]
        for field, messages in row_errors.items():
            errors[f"rows[{index}].{field}"] = messages
        built.append(values)
    if errors:
        raise ValidationFailed(
            errors,
            message=ngettext(
                "%(count)s problem; nothing was imported.",
                "%(count)s problems; nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
        )
    return _write_cis(actor, tree, built)


def _write_cis(
    actor: Actor, tree: selectors.ClassTree, built: list[dict[str, Any]]
) -> list[ConfigurationItem]:
    """The checked rows as CIs with their identifier rows, audit entries and outbox events:
    keys and numbers taken first, then one plain statement per table (decision 0048). The
    rows written are what ``bulk_create``, ``identity.sync`` and
    ``audit.record_created_many`` wrote (tests/cmdb/test_bulk_rows.py holds them equal)."""
    if not built:
        return []
    numbers = next_numbers("CI", len(built))
    ids = inserts.reserve_ids(ConfigurationItem, len(built))
    now = timezone.now()
    cis = []
    for pk, number, v in zip(ids, numbers, built, strict=True):
        fields = {k: value for k, value in v.items() if k not in _CI_RELATED}
        related = {k: v[k] for k in _CI_RELATED}
        cis.append(
            _written(
                ConfigurationItem,
                fields,
                related,
                id=pk,
                number=number,
                created_at=now,
                updated_at=now,
            )
        )
    at, dumps = plain.time_value(now), json.dumps
    sources = dumps({})  # a bulk create claims no field for a source (``attribute_sources``)
    plain.insert(
        ConfigurationItem,
        CI_COLUMNS,
        (
            (
                ci.id,
                ci.number,
                ci.name,
                ci.description,
                ci.ci_class_id,
                dumps(ci.attributes),
                ci.status,
                ci.environment,
                int(ci.criticality),  # what the field's own prep sends for an IntegerChoices
                ci.owner_team_id,
                ci.support_team_id,
                ci.organisation_id,
                ci.location_id,
                ci.software_version,
                sources,
                ci.version,
                at,
                at,
            )
            for ci in cis
        ),
    )
    plain.insert(
        CIIdentifier,
        ("family", "key", "value", "ci"),
        identity.new_rows(tree, ((ci.id, ci.ci_class, ci.attributes) for ci in cis)),
    )
    plain.audit(
        actor,
        ConfigurationItem,
        now,
        ((ci.id, str(ci), AuditAction.CREATE, _ci_changes(ci)) for ci in cis),
    )
    outbox.emit_batch("cis.imported", cis)
    return cis


def _written(
    model: type[Model], fields: dict[str, Any], related: dict[str, Model | None], **more: Any
) -> Any:
    """The row just written, as ``model(**fields, **related, **more)`` after its save, built
    with ``inserts.instance``; each related object set as its foreign key's descriptor sets
    it (the key's column, and the object cached so that reading it runs no query), without
    the descriptor's per-value checks: the objects are the ones the batch was checked
    against, and the checks were a tenth of a batch (decision 0048)."""
    obj = inserts.instance(model, **fields, **more)
    cache = obj._state.fields_cache
    for name, other in related.items():
        obj.__dict__[f"{name}_id"] = None if other is None else other.pk
        cache[name] = other
    obj._state.adding, obj._state.db = False, "default"
    return obj


def _ci_changes(ci: ConfigurationItem) -> dict[str, list[Any]]:
    """``{name: [None, value]}`` of ``audit.snapshot(ci, AUDITED)``, what
    ``audit.record_created_many`` wrote, spelled out: the snapshot's lookups field by field
    were a quarter of a batch's CPU (decision 0048). tests/cmdb/test_bulk_rows.py holds it
    equal to the single create's entry, so a field added to ``AUDITED`` fails there until
    it is added here."""
    return {
        "attributes": [None, ci.attributes],
        "ci_class": [None, ci.ci_class_id],
        "criticality": [None, ci.criticality],
        "description": [None, ci.description],
        "environment": [None, ci.environment],
        "location": [None, ci.location_id],
        "name": [None, ci.name],
        "number": [None, ci.number],
        "organisation": [None, ci.organisation_id],
        "owner_team": [None, ci.owner_team_id],
        "software_version": [None, ci.software_version],
        "status": [None, ci.status],
        "support_team": [None, ci.support_team_id],
    }


@transaction.atomic
def relationships_import(
    actor: Actor, triples: Iterable[tuple[ConfigurationItem, ConfigurationItem, str]]
) -> list[Relationship]:
    """Create many relationships between CIs the caller already holds; self-loops and
    duplicates are refused as a whole batch."""
    require_write(actor)
    types = {t.slug: t for t in RelationshipType.objects.all()}
    accepted, seen, errors = [], set(), {}
    for index, (source, target, kind) in enumerate(triples, start=1):
        key = (source.pk, target.pk, kind)
        if key[0] == key[1]:
            errors[f"rows[{index}].target"] = [_("a CI cannot be related to itself")]
        elif kind not in types:
            errors[f"rows[{index}].type"] = [
                _("no relationship type %(kind)s") % {"kind": repr(kind)}
            ]
        elif key in seen:
            errors[f"rows[{index}].target"] = [_("duplicate relationship")]
        else:
            seen.add(key)
            accepted.append((source, target, types[kind]))
    if errors:
        raise ValidationFailed(
            errors,
            message=ngettext(
                "%(count)s problem; nothing was imported.",
                "%(count)s problems; nothing was imported.",
                len(errors),
            )
            % {"count": len(errors)},
        )
    return _write_relationships(actor, accepted)


def _write_relationships(actor: Actor, accepted: list[tuple[Any, Any, Any]]) -> list[Relationship]:
    """The relationships with their keys taken first, one plain statement for them and one
    per audit table shape: a create entry on each relationship (as ``relationship_create``
    writes it), then for each relationship an entry on its source and on its target (as
    ``history.record_link``), so each CI's past shows the link."""
    if not accepted:
        return []
    ids = inserts.reserve_ids(Relationship, len(accepted))
    now = timezone.now()
    made = [
        _written(Relationship, {}, {"source": s, "target": t, "type": k}, id=pk, created_at=now)
        for pk, (s, t, k) in zip(ids, accepted, strict=True)
    ]
    at = plain.time_value(now)
    plain.insert(
        Relationship,
        ("id", "source", "target", "type", "created_at"),
        ((r.id, r.source_id, r.target_id, r.type_id, at) for r in made),
    )
    # ``history.link_of`` of each, from the objects in hand (the equivalence test holds the
    # shape equal to the single create's)
    links = [
        (r, {"id": r.id, "type": k.slug, "source": s.number, "target": t.number}, s, t)
        for r, (s, t, k) in zip(made, accepted, strict=True)
    ]
    plain.audit(
        actor,
        Relationship,
        now,
        (
            (r.id, str(r), AuditAction.CREATE, {name: [None, link[name]] for name in _LINK_AUDITED})
            for r, link, _s, _t in links
        ),
    )
    plain.audit(  # each CI's past shows its new links
        actor,
        ConfigurationItem,
        now,
        (
            (pk, str(ci), AuditAction.UPDATE, {LINK: [None, link]})
            for r, link, s, t in links
            for pk, ci in ((r.source_id, s), (r.target_id, t))
        ),
    )
    return made
