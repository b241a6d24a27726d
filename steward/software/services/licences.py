"""Licences: entitlements bought for a product, recorded and edited by asset managers."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.numbering import next_number
from steward.core.services.common import reject_unknown, resolve_ref
from steward.core.services.records import RecordRules, record_update
from steward.core.services.references import resolve_organisations
from steward.software import selectors
from steward.software.models import Licence
from steward.software.services.products import require_manage
from steward.software.services.validation import clean_licence

FIELDS = {
    "product",
    "metric",
    "term",
    "quantity",
    "cost",
    "start_date",
    "end_date",
    "purchase_order",
    "vendor",
    "organisation",
    "notes",
}
RULES = RecordRules(editable=FIELDS, audited=sorted(FIELDS), event="software.licence_updated")


def _references(actor: Actor, clean: dict[str, Any]) -> None:
    if "product" in clean:
        if clean["product"] in (None, ""):
            raise ValidationFailed.one("product", _("required: the product's slug"))
        clean["product"] = resolve_ref(
            selectors.product_visible(actor),
            "product",
            clean["product"],
            key="slug",
            label="product",
        )
    resolve_organisations(actor, clean)


@transaction.atomic
def licence_create(actor: Actor, *, product: str, start_date: Any, **fields: Any) -> Licence:
    """Record a licence for a product; end before start and the like are 422s naming the
    field, and nothing is written."""
    require_manage(actor)
    reject_unknown(fields, FIELDS)
    values = {"product": product, "start_date": start_date, **fields}
    values.setdefault("metric", "device")
    values.setdefault("term", "perpetual")
    clean = clean_licence(values)
    _references(actor, clean)
    licence = Licence.objects.create(number=next_number("LIC"), **clean)
    audit.record(actor, licence, action=AuditAction.CREATE, after=audit.snapshot(licence, FIELDS))
    outbox.emit("software.licence_created", licence, number=licence.number)
    return licence


def _load(actor: Actor, number: str) -> Licence:
    licence = selectors.licence_for_update(actor, number=number)
    require_manage(actor)
    return licence


def _clean(actor: Actor, licence: Licence, changes: dict[str, Any]) -> dict[str, Any]:
    clean = clean_licence(changes, licence)
    _references(actor, clean)
    return clean


def licence_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Licence:
    """Edit a licence; the dates are checked against each other with the stored ones."""
    return record_update(
        actor,
        load=partial(_load, actor, number),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=partial(_clean, actor),
    ).record
