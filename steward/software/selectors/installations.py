"""Reads of installations: an installation is visible when its device is (the CMDB's
organisation scope on the device), so a limited agent counts and sees only their devices."""

from __future__ import annotations

from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.software.choices import Source
from steward.software.models import Installation, Product
from steward.software.selectors.permissions import can_read

SHOWN = (
    "product_id",
    "device_id",
    "user_id",
    "cores",
    "source",
    "discovered_name",
    "last_seen",
    "freed_at",
    "freed_by",
    "created_at",
    "product__slug",
    "device__number",
    "device__name",
    "user__username",
    "user__first_name",
    "user__last_name",
)


def installation_visible(actor: Actor) -> QuerySet[Installation]:
    """Installations on devices the actor may see; nothing for requesters."""
    qs = scope_to_organisations(actor, Installation.objects.all(), field="device__organisation")
    return qs if can_read(actor) else qs.none()


def installation_list(
    actor: Actor,
    *,
    product: str = "",
    device: str = "",
    user: str = "",
    source: str = "",
    counting: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible installations in id order; ``counting`` keeps those whose seat
    counts (true) or was freed (false). The product drill-down is this with ``product``."""
    qs = installation_visible(actor)
    if product:
        # the product's id first: a range of sw_inst_product_page in id order, where a
        # join on the slug let PostgreSQL walk the primary key and filter
        pid = Product.objects.filter(slug=product).values_list("id", flat=True).first()
        qs = qs.filter(product_id=pid) if pid is not None else qs.none()
    if device:
        qs = qs.filter(device__number=device.strip().upper())
    if user:
        qs = qs.filter(user__username=user)
    if source:
        qs = qs.filter(source=source)
    if counting is not None:
        qs = qs.filter(freed_at__isnull=counting)
    # only what InstallationOut and the drill-down's rows show: the device is a CI whose
    # JSON attributes (and the user's 20 columns) were decoded for every row of a page,
    # most of the drill-down's time at 500,000 installations (docs/benchmarks.md)
    qs = qs.select_related("product", "device", "user").only(*SHOWN)
    return paginate(qs, order=("id",), cursor=cursor, limit=limit)


def installation_get(actor: Actor, *, pk: int | str) -> Installation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    found = (
        installation_visible(actor).select_related("product", "device", "user").filter(pk=pk)
    ).first()
    if found is None:
        raise NotFound()
    return found


def installation_for_update(actor: Actor, *, pk: int | str) -> Installation:
    found = installation_get(actor, pk=pk)
    return Installation.objects.select_for_update().get(pk=found.pk)


def check_source(source: str) -> None:
    if source and source not in Source.values:
        raise ValidationFailed.one("source", f"one of {', '.join(Source.values)}")
