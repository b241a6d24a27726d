"""Assets as CSV: the columns an import reads back, streamed page by page through the same
scoped keyset selector as the list. Cells a spreadsheet would run as a formula are
neutralised by the CMDB export's ``safe_cell`` (one rule for every export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from steward.assets.selectors.assets import asset_list
from steward.assets.selectors.disposition import disposition_report
from steward.cmdb.selectors.export import safe_cell
from steward.core.actor import Actor

COLUMNS = [
    "number",
    "asset_tag",
    "serial_number",
    "manufacturer",
    "model",
    "status",
    "vendor",
    "purchase_order",
    "purchase_date",
    "cost",
    "location",
    "stock_room",
    "assignee",
]
PAGE = 500


def _line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(v) for v in values])
    return out.getvalue()


def _row(asset: Any) -> list[Any]:
    return [
        asset.number,
        asset.asset_tag,
        asset.serial_number,
        asset.model.manufacturer,
        asset.model.name,
        asset.status,
        asset.vendor,
        asset.purchase_order,
        asset.purchase_date.isoformat() if asset.purchase_date else "",
        str(asset.cost),
        asset.location.name if asset.location_id else "",
        asset.stock_room.slug if asset.stock_room_id else "",
        asset.assignee.username if asset.assignee_id else "",
    ]


def asset_csv(actor: Actor, filters: dict[str, Any]) -> Iterator[str]:
    """Header, then every visible asset matching ``filters``, one page at a time."""
    filters = {k: v for k, v in filters.items() if k not in ("cursor", "limit")}
    yield _line(COLUMNS)
    cursor = None
    while True:
        page = asset_list(actor, **filters, cursor=cursor, limit=PAGE)
        for asset in page.items:
            yield _line(_row(asset))
        if not page.next:
            return
        cursor = page.next


DISPOSITION_COLUMNS = [
    "number",
    "asset_tag",
    "serial_number",
    "model",
    "method",
    "sanitisation",
    "vendor",
    "certificate_number",
    "certificate_date",
    "completed_at",
]


def disposition_csv(actor: Actor) -> Iterator[str]:
    yield _line(DISPOSITION_COLUMNS)
    cursor = None
    while True:
        page = disposition_report(actor, cursor=cursor, limit=PAGE)
        for asset in page.items:
            d = asset.disposition
            yield _line(
                [
                    asset.number,
                    asset.asset_tag,
                    asset.serial_number,
                    str(asset.model),
                    d.method,
                    d.sanitisation,
                    d.vendor,
                    d.certificate_number,
                    d.certificate_date.isoformat() if d.certificate_date else "",
                    d.completed_at.isoformat() if d.completed_at else "",
                ]
            )
        if not page.next:
            return
        cursor = page.next
