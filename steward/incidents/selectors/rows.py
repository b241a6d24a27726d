"""Incidents read as rows for the API: what ``IncidentOut`` shows, selected as columns with
SQL compiled once per process (steward/core/selectors/compiled.py), never a model graph.

The model path (``incident_get``) builds the incident, its six related objects and its
clocks' policies and calendars only for the API to read a dozen of their fields; compiling
its queryset was two thirds of the request (docs/benchmarks.md). A row here equals what the
model path shows (tests/incidents/test_rows.py). Actors who see only part of the records
(requesters, agents limited to organisations) keep the model path: a parent or CI they may
not see must read as none, which the model path settles with its visible querysets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, cursor_after, paginate
from steward.core.selectors import compiled, references
from steward.core.selectors.scoping import sees_everything
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.incidents.selectors.records import incident_get
from steward.sla import selectors as sla_selectors

# IncidentOut's key (a field name, or the alias that names a related object's field) → the
# column as ``.values()`` names it
COLUMNS = {
    "number": "number",
    "title": "title",
    "description": "description",
    "status": "status",
    "caller.username": "caller__username",
    "organisation.slug": "organisation__slug",
    "category.slug": "category__slug",
    "subcategory.slug": "subcategory__slug",
    "channel": "channel",
    "external_source": "external_source",
    "external_id": "external_id",
    "affected_service": "affected_service__number",
    "configuration_item": "configuration_item__number",
    "impact": "impact",
    "urgency": "urgency",
    "priority": "priority",
    "priority_override_reason": "priority_override_reason",
    "on_hold_reason": "on_hold_reason",
    "team.slug": "team__slug",
    "assignee.username": "assignee__username",
    "reassignment_count": "reassignment_count",
    "is_major": "is_major",
    "parent.number": "parent__number",
    "resolution_code": "resolution_code",
    "resolution_notes": "resolution_notes",
    "opened_at": "opened_at",
    "first_response_at": "first_response_at",
    "resolved_at": "resolved_at",
    "closed_at": "closed_at",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "version": "version",
}
# each reference's shown field is a scalar subquery on its primary key, not a join: the
# ten-table join planned in 300-570 ms on PostgreSQL at 1,000,000 incidents (decision 0018)
_REFERENCES, _NAMED = references.named(Incident, *(c for c in COLUMNS.values() if "__" in c))
# the model's own columns first, then the subqueries: the order Django selects them in,
# which compiled SQL (core.selectors.compiled) reads its rows by
_LOOKUPS = ("id", *(c for c in COLUMNS.values() if c not in _NAMED), *_REFERENCES)


def _detail(number: str) -> QuerySet:
    qs = Incident.objects.filter(number=number)
    return references.with_references(qs, _REFERENCES).values(*_LOOKUPS)[:1]


def incident_shown(actor: Actor, *, number: str) -> Incident | dict[str, Any]:
    """What ``GET /incidents/{number}`` shows: a row (a dict keyed as ``IncidentOut`` reads
    it) for actors who see every incident, else ``incident_get``'s model. Two queries: the
    incident with its references' names, and its clocks."""
    if not sees_everything(actor):
        return incident_get(actor, number=number)
    found = compiled.rows("incidents.detail", _detail, number=number)
    if not found:
        raise NotFound()
    return _shown(found[0], sla_selectors.clock_statuses_by_id(Incident, [found[0]["id"]]))


# a row's values in ``COLUMNS``' order, read by one call (a look-up of each key's name in
# ``_NAMED`` and a dict comprehension was a fifth of the rows' Python, 50 rows a page)
_KEYS = tuple(COLUMNS)
_VALUES = itemgetter(*(_NAMED.get(column, column) for column in COLUMNS.values()))


def _shown(row: dict[str, Any], clocks: dict[str, list]) -> dict[str, Any]:
    shown = dict(zip(_KEYS, _VALUES(row), strict=True))
    shown["affected_service"] = shown["affected_service"] or ""  # "" is IncidentOut's none
    shown["configuration_item"] = shown["configuration_item"] or ""
    shown["sla_clocks"] = clocks.get(str(row["id"]), [])
    return shown


