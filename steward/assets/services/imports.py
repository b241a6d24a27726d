"""CSV import of assets, on the CMDB import's machinery (``cmdb.imports``: the file reader,
the per-row report with its bounded error list, the progress callback, the stash between
dry run and apply). All or nothing: every row is checked first, with a few bulk lookups,
and one bad row (an unknown model, a duplicate tag) means nothing is written; then the
assets and their audit entries are written with batched statements (decision 0006).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from steward.assets.choices import Status
from steward.assets.models import Asset, AssetModel, StockRoom
from steward.assets.services.assets import CREATE_STATES, require_write
from steward.assets.services.validation import date, money, taken, text
from steward.cmdb.imports import reader, sql
from steward.cmdb.imports.reconcile import Progress
from steward.cmdb.imports.report import Action, ImportReport, RowResult
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry
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
KNOWN = frozenset(COLUMNS)
REQUIRED = ("asset_tag", "serial_number", "manufacturer", "model")
TAKEN = gettext_noop("another asset has this value")
KIND = "asset"
CHUNK = 5000
# what the import writes of an asset (every other column keeps its database default: none)
ASSET_COLUMNS = (
    "number",
    "asset_tag",
    "serial_number",
    "model",
    "status",
    "vendor",
    "purchase_order",
    "purchase_date",
    "cost",
    "holds_data",
    "location",
    "stock_room",
    "notes",
    "version",
    "created_at",
    "updated_at",
)


class AssetImportReport(ImportReport):
    """The CMDB's report, counted for one kind of row (assets, no relationships)."""

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys((Action.CREATE, Action.ERROR), 0)
        for r in self.rows:
            found[r.action] = found.get(r.action, 0) + 1
        return found

    def summary(self) -> str:
        """The counts in a sentence, in the active language (as the CMDB's)."""
        counts = {"assets": self.counts[Action.CREATE], "errors": self.error_count}
        if not self.ok:
            return _("%(assets)s assets, %(errors)s errors; nothing was imported.") % counts
        if self.dry_run or not self.applied:
            return _("%(assets)s assets, %(errors)s errors (would be created).") % counts
        return _("%(assets)s assets, %(errors)s errors (were created).") % counts


class _Lookups:
    """What rows refer to: the reference tables (models, stock rooms, locations: small)
    read once per import, and the tags and serials already taken read per chunk of rows
    with one ``IN`` each on the UPPER() expression indexes, the comparison the single
    write's ``unique`` makes (``validation.unique``)."""

    def __init__(self, actor: Actor) -> None:
        self.models = {
            (m.manufacturer.lower(), m.name.lower()): m for m in AssetModel.objects.all()
        }
        self.rooms = {r.slug: r for r in StockRoom.objects.all()}
        # the sites the importer may see: another organisation's is an unknown name
        self.locations = {loc.name.lower(): loc for loc in core_selectors.location_visible(actor)}
        self.taken: dict[str, set[str]] = {"asset_tag": set(), "serial_number": set()}

    def read_taken(self, rows: list[dict[str, Any]]) -> None:
        _read_taken(rows, self.taken)


def _read_taken(rows: list[dict[str, Any]], taken: dict[str, set[str]]) -> None:
    """The tags and serials of ``rows`` that another asset has (upper-cased) into ``taken``:
    one ``UPPER(field) IN (…)`` each, through the expression index, on the cursor (the ORM
    prepared each of thousands of values one by one, a seventh of the import)."""
    table = connection.ops.quote_name(Asset._meta.db_table)
    for field in ("asset_tag", "serial_number"):
        wanted = sorted({str(r[field]).strip().upper() for r in rows if r.get(field)})
        column = connection.ops.quote_name(field)
        with connection.cursor() as cursor:
            for i in range(0, len(wanted), 1000):
                part = wanted[i : i + 1000]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE UPPER({column}) IN ({marks})",  # noqa: S608 - names from the model
                    part,
                )
                taken[field].update(v.upper() for (v,) in cursor.fetchall())


