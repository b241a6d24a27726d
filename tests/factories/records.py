"""Rows of the process apps written straight to their tables, with the times a report
counts set as given (``created_at`` too): the reports tests build a small known world."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.contenttypes.models import ContentType

from steward.catalog.models import CatalogItem, Request, Task
from steward.changes.models import Change
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.problems.models import Problem
from steward.sla.models import BusinessCalendar, SlaClock, SlaPolicy

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


def incident(caller: Any, opened_at: dt.datetime, **values: Any) -> Incident:
    values.setdefault("status", Status.NEW)
    return Incident.objects.create(
        number=f"INC9{_n():06d}", title="Report row", caller=caller, opened_at=opened_at, **values
    )


def change(requester: Any, created_at: dt.datetime, **values: Any) -> Change:
    row = Change.objects.create(
        number=f"CHG9{_n():06d}", title="Report row", requester=requester, **values
    )
    Change.objects.filter(pk=row.pk).update(created_at=created_at)
    row.created_at = created_at
    return row


def problem(created_at: dt.datetime, **values: Any) -> Problem:
    row = Problem.objects.create(number=f"PRB9{_n():06d}", title="Report row", **values)
    Problem.objects.filter(pk=row.pk).update(created_at=created_at)
    row.created_at = created_at
    return row


def catalog_request(
    requester: Any, created_at: dt.datetime, *, team: Any = None, **values: Any
) -> Request:
    item, _ = CatalogItem.objects.get_or_create(
        slug="report-item", defaults={"name": "Report item"}
    )
    row = Request.objects.create(
        number=f"REQ9{_n():06d}", item=item, title="Report row", requester=requester, **values
    )
    Request.objects.filter(pk=row.pk).update(created_at=created_at)
    row.created_at = created_at
    if team is not None:
        Task.objects.create(
            number=f"TASK9{_n():06d}", request=row, position=1, title="Do", team=team, status="done"
        )
    return row


def _policy() -> SlaPolicy:
    calendar, _ = BusinessCalendar.objects.get_or_create(
        slug="report-calendar", defaults={"name": "Report calendar", "time_zone": "UTC"}
    )
    policy, _ = SlaPolicy.objects.get_or_create(
        slug="report-policy",
        defaults={
            "name": "Report policy",
            "calendar": calendar,
            "response_minutes": 60,
            "resolution_minutes": 480,
        },
    )
    return policy


def clock(record: Incident, kind: str, *, breached: bool, state: str = "stopped") -> SlaClock:
    """A clock of ``record`` as the engine leaves it (stopped, breached or not)."""
    at = record.opened_at
    return SlaClock.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        policy=_policy(),
        kind=kind,
        state=state,
        target_seconds=3600,
        warn_seconds=2700,
        started_at=at,
        due_at=at + dt.timedelta(hours=1),
        warn_at=at,
        stopped_at=at if state == "stopped" else None,
        breached=breached,
    )
