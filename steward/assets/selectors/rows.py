"""The asset list's page as rows: the columns the API and the list page show, selected with
``.values()`` and their references' names joined, never a model graph.

The model path (``asset_list`` without ``rows``) builds each asset with seven related
objects (model, assignee, location, stock room, team, organisation, configuration item):
about 400 instances for a page of 50, which was nearly all of the page's time at 1,000,000
assets (docs/benchmarks.md). A row here is a dict keyed as ``AssetOut`` reads it (the
dotted aliases are keys), plus the four labels the list page prints; it equals what the
model path shows (tests/assets/test_rows.py). References are named whoever reads, as the
model path's ``select_related`` names them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.assets.choices import Status
from steward.assets.models.hardware import warranty_end_of
from steward.core.pagination import Page, paginate

# AssetOut's key (a field name, or the alias naming a related object's field) → the column
# as ``.values()`` names it
COLUMNS = {
    "number": "number",
    "asset_tag": "asset_tag",
    "serial_number": "serial_number",
    "model_id": "model_id",
    "status": "status",
    "organisation.slug": "organisation__slug",
    "vendor": "vendor",
    "purchase_order": "purchase_order",
    "purchase_date": "purchase_date",
    "cost": "cost",
    "holds_data": "holds_data",
    "owner_team.slug": "owner_team__slug",
    "assignee.username": "assignee__username",
    "location_id": "location_id",
    "stock_room.slug": "stock_room__slug",
    "configuration_item.number": "configuration_item__number",
    "notes": "notes",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "version": "version",
}
# what the labels need besides: the model's make and warranty, the person's name, the place
EXTRA = (
    "id",
    "model__manufacturer",
    "model__name",
    "model__warranty_months",
    "assignee__first_name",
    "assignee__last_name",
    "location__name",
)
LOOKUPS = (*COLUMNS.values(), *EXTRA)
STATUS_LABELS = dict(Status.choices)


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """One ``.values()`` row as the API (``AssetOut``) and the list page read it."""
    out = {key: row[column] for key, column in COLUMNS.items()}
    label = f"{row['model__manufacturer']} {row['model__name']}"  # AssetModel.__str__
    out["model.label"] = out["model_label"] = label
    out["warranty_end"] = warranty_end_of(row["purchase_date"], row["model__warranty_months"])
    out["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    username = row["assignee__username"]
    if username is None:
        out["assignee_name"] = None
    else:  # User.__str__: the full name, else the username
        full = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
        out["assignee_name"] = full or username
    out["location_name"] = row["location__name"]
    return out


def asset_rows_page(
    qs: QuerySet, *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """A page of ``qs`` (already scoped and filtered) as rows: one query, no instances; the
    same cursor the model path gives."""
    page = paginate(qs.values(*LOOKUPS), order=order, cursor=cursor, limit=limit)
    return Page(items=[shown(row) for row in page.items], next=page.next)