def _padded(ids: list[int]) -> list[int]:
    """``ids`` repeated at the end up to the next power of two: a compiled ``id IN (…)``
    has one shape per length, so a process keeps ten of them, not one per page size."""
    size = 1
    while size < len(ids):
        size *= 2
    return ids + [ids[-1]] * (size - len(ids))


def _by_id(lookups: tuple[str, ...], references_: references.References):  # noqa: ANN202
    def build(ids: list[int]) -> QuerySet:
        qs = references.with_references(Incident.objects.filter(id__in=ids), references_)
        return qs.values(*lookups)

    return build


_rows_by_id = _by_id(_LOOKUPS, _REFERENCES)


def _in_order(key: str, build, ids: list[int]) -> list[dict[str, Any]]:  # noqa: ANN001
    """The rows of ``ids`` (one compiled statement), in the order of ``ids``; an id whose
    row is gone (deleted since its key was read) is left out."""
    if not ids:
        return []
    found = {row["id"]: row for row in compiled.rows(key, build, ids=_padded(ids))}
    return [found[i] for i in ids if i in found]


def _within(lookups: tuple[str, ...], references_: references.References, order: tuple[str, ...]):  # noqa: ANN202
    def build(ids: Any) -> QuerySet:
        qs = references.with_references(Incident.objects.filter(id__in=ids), references_)
        return qs.order_by(*order).values(*lookups)

    return build


