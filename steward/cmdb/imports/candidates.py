"""The existing CIs an import's rows may match, read in chunks of ``IN`` queries on
indexed columns (numbers, source ids, identification keys), never per row; a CI the actor
may not see matches nothing (``reconcile`` plans against them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from steward.cmdb import selectors
from steward.cmdb.imports import sql
from steward.cmdb.imports.context import Context
from steward.cmdb.imports.rows import CIRow
from steward.cmdb.models import CIIdentifier, CISourceId, ConfigurationItem

CHUNK = 5000
# what matching and planning read of a stored CI: plain values, no model instances (cheaper)
COLUMNS = (
    "id",
    "number",
    "name",
    "ci_class_id",
    "attributes",
    "attribute_sources",
    "version",
    "description",
    "status",
    "environment",
    "criticality",
    "owner_team_id",
    "support_team_id",
    "organisation_id",
    "location_id",
    "software_version",
)
# read-only in planning and applying (``_update`` builds a new dict): decoded once per text
SHARED = ("attribute_sources",)


def chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@dataclass
class Candidates:
    by_number: dict[str, int]
    by_source_id: dict[str, int]
    by_identifier: dict[tuple[int, str, str], set[int]]  # (family id, key, value) → CI ids
    cis: dict[int, dict[str, Any]]  # visible candidates: COLUMNS by name
    external_ids_in_use: set[str]  # of this source, on any CI (visible or not)


def load_candidates(ctx: Context, rows: list[CIRow]) -> Candidates:
    """Every existing CI any row may match, with a few chunked ``IN`` queries."""
    numbers = {r.number for r in rows if r.number and not r.errors}
    external = {r.external_id for r in rows if r.external_id and not r.errors}
    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in rows:
        if row.errors:
            continue
        family = ctx.facts(row.ci_class).family_id
        for key, value in row.identifiers.items():
            wanted[family, key].add(value)
    by_number: dict[str, int] = {}
    for part in chunks(numbers):
        by_number |= dict(sql.select_in(ConfigurationItem, ("number", "id"), {}, "number", part))
    by_source: dict[str, int] = {}
    for part in chunks(external):
        found = sql.select_in(
            CISourceId, ("external_id", "ci"), {"source": ctx.source.pk}, "external_id", part
        )
        by_source |= dict(found)
    by_identifier: dict[tuple[int, str, str], set[int]] = defaultdict(set)
    for (family, key), values in wanted.items():
        for part in chunks(values):
            found = sql.select_in(
                CIIdentifier, ("value", "ci"), {"family": family, "key": key}, "value", part
            )
            for value, ci_id in found:
                by_identifier[family, key, value].add(ci_id)
    ids = set(by_number.values()) | set(by_source.values())
    ids |= {ci_id for found in by_identifier.values() for ci_id in found}
    cis: dict[int, dict[str, Any]] = {}
    visible = selectors.ci_visible(ctx.actor)
    if ctx.lock:
        visible = visible.select_for_update(of=("self",))
    for part in chunks(ids):
        found = sql.values_in(visible, COLUMNS, part, shared=SHARED)
        cis |= {ci["id"]: ci for ci in found}
    # a CI the actor may not see matches nothing, exactly as if it were absent
    return Candidates(
        by_number={n: i for n, i in by_number.items() if i in cis},
        by_source_id={e: i for e, i in by_source.items() if i in cis},
        by_identifier={k: {i for i in v if i in cis} for k, v in by_identifier.items()},
        cis=cis,
        external_ids_in_use=set(by_source),
    )
