"""Installations: entered by hand, or reported by discovery one device at a time (the
device's full list: what it no longer reports is removed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.choices import CIStatus
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.services.common import resolve_ref
from steward.core.services.references import active_user
from steward.software import selectors
from steward.software.choices import FreedBy, Source
from steward.software.models import Installation
from steward.software.services import matching
from steward.software.services.products import require_manage
from steward.software.services.validation import clean_cores

MAX_REPORTED = 5000


def _device(actor: Actor, number: Any):
    return resolve_ref(
        cmdb_selectors.ci_visible(actor),
        "device",
        (number or "").strip().upper() if isinstance(number, str) else number,
        key="number",
        label="CI",
    )


@transaction.atomic
def installation_create(
    actor: Actor, *, product: str, device: str, user: str | None = None, cores: int = 0
) -> Installation:
    """Enter an installation by hand (source ``manual``); once per product and device."""
    require_manage(actor)
    found = resolve_ref(
        selectors.product_visible(actor), "product", product, key="slug", label="product"
    )
    if found is None:
        raise ValidationFailed.one("product", _("required: the product's slug"))
    ci = _device(actor, device)
    if ci is None:
        raise ValidationFailed.one("device", _("required: the CI number of the device"))
    if Installation.objects.filter(device=ci, product=found).exists():
        raise _installed_on(ci)
    retired = ci.status == CIStatus.RETIRED
    values = {"user": active_user(actor, "user", user), "cores": clean_cores(cores)}
    try:
        with transaction.atomic():  # a concurrent create of the same pair: a 422, not a 500
            installation = Installation.objects.create(
                product=found,
                device=ci,
                source=Source.MANUAL,
                last_seen=timezone.now(),
                freed_at=timezone.now() if retired else None,
                freed_by=FreedBy.CI_RETIRED if retired else "",
                **values,
            )
    except IntegrityError:
        raise _installed_on(ci) from None
    audit.record(
        actor,
        installation,
        action=AuditAction.CREATE,
        after={"product": found.slug, "device": ci.number, "cores": installation.cores},
    )
    outbox.emit("software.installed", installation, product=found.slug, device=ci.number)
    return installation


@transaction.atomic
def installation_delete(actor: Actor, *, pk: int | str) -> None:
    """Remove an installation (uninstalled, or entered by mistake)."""
    installation = selectors.installation_for_update(actor, pk=pk)
    require_manage(actor)
    audit.record(
        actor,
        installation,
        action=AuditAction.DELETE,
        before={"product": installation.product_id, "device": installation.device_id},
    )
    outbox.emit("software.uninstalled", installation, product=installation.product_id)
    installation.delete()


@dataclass
class Reported:
    """What a device's discovery report changed."""

    device: str
    created: int = 0
    updated: int = 0
    removed: int = 0
    unmatched: list[str] = field(default_factory=list)


def _items(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) > MAX_REPORTED:
        raise ValidationFailed.one(
            "installations", _("a list of at most %(max)s items") % {"max": MAX_REPORTED}
        )
    return raw


def _resolve(actor: Actor, items: list[dict[str, Any]]) -> tuple[dict[int, dict], list[str]]:
    """Reported items by product id (names matched by the products' rules); the names no
    rule matched."""
    slugs = {i["product"] for i in items if i.get("product")}
    by_slug = dict(
        selectors.product_visible(actor).filter(slug__in=slugs).values_list("slug", "id")
    )
    unknown = sorted(slugs - set(by_slug))
    if unknown:
        raise ValidationFailed.one("installations", _("no product %(slug)r") % {"slug": unknown[0]})
    names = {i["name"] for i in items if not i.get("product")}
    matched = matching.match(names, selectors.product_rules(actor)) if names else {}
    usernames = {i["user"] for i in items if i.get("user")}
    users = {
        u.username: u
        for u in core_selectors.user_visible(actor).filter(username__in=usernames, is_active=True)
    }
    missing = sorted(usernames - set(users))
    if missing:
        raise ValidationFailed.one(
            "installations", _("no user %(username)r") % {"username": missing[0]}
        )
    found: dict[int, dict] = {}
    for item in items:
        pid = by_slug.get(item["product"]) if item.get("product") else matched.get(item["name"])
        if pid is not None:
            found[pid] = {**item, "user": users.get(item.get("user") or "")}
    return found, sorted(names - set(matched))


@transaction.atomic
def device_installations_report(actor: Actor, *, device: str, installations: Any) -> Reported:
    """Discovery's full list for one device: matched products are created or refreshed
    (``last_seen``), discovered ones no longer reported are removed, manual ones stay. A
    retired device's installations are kept but do not count."""
    require_manage(actor)
    # the device's row locked: two reports of one device run one after the other
    ci = cmdb_selectors.ci_for_update(actor, number=device.strip().upper())
    reported, unmatched = _resolve(actor, _validated(_items(installations)))
    now = timezone.now()
    retired = ci.status == CIStatus.RETIRED
    existing = {i.product_id: i for i in Installation.objects.filter(device=ci)}
    before = sorted(existing)
    result = Reported(device=ci.number, unmatched=unmatched)
    new, changed = [], []
    for pid, item in reported.items():
        inst = existing.get(pid) or Installation(product_id=pid, device=ci)
        inst.user, inst.cores, inst.last_seen = item["user"], item["cores"], now
        inst.discovered_name = item.get("name") or ""
        inst.source = Source.DISCOVERY
        inst.freed_at, inst.freed_by = (now, FreedBy.CI_RETIRED) if retired else (None, "")
        (changed if inst.pk else new).append(inst)
    Installation.objects.bulk_create(new)
    Installation.objects.bulk_update(
        changed, ["user", "cores", "last_seen", "discovered_name", "source", "freed_at", "freed_by"]
    )
    gone = [
        i.pk for pid, i in existing.items() if pid not in reported and i.source == Source.DISCOVERY
    ]
    Installation.objects.filter(pk__in=gone).delete()
    result.created, result.updated, result.removed = len(new), len(changed), len(gone)
    after = sorted({*(p for p in existing if existing[p].pk not in gone), *reported})
    audit.record(actor, ci, before={"software": before}, after={"software": after})
    outbox.emit(
        "software.device_reported",
        ci,
        number=ci.number,
        created=result.created,
        removed=result.removed,
    )
    return result


def _item(n: int, problem: str) -> ValidationFailed:
    return ValidationFailed.one(
        "installations", _("item %(n)s: %(problem)s") % {"n": n, "problem": problem}
    )


def _installed_on(ci: Any) -> ValidationFailed:
    return ValidationFailed.one(
        "product", _("already installed on %(device)s") % {"device": ci.number}
    )


def _validated(items: list[Any]) -> list[dict[str, Any]]:
    """Each item ``{"name" | "product", "user"?, "cores"?}``; the first bad one is named."""
    clean = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise _item(n, _("an object"))
        name, product = item.get("name") or "", item.get("product") or ""
        if not isinstance(name, str) or not isinstance(product, str) or not (name or product):
            raise _item(n, _("a name or a product slug"))
        if len(name) > 200:
            raise _item(n, _("name of at most 200"))
        user = item.get("user") or ""
        if not isinstance(user, str):
            raise _item(n, _("user is a username"))
        try:
            cores = clean_cores(item.get("cores", 0) or 0)
        except ValidationFailed:
            raise _item(n, _("cores 0 to 100000")) from None
        clean.append({"name": name, "product": product, "user": user, "cores": cores})
    return clean
