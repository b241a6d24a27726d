"""Incidents read as rows for the API and the web queue: what ``IncidentOut`` (or a queue
row) shows, selected as columns (the detail's SQL compiled once per process:
steward/core/selectors/compiled.py), never a model graph.

The model path (``incident_get``) builds the incident, its six related objects and its
clocks' policies and calendars only for the API to read a dozen of their fields; compiling
its queryset was two thirds of the request (docs/benchmarks.md). A row here equals what the
model path shows (tests/incidents/test_rows.py). Actors who see only part of the records
(requesters, agents limited to organisations) keep the model path: a parent or CI they may
not see must read as none, which the model path settles with its visible querysets.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors import compiled
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
_LOOKUPS = ("id", *COLUMNS.values())


def _detail(number: str) -> QuerySet:
    return Incident.objects.filter(number=number).values(*_LOOKUPS)[:1]


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


def _shown(row: dict[str, Any], clocks: dict[str, list]) -> dict[str, Any]:
    shown = {key: row[column] for key, column in COLUMNS.items()}
    shown["affected_service"] = shown["affected_service"] or ""  # "" is IncidentOut's none
    shown["configuration_item"] = shown["configuration_item"] or ""
    shown["sla_clocks"] = clocks.get(str(row["id"]), [])
    return shown


def incident_rows_page(
    qs: QuerySet[Incident], *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """A page of ``qs`` (already scoped and filtered) as rows keyed as ``IncidentOut`` reads
    them, with their clocks: two queries, no model instances. For actors who see every
    incident (a reference they may not see would otherwise be named)."""
    page = paginate(qs.values(*_LOOKUPS), order=order, cursor=cursor, limit=limit)
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in page.items])
    return Page(items=[_shown(row, clocks) for row in page.items], next=page.next)


# what a row of the web queue reads (incidents/_row.html, and ``incidents_takeable``): the
# names ``str()`` of the model path's caller and assignee give, the team's name; no reference
# the queue row shows depends on what the actor may see, so every actor gets rows
_QUEUE_LOOKUPS = (
    "id", "number", "title", "status", "priority", "is_major", "opened_at", "updated_at",
    "team_id", "team__name", "assignee_id", "assignee__username", "assignee__first_name",
    "assignee__last_name", "caller__username", "caller__first_name", "caller__last_name",
)  # fmt: skip
_STATUS_LABELS = dict(Status.choices)


class QueueTeam:
    """The team a queue row names (``row.team.name``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


class QueueRow:
    """One incident of the web queue, built from a ``.values()`` row: the attributes
    ``incidents/_row.html`` and ``incidents_takeable`` read of an ``Incident`` with the same
    values (tests/incidents/test_queue_rows.py holds them equal to the model path's)."""

    __slots__ = (
        "assignee", "assignee_id", "caller", "id", "is_major", "number", "opened_at", "pk",
        "priority", "sla_clocks", "status", "team", "team_id", "title", "updated_at",
    )  # fmt: skip

    def __init__(self, row: dict[str, Any], clocks: list) -> None:
        self.id = self.pk = row["id"]
        self.number, self.title, self.status = row["number"], row["title"], row["status"]
        self.priority, self.is_major = row["priority"], row["is_major"]
        self.opened_at, self.updated_at = row["opened_at"], row["updated_at"]
        self.team_id, self.assignee_id = row["team_id"], row["assignee_id"]
        self.team = QueueTeam(row["team__name"]) if row["team_id"] is not None else None
        self.assignee = _person(row, "assignee") if row["assignee_id"] is not None else None
        self.caller = _person(row, "caller")
        self.sla_clocks = clocks

    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))


def _person(row: dict[str, Any], prefix: str) -> str:
    """``str(user)``: the full name, or the username (``core.User.__str__``)."""
    first, last = row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]
    return f"{first} {last}".strip() or row[f"{prefix}__username"]


def incident_queue_page(
    qs: QuerySet[Incident], *, order: tuple[str, ...], cursor: str | None, limit: int | None
) -> Page:
    """A page of ``qs`` (already scoped and filtered) as ``QueueRow``s with their clocks: two
    queries and no model instances, for the web queue."""
    page = paginate(qs.values(*_QUEUE_LOOKUPS), order=order, cursor=cursor, limit=limit)
    clocks = sla_selectors.clock_statuses_by_id(Incident, [row["id"] for row in page.items])
    items = [QueueRow(row, clocks.get(str(row["id"]), [])) for row in page.items]
    return Page(items=items, next=page.next)
