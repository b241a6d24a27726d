"""Reads of contracts and warranties; the list of those ending soon."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from steward.assets.choices import ContractKind
from steward.assets.models import Contract
from steward.assets.selectors.access import can_read
from steward.assets.selectors.assets import asset_visible
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import sees_everything


def contract_visible(actor: Actor) -> QuerySet[Contract]:
    return Contract.objects.all() if can_read(actor) else Contract.objects.none()


def _covered(actor: Actor) -> Count:
    """How many assets a contract covers, of those the actor may see (a limited manager
    counted, and read the numbers of, another organisation's assets)."""
    if sees_everything(actor):
        return Count("assets")
    return Count("assets", filter=Q(assets__in=asset_visible(actor).values("pk")))


def contract_list(
    actor: Actor,
    *,
    kind: str = "",
    vendor: str = "",
    expiring_within: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Contracts by end date; ``expiring_within`` days keeps those not ended that end by then."""
    if kind and kind not in ContractKind.values:
        raise ValidationFailed.one("kind", f"one of {', '.join(ContractKind.values)}")
    qs = contract_visible(actor).select_related("owner_team").annotate(covered=_covered(actor))
    if kind:
        qs = qs.filter(kind=kind)
    if vendor:
        qs = qs.filter(vendor__iexact=vendor)
    if expiring_within is not None:
        if not 0 <= expiring_within <= 3650:
            raise ValidationFailed.one("expiring_within", "between 0 and 3650 days")
        today = timezone.localdate()
        qs = qs.filter(
            end_date__gte=today, end_date__lte=today + dt.timedelta(days=expiring_within)
        )
    return paginate(qs, order=("end_date", "id"), cursor=cursor, limit=limit)


def contract_get(actor: Actor, *, number: str) -> Contract:
    found = (
        contract_visible(actor)
        .select_related("owner_team")
        .prefetch_related(Prefetch("assets", queryset=asset_visible(actor)))
        .filter(number=str(number).upper())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def contracts_of_asset(actor: Actor, asset) -> list[Contract]:
    return list(contract_visible(actor).filter(assets=asset).order_by("end_date", "id"))


def contracts_due(today: dt.date, days: int) -> QuerySet[Contract]:
    """Contracts ending within ``days`` days and not reminded for ``days`` yet (the worker)."""
    return (
        Contract.objects.filter(end_date__gte=today, end_date__lte=today + dt.timedelta(days=days))
        .exclude(reminders__days=days)
        .order_by("id")
    )
