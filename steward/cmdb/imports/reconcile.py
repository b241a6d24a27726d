"""Matching rows to existing CIs and planning what changes, with no writes.

Identification, in this order: the CI ``number`` (a re-imported export), the source's own
``external_id`` (``CISourceId``), then each identification key of the row's class in the
class's order (``serial_number`` before ``fqdn`` for servers), within the class family.
Every rule that has a value must agree on one CI: two CIs for one value, or different CIs
for different rules, is a conflict, reported and left alone, never guessed.

Candidates are loaded in chunks with ``IN`` queries on indexed columns, never per row
(``candidates.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from steward.cmdb import selectors
from steward.cmdb.imports.candidates import Candidates, chunks, load_candidates
from steward.cmdb.imports.context import Context
from steward.cmdb.imports.report import Action, ImportReport, RowResult
from steward.cmdb.imports.rows import CIRow, missing_required, split
from steward.cmdb.models import ConfigurationItem
from steward.core.services.common import unknown_ci_message

NUMBER_RULE, SOURCE_RULE = "number", "source_id"
Progress = Callable[[int, int, str], None] | None


@dataclass(slots=True)
class Create:
    result: RowResult
    row: CIRow
    pk: int | None = None  # set by apply
    number: str = ""
    _instance: ConfigurationItem | None = None

    @property
    def ci(self) -> ConfigurationItem:
        """The created CI as a model instance (built on demand: most creates never need one)."""
        if self._instance is None:
            self._instance = ConfigurationItem(
                id=self.pk,
                number=self.number,
                name=self.row.fields.get("name", ""),
                ci_class=self.row.ci_class,
            )
        return self._instance


@dataclass(slots=True)
class Update:
    result: RowResult
    row: CIRow
    ci: dict[str, Any]  # the stored CI's COLUMNS
    fields: dict[str, Any] = field(default_factory=dict)  # model values to set
    attributes: dict[str, Any] | None = None  # the whole new attribute dict, when changed
    claimed: list[str] = field(default_factory=list)  # names this source now owns


@dataclass
class Plan:
    """What applying would write."""

    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    # (external id, CI or the create that will make it): source ids to remember
    source_ids: list[tuple[str, Any]] = field(default_factory=list)
    # normalised identifier or ext:<id> → matched CI's id / planned create, for relationships
    known: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    with_links: bool = False  # relationship rows follow: fill ``known``


PLAIN = (str, int, float, bool, dict, list)  # a tuple: ``isinstance`` with a union is slower
_PLAIN = frozenset(PLAIN)  # the exact types, answered without a call (subclasses: ``_display``)


def _display(value: Any) -> Any:
    """A field value as a report shows it: teams and organisations by slug."""
    if value is None or isinstance(value, PLAIN):
        return value
    return getattr(value, "slug", None) or getattr(value, "name", None) or str(value)


def plan_cis(
    ctx: Context,
    raw_rows: list[dict[str, Any]],
    report: ImportReport,
    progress: Progress,
    *,
    with_links: bool = False,
) -> Plan:
    """Check every row, match it, and plan its create or update; results go to ``report``."""
    rows: list[CIRow] = []
    for index, raw in enumerate(raw_rows, start=1):
        if raw:  # blank CSV lines are skipped but keep their numbers
            rows.append(split(ctx, index, raw) if isinstance(raw, dict) else _not_object(index))
        if progress and index % 5000 == 0:
            progress(index, len(raw_rows), "checking")
    _check_references(ctx, rows)
    candidates = load_candidates(ctx, rows)
    plan = Plan(with_links=with_links)
    taken: dict[Any, int] = {}  # CI id or identifier → the row that claimed it first
    for row in rows:
        if row.ci_class is not None and not (row.number or row.external_id or row.identifiers):
            keys = ", ".join(["external_id", *ctx.keys(row.ci_class)])
            row.error("identification", f"no identification value: give one of {keys}")
        if row.errors:
            report.add(RowResult(row.row, "ci", Action.ERROR, errors=row.errors))
            continue
        _plan_row(ctx, row, candidates, taken, plan, report)
    if progress:
        progress(len(raw_rows), len(raw_rows), "checking")
    return plan


def _not_object(index: int) -> CIRow:
    row = CIRow(row=index)
    row.error("row", "expected an object")
    return row


def _check_references(ctx: Context, rows: list[CIRow]) -> None:
    """Reference attributes must name visible CIs of the right class (one query per chunk)."""
    wanted = defaultdict(list)
    for row in rows:
        if row.ci_class is None:
            continue
        schema = ctx.schema(row.ci_class)
        for name, value in row.attributes.items():
            if schema[name]["type"] == "reference":
                wanted[value].append((row, name, schema[name].get("reference_class")))
    found: dict[str, ConfigurationItem] = {}
    for part in chunks(wanted):
        found |= selectors.ci_choices(ctx.actor, set(part))
    for number, uses in wanted.items():
        ci = found.get(number)
        for row, name, reference_class in uses:
            if ci is None:
                row.error(name, unknown_ci_message(number))
            elif reference_class and not ctx.tree.is_a(
                ctx.tree.by_id[ci.ci_class_id], reference_class
            ):
                row.error(name, f"{number} is not a {reference_class}")


NO_MATCH: frozenset[int] = frozenset()


def _plan_row(
    ctx: Context,
    row: CIRow,
    found: Candidates,
    taken: dict[Any, int],
    plan: Plan,
    report: ImportReport,
) -> None:
    family = ctx.facts(row.ci_class).family_id
    rules: list[tuple[str, Any, str]] = []  # (rule, matched CI ids, value)
    if row.number:
        by_number = found.by_number.get(row.number)
        rules.append((NUMBER_RULE, {by_number} if by_number else NO_MATCH, row.number))
    if row.external_id:
        matched = found.by_source_id.get(row.external_id)
        rules.append((SOURCE_RULE, {matched} if matched else NO_MATCH, row.external_id))
    by_identifier = found.by_identifier
    for key, value in row.identifiers.items():
        rules.append((key, by_identifier.get((family, key, value), NO_MATCH), value))

    matched: set[int] = set()
    for rule, ids, value in rules:
        if len(ids) > 1:
            return _conflict(
                report, row, f"{rule} {value!r} matches several CIs: {_numbers(found, ids)}"
            )
        matched |= ids
    if len(matched) > 1:
        which = "; ".join(f"{rule} matches {_numbers(found, ids)}" for rule, ids, _ in rules if ids)
        return _conflict(report, row, f"the identification rules disagree: {which}")
    if row.number and not matched:
        return _conflict(report, row, f"no CI {row.number} to update (numbers are never imported)")
    # one row per CI and per identifier in a batch: a second one is ambiguous
    claims: list[tuple[Any, ...]] = [("ext", row.external_id)] if row.external_id else []
    claims += [(family, key, value) for key, value in row.identifiers.items()]
    if matched:
        claims.append(("ci", next(iter(matched))))
    for claim in claims:
        if claim in taken:
            return _conflict(
                report, row, f"row {taken[claim]} already names the same CI ({claim[-1]})"
            )
    for claim in claims:
        taken[claim] = row.row
    if not matched:
        return _plan_create(ctx, row, plan, report, found.external_ids_in_use)
    ci = found.cis[next(iter(matched))]
    matched_on = next(rule for rule, ids, _ in rules if ids)
    if ci["ci_class_id"] != row.ci_class.id:
        return _conflict(
            report,
            row,
            f"{ci['number']} is a {ctx.tree.by_id[ci['ci_class_id']].slug}, "
            f"not a {row.ci_class.slug}",
        )
    _plan_update(ctx, row, ci, matched_on, plan, report, found.external_ids_in_use)
    return None


def _conflict(report: ImportReport, row: CIRow, message: str) -> None:
    report.add(RowResult(row.row, "ci", Action.CONFLICT, message=message))


def _numbers(found: Candidates, ids: Iterable[int]) -> str:
    return ", ".join(sorted(found.cis[i]["number"] for i in ids))


def _plan_create(
    ctx: Context, row: CIRow, plan: Plan, report: ImportReport, in_use: set[str]
) -> None:
    missing = missing_required(ctx, row.ci_class, row.attributes)
    if not row.fields.get("name"):
        row.error("name", "required for a new CI")
    for name in missing:
        row.error(name, "required for this class")
    if row.errors:
        report.add(RowResult(row.row, "ci", Action.ERROR, errors=row.errors))
        return
    if "organisation" not in row.fields and ctx.default_organisation is not None:
        row.fields["organisation"] = ctx.default_organisation
    changes = {
        n: [None, v if v is None or v.__class__ in _PLAIN else _display(v)]
        for n, v in row.fields.items()
    }
    for n, v in row.attributes.items():
        changes[n] = [None, v]
    result = report.add(RowResult(row.row, "ci", Action.CREATE, changes=changes))
    create = Create(result, row)
    plan.creates.append(create)
    if row.external_id and row.external_id not in in_use:  # in use: by a CI you cannot see
        plan.source_ids.append((row.external_id, create))
    _remember(ctx, plan, row, create)


def _plan_update(
    ctx: Context,
    row: CIRow,
    ci: dict[str, Any],
    matched_on: str,
    plan: Plan,
    report: ImportReport,
    in_use: set[str],
) -> None:
    result = RowResult(row.row, "ci", Action.UNCHANGED, number=ci["number"], matched_on=matched_on)
    update = Update(result, row, ci)
    owners = ci["attribute_sources"] or {}
    source = ctx.source.name

    def allowed(name: str) -> bool:
        owner = owners.get(name)
        if not owner or owner == source:
            return True
        theirs, ours = ctx.rank(owner, name), ctx.source.rank(name)
        if theirs > ours:
            result.skipped[name] = f"kept {owner}'s value (precedence {theirs} > {ours})"
            return False
        return True

    for name, value in row.fields.items():
        current = ci[f"{name}_id"] if name in _FOREIGN else ci[name]
        new = value.pk if name in _FOREIGN and value is not None else value
        if current != new and allowed(name):
            update.fields[name] = value
            update.claimed.append(name)
            result.changes[name] = [_current_display(ctx, ci, name), _display(value)]
    stored = ci["attributes"] or {}
    attributes = None  # copied at the first change: most rows of a re-run change nothing
    for name, value in row.attributes.items():
        if stored.get(name) != value and allowed(name):
            result.changes[name] = [stored.get(name), value]
            if attributes is None:
                attributes = dict(stored)
            attributes[name] = value
            update.claimed.append(name)
    if attributes is not None and attributes != stored:
        missing = missing_required(ctx, row.ci_class, attributes)
        if missing:
            result.action = Action.ERROR
            result.errors = {n: ["required for this class"] for n in missing}
            report.add(result)
            return
        update.attributes = attributes
    if result.changes:
        result.action = Action.UPDATE
        plan.updates.append(update)
    report.add(result)
    if row.external_id and row.external_id not in in_use:
        plan.source_ids.append((row.external_id, ci))
    _remember(ctx, plan, row, ci["id"])


_FOREIGN = {"owner_team", "support_team", "organisation", "location"}


def _current_display(ctx: Context, ci: dict[str, Any], name: str) -> Any:
    if name not in _FOREIGN:
        return ci[name]
    pk = ci[f"{name}_id"]
    if pk is None:
        return None
    table = {
        "owner_team": ctx.teams,
        "support_team": ctx.teams,
        "organisation": ctx.organisations,
        "location": ctx.locations,
    }[name]
    return next((key for key, obj in table.items() if obj.pk == pk), pk)


def _remember(ctx: Context, plan: Plan, row: CIRow, target: Any) -> None:
    """Let relationship rows of the same batch name this CI by any of its identifiers."""
    if not plan.with_links:
        return
    for value in row.identifiers.values():
        plan.known[value].append(target)
    if row.external_id:
        plan.known[f"ext:{row.external_id}"].append(target)
