"""The import use cases: CIs and relationships from discovery tools and spreadsheets.

All or nothing: every row is checked and matched before anything is written, and one bad
row means nothing is written (the report lists each problem). Conflicting rows (ambiguous
matches) are reported and left alone; the others are applied. A dry run plans and writes
nothing. Re-running the same input changes nothing: no audit rows, no version bumps.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable, Iterator
from typing import Any, Required, TypedDict, Unpack

from django.db import transaction

from steward.cmdb.imports import reader, sql
from steward.cmdb.imports.apply import apply_cis, apply_relationships
from steward.cmdb.imports.context import Context, load
from steward.cmdb.imports.reconcile import Progress, plan_cis
from steward.cmdb.imports.relations import plan_relationships
from steward.cmdb.imports.report import ImportReport
from steward.cmdb.imports.rows import CLASS_COLUMNS
from steward.cmdb.services.cis import require_write
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed

MAX_ROWS = 250_000  # per batch; a larger estate is imported in several files


def import_batch(
    actor: Actor,
    *,
    cis: Iterable[dict[str, Any]] = (),
    relationships: Iterable[dict[str, Any]] = (),
    source: str,
    dry_run: bool = False,
    progress: Progress = None,
    columns: list[str] | None = None,
) -> ImportReport:
    """Reconcile CI rows, then relationship rows (which may name CIs the batch creates).

    ``columns`` (a CSV's header) lets a missing identification column be reported once for
    the file instead of once per row."""
    require_write(actor)
    ci_rows, link_rows = list(cis), list(relationships)
    if len(ci_rows) + len(link_rows) > MAX_ROWS:
        raise ValidationFailed.one("rows", f"at most {MAX_ROWS} rows per import")
    started = time.perf_counter()
    report = ImportReport(source=source, dry_run=dry_run)
    with _no_cyclic_gc(), transaction.atomic():
        ctx = load(actor, source)
        ctx.lock = not dry_run
        if columns is not None:
            _check_columns(ctx, columns, ci_rows, report)
        # the chunked lookups planned on their own values: a generic plan made while the
        # tables were small outlives their growth on this connection (decision 0078)
        with sql.custom_plans():
            plan = plan_cis(ctx, ci_rows, report, progress, with_links=bool(link_rows))
            links = plan_relationships(ctx, link_rows, plan, report)
        if report.ok and not dry_run:
            apply_cis(ctx, plan, progress)
            apply_relationships(ctx, links)
            report.applied = True
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A batch allocates millions of small acyclic objects (rows, dicts, lists); the cyclic
    collector's repeated passes over them cost more than the reconciliation itself
    (profiled: most of a 20,000-row run). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BatchOptions(TypedDict, total=False):
    """What ``import_cis`` and ``import_relationships`` take besides the rows."""

    source: Required[str]
    dry_run: bool
    progress: Progress


def import_cis(
    actor: Actor, rows: Iterable[dict[str, Any]], **options: Unpack[BatchOptions]
) -> ImportReport:
    """Create or update CIs from ``rows`` (CSV cells or JSON objects; see docs/cmdb.md)."""
    return import_batch(actor, cis=rows, **options)


def import_relationships(
    actor: Actor, rows: Iterable[dict[str, Any]], **options: Unpack[BatchOptions]
) -> ImportReport:
    """Create relationships from ``{"source", "type", "target"}`` rows; existing ones are
    unchanged."""
    return import_batch(actor, relationships=rows, **options)


def import_file(
    actor: Actor,
    data: bytes,
    *,
    fmt: str,
    source: str,
    dry_run: bool = False,
    progress: Progress = None,
) -> ImportReport:
    """Import a CSV or JSON file's bytes; a file that cannot be read is reported, not raised."""
    require_write(actor)
    parsed = reader.read(data, fmt=fmt)
    if parsed.errors:
        load(actor, source)  # an unknown source is still named first
        report = ImportReport(source=source, dry_run=dry_run)
        for field_name, message in parsed.errors:
            report.file_error(field_name, message)
        return report
    return import_batch(
        actor,
        cis=parsed.cis,
        relationships=parsed.relationships,
        source=source,
        dry_run=dry_run,
        progress=progress,
        columns=parsed.columns if parsed.cis else None,
    )


def _check_columns(
    ctx: Context, columns: list[str], rows: list[dict[str, Any]], report: ImportReport
) -> None:
    """A file without any identification column for a class it imports: one clear error."""
    present = {c.removeprefix("attr.") for c in columns}
    if not present & set(CLASS_COLUMNS):
        report.file_error("ci_class", "the file has no ci_class column")
        return
    if present & {"number", "external_id"}:
        return
    slugs = {str(r.get(c) or "") for r in rows for c in CLASS_COLUMNS if r.get(c)}
    for slug in sorted(slugs):
        cls = ctx.tree.by_slug.get(slug)
        keys = ctx.tree.keys(cls) if cls is not None else []
        if cls is not None and not present & set(keys):
            report.file_error(
                "columns",
                f"rows of class {slug} need an identification column: one of "
                f"{', '.join(['external_id', *keys])}",
            )
