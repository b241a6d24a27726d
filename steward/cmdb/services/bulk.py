"""The bulk path for demo data and imports: every row validated against its class's schema
with preloaded lookups, all or nothing, numbers allocated in one statement, audit rows and
one outbox event per thousand CIs inserted with ``bulk_create``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from steward.cmdb import selectors
from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.services import history, identity
from steward.cmdb.services.cis import AUDITED, require_write
from steward.cmdb.services.validation import validate
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Organisation, Team
from steward.core.numbering import next_numbers

MAX_ROWS = 50_000


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
    for index, row in enumerate(rows, start=1):
        row_errors: dict[str, list[str]] = {}
        cls = tree.by_slug.get(row.get("ci_class", ""))
        if cls is None:
            row_errors["ci_class"] = [
                _("no CI class %(value)s") % {"value": repr(row.get("ci_class"))}
            ]
            attrs = {}
        else:
            attrs, attr_errors = validate(tree.schema(cls), row.get("attributes") or {})
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
        if values["status"] not in CIStatus.values:
            row_errors["status"] = [_("unknown status")]
        if values["environment"] not in Environment.values:
            row_errors["environment"] = [_("unknown environment")]
        if values["criticality"] not in Criticality.values:
            row_errors["criticality"] = [_("1 to 4")]
        for name, table in (("owner_team", teams), ("support_team", teams), ("organisation", orgs)):
            key = row.get(name)
            values[name] = table.get(key) if key else None
            if key and values[name] is None:
                row_errors[name] = [
                    _("no %(field)s %(key)s") % {"field": name.replace("_", " "), "key": repr(key)}
                ]
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
    numbers = next_numbers("CI", len(built))
    cis = ConfigurationItem.objects.bulk_create(
        [ConfigurationItem(number=n, **v) for n, v in zip(numbers, built, strict=True)],
        batch_size=2000,
    )
    identity.sync(tree, cis)
    audit.record_created_many(actor, cis, lambda ci: audit.snapshot(ci, AUDITED))
    outbox.emit_batch("cis.imported", cis)
    return cis


@transaction.atomic
def relationships_import(
    actor: Actor, triples: Iterable[tuple[ConfigurationItem, ConfigurationItem, str]]
) -> list[Relationship]:
    """Create many relationships between CIs the caller already holds; self-loops and
    duplicates are refused as a whole batch."""
    require_write(actor)
    types = {t.slug: t for t in RelationshipType.objects.all()}
    objs, seen, errors = [], set(), {}
    for index, (source, target, kind) in enumerate(triples, start=1):
        key = (source.pk, target.pk, kind)
        if source.pk == target.pk:
            errors[f"rows[{index}].target"] = [_("a CI cannot be related to itself")]
        elif kind not in types:
            errors[f"rows[{index}].type"] = [
                _("no relationship type %(kind)s") % {"kind": repr(kind)}
            ]
        elif key in seen:
            errors[f"rows[{index}].target"] = [_("duplicate relationship")]
        else:
            seen.add(key)
            objs.append(Relationship(source=source, target=target, type=types[kind]))
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
    made = Relationship.objects.bulk_create(objs, batch_size=2000)
    audit.record_created_many(
        actor,
        made,
        lambda r: {"source": r.source.number, "target": r.target.number, "type": r.type.slug},
    )
    history.record_links_created(actor, made)  # each CI's past shows its new links
    return made
