"""Reads of assets, scoped: administrators and asset managers, limited to the
organisations they serve (and assets of none)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Upper

from steward.assets.choices import Status
from steward.assets.models import Asset, Assignment
from steward.assets.selectors.access import can_read
from steward.assets.selectors.rows import asset_rows_page
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations

NUMBER = re.compile(r"AST\d{7}")
ORDER = ("id",)


def asset_visible(actor: Actor) -> QuerySet[Asset]:
    if not can_read(actor):
        return Asset.objects.none()
    return scope_to_organisations(actor, Asset.objects.all())


def _shown(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    # the configuration item too: the API shows its number on every row
    return qs.select_related(
        "model__category",
        "assignee",
        "location",
        "stock_room",
        "owner_team",
        "organisation",
        "configuration_item",
    )


def _same_text(field: str, value: str) -> Q:
    """``field`` equal to ``value`` whatever the case, as ``iexact`` means it, through the
    expression index on UPPER(field) (``iexact`` is a full scan at a million rows); the
    queryset needs ``_with_upper``."""
    return Q(**{f"{field}_upper": value.upper()})


def _with_upper(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    return qs.alias(asset_tag_upper=Upper("asset_tag"), serial_number_upper=Upper("serial_number"))


def asset_list(
    actor: Actor,
    *,
    status: list[str] | None = None,
    model: int | None = None,
    location: int | None = None,
    stock_room: str = "",
    assignee: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
    rows: bool = False,
) -> Page:
    """A keyset page of visible assets, oldest first; each filter is an indexed equality.
    ``rows``: the page as dicts the API and the list page read (``selectors/rows.py``: one
    query, no model instances; the first page's SQL compiled once per process) instead of
    assets with their references."""
    bad = [s for s in status or [] if s not in Status.values]
    if bad:
        raise ValidationFailed.one("status", f"unknown status {bad[0]!r}")
    wanted = _wanted(actor, status, model, location, stock_room, assignee, q)
    if rows:
        return asset_rows_page(
            actor, wanted, build=_filtered, order=ORDER, cursor=cursor, limit=limit
        )
    qs = _filtered(asset_visible(actor), **wanted)
    return paginate(_shown(qs), order=ORDER, cursor=cursor, limit=limit)


def _wanted(
    actor: Actor,
    status: list[str] | None,
    model: int | None,
    location: int | None,
    stock_room: str,
    assignee: str,
    q: str,
) -> dict[str, Any]:
    """The list's filters as the values ``_filtered`` compares (empty ones left out)."""
    wanted: dict[str, Any] = {}
    if status:
        wanted["status"] = list(status)
    if model:
        wanted["model"] = model
    if location:
        wanted["location"] = location
    if stock_room:
        wanted["stock_room"] = stock_room
    if assignee == "me":
        wanted["assignee_id"] = actor.user.pk if actor.user else None
    elif assignee:
        wanted["assignee"] = assignee
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        wanted["number"] = q.upper()
    elif q:
        wanted["text"] = q.upper()
    return wanted


def _filtered(qs: QuerySet[Asset], **wanted: Any) -> QuerySet[Asset]:
    """``qs`` narrowed by ``_wanted``'s values, each used as a lookup's value only (the
    compiled first page passes placeholders for them)."""
    if "status" in wanted:
        qs = qs.filter(status__in=wanted["status"])
    if "model" in wanted:
        qs = qs.filter(model_id=wanted["model"])
    if "location" in wanted:
        qs = qs.filter(location_id=wanted["location"])
    if "stock_room" in wanted:
        qs = qs.filter(stock_room__slug=wanted["stock_room"])
    if "assignee_id" in wanted:
        qs = qs.filter(assignee_id=wanted["assignee_id"])
    if "assignee" in wanted:
        qs = qs.filter(assignee__username=wanted["assignee"])
    if "number" in wanted:
        qs = qs.filter(number=wanted["number"])
    if "text" in wanted:
        text = wanted["text"]
        qs = _with_upper(qs).filter(Q(asset_tag_upper=text) | Q(serial_number_upper=text))
    return qs


def asset_get(actor: Actor, *, number: str) -> Asset:
    """One visible asset with its disposition and check-out history; 404 otherwise."""
    history = Assignment.objects.select_related(
        "person", "location", "checked_out_by", "checked_in_by"
    ).order_by("-checked_out_at", "-id")
    asset = (
        _shown(asset_visible(actor))
        .select_related("disposition")
        .prefetch_related(Prefetch("assignments", queryset=history))
        .filter(number=str(number).upper())
        .first()
    )
    if asset is None:
        raise NotFound()
    return asset


def asset_for_update(actor: Actor, *, number: str) -> Asset:
    asset = (
        asset_visible(actor)
        .select_for_update(of=("self",))
        .select_related("model__category")
        .filter(number=str(number).upper())
        .first()
    )
    if asset is None:
        raise NotFound()
    return asset


def asset_by_tag(actor: Actor, *, tag: str) -> Asset | None:
    qs = _with_upper(asset_visible(actor))
    return qs.filter(_same_text("asset_tag", tag.strip())).first()