def _page_within(
    kind: str, keys: tuple[str, list] | None, *, order: tuple[str, ...], size: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of the page whose keys' statement is ``keys`` (a page and one more, read in
    ``order``, known visible), read with them in one statement, and the next cursor."""
    if keys is None:
        return [], None
    lookups, references_ = (
        (_LOOKUPS, _REFERENCES) if kind == "rows" else (_QUEUE_LOOKUPS, _QUEUE_REFERENCES)
    )
    found = compiled.rows_within(
        (f"incidents.{kind}_within", order), _within(lookups, references_, order), keys
    )
    page = found[:size]
    return page, cursor_after(page[-1], order) if len(found) > size and page else None


def incident_rows_within(
    keys: tuple[str, list] | None, *, order: tuple[str, ...], size: int
) -> Page:
    """The page of ``keys`` (a keys statement, decision 0042) as ``incident_rows_page`` shows
    it, with the same cursor: the keys and their rows in one statement, then the clocks."""
    found, nxt = _page_within("rows", keys, order=order, size=size)
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in found])
    return Page(items=[_shown(row, clocks) for row in found], next=nxt)


def queue_rows_within(keys: tuple[str, list] | None, *, order: tuple[str, ...], size: int) -> Page:
    """The page of ``keys`` as ``queue_rows_page`` shows it, with the same cursor: the keys
    and their rows in one statement, then the clocks."""
    found, nxt = _page_within("queue_rows", keys, order=order, size=size)
    return Page(items=queue_rows(found), next=nxt)


def incident_rows_of(ids: list[int], *, order: tuple[str, ...], more: bool) -> Page:
    """The page of ``ids`` (a page's keys, already read in ``order``, known visible) as
    ``incident_rows_page`` shows it, with the same cursor: two statements, compiled once."""
    found = _in_order("incidents.rows_by_id", _rows_by_id, ids)
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in found])
    nxt = cursor_after(found[-1], order) if more and found else None
    return Page(items=[_shown(row, clocks) for row in found], next=nxt)


def incident_rows_page(
    qs: QuerySet[Incident], *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """A page of ``qs`` (already scoped and filtered) as rows keyed as ``IncidentOut`` reads
    them, with their clocks: two queries, no model instances. For actors who see every
    incident (a reference they may not see would otherwise be named)."""
    qs = references.with_references(qs, _REFERENCES).values(*_LOOKUPS)
    page = paginate(qs, order=order, cursor=cursor, limit=limit)
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in page.items])
    return Page(items=[_shown(row, clocks) for row in page.items], next=page.next)


# What a queue's row shows (incidents/_row.html), as ``.values()`` names it: the person
# columns are their name parts (``User.__str__``: the full name, else the username).
_QUEUE_COLUMNS = (
    "id",
    "number",
    "title",
    "status",
    "priority",
    "is_major",
    "opened_at",
    "updated_at",
    "team_id",
    "team__name",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "caller__username",
    "caller__first_name",
    "caller__last_name",
)
_QUEUE_REFERENCES, _ = references.named(Incident, *(c for c in _QUEUE_COLUMNS if "__" in c))
_QUEUE_LOOKUPS = (*(c for c in _QUEUE_COLUMNS if "__" not in c), *_QUEUE_REFERENCES)


def _person(row: dict[str, Any], prefix: str) -> str:
    """``User.__str__`` of a row's person: the full name, else the username ("" for none)."""
    full = f"{row[f'ref_{prefix}_first_name'] or ''} {row[f'ref_{prefix}_last_name'] or ''}"
    return full.strip() or row[f"ref_{prefix}_username"] or ""


@dataclass(frozen=True)
class TeamName:
    name: str


@dataclass
class QueueRow:
    """One incident as a queue shows it (and ``incidents_takeable`` reads it): columns, not
    a model with six related objects. Teams and people are named whoever the actor is, as
    the model path names them; the queue shows no CI, service or parent."""

    id: int
    number: str
    title: str
    status: str
    priority: int
    is_major: bool
    opened_at: Any
    updated_at: Any
    team_id: int | None
    team: TeamName | None
    assignee_id: int | None
    assignee: str
    caller: str
    sla_clocks: list = field(default_factory=list)

    def get_status_display(self) -> str:
        return Status(self.status).label

    @classmethod
    def of(cls, row: dict[str, Any], clocks: dict[str, list]) -> QueueRow:
        return cls(
            id=row["id"],
            number=row["number"],
            title=row["title"],
            status=row["status"],
            priority=row["priority"],
            is_major=row["is_major"],
            opened_at=row["opened_at"],
            updated_at=row["updated_at"],
            team_id=row["team_id"],
            team=TeamName(row["ref_team_name"]) if row["team_id"] else None,
            assignee_id=row["assignee_id"],
            assignee=_person(row, "assignee") if row["assignee_id"] else "",
            caller=_person(row, "caller"),
            sla_clocks=clocks.get(str(row["id"]), []),
        )


def queue_rows(found: list[dict[str, Any]]) -> list[QueueRow]:
    """Rows of ``_QUEUE_LOOKUPS`` with their clocks: one query for the clocks."""
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in found])
    return [QueueRow.of(row, clocks) for row in found]


def queue_rows_page(
    qs: QuerySet[Incident], *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """A page of ``qs`` (scoped and filtered) as a queue shows it: two queries."""
    qs = references.with_references(qs, _QUEUE_REFERENCES).values(*_QUEUE_LOOKUPS)
    page = paginate(qs, order=order, cursor=cursor, limit=limit)
    return Page(items=queue_rows(page.items), next=page.next)


_queue_rows_by_id = _by_id(_QUEUE_LOOKUPS, _QUEUE_REFERENCES)


def queue_rows_by_id(ids: list[int]) -> dict[int, QueueRow]:
    """The queue's rows of these incidents (already known visible), by id: two queries."""
    found = _in_order("incidents.queue_rows_by_id", _queue_rows_by_id, ids)
    return {row.id: row for row in queue_rows(found)}


def queue_rows_of(ids: list[int], *, order: tuple[str, ...], more: bool) -> Page:
    """The page of ``ids`` (read in ``order``, known visible) as ``queue_rows_page`` shows
    it, with the same cursor: two statements, the rows' compiled once."""
    found = _in_order("incidents.queue_rows_by_id", _queue_rows_by_id, ids)
    nxt = cursor_after(found[-1], order) if more and found else None
    return Page(items=queue_rows(found), next=nxt)
