"""The asset list's page as rows: the columns the API and the list page show, selected with
``.values()`` with their references' names as scalar subqueries, never a model graph.

The model path (``asset_list`` without ``rows``) builds each asset with seven related
objects (model, assignee, location, stock room, team, organisation, configuration item):
about 400 instances for a page of 50, which was nearly all of the page's time at 1,000,000
assets (docs/benchmarks.md). A row here is a dict keyed as ``AssetOut`` reads it (the
dotted aliases are keys), plus the four labels the list page prints; it equals what the
model path shows (tests/assets/test_rows.py). References are named whoever reads, as the
model path's ``select_related`` names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from steward.assets.choices import Status
from steward.assets.models import Asset, AssetModel, StockRoom
from steward.assets.models.hardware import warranty_end_of
from steward.assets.selectors.access import can_read
from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Location, Organisation, Team, User
from steward.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, cursor_after, paginate
from steward.core.selectors import compiled, references
from steward.core.selectors.scoping import (
    in_served_organisations,
    scope_to_organisations,
    sees_everything,
    served_organisation_ids,
)

# AssetOut's key (a field name, or the alias naming a related object's field) → the column
# as ``.values()`` names it (a reference's field: the name of its subquery, ``REFERENCES``)
COLUMNS = {
    "number": "number",
    "asset_tag": "asset_tag",
    "serial_number": "serial_number",
    "model_id": "model_id",
    "status": "status",
    "organisation.slug": "ref_organisation_slug",
    "vendor": "vendor",
    "purchase_order": "purchase_order",
    "purchase_date": "purchase_date",
    "cost": "cost",
    "holds_data": "holds_data",
    "owner_team.slug": "ref_owner_team_slug",
    "assignee.username": "ref_assignee_username",
    "location_id": "location_id",
    "stock_room.slug": "ref_stock_room_slug",
    "configuration_item.number": "ref_configuration_item_number",
    "notes": "notes",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "version": "version",
}
# each reference's field the row shows, read by a scalar subquery on its primary key rather
# than a join: PostgreSQL planned the eight-table join anew for every page (20-250 ms on
# the loaded bench machine, against 0.4 ms to run it); subqueries plan in 0.4 ms there
REFERENCES: references.References = {
    "ref_model_manufacturer": (AssetModel, "model_id", "manufacturer"),
    "ref_model_name": (AssetModel, "model_id", "name"),
    "ref_model_warranty_months": (AssetModel, "model_id", "warranty_months"),
    "ref_organisation_slug": (Organisation, "organisation_id", "slug"),
    "ref_owner_team_slug": (Team, "owner_team_id", "slug"),
    "ref_assignee_username": (User, "assignee_id", "username"),
    "ref_assignee_first_name": (User, "assignee_id", "first_name"),
    "ref_assignee_last_name": (User, "assignee_id", "last_name"),
    "ref_location_name": (Location, "location_id", "name"),
    "ref_stock_room_slug": (StockRoom, "stock_room_id", "slug"),
    "ref_configuration_item_number": (ConfigurationItem, "configuration_item_id", "number"),
}
LOOKUPS = ("id", *(c for c in COLUMNS.values() if c not in REFERENCES), *REFERENCES)
STATUS_LABELS = dict(Status.choices)


def with_references(qs: QuerySet) -> QuerySet:
    """``qs`` with each shown field of a reference as a scalar subquery (``REFERENCES``)."""
    return references.with_references(qs, REFERENCES)


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """One ``.values()`` row as the API (``AssetOut``) and the list page read it."""
    out = {key: row[column] for key, column in COLUMNS.items()}
    label = f"{row['ref_model_manufacturer']} {row['ref_model_name']}"  # AssetModel.__str__
    out["model.label"] = out["model_label"] = label
    months = row["ref_model_warranty_months"]
    out["warranty_end"] = warranty_end_of(row["purchase_date"], months)
    out["status_label"] = str(STATUS_LABELS.get(row["status"], row["status"]))
    username = row["ref_assignee_username"]
    if username is None:
        out["assignee_name"] = None
    else:  # User.__str__: the full name, else the username
        full = f"{row['ref_assignee_first_name']} {row['ref_assignee_last_name']}".strip()
        out["assignee_name"] = full or username
    out["location_name"] = row["ref_location_name"]
    return out


def asset_rows_page(
    actor: Actor,
    wanted: dict[str, Any],
    *,
    build: Callable[..., QuerySet],
    order: tuple[str, ...],
    cursor: str | None,
    limit: int | None,
) -> Page:
    """A page of the visible assets ``build(queryset, **wanted)`` keeps, as rows: one
    query, no instances, the same cursor the model path gives. The first page (the one a
    list opens on) runs SQL compiled once per process and shape (``core.selectors.compiled``:
    compiling the filters was half of what was left); later pages, and a filter compiled SQL
    cannot take as a value (``assignee="me"`` without a user: IS NULL), go through
    ``paginate``."""
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:  # refused for everyone, as ``paginate`` refuses it
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
    if not can_read(actor):
        return Page(items=[], next=None)
    values = dict(wanted)
    served = None if sees_everything(actor) else served_organisation_ids(actor)
    if served is not None:
        values["served"] = served
    if cursor is None and all(map(_slot_able, values.values())):
        key = ("assets.list", tuple(sorted(values)), order, limit)

        def query(**given: Any) -> QuerySet:
            qs = Asset.objects.all()
            if "served" in given:
                qs = qs.filter(in_served_organisations(given.pop("served")))
            page = with_references(build(qs, **given)).values(*LOOKUPS)
            return page.order_by(*order)[: limit + 1]

        found = compiled.rows(key, query, **values)
        nxt = cursor_after(found[limit - 1], order) if len(found) > limit else None
        return Page(items=[shown(row) for row in found[:limit]], next=nxt)
    qs = build(scope_to_organisations(actor, Asset.objects.all()), **wanted)
    page = paginate(with_references(qs).values(*LOOKUPS), order=order, cursor=cursor, limit=limit)
    return Page(items=[shown(row) for row in page.items], next=page.next)


def _slot_able(value: Any) -> bool:
    """A value compiled SQL takes as a parameter: text, a whole number, a list of them."""
    if isinstance(value, list):
        return bool(value) and all(map(_slot_able, value))
    return isinstance(value, int | str) and not isinstance(value, bool)