def _check(row: dict[str, Any], look: _Lookups, seen: dict[str, set[str]]) -> tuple[dict, dict]:
    """(values for an Asset, errors by field) for one row: the single write's checks
    (``validation.text``, ``money``, ``date``; tag and serial unique whatever the case)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    # each message in the reader's language (the page's, the API's); the row and the field
    # are the report's (``RowResult``), named as the file names them
    for name in row.keys() - KNOWN:
        fail(
            name if name != "__extra__" else "row",
            _("unknown column") if name != "__extra__" else row[name],
        )
    for name in REQUIRED:
        if not row.get(name):
            fail(name, _("required"))
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
        key = values.get(field, "").upper()
        if key and (key in look.taken[field] or key in seen[field]):
            fail(field, _(TAKEN))
        seen[field].add(key)
    model = look.models.get(
        (str(row.get("manufacturer", "")).lower(), str(row.get("model", "")).lower())
    )
    if model is None and row.get("model"):
        fail(
            "model",
            _("no model %(manufacturer)s %(model)s")
            % {"manufacturer": row.get("manufacturer", ""), "model": row["model"]},
        )
    values["model"] = model
    status = row.get("status") or Status.IN_STOCK
    if status not in CREATE_STATES:
        fail("status", _("on_order or in_stock"))
    values["status"] = status
    try:
        values["cost"] = money("cost", row.get("cost") or 0)
    except ValidationFailed as exc:
        fail("cost", exc.fields["cost"][0])
    try:
        values["purchase_date"] = date("purchase_date", row.get("purchase_date"))
    except ValidationFailed as exc:
        fail("purchase_date", exc.fields["purchase_date"][0])
    values["location"] = values["stock_room"] = None
    if row.get("location"):
        values["location"] = look.locations.get(row["location"].lower())
        if values["location"] is None:
            fail("location", _("no location %(name)s") % {"name": repr(row["location"])})
    if row.get("stock_room"):
        values["stock_room"] = look.rooms.get(row["stock_room"])
        if values["stock_room"] is None:
            fail("stock_room", _("no stock room %(name)s") % {"name": repr(row["stock_room"])})
    flag = str(row.get("holds_data", "yes")).lower()
    if flag not in ("yes", "no", "true", "false", "1", "0", ""):
        fail("holds_data", _("yes or no"))
    values["holds_data"] = flag not in ("no", "false", "0")
    return values, errors


def import_assets(
    actor: Actor,
    rows: Iterable[dict[str, Any]],
    *,
    dry_run: bool = False,
    progress: Progress = None,
) -> AssetImportReport:
    """Check every row (a chunk at a time: its taken tags and serials in one read), then
    (not dry, no errors) write every asset with its audit entry in batches, one transaction.
    """
    require_write(actor)
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.one(
            "rows", _("at most %(max_rows)s rows per import") % {"max_rows": MAX_ROWS}
        )
    started = time.perf_counter()
    report = AssetImportReport(source="csv", dry_run=dry_run)
    look = _Lookups(actor)
    seen: dict[str, set[str]] = {"asset_tag": set(), "serial_number": set()}
    planned = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        look.read_taken(chunk)
        for i, row in enumerate(chunk, start=start + 1):
            if not row:
                continue
            values, errors = _check(row, look, seen)
            action = Action.ERROR if errors else Action.CREATE
            report.add(RowResult(row=i, kind=KIND, action=action, errors=errors))
            planned.append(values)
        if progress is not None:
            progress(start + len(chunk), len(rows), "checking")
    if report.ok and not dry_run:
        if planned:  # an empty file is applied as before: nothing to write
            enabled = gc.isenabled()
            gc.disable()  # millions of short-lived tuples: full passes cost a third (0006)
            try:
                with transaction.atomic():
                    numbers = next_numbers("AST", len(planned))
                    for r, n in zip(report.rows, numbers, strict=True):
                        r.number = n
                    _write(actor, planned, numbers, progress)
            except (IntegrityError, connection.Database.IntegrityError) as exc:
                # PostgreSQL's COPY runs on the driver's cursor: its error is psycopg's own
                _lost_race(exc, report, planned)
                report.seconds = time.perf_counter() - started
                return report
            finally:
                if enabled:
                    gc.enable()
        report.applied = True
    report.seconds = time.perf_counter() - started
    return report


def _lost_race(exc: Exception, report: AssetImportReport, planned: list[dict[str, Any]]) -> None:
    """Another write took a tag or serial of the file between the check and the insert (two
    imports of one file at once): the unique indexes of assets.0005 refused the insert and
    the transaction wrote nothing. The rows whose tag or serial is taken now are that
    row's error, as the check reports them; any other integrity error is raised."""
    field = taken(exc)
    if field is None:
        raise exc
    now_taken: dict[str, set[str]] = {"asset_tag": set(), "serial_number": set()}
    for start in range(0, len(planned), CHUNK):
        _read_taken(planned[start : start + CHUNK], now_taken)
    found = False
    for result, values in zip(report.rows, planned, strict=True):
        result.number = ""
        for name in ("asset_tag", "serial_number"):
            if str(values[name]).strip().upper() in now_taken[name]:
                result.errors.setdefault(name, []).append(_(TAKEN))
                result.action = Action.ERROR
                found = True
    if not found:  # taken and given back since: still nothing was written
        name = next(iter(field.fields))
        report.file_error(name, _(TAKEN))
    report.applied = False


