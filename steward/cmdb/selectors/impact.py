"""Impact analysis: who depends on a CI, or what it depends on, walked through the
relationship graph in the database with one recursive query that also reads what each node
shows (number, name, status, class): the answer is built from its rows, no model objects.

An answer is a page: the ``limit`` nearest CIs (by depth) and whether there are more. The
walk stops once it has produced enough rows for that page, so the time of a request follows
the page, not the whole blast radius of a hub (docs/benchmarks-cmdb.md, decision 0022)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from steward.cmdb.choices import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    MAX_IMPACT_ROWS,
    CIStatus,
    Direction,
)
from steward.cmdb.models import CIClass, ConfigurationItem, RelationshipType
from steward.cmdb.selectors.impact_sql import MAX_WALK_ROWS, impact_query, node_rows
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.rows import loaded
from steward.core.selectors import served_organisation_ids


@dataclass(frozen=True, slots=True)
class ImpactNode:
    """A CI the walk reached, as the answer shows it (read-only; no model object)."""

    id: int
    number: str
    name: str
    status: str
    criticality: int
    ci_class_slug: str
    ci_class_name: str
    depth: int
    path: list[str]  # CI numbers from the start (excluded) to this CI (included)
    via: str  # the relationship type of the last hop

    @property
    def status_label(self) -> str:
        return str(CIStatus(self.status).label) if self.status in CIStatus.values else self.status


@dataclass
class Impact:
    start: ConfigurationItem
    direction: str
    depth: int
    limit: int = MAX_IMPACT_ROWS
    nodes: list[ImpactNode] = field(default_factory=list)
    truncated: bool = False  # more CIs are reached than the page holds

    @property
    def business_services(self) -> list[ImpactNode]:
        return [n for n in self.nodes if n.ci_class_slug == "business_service"]


def _load_directions() -> dict[int, tuple[str, bool]]:
    rows = RelationshipType.objects.values_list("id", "slug", "source_depends_on_target")
    return {pk: (slug, ahead) for pk, slug, ahead in rows}


_directions = stamps.Versioned(stamps.CMDB_CONFIG, _load_directions)


def relationship_directions() -> dict[int, tuple[str, bool]]:
    """Every relationship type: id → (slug, whether its source depends on its target),
    cached per process under the ``CMDB_CONFIG`` stamp (a type saved or deleted bumps it):
    a request reads it from the stamps it has read already. Read-only: it is shared."""
    return _directions.get()


def impact(
    actor: Actor,
    *,
    number: str,
    direction: str = Direction.UP,
    depth: int = DEFAULT_DEPTH,
    limit: int = MAX_IMPACT_ROWS,
) -> Impact:
    """CIs reached from ``number`` up (who depends on it: the business services a failure
    hits) or down (what it depends on), each at its shortest depth with one shortest path;
    only CIs the actor may see are walked. The ``limit`` nearest (depth, then id), and
    ``truncated`` when the walk reaches more."""
    if direction not in Direction.values:
        raise ValidationFailed.one("direction", "up or down")
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise ValidationFailed.one("depth", f"between 1 and {MAX_DEPTH}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_IMPACT_ROWS:
        raise ValidationFailed.one("limit", f"between 1 and {MAX_IMPACT_ROWS}")
    if not (actor.is_system or actor.is_admin or actor.is_agent):
        raise NotFound()  # requesters open no CI (``ci_visible``)
    served = None if actor.is_system or actor.is_admin else served_organisation_ids(actor)
    types = relationship_directions()
    # PostgreSQL: the node columns in the walk (a statement more costs more than the CI
    # rows read past the page); SQLite: ids only, the page's columns read after
    first, best, complete = _walk(direction, None, depth, types, served, limit, number)
    if first is None:
        raise NotFound()  # absent and invisible alike
    start_id = first[0]
    if len(first) > 4:  # the walk carried the node columns
        return _impact(_start(start_id, first[4:]), direction, depth, limit, types, best, complete)
    ordered = sorted(best, key=lambda i: (best[i][0], i))
    shown = {start_id}
    for ci_id in ordered[:limit]:  # the page and its paths (a path's CIs are nearer: on it)
        while ci_id not in shown and ci_id in best:
            shown.add(ci_id)
            ci_id = best[ci_id][1]
    rows = node_rows(sorted(shown))
    if start_id not in rows:
        raise NotFound()  # deleted since the walk read it
    for ci_id in shown - {start_id}:
        if ci_id in rows:
            level, parent, via, _none = best[ci_id]
            best[ci_id] = (level, parent, via, rows[ci_id])
        else:  # deleted since the walk read it: not shown
            del best[ci_id]
    return _impact(_start(start_id, rows[start_id]), direction, depth, limit, types, best, complete)


def _start(pk: int, row: tuple) -> ConfigurationItem:
    """The start as ``node_rows`` read it: its id, number, name, status, criticality,
    organisation and class (id, slug, name: ``ci_class`` costs no query); its other fields
    are deferred (read on first use). ``ci_get`` compiled an ORM query of five joins per
    request, most of an impact request's own CPU (decision 0054)."""
    number, name, status, criticality, slug, class_name, organisation_id, class_id = row
    alias = connection.alias
    ci_class = loaded(CIClass, alias, {"id": class_id, "slug": slug, "name": class_name})
    values = {"id": pk, "number": number, "name": name, "status": status}
    values |= {"criticality": criticality, "organisation_id": organisation_id}
    values["ci_class_id"] = class_id
    return loaded(ConfigurationItem, alias, values, related={"ci_class": ci_class})


