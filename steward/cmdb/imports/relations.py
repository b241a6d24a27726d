"""Relationship rows ``{"source": ID, "type": "runs_on", "target": ID}``: each end named by
a CI number, by this source's external id, or by an identification key value (an FQDN, a
serial number), resolved in that order; CIs the same batch creates count too."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from steward.cmdb import selectors
from steward.cmdb.imports.candidates import chunks
from steward.cmdb.imports.context import Context
from steward.cmdb.imports.reconcile import Create, Plan
from steward.cmdb.imports.report import Action, ImportReport, RowResult
from steward.cmdb.models import CIIdentifier, CISourceId, ConfigurationItem, Relationship
from steward.cmdb.services.identity import normalise
from steward.core.services.common import unknown_ci_message

ENDS = ("source", "target")


@dataclass
class Link:
    result: RowResult
    source: Any  # a ConfigurationItem or the Create that makes it
    target: Any
    type: Any


@dataclass
class LinkPlan:
    links: list[Link] = field(default_factory=list)


def _label(end: Any) -> str:
    if isinstance(end, Create):
        return end.number or f"(new, row {end.result.row})"
    return end.number


def plan_relationships(
    ctx: Context, raw_rows: list[dict[str, Any]], plan: Plan, report: ImportReport
) -> LinkPlan:
    """Resolve both ends of every row, refuse bad ones, skip existing links."""
    rows = [(i, r) for i, r in enumerate(raw_rows, start=1) if r]
    if not rows:
        return LinkPlan()
    names = {
        str(r.get(end) or "").strip() for _, r in rows if isinstance(r, dict) for end in ENDS
    } - {""}
    resolved = _resolve(ctx, names, plan)
    links = LinkPlan()
    pending: list[tuple[int, Any, Any, Any, RowResult]] = []
    for index, raw in rows:
        result = RowResult(index, "relationship", Action.CREATE)
        if not isinstance(raw, dict):
            result.errors["row"] = ["expected an object"]
        else:
            unknown = sorted(set(raw) - {"source", "type", "target", "__extra__"})
            for name in unknown:
                result.errors[name] = ["unknown column; expected source, type, target"]
        ends: dict[str, Any] = {}
        for end in ENDS if isinstance(raw, dict) else ():
            name = str(raw.get(end) or "").strip()
            found = resolved.get(name, [])
            if not name:
                result.errors[end] = ["required"]
            elif not found:
                result.errors[end] = [unknown_ci_message(name)]
            elif len(found) > 1:
                result.action = Action.CONFLICT
                labels = ", ".join(sorted(_label(f) for f in found))
                result.message = f"{end} {name!r} names several CIs: {labels}"
            else:
                ends[end] = found[0]
        kind = ctx.relationship_types.get(str(raw.get("type") or "").strip()) if ends else None
        if isinstance(raw, dict) and kind is None:
            slugs = ", ".join(sorted(ctx.relationship_types))
            result.errors["type"] = [f"one of {slugs}"]
        if not result.errors and len(ends) == 2 and ends["source"] is ends["target"]:
            result.errors["target"] = ["a CI cannot be related to itself"]
        if result.errors:
            result.action = Action.ERROR
        report.add(result)
        if result.action == Action.CREATE:
            pending.append((index, ends["source"], ends["target"], kind, result))
    existing = _existing(pending)
    seen: set[tuple[Any, Any, int]] = set()
    for _, source, target, kind, result in pending:
        result.message = f"{_label(source)} {kind.slug} {_label(target)}"
        key = (_identity(source), _identity(target), kind.id)
        stored = (getattr(source, "pk", None), getattr(target, "pk", None), kind.id)
        if key in seen or stored in existing:
            result.action = Action.UNCHANGED
            continue
        seen.add(key)
        links.links.append(Link(result, source, target, kind))
    return links


def _resolve(ctx: Context, names: set[str], plan: Plan) -> dict[str, list[Any]]:
    """Each name → the CIs (or planned creates) it names, by the first rule that finds any."""
    found: dict[str, list[Any]] = defaultdict(list)
    numbers = {n.upper() for n in names if selectors.NUMBER.fullmatch(n.upper())}
    by_number: dict[str, ConfigurationItem] = {}
    for part in chunks(numbers):
        by_number |= selectors.ci_choices(ctx.actor, set(part))
    by_external: dict[str, int] = {}
    by_value: dict[str, set[int]] = defaultdict(set)
    for part in chunks(names):
        by_external |= dict(
            CISourceId.objects.filter(source=ctx.source, external_id__in=part).values_list(
                "external_id", "ci_id"
            )
        )
    values = {normalise(n) for n in names} - {None}
    for part in chunks(values):
        for value, ci_id in CIIdentifier.objects.filter(value__in=part).values_list(
            "value", "ci_id"
        ):
            by_value[value].add(ci_id)
    ids = set(by_external.values()) | {i for v in by_value.values() for i in v}
    keys = {normalise(n) for n in names} | {f"ext:{n}" for n in names}
    ids |= {t for k in keys for t in plan.known.get(k, ()) if isinstance(t, int)}
    cis: dict[int, ConfigurationItem] = {}
    visible = selectors.ci_visible(ctx.actor)
    for part in chunks(ids):
        cis |= {ci.id: ci for ci in visible.filter(id__in=part)}

    def batch(key: str) -> list[Any]:
        """Ends rows of this batch matched (stored CIs by id) or create."""
        return [cis.get(t) if isinstance(t, int) else t for t in plan.known.get(key, [])]

    for name in names:
        if name.upper() in by_number:
            found[name] = [by_number[name.upper()]]
        elif by_external.get(name) in cis or plan.known.get(f"ext:{name}"):
            stored = [cis[by_external[name]]] if by_external.get(name) in cis else []
            found[name] = _distinct(batch(f"ext:{name}") + stored)
        else:
            value = normalise(name)
            stored = [cis[i] for i in sorted(by_value.get(value, ())) if i in cis]
            found[name] = _distinct(batch(value) + stored)
    return found


def _identity(end: Any) -> tuple[str, int]:
    """Stable across the different Python objects that may stand for one CI."""
    return ("new", id(end)) if isinstance(end, Create) else ("ci", end.pk)


def _distinct(ends: list[Any]) -> list[Any]:
    """The same CI found stored and matched by a row of the batch counts once."""
    out: dict[tuple[str, int], Any] = {}
    for end in ends:
        if end is not None:
            out.setdefault(_identity(end), end)
    return list(out.values())


def _existing(pending: list[tuple[int, Any, Any, Any, RowResult]]) -> set[tuple[int, int, int]]:
    """Stored (source, target, type) triples among the pending links' existing CIs."""
    pairs = [
        (s.pk, t.pk)
        for _, s, t, _, _ in pending
        if isinstance(s, ConfigurationItem) and isinstance(t, ConfigurationItem)
    ]
    found: set[tuple[int, int, int]] = set()
    sources = sorted({s for s, _ in pairs})
    for part in chunks(sources):
        found |= set(
            Relationship.objects.filter(source_id__in=part).values_list(
                "source_id", "target_id", "type_id"
            )
        )
    return found
