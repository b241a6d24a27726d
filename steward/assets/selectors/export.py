"""Assets as CSV or XLSX: the columns an import reads back, read page by page through the
same scoped keyset selector as the list. Cells a spreadsheet would run as a formula are
neutralised by the CMDB export's ``safe_cell`` (one rule for every export).

The XLSX is written by openpyxl in write-only mode: rows go to a temporary file as they
are appended and the workbook is zipped into another temporary file, so memory stays
bounded whatever the number of assets; the view streams that file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from steward.assets.selectors.assets import asset_list
from steward.assets.selectors.disposition import disposition_report
from steward.cmdb.selectors.export import safe_cell
from steward.core.actor import Actor

# XML 1.0 allows no C0 control character but tab, line feed and carriage return (its
# ``Char`` production); openpyxl raises on the others. Ours, so that every web worker, which
# imports this module with the URL configuration, does not import openpyxl (~13 MB resident)
# for an export it may never serve.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

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


def _assets(actor: Actor, filters: dict[str, Any]) -> Iterator[Any]:
    """Every visible asset matching ``filters``, one keyset page at a time."""
    filters = {k: v for k, v in filters.items() if k not in ("cursor", "limit")}
    cursor = None
    while True:
        page = asset_list(actor, **filters, cursor=cursor, limit=PAGE)
        yield from page.items
        if not page.next:
            return
        cursor = page.next


def asset_csv(actor: Actor, filters: dict[str, Any]) -> Iterator[str]:
    """Header, then every visible asset matching ``filters``, one page at a time."""
    yield _line(COLUMNS)
    for asset in _assets(actor, filters):
        yield _line(_row(asset))


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX cell: numbers and dates typed, text formula-safe and without the
    control characters XML cannot hold (openpyxl refuses those with an exception)."""
    if isinstance(value, (Decimal, int, float, dt.date)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return safe_cell(XML_ILLEGAL.sub("", text))


def asset_xlsx(actor: Actor, filters: dict[str, Any]) -> IO[bytes]:
    """The same rows as ``asset_csv`` as a workbook in a temporary file, rewound (cost a
    number, purchase date a date)."""
    from openpyxl import Workbook  # imported on the first export only (see XML_ILLEGAL)

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Assets")
    sheet.append(COLUMNS)
    for asset in _assets(actor, filters):
        row = _row(asset)
        row[COLUMNS.index("cost")] = asset.cost
        row[COLUMNS.index("purchase_date")] = asset.purchase_date
        sheet.append([xlsx_cell(v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    book.save(out)
    out.seek(0)
    return out


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
