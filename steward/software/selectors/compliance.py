"""The licence compliance position: entitled against consumed, per product and metric.

Two grouped queries whatever the number of installations: the active licences summed by
(product, metric), and the counting installations aggregated by product (rows = devices,
distinct users, sum of cores; the partial index ``sw_inst_counting`` holds every column
they read). Python then combines one row per product, never one per installation.

- per device: distinct devices (a product is installed once per device);
- per user: distinct users of the installations that name one;
- per core: the sum of the installations' cores;
- site / unlimited: always compliant;
- a licence counts from its start date; a subscription only until its end date (an expired
  subscription entitles nothing); a perpetual licence's end date ends support, not use;
- an installation whose seat was freed (device retired, asset checked in) counts nothing.

A product with licences of several metrics has a position per metric; its shortfall is
their sum. A product with installations and no licence is short of one per device.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from steward.core.actor import Actor
from steward.software.choices import Metric, Position, Term
from steward.software.models import Product
from steward.software.selectors.installations import installation_visible
from steward.software.selectors.licences import licence_visible
from steward.software.selectors.products import product_visible


@dataclass(frozen=True)
class MetricPosition:
    """Entitled (None: unlimited) against consumed for one metric of one product."""

    metric: str
    entitled: int | None
    consumed: int

    @property
    def balance(self) -> int | None:
        """Surplus when positive, shortfall when negative; None when unlimited."""
        return None if self.entitled is None else self.entitled - self.consumed

    @property
    def label(self) -> str:
        return str(Metric(self.metric).label)


@dataclass(frozen=True)
class Compliance:
    """One product's position, as every list and the report show it."""

    product_id: int
    devices: int
    users: int
    cores: int
    positions: tuple[MetricPosition, ...]

    @property
    def shortfall(self) -> int:
        return sum(-p.balance for p in self.positions if p.balance is not None and p.balance < 0)

    @property
    def surplus(self) -> int:
        return sum(p.balance for p in self.positions if p.balance is not None and p.balance > 0)

    @property
    def status(self) -> str:
        if self.shortfall:
            return Position.SHORTFALL
        if not self.positions and not self.devices:
            return Position.UNUSED
        return Position.COMPLIANT

    @property
    def status_label(self) -> str:
        return str(Position(self.status).label)


def active_licences(qs: QuerySet, today: dt.date) -> QuerySet:
    """Licences that entitle today: started, and (for a subscription) not yet ended."""
    return qs.filter(start_date__lte=today).filter(Q(term=Term.PERPETUAL) | Q(end_date__gte=today))


def _position(pid: int, entitled: dict[str, int], used: dict[str, int]) -> Compliance:
    consumed = {
        Metric.DEVICE: used.get("devices", 0),
        Metric.USER: used.get("users", 0),
        Metric.CORE: used.get("cores", 0) or 0,
    }
    if Metric.SITE in entitled:
        positions = (MetricPosition(Metric.SITE, None, consumed[Metric.DEVICE]),)
    elif entitled:
        positions = tuple(
            MetricPosition(m, entitled[m], consumed[m]) for m in Metric.values if m in entitled
        )
    elif consumed[Metric.DEVICE]:
        positions = (MetricPosition(Metric.DEVICE, 0, consumed[Metric.DEVICE]),)
    else:
        positions = ()
    return Compliance(
        pid,
        consumed[Metric.DEVICE],
        consumed[Metric.USER],
        consumed[Metric.CORE],
        positions,
    )


def compliance_of(
    actor: Actor, product_ids: Iterable[int] | None = None, *, today: dt.date | None = None
) -> dict[int, Compliance]:
    """Each product's position (all visible products when ``product_ids`` is None), from
    the licences and installations the actor may see; two queries."""
    today = today or timezone.localdate()
    licences = active_licences(licence_visible(actor), today)
    installs = installation_visible(actor).filter(freed_at__isnull=True)
    ids = None if product_ids is None else list(product_ids)
    if ids is not None:
        licences = licences.filter(product_id__in=ids)
        installs = installs.filter(product_id__in=ids)
    entitled: dict[int, dict[str, int]] = {}
    for row in licences.values("product_id", "metric").annotate(q=Sum("quantity")).order_by():
        entitled.setdefault(row["product_id"], {})[row["metric"]] = row["q"] or 0
    # COUNT(*), not COUNT(id): every column read is in sw_inst_counting (index-only)
    used = {
        row["product_id"]: row
        for row in installs.values("product_id")
        .annotate(devices=Count("*"), users=Count("user_id", distinct=True), cores=Sum("cores"))
        .order_by()
    }
    every = ids if ids is not None else {*entitled, *used}
    return {pid: _position(pid, entitled.get(pid, {}), used.get(pid, {})) for pid in every}


@dataclass(frozen=True)
class ReportRow:
    product: Product
    compliance: Compliance


def compliance_report(actor: Actor, *, today: dt.date | None = None) -> list[ReportRow]:
    """Every visible product with its position: shortfalls first (largest first), then
    compliant, then products nobody installed; by name within each."""
    products = list(product_visible(actor))
    positions = compliance_of(actor, today=today)
    rank = {Position.SHORTFALL: 0, Position.COMPLIANT: 1, Position.UNUSED: 2}
    rows = [ReportRow(p, positions.get(p.pk) or _position(p.pk, {}, {})) for p in products]
    rows.sort(
        key=lambda r: (
            rank[r.compliance.status],
            -r.compliance.shortfall,
            r.product.publisher.lower(),
            r.product.name.lower(),
            r.product.pk,
        )
    )
    return rows


def with_compliance(actor: Actor, products: list[Product]) -> list[Product]:
    """Set ``compliance`` on each product (a page of them): two queries for the page."""
    positions = compliance_of(actor, [p.pk for p in products])
    for product in products:
        product.compliance = positions[product.pk]
    return products
