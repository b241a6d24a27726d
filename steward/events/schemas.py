"""API shapes for monitoring events and the alerts they make."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In


class EventIn(In):
    """One monitoring event. Text is checked by the service (a bad value is a 422 naming
    its field); ``key``, when the source has one, replaces node + resource in the dedup."""

    source: str = Field(..., description="the sending system, e.g. nagios (at most 40)")
    node: str = Field(..., description="the host name the event is about (at most 255)")
    resource: str = Field(..., description="the check or resource that fired (at most 255)")
    severity: str = Field(..., description="one of critical, major, minor, warning, info, clear")
    summary: str = Field(..., description="one line, at most 500 characters")
    details: dict[str, Any] | None = Field(
        None, description="a JSON object of at most 8 KiB, 5 levels deep"
    )
    key: str | None = Field(None, description="the source's own dedup key (at most 255)")


class AlertOut(Schema):
    id: int
    state: str
    severity: str
    source: str
    node: str
    resource: str
    key: str
    summary: str
    details: dict[str, Any]
    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    ci: str | None = Field(description="number of the matched CMDB CI, if the reader may see it")
    incident: str | None = Field(
        description="number of the incident the alert opened, if the reader may see it"
    )
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str = Field(description="clear (by its source) or agent; empty while live")

    @staticmethod
    def resolve_ci(obj) -> str | None:
        return obj.configuration_item.number if obj.configuration_item else None

    @staticmethod
    def resolve_incident(obj) -> str | None:
        return obj.incident.number if obj.incident else None

    @staticmethod
    def resolve_acknowledged_by(obj) -> str | None:
        return obj.acknowledged_by.username if obj.acknowledged_by_id else None


class EventOut(Schema):
    outcome: str = Field(description="created, updated, closed or ignored (a clear of nothing)")
    alert: AlertOut | None = Field(description="the alert, if the sender may see it")