def impact_from(
    actor: Actor,
    start: ConfigurationItem,
    *,
    direction: str,
    depth: int,
    limit: int = MAX_IMPACT_ROWS,
    types: dict[int, tuple[str, bool]] | None = None,
) -> Impact:
    """``impact`` from a CI the caller has read already (with its class) and arguments it
    has checked: a change's CIs are walked without reading each again, and with the
    relationship types read once for all of them (``types``, ``relationship_directions``)."""
    served = None if actor.is_system or actor.is_admin else served_organisation_ids(actor)
    types = relationship_directions() if types is None else types
    _first, best, complete = _walk(direction, start.id, depth, types, served, limit)
    return _impact(start, direction, depth, limit, types, best, complete)


def impacts_from(
    actor: Actor,
    starts: list[ConfigurationItem],
    *,
    direction: str,
    depth: int,
    limit: int = MAX_IMPACT_ROWS,
    types: dict[int, tuple[str, bool]] | None = None,
    also: tuple[str, list[Any]] | None = None,
) -> tuple[list[Impact], Any]:
    """``impact_from`` for each of ``starts`` (the same answers), their walks read in one
    statement: each walk's first query joined by ``UNION ALL`` and tagged with its CI's
    place (decision 0046). A walk whose first read was not enough (a hub's fan-out beyond
    its first row budget) is read again alone as ``impact_from`` reads it. ``also``: a
    scalar query (one value) answered in the same statement, returned second (``None``
    without it), so a caller's other read costs no further round trip."""
    if not starts and also is None:
        return [], None
    served = None if actor.is_system or actor.is_admin else served_organisation_ids(actor)
    types = relationship_directions() if types is None else types
    budget = _first_budget(limit)
    parts, params = [], []
    for place, start in enumerate(starts):
        sql, walk_params = impact_query(
            direction,
            start_id=start.id,
            depth=depth,
            types=types,
            served=served,
            rows=budget,
            nodes=True,
        )
        parts.append(f"SELECT {place}, x.* FROM ({sql}) x")  # noqa: S608 - ours, parameters
        params += walk_params
    if also is not None:
        blanks = ", ".join(["NULL"] * 9)  # ci_id takes the value: depth .. the 6 node columns
        parts.append(f"SELECT -1, ({also[0]}), {blanks}")  # noqa: S608 - the caller's query
        params += also[1]
    with connection.cursor() as cursor:
        cursor.execute("\nUNION ALL\n".join(parts), params)
        found = cursor.fetchall()
    rows: list[list[tuple]] = [[] for _ in starts]
    value = None
    for place, *row in found:
        if place < 0:
            value = row[0]
        else:
            rows[place].append(tuple(row))
    answers = []
    for start, walked in zip(starts, rows, strict=True):
        best, complete, enough = _best(walked, start.id, budget, limit)
        if not enough:  # as _walk goes on: a larger budget, alone
            _first, best, complete = _walk(direction, start.id, depth, types, served, limit)
        answers.append(_impact(start, direction, depth, limit, types, best, complete))
    return answers, value