def _write(
    actor: Actor, planned: list[dict[str, Any]], numbers: list[str], progress: Progress
) -> None:
    """The checked assets, each with the audit entry ``audit.record_created_many`` would
    write, and an outbox event per thousand: plain batched statements (``cmdb.imports.sql``:
    ``COPY`` / ``executemany``; ``bulk_create`` prepared every cell through the ORM's field
    machinery, most of the import's time, docs/decisions/0006)."""
    now = timezone.now()
    at = sql.time_value(now)
    as_json = sql.json_adapter()
    content_type = ContentType.objects.get_for_model(Asset).pk
    user = actor.user.pk if actor.user is not None else None
    for start in range(0, len(planned), CHUNK):
        part = planned[start : start + CHUNK]
        part_numbers = numbers[start : start + CHUNK]
        sql.insert(
            Asset,
            ASSET_COLUMNS,
            (
                (
                    number,
                    v["asset_tag"],
                    v["serial_number"],
                    v["model"].pk,
                    v["status"],
                    v["vendor"],
                    v["purchase_order"],
                    v["purchase_date"],
                    v["cost"],
                    v["holds_data"],
                    v["location"].pk if v["location"] is not None else None,
                    v["stock_room"].pk if v["stock_room"] is not None else None,
                    "",
                    1,
                    at,
                    at,
                )
                for number, v in zip(part_numbers, part, strict=True)
            ),
        )
        ids = _ids_of(part_numbers)
        sql.insert(
            AuditEntry,
            audit.ROW_COLUMNS,
            (
                (
                    at,
                    user,
                    actor.label,
                    actor.channel,
                    actor.request_id,
                    content_type,
                    str(ids[number]),
                    f"{number} {v['asset_tag']}"[:200],  # Asset.__str__
                    AuditAction.CREATE,
                    as_json({"number": [None, number], "asset_tag": [None, v["asset_tag"]]}),
                )
                for number, v in zip(part_numbers, part, strict=True)
            ),
        )
        outbox.emit_batch("assets.imported", [sql.Ref(Asset, ids[n]) for n in part_numbers])
        if progress is not None:
            progress(start + len(part), len(planned), "writing")


def _ids_of(numbers: list[str]) -> dict[str, int]:
    """Ids of just-inserted assets: one range of the number index (numbers of one
    allocation are consecutive and, at one width, sort as they count), else ``IN``."""
    found = Asset.objects.all()
    if len(numbers[0]) == len(numbers[-1]):
        found = found.filter(number__gte=numbers[0], number__lte=numbers[-1])
    else:
        found = found.filter(number__in=numbers)
    return dict(found.values_list("number", "id"))


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
