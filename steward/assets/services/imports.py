"""CSV import of assets, on the CMDB import's machinery (``cmdb.imports``: the file reader,
the per-row report with its bounded error list, the progress callback, the stash between
dry run and apply). All or nothing: every row is checked first, with a few bulk lookups,
and one bad row (an unknown model, a duplicate tag) means nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from steward.assets.choices import Status
from steward.assets.models import Asset, AssetModel, StockRoom
from steward.assets.services.assets import CREATE_STATES, require_write
from steward.assets.services.validation import date, money, text
from steward.cmdb.imports import reader
from steward.cmdb.imports.reconcile import Progress
from steward.cmdb.imports.report import Action, ImportReport, RowResult
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Location
from steward.core.numbering import next_numbers

MAX_ROWS = 250_000
COLUMNS = (
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
    "holds_data",
)
REQUIRED = ("asset_tag", "serial_number", "manufacturer", "model")
KIND = "asset"
CHUNK = 2000


class AssetImportReport(ImportReport):
    """The CMDB's report, counted for one kind of row (assets, no relationships)."""

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys((Action.CREATE, Action.ERROR), 0)
        for r in self.rows:
            found[r.action] = found.get(r.action, 0) + 1
        return found

    def summary(self) -> str:
        c = self.counts
        verb = "would be" if self.dry_run or not self.applied else "were"
        text_ = f"{c[Action.CREATE]} assets, {self.error_count} errors"
        if not self.ok:
            return f"{text_}; nothing was imported."
        return f"{text_} ({verb} created)."


class _Lookups:
    """Everything rows refer to, loaded once per batch."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.models = {
            (m.manufacturer.lower(), m.name.lower()): m for m in AssetModel.objects.all()
        }
        self.rooms = {r.slug: r for r in StockRoom.objects.all()}
        self.locations = {loc.name.lower(): loc for loc in Location.objects.all()}
        self.taken: dict[str, set[str]] = {}
        for field in ("asset_tag", "serial_number"):
            wanted = [str(r.get(field) or "").strip() for r in rows if r.get(field)]
            taken: set[str] = set()
            for i in range(0, len(wanted), CHUNK):
                taken.update(
                    v.lower()
                    for v in Asset.objects.filter(
                        **{f"{field}__in": wanted[i : i + CHUNK]}
                    ).values_list(field, flat=True)
                )
            self.taken[field] = taken


def _check(row: dict[str, Any], look: _Lookups, seen: dict[str, set[str]]) -> tuple[dict, dict]:
    """(values for an Asset, errors by field) for one row."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name in set(row) - set(COLUMNS):
        fail(
            name if name != "__extra__" else "row",
            "unknown column" if name != "__extra__" else row[name],
        )
    for name in REQUIRED:
        if not row.get(name):
            fail(name, "required")
    for name, check in (
        ("asset_tag", text),
        ("serial_number", text),
        ("vendor", text),
        ("purchase_order", text),
    ):
        try:
            values[name] = check(name, row.get(name, ""))
        except ValidationFailed as exc:
            fail(name, exc.fields[name][0])
    for field in ("asset_tag", "serial_number"):
        key = values.get(field, "").lower()
        if key and (key in look.taken[field] or key in seen[field]):
            fail(field, "another asset has this value")
        seen[field].add(key)
    model = look.models.get(
        (str(row.get("manufacturer", "")).lower(), str(row.get("model", "")).lower())
    )
    if model is None and row.get("model"):
        fail("model", f"no model {row.get('manufacturer', '')} {row['model']}")
    values["model"] = model
    status = row.get("status") or Status.IN_STOCK
    if status not in CREATE_STATES:
        fail("status", "on_order or in_stock")
    values["status"] = status
    try:
        values["cost"] = money("cost", row.get("cost") or 0)
    except ValidationFailed as exc:
        fail("cost", exc.fields["cost"][0])
    try:
        values["purchase_date"] = date("purchase_date", row.get("purchase_date"))
    except ValidationFailed as exc:
        fail("purchase_date", exc.fields["purchase_date"][0])
    if row.get("location"):
        values["location"] = look.locations.get(row["location"].lower())
        if values["location"] is None:
            fail("location", f"no location {row['location']!r}")
    if row.get("stock_room"):
        values["stock_room"] = look.rooms.get(row["stock_room"])
        if values["stock_room"] is None:
            fail("stock_room", f"no stock room {row['stock_room']!r}")
    flag = str(row.get("holds_data", "yes")).lower()
    if flag not in ("yes", "no", "true", "false", "1", "0", ""):
        fail("holds_data", "yes or no")
    values["holds_data"] = flag not in ("no", "false", "0")
    return values, errors


def import_assets(
    actor: Actor,
    rows: Iterable[dict[str, Any]],
    *,
    dry_run: bool = False,
    progress: Progress = None,
) -> AssetImportReport:
    """Check every row, then (not dry, no errors) create every asset in bulk."""
    require_write(actor)
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.one("rows", f"at most {MAX_ROWS} rows per import")
    started = time.perf_counter()
    report = AssetImportReport(source="csv", dry_run=dry_run)
    look = _Lookups(rows)
    seen: dict[str, set[str]] = {"asset_tag": set(), "serial_number": set()}
    planned = []
    for i, row in enumerate(rows, start=1):
        if not row:
            continue
        values, errors = _check(row, look, seen)
        action = Action.ERROR if errors else Action.CREATE
        report.add(RowResult(row=i, kind=KIND, action=action, errors=errors))
        planned.append(values)
        if progress is not None:
            progress(i, len(rows), "checking")
    if report.ok and not dry_run:
        with transaction.atomic():
            numbers = next_numbers("AST", len(planned))
            assets = [Asset(number=n, **v) for n, v in zip(numbers, planned, strict=True)]
            for i in range(0, len(assets), CHUNK):
                Asset.objects.bulk_create(assets[i : i + CHUNK])
                if progress is not None:
                    progress(min(i + CHUNK, len(assets)), len(assets), "writing")
            audit.record_created_many(
                actor, assets, lambda a: {"number": a.number, "asset_tag": a.asset_tag}
            )
            for r, n in zip(report.rows, numbers, strict=True):
                r.number = n
            outbox.emit_batch("assets.imported", assets)
        report.applied = True
    report.seconds = time.perf_counter() - started
    return report


def import_asset_file(
    actor: Actor, data: bytes, *, dry_run: bool = False, progress: Progress = None
) -> AssetImportReport:
    """A CSV file's bytes; a file that cannot be read is reported, not raised."""
    require_write(actor)
    parsed = reader.read(data, fmt="csv")
    if parsed.errors:
        report = AssetImportReport(source="csv", dry_run=dry_run)
        for field_name, message in parsed.errors:
            report.file_error(field_name, message)
        return report
    return import_assets(actor, parsed.cis, dry_run=dry_run, progress=progress)