Best = dict[int, tuple[int, int, int, tuple]]  # CI → (depth, parent, type, node columns)


def _impact(
    start: ConfigurationItem,
    direction: str,
    depth: int,
    limit: int,
    types: dict[int, tuple[str, bool]],
    best: Best,
    complete: bool,
) -> Impact:
    ordered = sorted(best, key=lambda i: (best[i][0], i))
    result = Impact(start=start, direction=direction, depth=depth, limit=limit)
    result.truncated = len(ordered) > limit or not complete
    for ci_id in ordered[:limit]:
        level, _parent, via, row = best[ci_id]
        path = _path(ci_id, best, start.id)
        result.nodes.append(ImpactNode(ci_id, *row[:6], depth=level, path=path, via=types[via][0]))
    return result


def _first_budget(limit: int) -> int:
    return min((limit + 1) * 3, MAX_WALK_ROWS)


def _best(rows: list[tuple], start_id: int, budget: int, limit: int) -> tuple[Best, bool, bool]:
    """The walk's rows read with ``budget``: each CI at its shallowest depth, whether the
    walk was read to its end, and whether these rows answer (else: a larger budget)."""
    best: Best = {}
    # among a CI's shallowest rows the lowest (parent, type) wins: the rows come in no set
    # order (PostgreSQL's join of the walk to the node columns may reorder them), and the
    # path shown must not hang on the plan
    for ci_id, level, parent_id, rel, *node in rows:
        if ci_id == start_id:
            continue
        known = best.get(ci_id)
        if known is None or (level, parent_id, rel) < known[:3]:
            best[ci_id] = (level, parent_id, rel, tuple(node))
    enough = len(rows) < budget or len(best) > limit or budget >= MAX_WALK_ROWS
    return best, len(rows) < budget, enough


def _walk(
    direction: str,
    start_id: int | None,
    depth: int,
    types: dict[int, tuple[str, bool]],
    served: list[int] | None,
    limit: int,
    number: str | None = None,
) -> tuple[tuple | None, Best, bool]:
    """The walk's rows until more than ``limit`` CIs are known (or the walk ends): each CI at
    its shallowest depth. A CI reached through several parents is several rows, so the
    bound on rows starts at a few per CI and grows fourfold while that is not enough.
    From ``start_id`` with the node columns, or from the visible CI ``number``: with them
    and the start's organisation and class id on PostgreSQL, without on SQLite (the
    page's are read after: ``node_rows``). (The start's row, ``None`` when ``number`` is
    absent or invisible; the CIs; whether the walk was read to its end)."""
    budget = _first_budget(limit)
    first = (start_id,)
    while True:
        sql, params = impact_query(
            direction,
            start_id=start_id,
            number=number,
            depth=depth,
            types=types,
            served=served,
            rows=budget,
            nodes=number is None or connection.vendor == "postgresql",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if number is not None:  # its own row (depth 0), none: absent or invisible
            seeds = [row for row in rows if row[1] == 0]
            if not seeds:
                return None, {}, True
            first, rows = seeds[0], [row for row in rows if row[1] > 0]
            start_id = first[0]
        best, complete, enough = _best(rows, start_id, budget, limit)
        if enough:
            return first, best, complete
        budget = min(budget * 4, MAX_WALK_ROWS)


def _path(ci_id: int, best: Best, start_id: int) -> list[str]:
    """Follow shortest-depth parents back to the start (a parent of a CI first reached at
    depth d was itself first reached at d - 1, and came before it in the walk)."""
    path = []
    node = ci_id
    while node != start_id and node in best:
        path.append(best[node][3][0])
        node = best[node][1]
    return list(reversed(path))
