"""Software products: recording and editing them (publisher, name, version family, the
rules that map discovered names to them)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.services.common import reject_unknown, unique_or_refused
from steward.core.services.records import RecordRules, record_update
from steward.software import selectors
from steward.software.models import Product
from steward.software.services.validation import clean_product

FIELDS = {"publisher", "name", "version_family", "description", "match_rules"}
RULES = RecordRules(
    editable=FIELDS,
    audited=sorted(FIELDS),
    event="software.product_updated",
    payload=lambda p: {"slug": p.slug},
)


# marked for the catalogue, translated where it is said (the reader's language then)
MANAGE_REFUSED = gettext_noop("Only asset managers and administrators manage software.")


def require_manage(actor: Actor) -> None:
    if not selectors.can_manage(actor):
        raise PermissionDenied(_(MANAGE_REFUSED))


def _unique(clean: dict[str, Any], current: Product | None = None) -> None:
    key = {
        f: clean.get(f, getattr(current, f, "")) for f in ("publisher", "name", "version_family")
    }
    others = Product.objects.filter(
        publisher__iexact=key["publisher"],
        name__iexact=key["name"],
        version_family__iexact=key["version_family"],
    )
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise ValidationFailed.one("name", _("this publisher already has a product of that name"))


def _slug(clean: dict[str, Any]) -> str:
    base = slugify(" ".join((clean["publisher"], clean["name"], clean["version_family"])))[:52]
    if not base:
        raise ValidationFailed.one("name", _("needs letters or digits"))
    slug, n = base, 1
    while Product.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def product_create(
    actor: Actor, *, publisher: str, name: str, version_family: str = "", **fields: Any
) -> Product:
    """Record a product; its slug comes from publisher, name and version family."""
    require_manage(actor)
    reject_unknown(fields, FIELDS)
    values = {"publisher": publisher, "name": name, "version_family": version_family, **fields}
    clean = clean_product(values)
    _unique(clean)
    taken = _("this publisher already has a product of that name")
    # a concurrent create of the same product passed the same checks: the 422, not a 500
    with unique_or_refused(Product, {"name": taken, "slug": taken}, named={"slug": "name"}):
        product = Product.objects.create(slug=_slug(clean), **clean)
    audit.record(actor, product, action=AuditAction.CREATE, after=audit.snapshot(product, FIELDS))
    outbox.emit("software.product_created", product, slug=product.slug)
    return product


def _load(actor: Actor, slug: str) -> Product:
    product = selectors.product_for_update(actor, slug=slug)  # requesters: 404 first
    require_manage(actor)
    return product


def _clean(product: Product, changes: dict[str, Any]) -> dict[str, Any]:
    clean = clean_product(changes)
    _unique(clean, product)
    return clean


def product_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> Product:
    """Edit a product's fields (the slug stays: clients address the product by it)."""
    return record_update(
        actor,
        load=partial(_load, actor, slug),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=_clean,
    ).record
